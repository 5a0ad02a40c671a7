package twin

import (
	"fmt"
	"slices"
	"time"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/check"
	"dctwin/topology/network"
	"dctwin/workloads/uc"
)

// Options override a scenario's `run:` settings.
type Options struct {
	// Seed replaces the scenario's seed when SeedSet is true.
	Seed    uint64
	SeedSet bool
	// Duration replaces the scenario's duration when positive.
	Duration sim.Time
	// Force builds a scenario even if check reports errors, so that a workshop can see
	// what a misconfiguration does; where the runtime cannot place something, New still
	// fails.
	Force bool
	// Detailed is how many failures the report shows one by one, with their timelines
	// (0: failures.DefaultDetailed); later ones are summarized per kind.
	Detailed int
}

// Twin is a scenario assembled onto one simulation: the running network, the failures
// acting on it and the measurements taken from its trace. The TUI, `dctwin run` and the
// experiments all drive a Twin; none assembles a simulation on its own.
type Twin struct {
	Scenario *scenario.Scenario
	// Topology is the static model the twin was built from.
	Topology *topology.Topology
	Seed     uint64
	Duration sim.Time

	Sim      *sim.Simulation
	Net      *network.Network
	Failures *failures.Injector
	// Calls is the unified-communications workload, nil when the scenario has no calls.
	Calls *uc.Model

	vlans          *vlanPlan // the scenario's VLANs as the network runs them
	measure        *failures.Measurement
	flowEnds       map[string][2]string // flow → its endpoints as the scenario names them
	energy         *energy              // the hosts' power meters
	res            *resources           // DRS and DPM (dpm.go)
	vms            map[string]*vmRun    // each VM's state and host (vms.go)
	vmOrder        []string             // the VMs in the scenario's order
	vmWatch        []func(VMStatus)     // told of every VM state change (OnVMChange)
	has            []*haCluster         // the HA-enabled clusters' agents (ha.go)
	ftOf           map[string]*ftPair   // VM → its FT pair (ft.go)
	ftLogging      map[[2]string]*network.Flow
	pairs          []*vmPair             // the VM-level clusters (vmcluster.go)
	pairOf         map[string]*vmPair    // VM → its VM-level cluster
	motion         *motions              // live migrations and maintenance mode (vmotion.go, maintenance.go)
	serviceOutages []*ServiceOutage      // their service outages, in the order they began
	haOf           map[string]*haCluster // VM → the HA cluster that protects it
	storage        *storageRun           // arrays, datastores and the hosts' paths (storage.go)
	vmOutages      []*VMOutage           // every VM outage, in the order they began
	timelines      *failureTimelines     // each failure's notable records, for the report's explanation
	forgotten      sim.Time              // the call history before it is forgotten (Calls.Forget)
	keepCalls      bool                  // keep the whole call history (tests compare with it)
	finished       bool
	skipped        []string                  // what --force left out of the build, and why
	findings       check.Findings            // a forced run's errors and warnings, for the report (mistakes.go)
	flapping       map[string]map[string]int // MAC flapping alarms per MAC and switch
	refused        []string                  // failures that did not happen, and why

	hostDown map[string]bool // hosts without power, or still booting
	booting  map[string]bool // hosts booting after their power returned
	hung     map[string]bool // hypervisors hung with their carrier up (host-hang)
	mgmtCut  map[string]bool // hypervisors whose management interface is down (host-isolation)
	// isolations are the hosts that declared themselves isolated, for the report.
	isolations []*isolation
	hostGen    map[string]int // bumped at every power change, so a stale boot does not finish

	callNodes []string        // UC servers the call model must hear of
	callDown  map[string]bool // what the call model was last told

	// correlated says which devices a failure of a device or power supply darkens.
	correlated *failures.Correlated

	lastHousekeep sim.Time
	subs          []*Subscription // copied on change, so a callback may cancel itself
	events        events
	sawNotable    bool
	journal       []Action // what was done to the running twin, in order
}

