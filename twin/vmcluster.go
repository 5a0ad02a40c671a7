package twin

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// VM-level clusters: an application's own active/standby pair (the IP-PBX pair of
// the source material). The standby hears the active VM's heartbeats over the network
// (a passive flow between the two VMs, so a VM that does not run, or a network that
// separates them, silences them); Timeout after the last one it decides to take over,
// and Takeover later it serves (it has started the service and taken the service
// address). The pair races with HA, which may restart the failed VM meanwhile: a VM
// that comes back finds the other active and becomes the standby. The service is
// down from the active VM's loss until a member serves again. With the heartbeat
// network cut and both VMs running, the standby takes over all the same (split
// brain), as a pair without a quorum or a storage lock does; the other one, hearing
// nothing either, goes on considering itself active, so the two do not take over
// from each other again while the cut lasts (resolve says who keeps the service when
// it ends). Each VM sends its heartbeats at a phase of its own in the heartbeat
// period, drawn from the run's random stream "vm-cluster/<name>" (as HA's hosts
// draw theirs, topology/ha): a failure at a whole second is noticed anywhere in
// (Timeout − Heartbeat, Timeout] after it, and replications with other seeds spread.

// VMClusterFailover is the trace record of a standby VM deciding to take over.
type VMClusterFailover struct {
	Cluster, From, To string
	// After is the time since the active VM's last heartbeat; SplitBrain is set when
	// the active VM still runs (only the heartbeats were cut).
	After      sim.Time
	SplitBrain bool
}

// Subject names the VM cluster.
func (r VMClusterFailover) Subject() string { return r.Cluster }

// String implements sim.Record.
func (r VMClusterFailover) String() string {
	s := fmt.Sprintf("%s takes over from %s, %v after its last heartbeat", r.To, r.From, r.After)
	if r.SplitBrain {
		s += " (split brain: " + r.From + " still runs)"
	}
	return s
}

// DetectionMechanism names the VM cluster's heartbeat as what noticed the failure.
func (r VMClusterFailover) DetectionMechanism() string { return "vm-cluster" }

// DetectedDown is true: a takeover follows a failure noticed.
func (r VMClusterFailover) DetectedDown() bool { return true }

// VMClusterServing is the trace record of a VM cluster's service being served again.
type VMClusterServing struct {
	Cluster, VM string
	// Down is how long the service was not served.
	Down sim.Time
	How  string
}

// Subject names the VM cluster.
func (r VMClusterServing) Subject() string { return r.Cluster }

// String implements sim.Record.
func (r VMClusterServing) String() string {
	return fmt.Sprintf("served by %s again after %v (%s)", r.VM, r.Down, r.How)
}

// ServiceOutage is a time a VM cluster's service was not served.
type ServiceOutage struct {
	Cluster    string
	From, To   string // the active VM it was lost on, the one that serves again
	Down, Up   sim.Time
	DetectedIn sim.Time // from the loss to the standby's decision (0: no takeover)
	How        string
	// BothDown is set when neither VM ran at some time of the outage: no takeover
	// could end it then.
	BothDown bool
}

// VMClusterSplitBrainOver is the trace record of a split brain ending: the two VMs
// hear each other again and one of them steps down.
type VMClusterSplitBrainOver struct {
	Cluster, Keeps, StepsDown string
}

// Subject names the VM cluster.
func (r VMClusterSplitBrainOver) Subject() string { return r.Cluster }

// String implements sim.Record.
func (r VMClusterSplitBrainOver) String() string {
	return fmt.Sprintf("split brain over: %s keeps the service (it took over and has served clients since), %s steps down to standby",
		r.Keeps, r.StepsDown)
}

// vmPair is one VM cluster at run time.
type vmPair struct {
	tw              *Twin
	c               *topology.VMCluster
	active, standby string
	beats           *network.Flow
	decide, serve   *sim.Timer
	last            sim.Time
	phase           sim.Time       // when in each heartbeat period the active VM sends
	out             *ServiceOutage // the service outage in progress
	// splitBrain is set from a takeover while the old active VM still ran until the
	// two hear each other again (or the old one stops): both consider themselves
	// active.
	splitBrain bool
}

