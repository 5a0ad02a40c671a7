package experiment

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dctwin/scenario"
	"dctwin/topology"
)

// Configuration is one point of the grid: a value of every parameter.
type Configuration struct {
	// Index is the configuration's place in the grid (after exclusions), from 0;
	// runs.csv and the summary number configurations from 1.
	Index int
	// Values holds, per parameter, the index of its value.
	Values []int
}

// Number is how files and messages number the configuration (from 1).
func (c Configuration) Number() int { return c.Index + 1 }

func posErr(p topology.Pos, format string, args ...any) *scenario.PosError {
	return &scenario.PosError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// gridSize is the number of configurations before exclusions.
func (s *Spec) gridSize() int {
	n := 1
	seen := map[int]bool{}
	for _, p := range s.Parameters {
		if seen[p.group] {
			continue
		}
		seen[p.group] = true
		n *= len(p.Values)
		if n > MaxConfigurations {
			return n
		}
	}
	return n
}

// Configurations enumerates the grid: the product of the zip groups in the order the
// parameters are written (the first varies slowest), without the excluded ones.
func (s *Spec) Configurations() []Configuration {
	var groups [][]int // parameter indexes per group, in order of first appearance
	at := map[int]int{}
	for i, p := range s.Parameters {
		g, ok := at[p.group]
		if !ok {
			g = len(groups)
			at[p.group] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	size := make([]int, len(groups))
	for g, members := range groups {
		size[g] = len(s.Parameters[members[0]].Values)
		if size[g] == 0 {
			return nil
		}
	}
	var out []Configuration
	idx := make([]int, len(groups))
	for {
		vals := make([]int, len(s.Parameters))
		for g, members := range groups {
			for _, pi := range members {
				vals[pi] = idx[g]
			}
		}
		if !s.excluded(vals) {
			out = append(out, Configuration{Index: len(out), Values: vals})
		}
		g := len(groups) - 1
		for g >= 0 {
			idx[g]++
			if idx[g] < size[g] {
				break
			}
			idx[g] = 0
			g--
		}
		if g < 0 {
			return out
		}
	}
}

func (s *Spec) excluded(vals []int) bool {
	for _, ex := range s.Excludes {
		all := true
		for name, label := range ex.Values {
			for i, p := range s.Parameters {
				if p.Name == name && p.Values[vals[i]].Label != label {
					all = false
				}
			}
		}
		if all {
			return true
		}
	}
	return false
}

// Labels are the configuration's value labels, one per parameter.
func (s *Spec) Labels(c Configuration) []string {
	out := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		out[i] = p.Values[c.Values[i]].Label
	}
	return out
}

// Describe names a configuration for messages: "mode=nft detection=miimon".
func (s *Spec) Describe(c Configuration) string {
	if len(s.Parameters) == 0 {
		return "the scenario as it is"
	}
	parts := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		parts[i] = p.Name + "=" + p.Values[c.Values[i]].Label
	}
	return strings.Join(parts, " ")
}

// Prepare builds the scenario of one configuration: the base scenario with the fixed
// overrides and then the configuration's parameter values applied, validated once
// after the last, so that settings that only hold together (admission_control:
// percentage and its memory_failover_percent) may come in any order and from set: and
// parameters alike, as repeated --set flags do (Scenario.OverrideAll). An error names
// the configuration and points at the value in the experiment file.
func (s *Spec) Prepare(c Configuration) (*scenario.Scenario, error) {
	sc, err := s.fresh()
	if err != nil {
		return nil, err
	}
	for i, p := range s.Parameters {
		v := p.Values[c.Values[i]]
		if err := sc.Assign(p.Path, v.Text); err != nil {
			msg, _ := overrideMistake(p.Path, err)
			return nil, posErr(v.Pos, "parameter %s = %s: %s (configuration %d: %s)", p.Name, v.Label, msg, c.Number(), s.Describe(c))
		}
	}
	if err := sc.Validate(); err != nil {
		return nil, s.invalid(c, err)
	}
	return sc, nil
}

// invalid places the errors of a configuration's validation at the values of the
// experiment file that wrote the settings they name (Spec.origin), or at scenario:
// for a mistake of the base scenario's own.
func (s *Spec) invalid(c Configuration, err error) error {
	es := scenario.AsErrors(err)
	if es == nil {
		return err
	}
	in := ""
	if len(s.Parameters) > 0 {
		in = fmt.Sprintf(" (configuration %d: %s)", c.Number(), s.Describe(c))
	}
	var out scenario.Errors
	for _, e := range es {
		if pos, what, ok := s.origin(c, e.Pos); ok {
			out = append(out, posErr(pos, "%s: %s%s", what, e.Msg, in))
		} else {
			out = append(out, posErr(s.PosOf("scenario"), "%s%s", e.Error(), in))
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

// fresh is the base scenario with the fixed overrides, as a copy of its own, so that
// the configurations share nothing.
func (s *Spec) fresh() (*scenario.Scenario, error) {
	if s.withSets == nil {
		// Validated with the configuration's parameters (Prepare).
		sc := cloneScenario(s.Scenario)
		for _, st := range s.Sets {
			if err := sc.Assign(st.Path, st.Value); err != nil {
				msg, pathWrong := overrideMistake(st.Path, err)
				if pathWrong {
					return nil, posErr(st.PathPos, "set: path %s: %s", st.Path, msg)
				}
				return nil, posErr(st.Pos, "set %s: %s", st.Path, msg)
			}
		}
		s.withSets = sc
	}
	return cloneScenario(s.withSets), nil
}

// validateValues validates the scenario of the first configuration that has each
// parameter value (and so the fixed overrides): a value that makes an invalid
// scenario with the settings it runs with is an error at load, once.
func (s *Spec) validateValues(add func(*scenario.PosError)) {
	seen := map[[2]int]bool{}
	said := map[string]bool{}
	for _, c := range s.Configurations() {
		fresh := len(seen) == 0
		for i, v := range c.Values {
			if !seen[[2]int{i, v}] {
				seen[[2]int{i, v}], fresh = true, true
			}
		}
		if !fresh {
			continue
		}
		_, err := s.Prepare(c)
		for _, e := range scenario.AsErrors(err) {
			if key := e.Pos.String() + e.Msg; !said[key] {
				said[key] = true
				add(e)
			}
		}
	}
}

// RunDuration is how long the configuration's runs simulate.
func (s *Spec) RunDuration(sc *scenario.Scenario) time.Duration {
	if s.Duration > 0 {
		return s.Duration
	}
	return time.Duration(sc.Run().Duration)
}

// check validates what needs the scenario: overrides and every parameter value applied
// to it (their paths and values one at a time; the scenario each value makes, in the
// first configuration that has it, with the other settings of that configuration),
// metric names against its flows and nodes, plots and precision against the metrics,
// and the size of the grid. The configurations' other combinations are validated
// when they are prepared to run.
func (s *Spec) check() error {
	var errs scenario.Errors
	add := func(e *scenario.PosError) { errs = append(errs, e) }
	base, err := s.fresh()
	if err != nil {
		if pe, ok := err.(*scenario.PosError); ok {
			return pe
		}
		return err
	}
	for _, p := range s.Parameters {
		sc, err := s.fresh()
		if err != nil {
			return err
		}
		for _, v := range p.Values {
			if err := sc.Assign(p.Path, v.Text); err != nil {
				msg, pathWrong := overrideMistake(p.Path, err)
				if pathWrong {
					add(posErr(p.PathPos, "parameter %s: path %s: %s", p.Name, p.Path, msg))
				} else {
					add(posErr(v.Pos, "parameter %s = %s: %s", p.Name, v.Label, msg))
				}
				break // the scenario is now in a bad state
			}
		}
	}
	if n := s.gridSize(); n > MaxConfigurations {
		add(posErr(s.PosOf("parameters"), "the grid has more than %d configurations; vary fewer parameters or use zip", MaxConfigurations))
	} else if len(errs) == 0 && len(s.Configurations()) == 0 {
		add(posErr(s.PosOf("exclude"), "every configuration is excluded"))
	} else if len(errs) == 0 {
		s.validateValues(add)
	}
	names := map[string]bool{}
	for _, m := range s.Metrics {
		names[m.Name] = true
		if err := metricSubject(base, m.Name); err != nil {
			add(posErr(m.Pos, "%v", err))
		}
	}
	if len(errs) == 0 {
		s.failureBeyond(add)
	}
	dur := s.RunDuration(base)
	for _, sr := range s.Series {
		names[sr.Metric] = true
		if sr.To > dur {
			add(posErr(sr.Pos, "series: to (%v) is after the end of the run (%v)", sr.To, dur))
		}
	}
	if p := s.Precision; p != nil {
		if !slices.ContainsFunc(s.Metrics, func(m MetricSpec) bool { return m.Name == p.Metric }) {
			add(posErr(p.Pos, "precision.metric %s is not one of the metrics collected", p.Metric))
		}
		if p.MaxReplications == 0 {
			p.MaxReplications = max(200, s.Replications)
		}
		if s.Replications < 2 {
			add(posErr(s.PosOf("replications"), "precision needs at least 2 replications to start from (replications: %d)", s.Replications))
		}
		if p.MaxReplications < s.Replications {
			add(posErr(p.Pos, "precision.max_replications (%d) is below replications (%d)", p.MaxReplications, s.Replications))
		}
	}
	for _, pl := range s.Plots {
		if !names[pl.Metric] {
			where := "metrics:"
			if slices.Contains(SeriesMetrics, pl.Metric) {
				where = "series:"
			}
			add(posErr(pl.Pos, "plot metric %s is not one of the metrics or series collected (add it to %s)", pl.Metric, where))
			continue
		}
		if err := checkPlot(s, pl); err != "" {
			add(posErr(pl.Pos, "%s", err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs
}

// reservedColumn reports names that runs.csv uses for its own columns.
func reservedColumn(name string) bool {
	switch name {
	case "config", "replication", "seed", "metric", "t_s", "value":
		return true
	}
	return false
}
