package twin

import (
	"fmt"
	"slices"
	"time"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology"
)

// ActionKind says what a user did to a running twin.
type ActionKind string

// Actions a user can take while the twin runs.
const (
	FailAction   ActionKind = "fail"
	RepairAction ActionKind = "repair"
	// MigrateAction live-migrates a VM (Component) to the host To.
	MigrateAction ActionKind = "migrate"
	// MaintenanceAction puts a host into maintenance mode (leaving it RepairAfter
	// later, if set); MaintenanceExitAction takes it out.
	MaintenanceAction     ActionKind = "maintenance"
	MaintenanceExitAction ActionKind = "maintenance-exit"
)

// Action is one thing done to a running twin, at the simulated time it took effect:
// the twin's journal, from which a session is replayed (Replay) or saved as a scenario
// (SessionSpec).
type Action struct {
	At        sim.Time
	Kind      ActionKind
	Component string
	// Failure is the failure kind of a FailAction.
	Failure failures.Kind
	// RepairAfter repairs a scheduled failure that much later (zero: not by itself).
	RepairAfter sim.Time
	// To is the target host of a MigrateAction.
	To string
}

// target is the running twin as the failure injector sees it. Failures and repairs
// reach the twin only through the injector, which records and measures them.
type target struct{ tw *Twin }

func (t target) Fail(component string, kind failures.Kind) error {
	return t.tw.apply(component, kind, true)
}
func (t target) Repair(component string, kind failures.Kind) error {
	return t.tw.apply(component, kind, false)
}

// FailNow breaks a component at once, as a trainer's key press does: the failure goes
// through the injector, so it is in the trace, measured and reported like a scheduled
// one, and in the journal. kind must be one of FailureKinds(component).
func (tw *Twin) FailNow(component string, kind failures.Kind) error {
	if err := tw.canFail(component, kind); err != nil {
		return err
	}
	tw.completeInstant()
	if err := tw.Failures.FailNow(component, kind); err != nil {
		return err
	}
	tw.journal = append(tw.journal, Action{At: tw.Sim.Now(), Kind: FailAction, Component: component, Failure: kind})
	return nil
}

// RepairNow repairs every failure of a component that is in force, at once.
func (tw *Twin) RepairNow(component string) error {
	tw.completeInstant()
	if err := tw.Failures.RepairNow(component); err != nil {
		return err
	}
	tw.journal = append(tw.journal, Action{At: tw.Sim.Now(), Kind: RepairAction, Component: component})
	return nil
}

// ScheduleFailure breaks a component after a delay and, if repairAfter is positive,
// repairs it that much later, as a `failures: scheduled:` entry would.
func (tw *Twin) ScheduleFailure(after sim.Time, component string, kind failures.Kind, repairAfter sim.Time) error {
	if after < 0 || repairAfter < 0 {
		return fmt.Errorf("negative delay")
	}
	if err := tw.canFail(component, kind); err != nil {
		return err
	}
	a := Action{At: tw.Sim.Now() + after, Kind: FailAction, Component: component, Failure: kind, RepairAfter: repairAfter}
	tw.Failures.ScheduleManual(a.At, component, kind, repairAfter)
	tw.journal = append(tw.journal, a)
	return nil
}

// completeInstant runs what is left of the current instant (after a Step), so that an
// action takes effect after everything else at its time, as its replay does.
func (tw *Twin) completeInstant() {
	if tw.Sim.Peek() <= tw.Sim.Now() {
		tw.Sim.RunUntil(tw.Sim.Now())
	}
}

// canFail says why a component cannot fail that way, if it cannot.
func (tw *Twin) canFail(component string, kind failures.Kind) error {
	kinds := tw.FailureKinds(component)
	if len(kinds) == 0 {
		return fmt.Errorf("%q is not a component that can fail (see dctwin spof for their names)", component)
	}
	if !slices.Contains(kinds, kind) {
		return fmt.Errorf("%s cannot fail as %q (it can fail as: %s)", component, kind, failures.JoinKinds(kinds))
	}
	return nil
}

// FailureKinds lists the ways a component can fail: a link as a whole or in one
// direction, a NIC, a switch port, a switch, a module, a power supply, an enclosure, a
// host, its storage paths, a storage array or datastore, a VM's guest (a crash or a
// hang). It is empty for a name that is no component.
func (tw *Twin) FailureKinds(component string) []failures.Kind {
	return FailureKindsOf(tw.Topology, component)
}

