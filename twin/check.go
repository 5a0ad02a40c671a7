package twin

import (
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
	c := sc.Spec.Workloads.Calls
	if len(c.Groups) > 0 {
		if _, _, err := callConfig(c); err != nil {
			fs = append(fs, check.New(check.CallConfigInvalid, scenario.CallErrorPos(c, err.Error()), "calls: %v", err))
			fs.Sort()
		}
	}
	return fs
}

// Load loads a built-in scenario by name or a scenario file by path
// (scenarios.Load), for programs that drive the twin.
func Load(arg string) (*scenario.Scenario, error) { return scenarios.Load(arg) }
