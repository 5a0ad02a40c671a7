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
// primary streams its execution to the secondary over the FT logging network (the
// cluster's ft.logging_vlan, or the hosts' management network where it has none): a
// flow from the primary's host to the secondary's at the cluster's logging rate
// (ft.logging_rate, topology.DefaultFTLoggingRate), which loads the links it crosses
// like any traffic. The secondary hears the primary's heartbeats over the same
// network: a passive flow between the two hosts. When they stop, the secondary decides after Missed heartbeat
// intervals: if the primary's host is down it goes live on its own host (the VM runs
// there at once, its vNICs announced by RARP: the VM's outage is the detection alone);
// if the primary still runs, the lock on shared storage keeps the primary live and
// the pair is unprotected until the logging network is back (§6.2, split-brain
// avoidance). An isolated host's isolation response that powers the primary off
// (isolation.go) is the loss of the primary too: a secondary in lockstep goes live as
// for a failed host, and HA restarts the VM only when none is (ha.FaultTolerance);
// with leave-powered-on the primary runs on, and if the isolation cut the logging
// (logging over the management network) the storage lock keeps it live and the pair
// unprotected. A guest that fails (a failure of kind vm or vm-hang) takes its lockstep
// secondary with it: FT protects against the loss of a host, not of a guest; a guest
// that reboots itself after a crash reboots its secondary with it, and the pair stays
// in lockstep. After a takeover,
// or when the secondary's host fails, vSphere starts a new secondary on another host:
// it copies the VM's whole memory over the FT logging network before the pair is in
// lockstep again, by pre-copy as a vMotion does, as a flow that shares the network
// (ftcopy.go), and the VM is unprotected until the copy ends. FT VMs are HA's as well (ha.go): when no secondary
// can take over (both hosts failed at once, or the VM's datastore failed under both
// copies), HA restarts the VM, and a new secondary follows once it runs. A new
// secondary is only placed for a primary that runs.

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
	phase     sim.Time // when in each interval the primary sends its heartbeat
	missed    int
	// stream is the logging traffic to the secondary; copying is set while a new
	// secondary is to receive the VM's memory, copy while that copy runs (it may wait
	// for the logging network first).
	stream     *network.Flow
	copying    bool
	copy       *migration
	target     string // the secondary being copied to
	copyReason string
	// deciding is set while the secondary's decision runs (it places the next
	// secondary itself).
	deciding bool
	// poweredOff is set when HA's isolation response powered the primary off: to
	// FT a VM failure the secondary takes over from (unlike a guest crash, which the
	// secondary in lockstep shares).
	poweredOff bool
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
		p.phase = heartbeatPhase(tw.Sim.Rand("ft/"+v.Name), p.interval)
		p.decide = tw.Sim.NewTimer(p.decision)
		tw.ftOf[v.Name] = p
		p.protect(v.FTSecondary, "placed at the start")
	}
	if len(tw.ftOf) > 0 {
		tw.OnVMChange(func(s VMStatus) {
			if p := tw.ftOf[s.VM]; p != nil {
				p.vmChanged(s)
			}
		})
	}
}

// vmChanged follows the primary: a VM powered on again (an HA restart) lost its
// secondary with its last run, and gets a new one once it runs.
func (p *ftPair) vmChanged(s VMStatus) {
	if p.deciding {
		return
	}
	if s.State == VMBooting || s.State == VMRunning {
		p.poweredOff = false
	}
	switch s.State {
	case VMBooting:
		if p.tw.vms[p.vm].starting == guestReboot {
			return // the guest reboots itself after a crash: the secondary, in lockstep, with it
		}
		if p.secondary != "" || p.copying {
			p.cancelCopy("the VM powers on again")
			p.copying = false
			p.decide.Stop()
			p.stopStream()
			p.setSecondary("")
			p.tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the VM powers on again on " + s.Host + ": its old secondary is gone"})
		}
	case VMRunning:
		if p.secondary == "" && !p.copying {
			p.protect("", "new secondary after the VM ran again on "+s.Host)
		}
	}
}

// setSecondary moves the secondary to host ("": none), and its reservation on HA's
// hosts with it.
func (p *ftPair) setSecondary(host string) {
	if p.secondary == host {
		return
	}
	tv := p.tw.Topology.VM(p.vm)
	for _, hc := range p.tw.has {
		hc.agents.MoveReservation(p.secondary, host, tv.RAMGB, tv.CPU)
	}
	p.secondary = host
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
	p.stopStream()
	p.cancelCopy("the secondary goes elsewhere")
	if host == "" {
		p.setSecondary("")
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: "no other host of cluster " + p.cluster.Name + " can take the secondary"})
		return
	}
	logging := tw.loggingFlow(primary, host)
	if logging != nil && !p.watched[logging] {
		p.watched[logging] = true // once per flow: a pair re-protected often adds no callbacks
		logging.OnChange(func(bool) { p.watch() })
	}
	if reason == "placed at the start" {
		p.secondary, p.logging = host, logging // HA reserves it at its start (ha.go)
		p.startStream()
		return
	}
	// A new secondary: the VM's memory goes over the logging network first, as soon
	// as that reaches the new host (a new logging flow is evaluated later in this
	// instant; watch starts the copy then).
	p.setSecondary("")
	p.logging, p.copying, p.target, p.copyReason = logging, true, host, reason
	if logging == nil {
		p.copying = false
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: "no FT logging interface to " + host + " for a new secondary"})
		return
	}
	if logging.Delivering() && !p.loggingCutTo(primary, host) {
		p.beginCopy()
	}
}

