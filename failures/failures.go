// Package failures says what breaks and when: scheduled failures, random failures per
// component with MTBF/MTTR distributions, repairs and manual breakage from the TUI. It
// acts on the twin through Target and records every failure in the trace; Correlated
// tells the twin what a failure of a device or power supply takes with it; Measurement
// turns the trace back into failover figures.
package failures

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"dctwin/sim"
	"dctwin/topology"
)

// Kind is what breaks: a component class, or a link failing in one direction only.
type Kind string

// Failure kinds. Correlated failures (an enclosure taking its blades and modules) follow
// from what the component contains (Correlated), not from extra kinds.
const (
	Link       Kind = "link"
	LinkOneWay Kind = "link-one-way" // a fibre cut in one direction
	NIC        Kind = "nic"
	SwitchPort Kind = "switch-port"
	Switch     Kind = "switch"
	Module     Kind = "module"
	PSU        Kind = "psu"
	Enclosure  Kind = "enclosure"
	Host       Kind = "host"
	Storage    Kind = "storage"
	// VM is a guest that crashes (a kernel panic, a blue screen) while its host runs
	// on: the VM fails, and its own crash handling (the VM's on_guest_crash) reboots
	// it or halts it. Its repair is the guest serving again.
	VM Kind = "vm"
	// VMHang is a guest that hangs (a kernel or application deadlock) while its host
	// runs on: it stays powered on, sends nothing and stops its VMware Tools
	// heartbeats; it cannot recover on its own. Its repair is the guest serving again.
	VMHang Kind = "vm-hang"
	// HostHang is a hypervisor that stops (a purple screen, a hung kernel) with its NICs'
	// carrier still up: its VMs and its HA agent stop, the network notices nothing.
	// Its repair is a reset: the host boots.
	HostHang Kind = "host-hang"
	// StoragePath is a host losing its paths to storage (its HBA or initiator, zoning,
	// LUN masking) while it runs: its VMs' I/O stalls while no path is left.
	StoragePath Kind = "storage-path"
	// HostIsolation is a hypervisor that loses its management network (its VMkernel
	// management interface) while it and its VMs run on: HA's heartbeats and its
	// isolation address are gone, and its isolation response decides. Its repair is
	// the interface back.
	HostIsolation Kind = "host-isolation"
)

// Kinds lists every failure kind.
var Kinds = []Kind{Link, LinkOneWay, NIC, SwitchPort, Switch, Module, PSU, Enclosure, Host, HostHang, HostIsolation, Storage, StoragePath, VM, VMHang}

// ParseKind accepts a failure kind name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown failure kind %q (expected one of %s)", s, JoinKinds(Kinds))
}