// startVMClusters starts the pairs whose two VMs run in this run.
func (tw *Twin) startVMClusters() {
	tw.pairOf = map[string]*vmPair{}
	for _, c := range tw.Topology.VMClusters {
		if len(c.VMs) != 2 || tw.vms[c.VMs[0]] == nil || tw.vms[c.VMs[1]] == nil || c.Heartbeat <= 0 {
			continue // check reports it
		}
		p := &vmPair{tw: tw, c: c, active: c.VMs[0], standby: c.VMs[1]}
		p.phase = heartbeatPhase(tw.Sim.Rand("vm-cluster/"+c.Name), sim.Time(c.Heartbeat))
		p.decide = tw.Sim.NewTimer(p.decision)
		p.serve = tw.Sim.NewTimer(p.tookOver)
		va, vb := tw.flowVLANs(c.VMs[0], c.VMs[1])
		f, err := tw.Net.AddFlow(network.FlowConfig{Name: "vm-cluster:" + c.Name, From: c.VMs[0], To: c.VMs[1],
			FromVLAN: va, ToVLAN: vb, PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
		if err == nil {
			p.beats = f
			f.OnChange(func(bool) { p.watch() })
		}
		tw.pairs = append(tw.pairs, p)
		tw.pairOf[c.VMs[0]], tw.pairOf[c.VMs[1]] = p, p
	}
	if len(tw.pairs) > 0 {
		tw.OnVMChange(func(s VMStatus) {
			for _, p := range tw.pairs {
				if s.VM == p.active || s.VM == p.standby {
					p.watch()
				}
			}
		})
	}
}

// vmClusterOf names the VM cluster a VM is a member of ("": none). Its members are
// kept on different hosts where one fits (HA's restarts, maintenance's evacuation): a
// soft anti-affinity rule, as vSphere's VM-VM anti-affinity rules are for HA and DRS
// when they cannot be met.
func (tw *Twin) vmClusterOf(vm string) string {
	for _, c := range tw.Topology.VMClusters {
		if slices.Contains(c.VMs, vm) {
			return c.Name
		}
	}
	return ""
}

// vmClusterMateOn reports whether another member of vm's VM cluster runs, boots or is
// stunned on host, or is migrating to it.
func (tw *Twin) vmClusterMateOn(vm, host string) bool {
	group := tw.vmClusterOf(vm)
	if group == "" {
		return false
	}
	for _, c := range tw.Topology.VMClusters {
		if c.Name != group {
			continue
		}
		for _, o := range c.VMs {
			if o == vm {
				continue
			}
			if v := tw.vms[o]; v != nil && v.Host == host && v.State != VMFailed && v.State != VMStopped {
				return true
			}
			if m := tw.motion.active[o]; m != nil && m.rec.To == host {
				return true
			}
		}
	}
	return false
}

// heartbeatPhase draws when in each period of a heartbeat a sender sends: a whole
// number of milliseconds in [0, period), as topology/ha draws its hosts' phases.
func heartbeatPhase(rng interface{ Int64N(int64) int64 }, period sim.Time) sim.Time {
	n := int64(period / sim.Millisecond)
	if n < 1 {
		return 0
	}
	return sim.Time(rng.Int64N(n)) * sim.Millisecond
}

// lastBeatAt is a sender's last heartbeat at or before now, sending every period at
// phase.
func lastBeatAt(now, phase, period sim.Time) sim.Time {
	if now < phase {
		return phase - period
	}
	return phase + (now-phase)/period*period
}

// heard reports whether the standby hears the active VM.
func (p *vmPair) heard() bool {
	return p.tw.vmRunning(p.active) && p.tw.vmRunning(p.standby) && p.beats != nil && p.beats.Delivering()
}

// watch follows the pair: the service is lost with the active VM, back when it runs
// again (before the standby decided); the standby's decision is armed while it runs
// and hears nothing.
//
// A stunned VM (a live migration's switchover) is paused, not lost: the service is
// not down for it; its heartbeats pause, which a stun shorter than Timeout survives.
func (p *vmPair) watch() {
	tw := p.tw
	now := tw.Sim.Now()
	switch {
	case !tw.vmAlive(p.active) && p.out == nil && !p.serve.Armed():
		p.out = &ServiceOutage{Cluster: p.c.Name, From: p.active, Down: now, Up: sim.Never}
		if len(tw.serviceOutages) < maxVMOutagesKept {
			tw.serviceOutages = append(tw.serviceOutages, p.out)
		}
	case tw.vmAlive(p.active) && p.out != nil && !p.serve.Armed():
		how := "the active VM runs again before the standby took over"
		if p.out.BothDown {
			how = p.active + " runs again"
			if m := tw.lastMechanism(p.active); m != "" {
				how += " (" + m + ")"
			}
		}
		p.served(p.active, how)
	}
	if p.out != nil && !tw.vmAlive(p.active) && !tw.vmAlive(p.standby) {
		p.out.BothDown = true
	}
	if p.heard() {
		p.decide.Stop()
		if p.splitBrain {
			p.resolve()
		}
		return
	}
	if !tw.vmRunning(p.standby) {
		p.decide.Stop()
		p.splitBrain = false // the old active VM stopped: it no longer claims the service
		return
	}
	if p.splitBrain {
		if tw.vmRunning(p.active) {
			return // both consider themselves active already: nothing to take over
		}
		// The VM that took over is lost while the other still could not hear it: the
		// other decides as a standby does (dctwin's simplification: it has claimed
		// the service all along, but clients reach it only from now).
		p.splitBrain = false
	}
	if p.decide.Armed() || p.serve.Armed() {
		return
	}
	hb := sim.Time(p.c.Heartbeat)
	p.last = lastBeatAt(now, p.phase, hb)
	p.decide.ResetAt(max(now, p.last+sim.Time(p.c.Timeout)))
}

// resolve ends a split brain when the two VMs hear each other again. The rule is
// dctwin's choice: the VM that took over keeps the service and the other steps down.
// The one that took over has held the service address since (the calls and clients
// reach it; the twin routes the service to the active VM), while the other was
// unheard by its peer, in the usual case because its host or network was cut off, so
// clients could not reach it either; keeping the serving VM keeps its calls (a
// keepalived pair without preemption behaves so).
func (p *vmPair) resolve() {
	p.splitBrain = false
	p.tw.Sim.Report(VMClusterSplitBrainOver{Cluster: p.c.Name, Keeps: p.active, StepsDown: p.standby})
}

// lastMechanism is what brought a VM back at its last outage, and where: "HA restart
// on hv-3"; "" when no outage of it is kept.
func (tw *Twin) lastMechanism(vm string) string {
	for i := len(tw.vmOutages) - 1; i >= 0; i-- {
		if o := tw.vmOutages[i]; o.VM == vm && o.Up != sim.Never {
			return o.Mechanism + " on " + o.ResumedOn
		}
	}
	return ""
}

// decision is the standby's verdict after Timeout without heartbeats: take over.
func (p *vmPair) decision() {
	tw := p.tw
	if p.heard() || !tw.vmRunning(p.standby) {
		return
	}
	p.splitBrain = tw.vmRunning(p.active)
	tw.Sim.Report(VMClusterFailover{Cluster: p.c.Name, From: p.active, To: p.standby, After: tw.Sim.Now() - p.last, SplitBrain: p.splitBrain})
	if p.out != nil {
		p.out.DetectedIn = tw.Sim.Now() - p.out.Down
	}
	p.active, p.standby = p.standby, p.active
	p.serve.Reset(sim.Time(p.c.Takeover))
	tw.syncCalls()
}

// serving reports whether vm serves the pair's service now: the active VM, running,
// and not still taking over.
func (p *vmPair) serving(vm string) bool {
	return vm == p.active && !p.serve.Armed() && p.tw.vmAlive(vm)
}

// tookOver ends the takeover: the new active VM serves, if it still runs.
func (p *vmPair) tookOver() {
	if !p.tw.vmRunning(p.active) {
		p.watch()
		return
	}
	how := fmt.Sprintf("vm-cluster takeover after %v", sim.Time(p.c.Takeover))
	if p.out != nil {
		p.served(p.active, how)
	}
	p.tw.syncCalls()
	p.watch()
}

// served closes the service outage.
func (p *vmPair) served(vm, how string) {
	o := p.out
	p.out = nil
	if o.BothDown {
		how = "both VMs down; " + how
	}
	o.Up, o.To, o.How = p.tw.Sim.Now(), vm, how
	p.tw.Sim.Report(VMClusterServing{Cluster: p.c.Name, VM: vm, Down: o.Up - o.Down, How: how})
}

// ServiceOutageResult is a VM cluster's service outage that began while a failure was
// the latest one; OutageMs is null while it is not served again.
type ServiceOutageResult struct {
	Service         string   `json:"service"`
	From            string   `json:"from"`
	To              string   `json:"to,omitempty"`
	DownAfterMs     float64  `json:"down_after_ms"`
	OutageMs        *float64 `json:"outage_ms"`
	DetectedAfterMs *float64 `json:"detected_after_ms,omitempty"`
	How             string   `json:"how,omitempty"`
}

// serviceOutagesOf lists the service outages that began from fr's failure until next.
func (tw *Twin) serviceOutagesOf(fr failures.FailureReport, next sim.Time) []ServiceOutageResult {
	f := fr.Failure
	var out []ServiceOutageResult
	first := sort.Search(len(tw.serviceOutages), func(i int) bool { return tw.serviceOutages[i].Down >= f.At })
	for _, o := range tw.serviceOutages[first:] {
		if o.Down >= next {
			break
		}
		r := ServiceOutageResult{Service: o.Cluster, From: o.From, To: o.To, DownAfterMs: ms(o.Down - f.At), How: o.How}
		if o.Up != sim.Never {
			r.OutageMs = msPtr(o.Up - o.Down)
		}
		if o.DetectedIn > 0 {
			r.DetectedAfterMs = msPtr(o.DetectedIn)
		}
		out = append(out, r)
	}
	return out
}

// writeServiceOutages prints a failure's VM-cluster service outages.
func writeServiceOutages(b *strings.Builder, svcs []ServiceOutageResult) {
	for _, s := range svcs {
		if s.OutageMs == nil {
			fmt.Fprintf(b, "  service:    %s lost with %s, not served again by the end of the run\n", s.Service, s.From)
			continue
		}
		how := s.How
		if s.DetectedAfterMs != nil {
			how = fmt.Sprintf("%s → %s, missed heartbeats noticed after %s, %s", s.From, s.To,
				fmtOffset(sim.Milliseconds(*s.DetectedAfterMs)), s.How)
		}
		fmt.Fprintf(b, "  service:    %s down %s: %s\n", s.Service, fmtOffset(sim.Milliseconds(*s.OutageMs)), how)
	}
}
