package twin

import (
	"slices"
	"sync"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/workloads/uc"
)

// Snapshot is the state of a running twin at one instant, as a front end shows it: a
// copy, so the twin runs on and the snapshot stays as it was. A TUI takes one per
// frame and renders only snapshots; taking one changes nothing in the simulation.
type Snapshot struct {
	At       sim.Time
	Duration sim.Time
	Done     bool
	// Events is how many events the simulation has processed.
	Events uint64
	// Layout is the network's static shape (shared by every snapshot of a twin: do not
	// change it); Network its state, indexed like the Layout.
	Layout  *network.Layout
	Network *network.State
	// Failures are the failures in force, in the order they happened.
	Failures []failures.Failure
	// Booting lists the hosts booting after their power returned.
	Booting []string
	// VMs are the virtual machines' states and hosts, in the scenario's order.
	VMs []VMStatus
	// Maintenance says which hosts are entering or in maintenance mode (nil: none);
	// Migrations are the live migrations so far (the last ones may still run).
	Maintenance map[string]MaintenanceState
	Migrations  []Migration
	// HAMasters names each HA cluster's master ("" during an election).
	HAMasters map[string]string
	// FTSecondaries names the host of each FT VM's secondary ("" while it has none).
	FTSecondaries map[string]string
	// Calls are the calls in progress; CallStats the call counts so far (nil without
	// calls).
	Calls     []CallState
	CallStats *uc.Stats
	// Failovers are the failures so far with what measured them: detections, nodes cut
	// off, flows interrupted (the first failures.DefaultDetailed of a run).
	Failovers []FailureResult
	// FlowsDown counts the scenario's flows not delivering now.
	FlowsDown int
	// PowerW is the hosts' total draw now and EnergyKWh their energy so far (the hosts
	// with a power model; both 0 without).
	PowerW, EnergyKWh float64
	// StoragePaths are the hosts' paths to their storage arrays with their states.
	StoragePaths []StoragePath

	// flows finds a flow by name, built on the first Flow or Path.
	flowsOnce sync.Once
	flows     map[string]int
}

// CallState is one call in progress.
type CallState struct {
	uc.CallInfo
	State uc.CallState
	// MOS is the call's latest interval MOS (0 before its first rating).
	MOS float64
}

// ComponentState is what a snapshot says of one component, by glyph in the TUI.
type ComponentState string

// Component states.
const (
	StateUp       ComponentState = "up"
	StateFailed   ComponentState = "failed"   // a failure of its own is in force
	StateOff      ComponentState = "off"      // without power (its enclosure or PSUs failed)
	StateBooting  ComponentState = "booting"  // power returned, not carrying traffic yet
	StateNoLink   ComponentState = "no-link"  // a port or NIC without carrier
	StateBlocked  ComponentState = "blocked"  // a switch port spanning tree does not forward on
	StateDisabled ComponentState = "disabled" // a blade-facing port switched off by uplink failure detection
	StateStandby  ComponentState = "standby"  // a team member that is up but not active
	StateActive   ComponentState = "active"   // a team member carrying the team's traffic
	// StateMaintenance is a hypervisor entering or in maintenance mode.
	StateMaintenance ComponentState = "maintenance"
	// StateDPMStandby is a hypervisor DPM powered off (dpm.go): it takes no VMs until
	// DPM wakes it.
	StateDPMStandby ComponentState = "standby (powered off by DPM)"
)

// Snapshot copies the twin's state now.
func (tw *Twin) Snapshot() *Snapshot {
	s := &Snapshot{At: tw.Sim.Now(), Duration: tw.Duration, Done: tw.finished, Events: tw.Sim.Steps(),
		Layout: tw.Net.Layout(), Network: tw.Net.State(false), Failures: tw.Failures.InForce()}
	for h := range tw.booting {
		s.Booting = append(s.Booting, h)
	}
	slices.Sort(s.Booting)
	s.VMs = tw.VMs()
	for h, m := range tw.motion.maint {
		if s.Maintenance == nil {
			s.Maintenance = map[string]MaintenanceState{}
		}
		s.Maintenance[h] = m.state
		if m.standby && m.state == MaintenanceEntering {
			s.Maintenance[h] = MaintenanceEnteringStandby
		}
	}
	s.Migrations = tw.Migrations()
	if len(tw.ftOf) > 0 {
		s.FTSecondaries = map[string]string{}
		for vm, p := range tw.ftOf {
			s.FTSecondaries[vm] = p.secondary
		}
	}
	if len(tw.has) > 0 {
		s.HAMasters = map[string]string{}
		for _, hc := range tw.has {
			s.HAMasters[hc.name] = hc.agents.Master()
		}
	}
	if tw.Calls != nil {
		st := tw.Calls.Stats()
		s.CallStats = &st
		for _, c := range tw.Calls.Active() {
			s.Calls = append(s.Calls, CallState{CallInfo: c.Info(), State: c.State(), MOS: c.LastMOS()})
		}
	}
	frs := tw.measure.Reports()
	for _, fr := range frs {
		s.Failovers = append(s.Failovers, failureResult(fr))
	}
	tw.withVMOutages(frs, s.Failovers)
	for _, f := range s.Network.Flows {
		if _, ok := tw.flowEnds[f.Name]; ok && f.Active && !f.Delivering {
			s.FlowsDown++
		}
	}
	s.StoragePaths = tw.StoragePaths()
	s.PowerW = tw.energy.watts()
	if e := tw.energy.result(); e != nil {
		s.EnergyKWh = e.TotalKWh
	}
	return s
}

