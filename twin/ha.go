package twin

import (
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/check"
	"dctwin/topology/ha"
	"dctwin/topology/network"
)

// vSphere HA in the twin. Every cluster with HA enabled runs the FDM agents of
// topology/ha over the twin itself: heartbeats between two hosts get through while a
// passive flow between their management interfaces delivers, a host pings its
// isolation address while a passive flow to its management VLAN's gateway delivers,
// and a host writes its heartbeat datastore while it runs and a storage path of it
// carries I/O (storage.go). When the agents
// restart a VM, the twin starts it on the chosen host with the VM's boot time
// (StartVM); its vNICs then attach there and are announced to the switches.
//
// VMs outside HA clusters, and those HA does not restart (restart priority disabled, or
// a local disk: their files are on the dead host), start again with their host when it
// has booted (restartWithHost; vSphere's VM start-up with the host).
// FT VMs are HA's too, but their secondaries (ft.go) bring them back from a host
// failure first: a secondary that goes live tells the agents (Resumed), and HA restarts
// only an FT VM that no secondary took over (both copies lost with their hosts, or its
// datastore failed), as vSphere HA does. The memory and vCPUs of the secondaries are
// reserved on their hosts (ftPair.setSecondary keeps the reservation where the
// secondary is).

// haCluster is one HA-enabled cluster at run time.
type haCluster struct {
	tw      *Twin
	name    string
	agents  *ha.Cluster
	mgmt    map[string]string // host → its management VLAN
	beats   map[[2]string]*network.Flow
	pings   map[string]*network.Flow
	pending bool // a Changed is due at this instant
}

// startHA wires the agents of every HA-enabled cluster into the run.
func (tw *Twin) startHA() error {
	tw.haOf = map[string]*haCluster{}
	tw.watchIsolations()
	for _, c := range tw.Topology.Clusters {
		if !c.HA.Enabled {
			continue
		}
		hc := &haCluster{tw: tw, name: c.Name, mgmt: map[string]string{}, beats: map[[2]string]*network.Flow{},
			pings: map[string]*network.Flow{}}
		// What HA does not place takes its share of the hosts: FT primaries and
		// secondaries, and the VMs HA does not restart, where they are at the start.
		reserved := map[string]ha.Host{}
		reserve := func(v *topology.VM, h string) {
			r := reserved[h]
			r.ReservedRAMGB += v.RAMGB
			r.ReservedVCPU += v.CPU
			reserved[h] = r
		}
		for _, v := range tw.Topology.VMs {
			if tw.vms[v.Name] == nil {
				continue
			}
			if p := tw.ftOf[v.Name]; p != nil {
				reserve(v, p.secondary)
			}
			if restartPriority(v) == ha.Disabled {
				reserve(v, v.Host)
			}
		}
		var hosts []ha.Host
		for _, name := range c.Hosts {
			h := tw.Topology.Host(name)
			if h == nil || !h.IsHypervisor() || slices.ContainsFunc(hosts, func(x ha.Host) bool { return x.Name == name }) {
				continue // check reports it
			}
			hosts = append(hosts, ha.Host{Name: name, Cores: h.CPU, RAMGB: h.RAMGB,
				ReservedRAMGB: reserved[name].ReservedRAMGB, ReservedVCPU: reserved[name].ReservedVCPU})
			hc.mgmt[name] = managementVLAN(h, c)
		}
		var vms []ha.VM
		for _, v := range tw.Topology.VMs {
			if _, ok := hc.mgmt[v.Host]; !ok || tw.vms[v.Name] == nil || tw.haOf[v.Name] != nil {
				continue
			}
			if restartPriority(v) == ha.Disabled {
				continue // not HA's to restart: it starts with its host (restartWithHost)
			}
			vms = append(vms, ha.VM{Name: v.Name, Host: v.Host, VCPU: v.CPU, RAMGB: v.RAMGB,
				Priority: restartPriority(v), BootTime: sim.Time(v.BootTime), FT: tw.ftOf[v.Name] != nil,
				Apart: tw.vmClusterOf(v.Name)})
			tw.haOf[v.Name] = hc
		}
		cfg := ha.Config{Legacy: c.HA.Legacy, Heartbeat: sim.Time(c.HA.Heartbeat), FailureDetection: sim.Time(c.HA.FailureDetection),
			DatastoreHeartbeats: c.HA.DatastoreHeartbeats, IsolationResponse: ha.Response(c.HA.IsolationResponse),
			VMMonitoring: c.HA.VMMonitoring, Admission: check.AdmissionOf(c.HA)}
		agents, err := ha.New(tw.Sim, c.Name, cfg, hosts, vms, hc)
		if err != nil {
			return fmt.Errorf("%s: cluster %s: %w", c.Pos, c.Name, err)
		}
		hc.agents = agents
		tw.has = append(tw.has, hc)
		hc.changed() // the first look creates the heartbeat flows
	}
	return nil
}