// beginCopy starts copying the VM's memory to the new secondary p.target over the
// logging path, which delivers (ftcopy.go).
func (p *ftPair) beginCopy() {
	tw := p.tw
	host := p.target
	v := tw.Topology.VM(p.vm)
	m, err := tw.startFTCopy(p, host)
	if err != nil {
		p.copying = false
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: fmt.Sprintf("%s: cannot copy the memory to a new secondary on %s: %v", p.copyReason, host, err)})
		return
	}
	p.copy = m
	tw.Sim.Report(FTProtection{VM: p.vm, Secondary: host, Reason: fmt.Sprintf("%s: copying %g GB of memory to a new secondary on %s over the FT logging network",
		p.copyReason, v.RAMGB, host)})
}

// cancelCopy stops a memory copy under way (its end is not the pair's any more).
func (p *ftPair) cancelCopy(why string) {
	if m := p.copy; m != nil {
		p.copy = nil
		m.abort(why)
	}
}

// copyEnded is told when the memory copy to the new secondary ends: done, the pair
// is in lockstep; broken off, it starts over when it can.
func (p *ftPair) copyEnded(r *Migration) {
	if p.copy == nil || p.copy.rec != r || !p.copying {
		return // cancelled
	}
	p.copy = nil
	if r.Aborted != "" {
		p.copying = false
		p.tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the memory copy to " + r.To + " broke off: " + r.Aborted})
		p.watch()
		return
	}
	p.inLockstep(r)
}

// inLockstep ends a new secondary's memory copy: the pair is protected again.
func (p *ftPair) inLockstep(r *Migration) {
	tw := p.tw
	p.copying = false
	host := p.target
	if tw.hostDown[host] || !tw.vmRunning(p.vm) {
		p.watch() // the target or the primary went meanwhile: start over
		return
	}
	p.setSecondary(host)
	p.startStream()
	rounds := fmt.Sprintf("%d rounds", r.Rounds)
	if r.Rounds == 1 {
		rounds = "1 round"
	}
	tw.Sim.Report(FTProtection{VM: p.vm, Secondary: host, Protected: true, Reason: fmt.Sprintf(
		"the memory copy is done: %s and the last pages in %.3f s, %.0f MB at %.0f Mbit/s at the end",
		rounds, (r.End - r.Start).Seconds(), r.SentBytes/1e6, r.Bandwidth/1e6)})
	p.watch()
}

// startStream starts the logging traffic from the primary's host to the secondary's.
func (p *ftPair) startStream() {
	tw := p.tw
	p.stopStream()
	rate := p.cluster.FT.LoggingRate
	if rate <= 0 {
		rate = topology.DefaultFTLoggingRate
	}
	primary := tw.vms[p.vm].Host
	f, err := tw.Net.AddFlow(network.FlowConfig{Name: "ft-logging:" + p.vm, From: primary, To: p.secondary,
		FromVLAN: tw.ftLoggingVLAN(primary), ToVLAN: tw.ftLoggingVLAN(p.secondary), RateBps: float64(rate), Quiet: true})
	if err == nil {
		p.stream = f
	}
}

// stopStream ends the logging traffic (the secondary is gone or went live).
func (p *ftPair) stopStream() {
	if p.stream != nil {
		p.tw.Net.RemoveFlow(p.stream.Name())
		p.stream = nil
	}
}

// ftLoggingVLAN is the VLAN id of a host's FT logging interface: its cluster's FT
// logging VLAN, or its management network's where the cluster has none.
func (tw *Twin) ftLoggingVLAN(h string) int {
	host, c := tw.Topology.Host(h), tw.Topology.ClusterOf(h)
	switch {
	case host == nil || c == nil:
		return 0
	case c.FT.LoggingVLAN != "":
		return tw.vlans.id(c.FT.LoggingVLAN)
	}
	return tw.vlans.id(managementVLAN(host, c))
}