// JoinKinds lists kinds for a message, "vm, vm-hang": a user reads it, not Go's
// "[vm vm-hang]".
func JoinKinds(kinds []Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Class is the component class a failure of this kind applies to.
func (k Kind) Class() topology.Class {
	switch k {
	case LinkOneWay:
		return topology.ClassLink
	case HostHang, HostIsolation, StoragePath:
		return topology.ClassHost
	case VMHang:
		return topology.ClassVM
	}
	return topology.Class(k)
}

// KindOf is the failure kind for a whole component of a class.
func KindOf(c topology.Class) Kind { return Kind(c) }

// Target is the running twin that failures act on.
type Target interface {
	// Fail breaks the component; an error means the component cannot fail this way.
	Fail(component string, kind Kind) error
	// Repair returns the component to service.
	Repair(component string, kind Kind) error
}

// Cause says where a failure came from.
type Cause string

// Causes of failures.
const (
	Scheduled Cause = "scheduled"
	Random    Cause = "random"
	Manual    Cause = "manual"
)

// Failure is one failure as it happened.
type Failure struct {
	ID        int
	Component string
	Kind      Kind
	Cause     Cause
	At        sim.Time
	// RepairAt is when the component came back, or sim.Never while it is down.
	RepairAt sim.Time
}

// Active reports whether the component is still down at t.
func (f *Failure) Active(t sim.Time) bool { return f.At <= t && t < f.RepairAt }

// Injected is the trace record of a failure taking effect.
type Injected struct{ Failure Failure }

// Subject names the failed component.
func (r Injected) Subject() string { return r.Failure.Component }

// String implements sim.Record.
func (r Injected) String() string {
	return fmt.Sprintf("%s failure of %s (%s, #%d)", r.Failure.Kind, r.Failure.Component, r.Failure.Cause, r.Failure.ID)
}

// Repaired is the trace record of a component returning to service.
type Repaired struct{ Failure Failure }

// Subject names the repaired component.
func (r Repaired) Subject() string { return r.Failure.Component }

// String implements sim.Record.
func (r Repaired) String() string {
	return fmt.Sprintf("%s repaired after %v (#%d)", r.Failure.Component, r.Failure.RepairAt-r.Failure.At, r.Failure.ID)
}

// Refused is the trace record of a failure the target could not apply (an unknown
// component, a kind the model does not support); the failure did not happen.
type Refused struct {
	Failure Failure
	Reason  string
}

// Subject names the component.
func (r Refused) Subject() string { return r.Failure.Component }

// String implements sim.Record.
func (r Refused) String() string { return "failure refused: " + r.Reason }

// Injector fails and repairs components of one simulation.
type Injector struct {
	s        *sim.Simulation
	target   Target
	failures []*Failure // the first MaxListed
	count    int
	down     map[string]*Failure // component+kind → its active failure
	lastID   int
}

// MaxListed is how many failures an injector lists (Failures); a long run with random
// failures counts the rest (Count) without keeping them.
const MaxListed = 1000

// NewInjector returns an injector acting on target.
func NewInjector(s *sim.Simulation, target Target) *Injector {
	return &Injector{s: s, target: target, down: make(map[string]*Failure)}
}

// Failures returns the failures so far, in the order they happened: all of them, or the
// first MaxListed when there were more (Count).
func (in *Injector) Failures() []Failure {
	out := make([]Failure, len(in.failures))
	for i, f := range in.failures {
		out[i] = *f
	}
	return out
}

// Count returns how many failures happened so far.
func (in *Injector) Count() int { return in.count }

// Down reports whether the component is failed now.
func (in *Injector) Down(component string) bool {
	for _, k := range Kinds {
		if in.down[component+"\x00"+string(k)] != nil {
			return true
		}
	}
	return false
}

// InForce returns the failures in force now, in the order they happened.
func (in *Injector) InForce() []Failure {
	out := make([]Failure, 0, len(in.down))
	for _, f := range in.down {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Failure) int { return a.ID - b.ID })
	return out
}

// Schedule fails the component at time at and, if repairAfter > 0, repairs it that much
// later.
//
// Both happen after everything else of their instant (sim.Last), as a failure made by
// hand between two steps of a run does: a session replayed from a scenario that
// schedules its failures is the same session.
func (in *Injector) Schedule(at sim.Time, component string, kind Kind, repairAfter sim.Time) {
	in.schedule(at, component, kind, repairAfter, Scheduled)
}

// ScheduleManual is Schedule for a failure a user made by hand: replayed from a
// session's journal, it is reported with cause manual.
func (in *Injector) ScheduleManual(at sim.Time, component string, kind Kind, repairAfter sim.Time) {
	in.schedule(at, component, kind, repairAfter, Manual)
}

func (in *Injector) schedule(at sim.Time, component string, kind Kind, repairAfter sim.Time, cause Cause) {
	in.s.AfterPriority(max(0, at-in.s.Now()), sim.Last, func() {
		f, err := in.fail(component, kind, cause)
		if err != nil || f == nil || repairAfter <= 0 {
			return
		}
		in.s.AfterPriority(repairAfter, sim.Last, func() { in.repair(f) })
	})
}

// ScheduleRepair repairs every failure of the component still in force at time at.
func (in *Injector) ScheduleRepair(at sim.Time, component string) {
	in.s.AfterPriority(max(0, at-in.s.Now()), sim.Last, func() { _ = in.RepairNow(component) })
}

// FailNow breaks a component at once, as a trainer's key press does. It returns an
// error if the target refuses or the component is already down.
func (in *Injector) FailNow(component string, kind Kind) error {
	f, err := in.fail(component, kind, Manual)
	if err == nil && f == nil {
		err = fmt.Errorf("%s is already down", component)
	}
	return err
}

// RepairNow repairs every active failure of the component.
func (in *Injector) RepairNow(component string) error {
	found := false
	for _, k := range Kinds {
		if f := in.down[component+"\x00"+string(k)]; f != nil {
			found = true
			if err := in.repair(f); err != nil {
				return err
			}
		}
	}
	if !found {
		return fmt.Errorf("%s is not down", component)
	}
	return nil
}

