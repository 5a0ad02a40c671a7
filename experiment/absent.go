package experiment

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"dctwin/scenario"
)

// A metric may have no value in a run (a failure that was never detected has no
// detected_after_ms), but one that has no value in any run is most likely a mistake:
// failure[3] where the scenario has one failure, calls.* without calls. Where that can
// be known from the file, Parse says so at the metric (failureBeyond); otherwise Run
// lists such metrics in Meta.NoValue and the report says which plots it left out.

// failureIndex is i of a failure[i].X metric, or -1.
func failureIndex(name string) int {
	m := metricName.FindStringSubmatch(name)
	if m == nil || m[2] == "" {
		return -1
	}
	i, err := strconv.Atoi(m[2])
	if err != nil {
		return -1
	}
	return i
}

// scheduledFailures is the most failures any configuration schedules within its run
// (repairs are not failures); known is false when a configuration has random failures
// (any number may happen) or could not be built on its own here.
func (s *Spec) scheduledFailures() (most int, known bool) {
	var relevant []int // parameters that change failures:
	for i, p := range s.Parameters {
		if p.Path == "failures" || strings.HasPrefix(p.Path, "failures.") || strings.HasPrefix(p.Path, "failures[") {
			relevant = append(relevant, i)
		}
	}
	configs := s.Configurations()
	if len(configs) == 0 {
		return 0, false
	}
	seen := map[string]bool{}
	for _, c := range configs {
		key := ""
		for _, i := range relevant {
			key += strconv.Itoa(c.Values[i]) + ","
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		sc, err := s.fresh()
		if err != nil {
			return 0, false
		}
		for _, i := range relevant {
			p := s.Parameters[i]
			if err := sc.Assign(p.Path, p.Values[c.Values[i]].Text); err != nil {
				return 0, false
			}
		}
		fs := sc.Failures()
		if len(fs.Random) > 0 {
			return 0, false
		}
		n := 0
		dur := s.RunDuration(sc)
		for _, f := range fs.Scheduled {
			if f.Kind != scenario.RepairKind && !f.Kind.Operation() && f.At.D() <= dur {
				n++
			}
		}
		most = max(most, n)
		if len(relevant) == 0 {
			break
		}
	}
	return most, true
}

// failureBeyond checks failure[i] metrics against the failures the configurations
// schedule: an index no configuration reaches is an error at the metric.
func (s *Spec) failureBeyond(add func(*scenario.PosError)) {
	need := false
	for _, m := range s.Metrics {
		need = need || failureIndex(m.Name) >= 0
	}
	if !need {
		return
	}
	most, known := s.scheduledFailures()
	if !known {
		return
	}
	for _, m := range s.Metrics {
		if i := failureIndex(m.Name); i >= most {
			have := "no failures"
			switch most {
			case 0:
			case 1:
				have = "one failure (failure[0])"
			default:
				have = fmt.Sprintf("%d failures (failure[0] to failure[%d])", most, most-1)
			}
			add(posErr(m.Pos, "metric %s: no run can have it: the scenario schedules %s within the run, and has no random failures",
				m.Name, have))
		}
	}
}

// valueSeen notes, per item, whether any run had a value.
type valueSeen []bool

func (v valueSeen) note(values []float64) {
	for i, x := range values {
		if i < len(v) && !math.IsNaN(x) {
			v[i] = true
		}
	}
}

// missing lists the metrics (scalar or series) of items that no run had a value of,
// in the spec's order.
func (v valueSeen) missing(items []item) []string {
	var out []string
	for i, it := range items {
		if v[i] || slices.Contains(out, it.metric) {
			continue
		}
		has := false
		for j, o := range items {
			has = has || o.metric == it.metric && o.series == it.series && v[j]
		}
		if !has {
			out = append(out, it.metric)
		}
	}
	return out
}