// New builds the twin of a loaded scenario. It fails if the scenario has errors that
// check reports, or names something the runtime cannot place.
func New(sc *scenario.Scenario, opt Options) (*Twin, error) {
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	if opt.Duration > sim.Time(scenario.MaxRunDuration) {
		return nil, fmt.Errorf("a run of %v is longer than a run can be: at most %v", time.Duration(opt.Duration), scenario.MaxRunDuration)
	}
	t := sc.Topology()
	fs := checkWith(sc, t)
	if opt.Duration > 0 && opt.Duration != sim.Time(sc.Run().Duration) {
		// The random-failure budget depends on how long the run is.
		fs = slices.DeleteFunc(fs, func(f check.Finding) bool { return f.Kind == check.FailureBudget })
		fs = append(fs, scenario.CheckFailureLoad(sc, t, time.Duration(opt.Duration))...)
	}
	for _, f := range fs {
		if Unrunnable(f.Kind) {
			return nil, fmt.Errorf("%s: %s", f.Pos, f.Message)
		}
	}
	if fs.Count(check.Error) > 0 && !opt.Force {
		n, errs := fs.Count(check.Error), "errors"
		if n == 1 {
			errs = "error"
		}
		return nil, fmt.Errorf("%s has %d configuration %s (first: %s); 'dctwin check' lists them, "+
			"or add --force to run it anyway and see what they do", sc.Name, n, errs, firstError(fs))
	}
	var forced check.Findings
	if fs.Count(check.Error) > 0 {
		for _, f := range fs {
			if f.Severity >= check.Warning {
				forced = append(forced, f)
			}
		}
	}
	run := sc.Run()
	tw := &Twin{Scenario: sc, Topology: t, Seed: run.Seed, Duration: sim.Time(run.Duration), findings: forced,
		flowEnds: map[string][2]string{},
		hostDown: map[string]bool{}, hostGen: map[string]int{}, booting: map[string]bool{}, hung: map[string]bool{}, mgmtCut: map[string]bool{}}
	if opt.SeedSet {
		tw.Seed = opt.Seed
	}
	if opt.Duration > 0 {
		tw.Duration = opt.Duration
	}
	tw.Sim = sim.New(tw.Seed)
	tw.correlated = failures.NewCorrelated(t)
	n, vl, skipped, err := buildNetwork(tw.Sim, t, opt.Force)
	if err != nil {
		return nil, err
	}
	tw.vlans = vl
	tw.skipped = skipped
	tw.Net = n
	tw.initVMs()
	tw.measure = failures.NewMeasurement()
	if opt.Detailed > 0 {
		tw.measure.Detailed = opt.Detailed
	}
	tw.timelines = newFailureTimelines(tw.measure.Detailed)
	tw.Sim.AddObserver(forMeasurement(tw.measure))
	tw.Sim.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		if rf, ok := r.(failures.Refused); ok && len(tw.refused) < maxRefusedListed {
			tw.refused = append(tw.refused, fmt.Sprintf("%.3f s: %s of %s (%s): %s", at.Seconds(),
				rf.Failure.Kind, rf.Failure.Component, rf.Failure.Cause, rf.Reason))
		}
		if fl, ok := r.(network.MACFlapping); ok {
			tw.watchFlapping(fl)
		}
		tw.timelines.observe(at, r)
		tw.dispatch(at, r)
	}))
	tw.Failures = failures.NewInjector(tw.Sim, target{tw})
	tw.probeReachability()
	tw.startMotions()
	tw.ftLogging = map[[2]string]*network.Flow{}
	tw.startFT()
	tw.startStorage()
	if err := tw.startHA(); err != nil {
		return nil, err
	}
	tw.startVMClusters()
	for _, f := range sc.Spec.Workloads.Flows {
		if err := tw.addFlow(f); err != nil {
			err = fmt.Errorf("%s: flow %s: %w", f.Pos, f.Name, err)
			if !opt.Force {
				return nil, err
			}
			tw.skipped = append(tw.skipped, err.Error())
		}
	}
	tw.buildEnergy()
	tw.startResources()
	if err := tw.buildCalls(); err != nil {
		return nil, err
	}
	if err := tw.scheduleFailures(); err != nil {
		return nil, err
	}
	if tw.Calls != nil {
		tw.Calls.Start()
	}
	return tw, nil
}