// fail breaks the component unless it is already down this way; it returns the new
// failure, or nil if there was nothing to do.
func (in *Injector) fail(component string, kind Kind, cause Cause) (*Failure, error) {
	key := component + "\x00" + string(kind)
	in.lastID++
	f := &Failure{ID: in.lastID, Component: component, Kind: kind, Cause: cause,
		At: in.s.Now(), RepairAt: sim.Never}
	if old := in.down[key]; old != nil {
		// Said in the trace, so that a failure that did nothing does not vanish.
		in.s.Report(Refused{*f, fmt.Sprintf("already down since %.3f s (#%d)", old.At.Seconds(), old.ID)})
		return nil, nil
	}
	// The failure is reported before the target reacts, so that the trace reads in
	// causal order: the failure, then carrier loss, detection, switchover.
	in.s.Report(Injected{*f})
	if err := in.target.Fail(component, kind); err != nil {
		err = fmt.Errorf("cannot fail %s (%s): %w", component, kind, err)
		in.s.Report(Refused{*f, err.Error()})
		return nil, err
	}
	if len(in.failures) < MaxListed {
		in.failures = append(in.failures, f)
	}
	in.count++
	in.down[key] = f
	return f, nil
}

func (in *Injector) repair(f *Failure) error {
	key := f.Component + "\x00" + string(f.Kind)
	if in.down[key] != f {
		return nil
	}
	// Reported first, as failures are, so the trace reads repair, then its effects.
	f.RepairAt = in.s.Now()
	in.s.Report(Repaired{*f})
	delete(in.down, key)
	if err := in.target.Repair(f.Component, f.Kind); err != nil {
		return fmt.Errorf("cannot repair %s: %w", f.Component, err)
	}
	return nil
}

// Distribution names the family of times between failures and of repair times.
type Distribution string

// Distributions. Shapes are fixed so that MTBF and MTTR alone set each distribution.
const (
	// Exponential: memoryless failures, the classic reliability assumption.
	Exponential Distribution = "exponential"
	// Weibull with shape 1.5: failures that grow likelier with age (wear-out).
	Weibull Distribution = "weibull"
	// LogNormal with σ = 1: most repairs are quick, a few take very long.
	LogNormal Distribution = "lognormal"
)

// Shape parameters of the non-exponential families.
const (
	WeibullShape   = 1.5
	LogNormalSigma = 1.0
)

// sampler draws times with the given mean from a named stream.
func sampler(d Distribution, mean sim.Time, src *sim.Simulation, stream string) (func() sim.Time, error) {
	m := mean.Seconds()
	if m <= 0 {
		return nil, fmt.Errorf("mean time must be positive, got %v", mean)
	}
	r := src.Rand(stream)
	var draw func() float64
	switch d {
	case Exponential, "":
		draw = distuv.Exponential{Rate: 1 / m, Src: r}.Rand
	case Weibull:
		// mean = λ·Γ(1 + 1/k)
		draw = distuv.Weibull{K: WeibullShape, Lambda: m / math.Gamma(1+1/WeibullShape), Src: r}.Rand
	case LogNormal:
		// mean = exp(μ + σ²/2)
		draw = distuv.LogNormal{Mu: math.Log(m) - LogNormalSigma*LogNormalSigma/2, Sigma: LogNormalSigma, Src: r}.Rand
	default:
		return nil, fmt.Errorf("unknown distribution %q (expected exponential, weibull or lognormal)", d)
	}
	return func() sim.Time { return max(sim.Seconds(draw()), sim.Nanosecond) }, nil
}

// Random fails each component independently: up for a time drawn with mean mtbf, down
// for a time with mean mttr, again and again. Each component draws from its own stream
// ("failures/<component>/up" and ".../repair"), so adding a component leaves the others'
// failure times unchanged.
func (in *Injector) Random(components []string, kind Kind, mtbf, mttr sim.Time, d Distribution) error {
	comps := slices.Clone(components)
	for _, c := range comps {
		up, err := sampler(d, mtbf, in.s, "failures/"+c+"/up")
		if err != nil {
			return fmt.Errorf("mtbf: %w", err)
		}
		down, err := sampler(d, mttr, in.s, "failures/"+c+"/repair")
		if err != nil {
			return fmt.Errorf("mttr: %w", err)
		}
		var cycle func()
		cycle = func() {
			f, err := in.fail(c, kind, Random)
			if err != nil || f == nil {
				// Already down (a scheduled failure) or refused: try again a lifetime later.
				in.s.After(up(), cycle)
				return
			}
			in.s.After(down(), func() {
				_ = in.repair(f)
				in.s.After(up(), cycle)
			})
		}
		in.s.After(up(), cycle)
	}
	return nil
}
