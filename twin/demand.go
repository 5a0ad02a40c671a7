package twin

import (
	"time"

	"dctwin/sim"
)

// VM demand at run time. When any VM of the scenario declares a demand (topology.Demand),
// a hypervisor's CPU utilisation is the sum of the CPU demand of the VMs placed on it
// (running, booting, stunned or stalled: a VM holds its host's CPU until it leaves)
// over its cores, capped at 1; this replaces the host's fixed power.utilization, which
// then applies only to hosts that run no VMs (legacy and rack servers). VMs without a
// demand add nothing. The demand changes when a VM starts, stops or moves, and on the
// hour when a profile steps, so the power meters follow it exactly. Memory in use
// (topology.VM.RAMInUse, with its own ram_profile) draws no power in this model (the
// linear power curve is in CPU utilisation, reference-facts §8): it counts only in
// DRS's and DPM's picture (dpm.go).

// demandDriven reports whether the hypervisors' utilisation comes from VM demand.
func (tw *Twin) demandDriven() bool {
	for _, v := range tw.Topology.VMs {
		if v.Demand.Set() {
			return true
		}
	}
	return false
}

// hostUtilisation is a hypervisor's CPU utilisation from its VMs' demand now.
func (tw *Twin) hostUtilisation(host string) float64 {
	h := tw.Topology.Host(host)
	if h == nil || h.CPU <= 0 {
		return 0
	}
	var cores float64
	for _, v := range tw.vmsOn(host) {
		if v.guest != "" {
			continue // a hung or halted guest does no work of its own (dctwin's simplification)
		}
		cores += tw.Topology.VM(v.VM).CPUDemand(time.Duration(tw.Sim.Now()))
	}
	return min(1, cores/float64(h.CPU))
}

// followDemand makes the hypervisors' power meters follow their VMs' demand: at the
// start, whenever a VM changes state or host, and at every hour of the run.
func (tw *Twin) followDemand() {
	if !tw.demandDriven() || tw.energy == nil {
		return
	}
	update := func() {
		for _, name := range tw.energy.order {
			if h := tw.Topology.Host(name); h.IsHypervisor() {
				tw.energy.setUtil(name, tw.hostUtilisation(name))
			}
		}
	}
	update()
	tw.OnVMChange(func(VMStatus) { update() })
	var hourly func()
	hourly = func() {
		update()
		tw.Sim.After(sim.Time(time.Hour), hourly)
	}
	tw.Sim.After(sim.Time(time.Hour), hourly)
}