// maxRefusedListed bounds the failures that did not happen which a report lists, so
// that a long run with a refused random class stays small.
const maxRefusedListed = 100

// Unrunnable reports whether a finding stops a run even with --force: a value no
// device could have, a failure the simulation does not model, a flow with nothing to
// carry, or more random failures than a run can hold.
func Unrunnable(k check.Kind) bool {
	switch k {
	case check.BadValue, check.FailureNotSimulated, check.FlowEndpoints, check.FailureBudget:
		return true
	}
	return false
}

// homeHost is where a scenario name lives at the start: a VM's host, or the name
// itself.
func (tw *Twin) homeHost(name string) string {
	if v := tw.Topology.VM(name); v != nil {
		return v.Host
	}
	return name
}

func (tw *Twin) addFlow(f scenario.Flow) error {
	if a, b := tw.homeHost(f.From), tw.homeHost(f.To); a == b && f.From != f.To {
		return fmt.Errorf("%s and %s both run on %s: their traffic never leaves the host's virtual "+
			"switch, so the network has nothing to show; move one VM or drop the flow", f.From, f.To, a)
	}
	fromVLAN, toVLAN := tw.flowVLANs(f.From, f.To)
	cfg := network.FlowConfig{Name: f.Name, From: f.From, To: f.To, RateBps: f.RateBps(),
		PacketBytes: f.PacketBytes(), Bidirectional: f.IsBidirectional(), FromVLAN: fromVLAN, ToVLAN: toVLAN}
	if _, err := tw.Net.AddFlow(cfg); err != nil {
		return err
	}
	tw.flowEnds[f.Name] = [2]string{f.From, f.To}
	tw.measure.SetFlowEndpoints(f.Name, f.From, f.To)
	return nil
}

func (tw *Twin) scheduleFailures() error {
	fs := tw.Scenario.Spec.Failures
	for _, f := range fs.Scheduled {
		if f.Kind.Operation() {
			reason := "scheduled"
			if f.Manual {
				reason = "by hand"
			}
			tw.scheduleOperation(sim.Time(f.At), operationOf(f), reason)
			continue
		}
		if f.Kind == scenario.RepairKind {
			tw.Failures.ScheduleRepair(sim.Time(f.At), f.Component)
			continue
		}
		if f.Manual {
			tw.Failures.ScheduleManual(sim.Time(f.At), f.Component, failures.Kind(f.Kind), sim.Time(f.RepairAfter))
			continue
		}
		tw.Failures.Schedule(sim.Time(f.At), f.Component, failures.Kind(f.Kind), sim.Time(f.RepairAfter))
	}
	for _, r := range fs.Random {
		class, err := topology.ParseClass(r.Class)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Pos, err)
		}
		// The kind the entry names, or the class's own; only the components that can
		// fail that way (a hang of a hypervisor, not of a legacy server).
		kind := failures.KindOf(class)
		if r.Kind != "" {
			kind = failures.Kind(r.Kind)
		}
		names := failures.Candidates(tw.Topology, class, kind)
		if err := tw.Failures.Random(names, kind, sim.Time(r.MTBF), sim.Time(r.MTTR),
			failures.Distribution(r.Distribution)); err != nil {
			return fmt.Errorf("%s: random %s failures: %w", r.Pos, r.Class, err)
		}
	}
	return nil
}

// Observe registers o for every trace record from now on.
func (tw *Twin) Observe(o sim.Observer) { tw.Sim.AddObserver(o) }