// FailureKindsOf is FailureKinds for a topology, for a front end that offers the
// choice without holding the running twin.
func FailureKindsOf(t *topology.Topology, component string) []failures.Kind {
	class, ok := t.ClassOf(component)
	if !ok {
		return nil
	}
	return failures.KindsOf(t, class, component)
}

// Journal returns what was done to the twin while it ran, in order.
func (tw *Twin) Journal() []Action { return slices.Clone(tw.journal) }

// Replay builds a twin of the scenario and schedules the actions of a journal, so
// that running it to any time gives the same states, events and report as the
// session the journal came from (actions at time t take effect after everything else
// at t, as actions taken between two steps do).
func Replay(sc *scenario.Scenario, opt Options, journal []Action) (*Twin, error) {
	tw, err := New(sc, opt)
	if err != nil {
		return nil, err
	}
	for _, a := range journal {
		switch a.Kind {
		case FailAction:
			tw.Failures.ScheduleManual(a.At, a.Component, a.Failure, a.RepairAfter)
		case RepairAction:
			tw.Failures.ScheduleRepair(a.At, a.Component)
		case MigrateAction, MaintenanceAction, MaintenanceExitAction:
			tw.scheduleOperation(a.At, a, "by hand")
		default:
			return nil, fmt.Errorf("journal: unknown action %q", a.Kind)
		}
		tw.journal = append(tw.journal, a)
	}
	return tw, nil
}

// SessionSpec returns the scenario with the journal's actions added as scheduled
// failures (a repair of a failure made in the session becomes its repair_after, other
// repairs `kind: repair` entries), so that `dctwin run` of the written scenario
// reproduces the session, report for report.
func (tw *Twin) SessionSpec() scenario.Spec {
	spec := cloneSpec(tw.Scenario.Spec)
	var added []scenario.ScheduledFailure
	open := map[string]int{}    // component → its session failure in added, while in force
	inMaint := map[string]int{} // host → its session maintenance in added, while in force
	for _, a := range tw.journal {
		at := scenario.Duration(time.Duration(a.At))
		switch a.Kind {
		case FailAction:
			added = append(added, scenario.ScheduledFailure{At: at, Component: a.Component,
				Kind: scenario.FailureKind(a.Failure), RepairAfter: scenario.Duration(time.Duration(a.RepairAfter)), Manual: true})
			if a.RepairAfter == 0 {
				open[a.Component] = len(added) - 1
			}
		case RepairAction:
			// A repair at its failure's instant stays an entry of its own: a
			// repair_after of 0 would be written as none, and the failure would
			// stay in force in the saved scenario.
			if i, ok := open[a.Component]; ok && at > added[i].At {
				added[i].RepairAfter = at - added[i].At
				delete(open, a.Component)
				continue
			}
			delete(open, a.Component)
			added = append(added, scenario.ScheduledFailure{At: at, Component: a.Component, Kind: scenario.RepairKind})
		case MigrateAction:
			added = append(added, scenario.ScheduledFailure{At: at, Component: a.Component, Kind: scenario.MigrateKind, To: a.To, Manual: true})
		case MaintenanceAction:
			added = append(added, scenario.ScheduledFailure{At: at, Component: a.Component, Kind: scenario.MaintenanceKind, Manual: true})
			inMaint[a.Component] = len(added) - 1
		case MaintenanceExitAction:
			if i, ok := inMaint[a.Component]; ok && at > added[i].At {
				added[i].RepairAfter = at - added[i].At
				delete(inMaint, a.Component)
				continue
			}
			delete(inMaint, a.Component)
			added = append(added, scenario.ScheduledFailure{At: at, Component: a.Component, Kind: scenario.MaintenanceExitKind, Manual: true})
		}
	}
	spec.Failures.Scheduled = append(spec.Failures.Scheduled, added...)
	spec.Run.Seed = tw.Seed
	spec.Run.Duration = scenario.Duration(time.Duration(tw.Duration))
	return spec
}

// cloneSpec copies what SessionSpec changes of a scenario's spec.
func cloneSpec(s scenario.Spec) scenario.Spec {
	s.Failures.Scheduled = slices.Clone(s.Failures.Scheduled)
	return s
}

// operationOf is the action a scheduled migrate or maintenance entry carries out.
func operationOf(f scenario.ScheduledFailure) Action {
	a := Action{At: sim.Time(f.At), Component: f.Component, To: f.To, RepairAfter: sim.Time(f.RepairAfter)}
	switch f.Kind {
	case scenario.MigrateKind:
		a.Kind = MigrateAction
	case scenario.MaintenanceKind:
		a.Kind = MaintenanceAction
	default:
		a.Kind = MaintenanceExitAction
	}
	return a
}