// loggingFlow is the passive flow between two hosts' FT logging interfaces that the
// FT heartbeats cross, shared by the pairs of those hosts.
func (tw *Twin) loggingFlow(a, b string) *network.Flow {
	key := [2]string{min(a, b), max(a, b)}
	if f, ok := tw.ftLogging[key]; ok {
		return f
	}
	f, err := tw.Net.AddFlow(network.FlowConfig{Name: "ft:" + key[0] + "<>" + key[1], From: key[0], To: key[1],
		FromVLAN: tw.ftLoggingVLAN(key[0]), ToVLAN: tw.ftLoggingVLAN(key[1]), PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
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

// lockstep reports whether the pair is in lockstep now, whatever the primary's state:
// a secondary placed and copied, its host up, the logging network between them
// working.
func (p *ftPair) lockstep() bool {
	tw := p.tw
	return p.secondary != "" && !p.copying && !tw.hostDown[p.secondary] && !tw.hostDown[tw.vms[p.vm].Host] &&
		!p.loggingCut(tw.vms[p.vm].Host) && p.logging != nil && p.logging.Delivering()
}

// primaryPoweredOff is told that HA's isolation response powered the primary off:
// its heartbeats stop, and the secondary decides as for a lost primary.
func (p *ftPair) primaryPoweredOff() {
	p.poweredOff = p.lockstep()
	p.watch()
}

// heard reports whether the secondary hears the primary now.
func (p *ftPair) heard() bool {
	v := p.tw.vms[p.vm]
	return v.State == VMRunning && !p.tw.hostDown[v.Host] && !p.tw.hostDown[p.secondary] &&
		!p.loggingCut(v.Host) && p.logging != nil && p.logging.Delivering()
}

// watch arms the secondary's decision when the heartbeats stop: Missed intervals after
// the last heartbeat (the primary sends at its phase in each interval, drawn from the
// run's random stream "ft/<vm>" as HA's hosts draw theirs, so that a failure is
// noticed anywhere in ((Missed−1)·interval, Missed·interval] after it).
func (p *ftPair) watch() {
	if p.copying {
		if !p.tw.hostDown[p.target] && p.tw.vmRunning(p.vm) {
			if p.copy == nil && p.logging.Delivering() && !p.loggingCutTo(p.tw.vms[p.vm].Host, p.target) {
				p.beginCopy()
			}
			return // the copy goes on, or waits for the logging network
		}
		p.cancelCopy("the target or the VM is gone")
		p.copying = false
		p.tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the memory copy to " + p.target + " broke off"})
	}
	if p.secondary == "" {
		if p.tw.vmRunning(p.vm) {
			p.protect("", "a host or the FT logging network is back") // after a host failed, or a copy broke off
		}
		return
	}
	if p.tw.hostDown[p.secondary] {
		p.decide.Stop()
		lost := p.secondary
		p.stopStream()
		p.setSecondary("")
		p.tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the secondary's host " + lost + " failed"})
		if p.tw.vmRunning(p.vm) {
			p.protect("", "new secondary after "+lost+" failed")
		} // else both copies are lost: HA restarts the VM, and vmChanged protects it then
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
	p.last = lastBeatAt(now, p.phase, p.interval)
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
		p.setSecondary("")
		p.stopStream()
		tw.Sim.Report(FTProtection{VM: p.vm, Reason: "the FT logging network is cut; the primary keeps the storage lock"})
		return
	case p.poweredOff && v.State == VMStopped:
		// HA's isolation response powered the primary off (its host is isolated, not
		// down): the secondary goes live as for a lost host.
	case !tw.hostDown[from]:
		// The guest failed, not its host: the secondary, in lockstep, failed with it.
		return
	}
	p.poweredOff = false
	to := p.secondary
	tw.Sim.Report(FTTakeover{VM: p.vm, From: from, To: to, After: tw.Sim.Now() - p.last})
	p.deciding = true
	defer func() { p.deciding = false }()
	if v.State != VMStopped && v.State != VMFailed {
		_ = tw.StopVM(p.vm, true, "FT primary lost")
	}
	p.stopStream()
	p.setSecondary("") // the secondary is the primary now: HA counts it as a VM that runs
	tw.run(v, to, "FT takeover")
	if hc := tw.haOf[p.vm]; hc != nil && v.Host == to && (v.State == VMRunning || v.State == VMStalled) {
		_ = hc.agents.Resumed(p.vm, to) // no restart for it when HA declares its old host dead
	}
	p.protect("", "new secondary after the takeover")
}

// loggingCut reports whether the FT logging runs over the management network (the
// cluster has no FT logging VLAN) and one end's management interface is down (a
// failure of kind host-isolation).
func (p *ftPair) loggingCut(primary string) bool { return p.loggingCutTo(primary, p.secondary) }

// loggingCutTo is loggingCut between the primary's host and another (a new
// secondary's): no memory copy starts over a management interface that is down.
func (p *ftPair) loggingCutTo(primary, other string) bool {
	return p.cluster.FT.LoggingVLAN == "" && (p.tw.mgmtCut[primary] || p.tw.mgmtCut[other])
}
