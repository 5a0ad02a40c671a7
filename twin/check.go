package twin

import (
	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology"
	"dctwin/topology/check"
)

// Check reviews a loaded scenario as `dctwin check` does: scenario.Check (topology,
// names, values, what is not simulated yet), plus what the simulation's models say
// about the workloads (the call model's own validation of the calls section).
func Check(sc *scenario.Scenario) check.Findings { return checkWith(sc, sc.Topology()) }

func checkWith(sc *scenario.Scenario, t *topology.Topology) check.Findings {
	fs := scenario.CheckWith(sc, t)
	fs = append(fs, randomOfNothing(sc, t)...)
	c := sc.Spec.Workloads.Calls
	if len(c.Groups) > 0 {
		if _, _, err := callConfig(c); err != nil {
			fs = append(fs, check.New(check.CallConfigInvalid, scenario.CallErrorPos(c, err.Error()), "calls: %v", err))
		}
	}
	fs.Sort()
	return fs
}

// randomOfNothing finds the random failure entries that no component of the scenario
// can take: the run draws their candidates the same way (Build), and with none the
// entry would inject nothing (random vm failures without VMs, host-hang without
// hypervisors).
func randomOfNothing(sc *scenario.Scenario, t *topology.Topology) check.Findings {
	var fs check.Findings
	for _, r := range sc.Spec.Failures.Random {
		class, err := topology.ParseClass(r.Class)
		if err != nil {
			continue // refused when the scenario loaded
		}
		kind, key := failures.KindOf(class), "class"
		if r.Kind != "" {
			kind, key = failures.Kind(r.Kind), "kind"
		}
		cs := t.ComponentsOf(class)
		switch {
		case len(cs) == 0:
			fs = append(fs, check.New(check.RandomOfNothing, r.PosOf("class"),
				"random %s failures: the scenario has no %s; the entry injects nothing", r.Class, r.Class))
		case len(failures.Candidates(t, class, kind)) == 0:
			fs = append(fs, check.New(check.RandomOfNothing, r.PosOf(key),
				"random %s failures of kind %s: no %s of the scenario can fail that way; the entry injects nothing", r.Class, kind, r.Class))
		}
	}
	return fs
}

// Load loads a built-in scenario by name or a scenario file by path
// (scenarios.Load), for programs that drive the twin.
func Load(arg string) (*scenario.Scenario, error) { return scenarios.Load(arg) }
