package twin

import (
	"fmt"
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
// brain), as a pair without a quorum or a storage lock does.

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
}

// vmPair is one VM cluster at run time.
type vmPair struct {
	tw              *Twin
	c               *topology.VMCluster
	active, standby string
	beats           *network.Flow
	decide, serve   *sim.Timer
	last            sim.Time
	out             *ServiceOutage // the service outage in progress
	splitBrain      bool
}

// startVMClusters starts the pairs whose two VMs run in this run.
func (tw *Twin) startVMClusters() {
	tw.pairOf = map[string]*vmPair{}
	for _, c := range tw.Topology.VMClusters {
		if len(c.VMs) != 2 || tw.vms[c.VMs[0]] == nil || tw.vms[c.VMs[1]] == nil || c.Heartbeat <= 0 {
			continue // check reports it
		}
		p := &vmPair{tw: tw, c: c, active: c.VMs[0], standby: c.VMs[1]}
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

// heard reports whether the standby hears the active VM.
func (p *vmPair) heard() bool {
	return p.tw.vmRunning(p.active) && p.tw.vmRunning(p.standby) && p.beats != nil && p.beats.Delivering()
}

// watch follows the pair: the service is lost with the active VM, back when it runs
// again (before the standby decided); the standby's decision is armed while it runs
// and hears nothing.
func (p *vmPair) watch() {
	tw := p.tw
	now := tw.Sim.Now()
	switch {
	case !tw.vmRunning(p.active) && p.out == nil && !p.serve.Armed():
		p.out = &ServiceOutage{Cluster: p.c.Name, From: p.active, Down: now, Up: sim.Never}
		if len(tw.serviceOutages) < maxVMOutagesKept {
			tw.serviceOutages = append(tw.serviceOutages, p.out)
		}
	case tw.vmRunning(p.active) && p.out != nil && !p.serve.Armed():
		p.served(p.active, "the active VM runs again before the standby took over")
	}
	if p.heard() || !tw.vmRunning(p.standby) {
		p.decide.Stop()
		return
	}
	if p.decide.Armed() || p.serve.Armed() {
		return
	}
	hb := sim.Time(p.c.Heartbeat)
	p.last = now - now%hb
	p.decide.ResetAt(max(now, p.last+sim.Time(p.c.Timeout)))
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
	return vm == p.active && !p.serve.Armed() && p.tw.vmRunning(vm)
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
