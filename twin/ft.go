package twin

import (
	"fmt"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// Fault tolerance in the twin. A VM marked ft in a cluster with FT enabled has a
// secondary on another host of the cluster, in lockstep with it (reference-facts
// §6.2: it executes the same instruction stream, so it holds the same state). The
// secondary hears the primary's heartbeats over the FT logging network (the hosts'
// management network, as the scenario has no FT logging VLAN key yet): a passive flow
// between the two hosts. When they stop, the secondary decides after Missed heartbeat
// intervals: if the primary's host is down it goes live on its own host (the VM runs
// there at once, its vNICs announced by RARP: the VM's outage is the detection alone);
// if the primary still runs, the lock on shared storage keeps the primary live and
// the pair is unprotected until the logging network is back (§6.2, split-brain
// avoidance). A guest that fails (a failure of kind vm) takes its lockstep secondary
// with it: FT protects against the loss of a host, not of a guest. After a takeover vSphere starts a new secondary on another host; dctwin
// places it at once (the time it takes to copy the VM is not modelled). FT VMs are
// not given to HA: FT, not a restart, brings them back.

// FTTakeover is the trace record of an FT secondary going live on its host.
type FTTakeover struct {
	VM, From, To string
	// After is the time since the primary's last heartbeat.
	After sim.Time
}

// Subject names the VM.
func (r FTTakeover) Subject() string { return r.VM }

// String implements sim.Record.
func (r FTTakeover) String() string {
	return fmt.Sprintf("FT secondary on %s goes live, %v after the primary's last heartbeat on %s", r.To, r.After, r.From)
}

// DetectionMechanism names FT as what noticed the failure (failures.Detection).
func (r FTTakeover) DetectionMechanism() string { return "FT" }

// DetectedDown is true: a takeover follows a failure noticed.
func (r FTTakeover) DetectedDown() bool { return true }

// FTProtection is the trace record of an FT pair losing or regaining its secondary.
type FTProtection struct {
	VM, Secondary string
	Protected     bool
	Reason        string
}

// Subject names the VM.
func (r FTProtection) Subject() string { return r.VM }

// String implements sim.Record.
func (r FTProtection) String() string {
	if r.Protected {
		return fmt.Sprintf("FT protected again: secondary on %s (%s)", r.Secondary, r.Reason)
	}
	return fmt.Sprintf("FT not protected: %s", r.Reason)
}

// ftPair is one FT-protected VM at run time.
type ftPair struct {
	tw        *Twin
	vm        string
	cluster   *topology.Cluster
	secondary string // its host; "" while unprotected
	logging   *network.Flow
	decide    *sim.Timer
	last      sim.Time // the primary's last heartbeat the secondary heard
	watched   map[*network.Flow]bool
	interval  sim.Time
	missed    int
}

// startFT gives every FT VM of an FT-enabled cluster its secondary.
func (tw *Twin) startFT() {
	tw.ftOf = map[string]*ftPair{}
	for _, v := range tw.Topology.VMs {
		c := tw.Topology.ClusterOf(v.Host)
		if !v.FT || c == nil || !c.FT.Enabled || tw.vms[v.Name] == nil || v.Disk == topology.LocalDisk {
			continue
		}
		p := &ftPair{tw: tw, vm: v.Name, cluster: c, interval: sim.Time(c.FT.Heartbeat), missed: c.FT.Missed,
			watched: map[*network.Flow]bool{}}
		if p.interval <= 0 {
			p.interval = sim.Time(topology.DefaultFTHeartbeat)
		}
		if p.missed <= 0 {
			p.missed = topology.DefaultFTMissed
		}
		p.decide = tw.Sim.NewTimer(p.decision)
		tw.ftOf[v.Name] = p
		p.protect(v.FTSecondary, "placed at the start")
	}
}

// protect places the secondary: on want if it can run there, else on the first other
// host of the cluster that runs.
func (p *ftPair) protect(want, reason string) {
	tw := p.tw
	primary := tw.vms[p.vm].Host
	ok := func(h string) bool {
		return h != "" && h != primary && !tw.hostDown[h] && tw.hostUsable(h) == ""
	}
	host := ""
	if ok(want) {
		host = want
	}
	for _, h := range p.cluster.Hosts {
		if host == "" && ok(h) {
			host = h
		}
	}
	if host == "" {
		p.secondary = ""
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: "no other host of cluster " + p.cluster.Name + " can take the secondary"})
		return
	}
	p.secondary = host
	p.logging = tw.loggingFlow(primary, host)
	if p.logging != nil && !p.watched[p.logging] {
		p.watched[p.logging] = true // once per flow: a pair re-protected often adds no callbacks
		p.logging.OnChange(func(bool) { p.watch() })
	}
	if reason != "placed at the start" {
		tw.Sim.Report(FTProtection{VM: p.vm, Secondary: host, Protected: true, Reason: reason})
	}
}