// State says what a component (a device, a port "device:port" or a link by name) is
// in this snapshot.
func (s *Snapshot) State(component string) ComponentState {
	for _, f := range s.Failures {
		if f.Component == component {
			return StateFailed
		}
	}
	if slices.Contains(s.Booting, component) {
		return StateBooting
	}
	switch s.Maintenance[component] {
	case "":
	case MaintenanceStandby:
		return StateDPMStandby
	default:
		return StateMaintenance
	}
	if v, ok := s.VM(component); ok {
		switch v.State {
		case VMRunning:
			return StateUp
		case VMBooting, VMStunned:
			return StateBooting
		case VMFailed, VMStalled, VMHung:
			// Failed with its host or guest, stalled with its datastore, or hung: not
			// a VM powered off (■), one that does not serve (✗).
			return StateFailed
		}
		return StateOff
	}
	l := s.Layout
	if i, ok := l.Device[component]; ok {
		d := s.Network.Devices[i]
		switch {
		case d.Booting:
			return StateBooting
		case d.Failed:
			return StateOff
		}
		return StateUp
	}
	if i, ok := l.Port[component]; ok {
		p := s.Network.Ports[i]
		dev := s.Network.Devices[l.Ports[i].Device]
		switch {
		case p.Failed:
			return StateFailed
		case dev.Failed || dev.Booting:
			return StateOff
		case p.Disabled:
			return StateDisabled
		case !p.Carrier:
			return StateNoLink
		}
		if l.Devices[l.Ports[i].Device].Kind == network.SwitchDevice && p.State != network.Forwarding {
			return StateBlocked
		}
		for _, t := range s.Network.Teams {
			for _, m := range t.Members {
				if m.Port == i {
					if t.Active == i {
						return StateActive
					}
					if t.Mode == "nft" || t.Mode == "tlb" {
						return StateStandby
					}
				}
			}
		}
		return StateUp
	}
	if i, ok := l.Link[component]; ok {
		if c := s.Network.Links[i].Cut; c[0] || c[1] {
			return StateFailed
		}
		return StateUp
	}
	return ""
}

// VM returns a VM's state in this snapshot, and false for a name that is not a VM.
func (s *Snapshot) VM(name string) (VMStatus, bool) {
	for _, v := range s.VMs {
		if v.VM == name {
			return v, true
		}
	}
	return VMStatus{}, false
}

// Flow returns the state of a flow by name, and false if the snapshot has none.
func (s *Snapshot) Flow(name string) (network.FlowState, bool) {
	s.flowsOnce.Do(func() {
		s.flows = make(map[string]int, len(s.Network.Flows))
		for i, f := range s.Network.Flows {
			if _, dup := s.flows[f.Name]; !dup {
				s.flows[f.Name] = i
			}
		}
	})
	if i, ok := s.flows[name]; ok {
		return s.Network.Flows[i], true
	}
	return network.FlowState{}, false
}

// Hop is one link a path crosses, by the names of the ports it leaves and enters.
type Hop struct {
	From, Link, To string
}

// Path names the hops of a flow's current forward path: the teaching moment of the
// source material is to watch it move when a failover happens.
func (s *Snapshot) Path(flow string) []Hop {
	f, ok := s.Flow(flow)
	if !ok {
		return nil
	}
	out := make([]Hop, len(f.Path))
	for i, h := range f.Path {
		link := s.Layout.Links[h.Link]
		out[i] = Hop{From: s.Layout.Ports[link.Ends[h.From]].Name, Link: link.Name, To: s.Layout.Ports[link.Ends[1-h.From]].Name}
	}
	return out
}

// FailureTimeline returns the timeline of the i-th failure of Snapshot.Failovers (the
// records of its window, from the failure to a while after its repair, as the report
// prints them), and how many records of the window it leaves out; nil if there is no
// such failure.
func (tw *Twin) FailureTimeline(i int) ([]TraceLine, int) {
	reps := tw.measure.Reports()
	if i < 0 || i >= len(reps) {
		return nil, 0
	}
	return tw.timelines.timelineOf(reps[i].Failure.ID)
}