// RunUntil advances the twin to time t (at most to the end of the run). However it is
// stepped, the run and its report are the same.
func (tw *Twin) RunUntil(t sim.Time) {
	t = min(t, tw.Duration)
	// In steps of housekeepingStep, so that what the twin keeps of the past is
	// trimmed as the run goes (housekeep), whatever the caller's step.
	for {
		step := min(t, tw.Sim.Now()+housekeepingStep)
		tw.Sim.RunUntil(step)
		tw.housekeep()
		if now := tw.Sim.Now(); now >= t || now < step {
			break
		}
	}
	if tw.Sim.Now() >= tw.Duration {
		tw.finish()
	}
}

// housekeepingStep is the simulated time between two trims of what the twin keeps:
// the records of one step wait in memory.
const housekeepingStep = sim.Minute

// housekeep trims what the twin keeps of the past to what a report can still show:
// records go to the timelines of the failures shown in detail, later failures that
// cannot change are folded into their kind's summary, and the call model forgets
// drops and degraded episodes no failure can still be charged with.
func (tw *Twin) housekeep() {
	now := tw.Sim.Now()
	tw.lastHousekeep = now
	tw.timelines.settle(now)
	tw.measure.Compact()
	if tw.Calls != nil && !tw.keepCalls {
		tw.takeCalls(now)
	}
}

// Run runs the twin to the end of its duration.
func (tw *Twin) Run() { tw.RunUntil(tw.Duration) }

// Done reports whether the run has reached its end.
func (tw *Twin) Done() bool { return tw.finished }

func (tw *Twin) finish() {
	if !tw.finished {
		tw.finished = true
		tw.measure.Finish(tw.Sim.Now())
	}
}

func (tw *Twin) apply(component string, kind failures.Kind, fail bool) error {
	t := tw.Topology
	n := tw.Net
	pick := func(failFn, repairFn func(string) error) error {
		if fail {
			return failFn(component)
		}
		return repairFn(component)
	}
	if failures.Correlates(kind) {
		return tw.power(component, kind, fail)
	}
	switch kind {
	case failures.Link:
		return pick(n.FailLink, n.RepairLink)
	case failures.LinkOneWay:
		l := linkNamed(t, component)
		if l == nil {
			return fmt.Errorf("unknown link %q", component)
		}
		if !fail {
			return n.RepairLink(component)
		}
		// The direction from the link's a end towards its b end goes dark.
		return n.FailLinkOneWay(component, l.A.Device)
	case failures.NIC:
		return pick(n.FailNIC, n.RepairNIC)
	case failures.SwitchPort:
		return pick(n.FailPort, n.RepairPort)
	case failures.VM, failures.VMHang:
		return tw.guest(component, kind, fail)
	case failures.HostHang:
		return tw.hang(component, fail)
	case failures.HostIsolation:
		return tw.isolate(component, fail)
	case failures.Storage:
		return tw.storageFailure(component, fail)
	case failures.StoragePath:
		return tw.storagePaths(component, fail)
	}
	return fmt.Errorf("unknown failure kind %q", kind)
}

