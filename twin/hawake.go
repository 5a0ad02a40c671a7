package twin

import (
	"fmt"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology/ha"
)

// HA asking DPM for hosts. When HA's restarts find no host with room and hosts of
// the cluster are in DPM standby, vSphere HA asks DRS to bring hosts out of standby
// (vSphere 6.5 Availability, "Using vSphere HA and DRS Together"); the VMs restart
// once a woken host has booted and left standby, placed by HA's own placement
// (topology/ha/capacity.go). DPM chooses the hosts: the VMs waiting, in restart
// order, go first fit onto the hosts already leaving standby, then onto standby
// hosts in the cluster's order (dctwin's choice of order: vSphere's choice among
// standby hosts is not documented), each taking what its memory and vCPUs (4 per
// core, as HA places) hold; every standby host that receives a VM is woken, for the
// boot time of its model. A VM larger than any standby host wakes none. A standby
// host that failed does not boot: its wake fails (reported, as DPM's own) and the
// next one is taken. Whether DPM is enabled does not matter: only DPM puts hosts in
// standby, and it is the cluster's DPM that powers them on for HA.

// WakeFor implements ha.Waker: DPM wakes standby hosts of the cluster for the VMs
// HA could not place.
func (hc *haCluster) WakeFor(vms []ha.VM) { hc.tw.wakeForHA(hc.name, vms) }

// wakeForHA powers on the standby hosts of a cluster that the VMs need.
func (tw *Twin) wakeForHA(cluster string, vms []ha.VM) {
	c := tw.Topology.Cluster(cluster)
	if c == nil || tw.res == nil || tw.motion == nil {
		return
	}
	overcommit := ha.DefaultConfig().CPUOvercommit
	type bin struct {
		host string
		ram  float64
		vcpu int
		wake bool
	}
	var bins, standby []*bin
	for _, name := range c.Hosts {
		m, h := tw.motion.maint[name], tw.Topology.Host(name)
		if m == nil || !m.standby || h == nil {
			continue
		}
		b := &bin{host: name, ram: h.RAMGB, vcpu: h.CPU * overcommit}
		switch {
		case m.state == MaintenanceWaking:
			bins = append(bins, b)
		case m.state == MaintenanceStandby && !tw.res.noticed[name]:
			standby = append(standby, b)
		}
	}
	fits := func(b *bin, v ha.VM) bool { return b.ram >= v.RAMGB && b.vcpu >= v.VCPU }
	var names []string
	for _, v := range vms {
		i := slices.IndexFunc(bins, func(b *bin) bool { return fits(b, v) })
		if i < 0 {
			j := slices.IndexFunc(standby, func(b *bin) bool { return fits(b, v) })
			if j < 0 {
				continue // no standby host holds it
			}
			b := standby[j]
			standby = slices.Delete(standby, j, j+1)
			b.wake = true
			bins = append(bins, b)
			i = len(bins) - 1
		}
		bins[i].ram -= v.RAMGB
		bins[i].vcpu -= v.VCPU
		names = append(names, v.Name)
	}
	if len(names) == 0 {
		return
	}
	reason := fmt.Sprintf("HA: %s found no host with room", strings.Join(names, ", "))
	again := false
	for _, b := range bins {
		if !b.wake {
			continue
		}
		if tw.res.failed[b.host] {
			// It failed in standby and does not boot: DPM sees the power-on fail
			// (and leaves the host out from now on), and takes another.
			tw.wakeFailed(b.host, reason)
			again = true
			continue
		}
		tw.wake(b.host, reason)
		tw.res.forHA[b.host] = tw.res.pending[b.host]
	}
	if again {
		tw.wakeForHA(cluster, vms)
	}
}

// wokenFor notes on a VM's open outage that HA restarts it on a host DPM woke for
// HA's request: the host's boot is part of the VM's downtime.
func (tw *Twin) wokenFor(v *vmRun, host string) {
	a := tw.res.forHA[host]
	if a == nil || v.out == nil || a.Done == sim.Never || v.out.Down > a.At {
		return
	}
	v.out.WokenBoot = a.Done - a.At
}