// loggingFlow is the passive flow between two hosts' management interfaces that the
// FT heartbeats cross, shared by the pairs of those hosts.
func (tw *Twin) loggingFlow(a, b string) *network.Flow {
	key := [2]string{min(a, b), max(a, b)}
	if f, ok := tw.ftLogging[key]; ok {
		return f
	}
	vlan := func(h string) int {
		host := tw.Topology.Host(h)
		if c := tw.Topology.ClusterOf(h); host != nil && c != nil {
			return tw.vlans.id(managementVLAN(host, c))
		}
		return 0
	}
	f, err := tw.Net.AddFlow(network.FlowConfig{Name: "ft:" + key[0] + "<>" + key[1], From: key[0], To: key[1],
		FromVLAN: vlan(key[0]), ToVLAN: vlan(key[1]), PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
	if err != nil {
		f = nil
	}
	tw.ftLogging[key] = f
	return f
}

// ftChanged re-examines every FT pair (a host failed or came back).
func (tw *Twin) ftChanged() {
	for _, name := range tw.vmOrder {
		if p := tw.ftOf[name]; p != nil {
			p.watch()
		}
	}
}

// heard reports whether the secondary hears the primary now.
func (p *ftPair) heard() bool {
	v := p.tw.vms[p.vm]
	return v.State == VMRunning && !p.tw.hostDown[v.Host] && !p.tw.hostDown[p.secondary] &&
		!p.loggingCut(v.Host) && p.logging != nil && p.logging.Delivering()
}

// watch arms the secondary's decision when the heartbeats stop: Missed intervals after
// the last heartbeat (heartbeats at whole multiples of the interval).
func (p *ftPair) watch() {
	if p.secondary == "" {
		if p.tw.vmRunning(p.vm) {
			p.protect("", "a host is available again")
		}
		return
	}
	if p.tw.hostDown[p.secondary] {
		p.decide.Stop()
		lost := p.secondary
		p.secondary = ""
		p.tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the secondary's host " + lost + " failed"})
		p.protect("", "new secondary after "+lost+" failed")
		return
	}
	if p.heard() {
		p.decide.Stop()
		return
	}
	if p.decide.Armed() || p.tw.hostDown[p.secondary] {
		return
	}
	now := p.tw.Sim.Now()
	p.last = now - now%p.interval
	p.decide.ResetAt(max(now, p.last+sim.Time(p.missed)*p.interval))
}

// decision is the secondary's verdict when the heartbeats stayed away.
func (p *ftPair) decision() {
	tw := p.tw
	v := tw.vms[p.vm]
	if p.heard() || tw.hostDown[p.secondary] {
		return
	}
	from := v.Host
	switch {
	case v.State == VMRunning:
		// The primary runs: it holds the lock on shared storage and stays live.
		p.secondary = ""
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the FT logging network is cut; the primary keeps the storage lock"})
		return
	case !tw.hostDown[from]:
		// The guest failed, not its host: the secondary, in lockstep, failed with it.
		return
	}
	to := p.secondary
	tw.Sim.Report(FTTakeover{VM: p.vm, From: from, To: to, After: tw.Sim.Now() - p.last})
	if v.State != VMStopped && v.State != VMFailed {
		_ = tw.StopVM(p.vm, true, "FT primary lost")
	}
	p.secondary = ""
	tw.run(v, to, "FT takeover")
	p.protect("", "new secondary after the takeover")
}

// loggingCut reports whether the FT logging runs over the management network (the
// cluster has no FT logging VLAN) and one end's management interface is down (a
// failure of kind host-isolation).
func (p *ftPair) loggingCut(primary string) bool {
	return p.cluster.FT.LoggingVLAN == "" && (p.tw.mgmtCut[primary] || p.tw.mgmtCut[p.secondary])
}