// managementVLAN is the VLAN of a host's management network: its first VMkernel port
// group that is not the cluster's vMotion or FT logging network, or else the host's
// primary VLAN.
func managementVLAN(h *topology.Host, c *topology.Cluster) string {
	for _, pg := range h.PortGroups {
		if pg.VMKernel && pg.VLAN != c.VMotionVLAN && pg.VLAN != c.FT.LoggingVLAN {
			return pg.VLAN
		}
	}
	if vs := hostVLANs(h); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// restartPriority is a VM's HA restart priority; a VM on a host's local disk cannot be
// restarted elsewhere (its files are on the dead host), as priority disabled.
func restartPriority(v *topology.VM) ha.Priority {
	if v.Disk == topology.LocalDisk {
		return ha.Disabled
	}
	switch v.RestartPriority {
	case "high":
		return ha.High
	case "low":
		return ha.Low
	case "disabled":
		return ha.Disabled
	}
	return ha.Medium
}

// haChanged tells every HA cluster that what its agents observe may have changed.
func (tw *Twin) haChanged() {
	for _, hc := range tw.has {
		hc.changed()
	}
}

// changed lets the agents re-read the twin once the current instant's changes are
// done (a failure changes hosts, flows and VMs in one go).
func (hc *haCluster) changed() {
	if hc.pending {
		return
	}
	hc.pending = true
	hc.tw.Sim.After(0, func() {
		hc.pending = false
		hc.agents.Changed()
	})
}

// Up implements ha.Environment: the host has power and has booted.
func (hc *haCluster) Up(host string) bool { return !hc.tw.hostDown[host] }

// Heard implements ha.Environment: a passive flow between the two hosts' management
// interfaces delivers (heartbeats are UDP both ways; one flow per pair serves both).
func (hc *haCluster) Heard(a, b string) bool {
	if !hc.Up(a) || !hc.Up(b) || hc.tw.mgmtCut[a] || hc.tw.mgmtCut[b] {
		return false
	}
	key := [2]string{min(a, b), max(a, b)}
	f, ok := hc.beats[key]
	if !ok {
		vlan := hc.tw.vlans.id(hc.mgmt[key[0]])
		var err error
		f, err = hc.tw.Net.AddFlow(network.FlowConfig{Name: "ha:" + key[0] + "<>" + key[1], From: key[0], To: key[1],
			FromVLAN: vlan, ToVLAN: hc.tw.vlans.id(hc.mgmt[key[1]]), PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
		if err != nil {
			f = nil // a host --force left out of the build hears nobody
		} else {
			f.OnChange(func(bool) { hc.changed() })
		}
		hc.beats[key] = f
	}
	return f != nil && f.Delivering()
}

// PingsIsolationAddress implements ha.Environment: the host reaches its management
// VLAN's gateway (vSphere's default isolation address).
func (hc *haCluster) PingsIsolationAddress(host string) bool {
	if !hc.Up(host) || hc.tw.mgmtCut[host] {
		return false
	}
	f, ok := hc.pings[host]
	if !ok {
		vlan := hc.mgmt[host]
		gw := hc.tw.vlans.gatewayOf[vlan]
		if gw != "" {
			var err error
			f, err = hc.tw.Net.AddFlow(network.FlowConfig{Name: "ha-isolation:" + host, From: host, To: gw,
				FromVLAN: hc.tw.vlans.id(vlan), PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
			if err != nil {
				f = nil
			} else {
				f.OnChange(func(bool) { hc.changed() })
			}
		}
		hc.pings[host] = f
	}
	return f != nil && f.Delivering()
}

// WritesDatastore implements ha.Environment: the host runs and one of its storage
// paths carries I/O (storage.go).
func (hc *haCluster) WritesDatastore(host string) bool {
	return hc.Up(host) && hc.tw.storage.writesHeartbeat(host)
}

// VMBooting implements ha.Booter: HA powers the VM on on host, and it boots there.
func (hc *haCluster) VMBooting(vm, host string, boot sim.Time) {
	tw := hc.tw
	v := tw.vms[vm]
	if v == nil {
		return
	}
	// Only VM monitoring resets a stopped guest (hung, or crashed and halted: v.guest);
	// a restart on the VM's own host (its datastore came back, the host has the room)
	// is a restart all the same.
	if v.guest != "" && v.Host == host {
		// A reset: the VM powers off and on again where it is, and boots.
		tw.boot(v, host, boot, "HA VM monitoring reset")
		return
	}
	if v.State != VMStopped && v.State != VMFailed {
		_ = tw.StopVM(vm, false, "stopped for an HA restart")
	}
	if err := tw.startVM(vm, host, boot, "HA restart"); err != nil {
		tw.setVM(v, host, VMFailed, err.Error(), 0)
		return
	}
	tw.wokenFor(v, host)
}

// VMRunning implements ha.Environment: the agents say a VM runs (its boot is over) or
// stopped (the isolation response; a failed host's VMs have failed with it already,
// and a stopped guest stopped by its failure).
func (hc *haCluster) VMRunning(vm, host string, running bool) {
	tw := hc.tw
	v := tw.vms[vm]
	if v == nil {
		return
	}
	switch {
	case running && v.State == VMBooting && v.Host == host:
		tw.run(v, host, "booted")
	case running && v.State != VMRunning:
		tw.run(v, host, "HA")
	case !running && v.poweredOn() && v.State != VMStunned:
		_ = tw.StopVM(vm, false, "powered off by HA: isolation response")
		if p := tw.ftOf[vm]; p != nil {
			p.primaryPoweredOff()
		}
	}
}

// SecondaryTakesOver implements ha.FaultTolerance: an FT VM's secondary takes over
// from a primary the isolation response powers off when it is in lockstep with it
// (placed, its memory copied, the logging network between them working).
func (hc *haCluster) SecondaryTakesOver(vm string) bool {
	p := hc.tw.ftOf[vm]
	return p != nil && p.lockstep()
}

// AdmissionRefused is the trace record of admission control refusing a power-on.
type AdmissionRefused struct {
	VM, Host, Cluster string
	Policy            ha.AdmissionPolicy
	Reason            string
}

// Subject names the VM.
func (r AdmissionRefused) Subject() string { return r.VM }

// String implements sim.Record.
func (r AdmissionRefused) String() string {
	return fmt.Sprintf("power-on on %s refused by admission control (%s) of cluster %s: %s", r.Host, r.Policy, r.Cluster, r.Reason)
}

// admit is the admission control of the HA cluster a host belongs to: why it refuses
// to power vm on on host, or "" if it may go (or the host is in no HA cluster). It
// sees the cluster's hosts that run and the VMs running, booting or stunned on them,
// with the FT secondaries (topology/ha/admission.go).
func (tw *Twin) admit(vm, host string) string {
	c := tw.Topology.ClusterOf(host)
	v := tw.Topology.VM(vm)
	if c == nil || !c.HA.Enabled || v == nil {
		return ""
	}
	a := check.AdmissionOf(c.HA)
	if a.Policy == ha.NoAdmission {
		return ""
	}
	why := a.Admit(tw.admissionLoads(c), check.AdmissionVM(v, tw.ftOf[vm] != nil), host, ha.DefaultConfig().CPUOvercommit)
	if why != "" {
		tw.Sim.Report(AdmissionRefused{VM: vm, Host: host, Cluster: c.Name, Policy: a.Policy, Reason: why})
		tw.notStarted(vm, fmt.Sprintf("power-on on %s refused by admission control (%s): %s", host, a.Policy, why))
	}
	return why
}

// admissionLoads is a cluster as admission control sees it now: its hosts, up if
// they run, with the VMs running, booting or stunned on them and the FT secondaries.
func (tw *Twin) admissionLoads(c *topology.Cluster) []ha.Load {
	var loads []ha.Load
	at := map[string]int{}
	for _, name := range c.Hosts {
		h := tw.Topology.Host(name)
		if h == nil || !h.IsHypervisor() {
			continue
		}
		at[name] = len(loads)
		loads = append(loads, ha.Load{Host: check.AdmissionHost(h), Up: !tw.hostDown[name]})
	}
	for _, name := range tw.vmOrder {
		r, tv := tw.vms[name], tw.Topology.VM(name)
		size := check.AdmissionVM(tv, tw.ftOf[name] != nil)
		if i, ok := at[r.Host]; ok && r.poweredOn() {
			loads[i].VMs = append(loads[i].VMs, size)
		}
		if p := tw.ftOf[name]; p != nil {
			if i, ok := at[p.secondary]; ok {
				loads[i].VMs = append(loads[i].VMs, size)
			}
		}
	}
	return loads
}

// notStarted notes on a VM's open outage why an attempt to bring it back failed.
func (tw *Twin) notStarted(vm, why string) {
	if v := tw.vms[vm]; v != nil && v.out != nil {
		v.out.NotStarted = why
	}
}