// power applies a failure or repair of a whole device or a power supply: the devices
// it darkens (failures.Correlated says which: an enclosure's modules and blades with
// it) lose power, and those it gives power back to boot — hosts for their boot_time,
// switches and switch modules for theirs (the network runs their boot).
func (tw *Twin) power(component string, kind failures.Kind, fail bool) error {
	var changed []string
	var err error
	if fail {
		changed, err = tw.correlated.Fail(component, kind)
	} else {
		changed, err = tw.correlated.Repair(component, kind)
	}
	if err != nil {
		return err
	}
	t := tw.Topology
	for _, d := range changed {
		var err error
		switch {
		case t.Host(d) != nil && tw.standbyHostPower(d, fail):
		case t.Host(d) != nil && fail:
			err = tw.powerOff(d)
		case t.Host(d) != nil:
			tw.powerOn(d)
		case (t.Switch(d) != nil || t.Module(d) != nil) && fail:
			err = tw.Net.FailSwitch(d)
		case t.Switch(d) != nil || t.Module(d) != nil:
			err = tw.Net.RepairSwitch(d)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// hang stops a hypervisor with its NICs' carrier up: its VMs fail (their vNICs detach,
// so their traffic stops) and its HA agent falls silent, while the switches see the
// links up. The repair is a reset: the host boots for its boot time, as after a power
// loss. The host's own management interface keeps answering the network (dctwin's
// simplification); only the HA agents, which read Up, treat it as gone.
func (tw *Twin) hang(host string, fail bool) error {
	h := tw.Topology.Host(host)
	if h == nil || !h.IsHypervisor() {
		return fmt.Errorf("%q is not a hypervisor: only a hypervisor hangs this way", host)
	}
	if !fail {
		if !tw.hung[host] {
			return nil
		}
		delete(tw.hung, host)
		tw.hostGen[host]++
		_ = tw.Net.FailHost(host) // the reset drops the links while the host boots
		tw.powerOn(host)
		return nil
	}
	if tw.hostDown[host] || tw.hung[host] {
		return fmt.Errorf("host %s is not running", host)
	}
	tw.hung[host] = true
	tw.hostDown[host] = true
	tw.hostFailed(host)
	tw.haChanged()
	tw.ftChanged()
	tw.syncCalls()
	return nil
}

// powerOff cuts a host's power: it stops at once, and so do the VMs on it.
func (tw *Twin) powerOff(host string) error {
	tw.hostGen[host]++
	tw.hostDown[host] = true
	tw.energy.hostPower(host, "off")
	delete(tw.booting, host)
	err := tw.Net.FailHost(host)
	tw.hostFailed(host)
	tw.haChanged()
	tw.ftChanged()
	tw.storage.changed()
	tw.syncCalls()
	return err
}

// powerOn returns a host's power: it boots for its boot time and only then carries
// traffic again, unless it loses power again first.
func (tw *Twin) powerOn(host string) {
	tw.hostGen[host]++
	gen := tw.hostGen[host]
	boot := sim.Time(tw.Topology.Host(host).BootTime)
	tw.Sim.Report(HostBooting{Host: host, For: boot})
	tw.booting[host] = true
	tw.energy.hostPower(host, "booting")
	tw.Sim.After(boot, func() {
		if tw.hostGen[host] != gen {
			return
		}
		delete(tw.booting, host)
		delete(tw.hung, host) // a boot ends a hang too
		tw.hostDown[host] = false
		tw.energy.hostPower(host, "on")
		_ = tw.Net.RepairHost(host)
		tw.Sim.Report(HostBooted{Host: host})
		tw.restartWithHost(host)
		tw.haChanged()
		tw.ftChanged()
		tw.storage.changed()
		tw.syncCalls()
	})
}

// HostBooting is the trace record of a host whose power returned: it boots before it
// carries traffic again.
type HostBooting struct {
	Host string
	For  sim.Time
}

// Subject names the host.
func (r HostBooting) Subject() string { return r.Host }

// String implements sim.Record.
func (r HostBooting) String() string { return fmt.Sprintf("power on, booting for %v", r.For) }

// HostBooted is the trace record of a host ready after booting.
type HostBooted struct{ Host string }

// Subject names the host.
func (r HostBooted) Subject() string { return r.Host }

// String implements sim.Record.
func (r HostBooted) String() string { return "booted, carrying traffic again" }

func linkNamed(t *topology.Topology, name string) *topology.Link {
	for _, l := range t.Links {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// firstError is the first error finding, as check prints it.
func firstError(fs check.Findings) string {
	for _, f := range fs {
		if f.Severity == check.Error {
			return f.String()
		}
	}
	return ""
}
