package experiment_test

import (
	"slices"
	"strings"
	"testing"

	"dctwin/experiment"
	"dctwin/scenario"
	"dctwin/scenarios"
)

func parse(t *testing.T, text string) (*experiment.Spec, error) {
	t.Helper()
	return experiment.Parse("x.yaml", []byte(text), experiment.FileOpener("."))
}

func mustParse(t *testing.T, text string) *experiment.Spec {
	t.Helper()
	s, err := parse(t, text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return s
}

const team = "topology.hosts[srv-1].teams[bond0]"

// Mistakes are reported at the line and column where they were written, each saying
// what was expected; several at once.
func TestParseErrorsArePositioned(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown key", "version: 1\nscenario: teaming-lab\nreplicatons: 3\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:3:1: unknown key "replicatons" in the experiment (expected one of: `}},
		{"no version", "scenario: teaming-lab\nmetrics: [calls.dropped]\n", []string{"x.yaml:1:1: missing `version: 1`"}},
		{"fraction", "version: 1\nscenario: teaming-lab\nreplications: 2.5\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:3:15: replications: expected a whole number, got "2.5"`}},
		{"metric typo", "version: 1\nscenario: teaming-lab\nmetrics:\n  - calls.droped\n",
			[]string{`x.yaml:4:5: unknown metric "calls.droped": calls has attempted, completed`}},
		{"two mistakes", "version: 1\nscenario: teaming-lab\nseed: -1\nmetrics:\n  - summary.nope\n",
			[]string{"x.yaml:3:7: seed: -1 is out of range", `x.yaml:5:5: unknown metric "summary.nope"`}},
		{"zip length", "version: 1\nscenario: teaming-lab\nparameters:\n  a:\n    path: " + team + ".mode\n    values: [nft, tlb]\n  b:\n    path: " + team + ".detection.method\n    zip: a\n    values: [carrier]\nmetrics: [calls.dropped]\n",
			[]string{"x.yaml:7:3: parameter b has 1 values but varies together (zip) with a, which has 2"}},
		{"exclude value", "version: 1\nscenario: teaming-lab\nparameters:\n  mode:\n    path: " + team + ".mode\n    values: [nft, tlb]\nexclude:\n  - {mode: slb}\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:8:12: exclude: parameter mode has no value "slb" (values: nft, tlb)`}},
		{"bad path at the path", "version: 1\nscenario: teaming-lab\nparameters:\n  mode:\n    path: " + team + ".mdoe\n    values: [nft, tlb]\nmetrics: [calls.dropped]\n",
			[]string{"x.yaml:5:11: parameter mode: path " + team + ".mdoe: " + team + ` has no key "mdoe"`}},
		{"value the scenario refuses", "version: 1\nscenario: teaming-lab\nparameters:\n  mode:\n    path: " + team + ".mode\n    values: [nft, bogus]\nmetrics: [calls.dropped]\n",
			[]string{"x.yaml:6:19: parameter mode = bogus: "}},
		{"flow style brackets", "version: 1\nscenario: teaming-lab\nmetrics: [calls.dropped]\nplots:\n  - {kind: box, metric: failure[0].detected_after_ms}\n",
			[]string{"write names with brackets in quotes"}},
		{"no such flow", "version: 1\nscenario: teaming-lab\nmetrics: [\"flow[web-9].down_ms\"]\n",
			[]string{`metric flow[web-9].down_ms: the scenario has no flow "web-9"`}},
		{"plot of a metric not collected", "version: 1\nscenario: teaming-lab\nmetrics: [calls.dropped]\nplots:\n  - {kind: ecdf, metric: calls.degraded}\n",
			[]string{"x.yaml:5:5: plot metric calls.degraded is not one of the metrics or series collected (add it to metrics:)"}},
		{"alias", "version: 1\nscenario: teaming-lab\nmetrics: &m [calls.dropped]\nseries: *m\n",
			[]string{"x.yaml:4:9: aliases (*name) are not supported"}},
		// One mistake, one error, at the place of the mistake, with no position inside
		// the value as the scenario's override saw it ("--set PATH:1:1").
		{"bad duration at the value", "version: 1\nscenario: teaming-lab\nparameters:\n  interval:\n    path: " + team + ".detection.interval\n    values: [100ms, 10xs]\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:6:21: parameter interval = 10xs: invalid duration "10xs": expected`}},
		{"bad duration in set", "version: 1\nscenario: teaming-lab\nset:\n  " + team + ".detection.interval: 10xs\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:4:58: set ` + team + `.detection.interval: invalid duration "10xs"`}},
		{"range backwards", rangeSpec("{from: 500ms, to: 10ms, step: 10ms}"),
			[]string{"x.yaml:6:30: parameter interval: range.to (10ms) is below from (500ms)"}},
		{"range step 0", rangeSpec("{from: 10ms, to: 500ms, step: 0ms}"),
			[]string{"x.yaml:6:42: parameter interval: range.step must be above 0, got 0ms"}},
		{"range without step", rangeSpec("{from: 10ms, to: 500ms}"),
			[]string{"x.yaml:6:12: parameter interval: the range needs step: (added to from until to) or factor: (multiplied)"}},
		{"range step without unit", rangeSpec("{from: 10ms, to: 500ms, step: 10}"),
			[]string{`x.yaml:6:42: parameter interval: range.step: expected a duration like from (10ms), got "10"`}},
		{"missing colon", "version: 1\nscenario: teaming-lab\nreplications 20\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:3:1: missing ':' after "replications": write "replications: 20"`}},
		{"missing colon inside", "version: 1\nscenario: teaming-lab\nparameters:\n  mode:\n    path " + team + ".mode\n    values: [nft]\nmetrics: [calls.dropped]\n",
			[]string{`x.yaml:5:5: missing ':' after "path": write "path: ` + team + `.mode"`}},
		{"series plot of a metric not collected", "version: 1\nscenario: teaming-lab\nmetrics: [calls.dropped]\nplots:\n  - {kind: series, metric: calls.mos}\n",
			[]string{"x.yaml:5:5: plot metric calls.mos is not one of the metrics or series collected (add it to series:)"}},
		{"missing scenario file", "version: 1\nscenario: nowhere.yaml\nmetrics: [calls.dropped]\n",
			[]string{"x.yaml:2:11: scenario nowhere.yaml: open nowhere.yaml: no such file"}},
	}
	for _, c := range cases {
		_, err := parse(t, c.text)
		if err == nil {
			t.Errorf("%s: parsed", c.name)
			continue
		}
		if n := len(scenario.AsErrors(err)); n != len(c.want) {
			t.Errorf("%s: %d errors, want %d:\n%v", c.name, n, len(c.want), err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q:\n%v", c.name, w, err)
			}
		}
	}
}

// rangeSpec is an experiment with one range parameter, a baseline and an exclusion,
// which must not add errors of their own when the range is wrong.
func rangeSpec(rng string) string {
	return "version: 1\nscenario: teaming-lab\nparameters:\n  interval:\n    path: " + team + ".detection.interval\n" +
		"    range: " + rng + "\nbaseline: {interval: 100ms}\nexclude: [{interval: 40ms}]\nmetrics: [calls.dropped]\n"
}

// A range includes to when its steps reach it; when they pass over it, the range ends
// below, and a warning at to says where.
func TestRangeEnd(t *testing.T) {
	s := mustParse(t, strings.Replace(rangeSpec("{from: 10ms, to: 500ms, step: 30ms}"), "exclude: [{interval: 40ms}]\n", "", 1))
	labels := s.Parameter("interval").Labels()
	// 10 + 16·30 = 490; 10 + 17·30 = 520 is past 500.
	if len(labels) != 17 || labels[16] != "490ms" {
		t.Errorf("values %q", labels)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Pos.String() != "x.yaml:6:29" ||
		!strings.Contains(s.Warnings[0].Msg, "the range ends at 490ms, below to (500ms)") {
		t.Errorf("warnings %v", s.Warnings)
	}
	s = mustParse(t, rangeSpec("{from: 10ms, to: 490ms, step: 30ms}"))
	if labels := s.Parameter("interval").Labels(); labels[len(labels)-1] != "490ms" || len(s.Warnings) != 0 {
		t.Errorf("a range that reaches to: %q, warnings %v", labels, s.Warnings)
	}
}

// The grid is the product of the zip groups, first parameter slowest, less the
// excluded configurations; values may be listed, named, or ranges.
func TestGrid(t *testing.T) {
	s := mustParse(t, `version: 1
scenario: teaming-lab
parameters:
  mode:
    path: `+team+`.mode
    values: [nft, tlb, slb]
  detection:
    path: `+team+`.detection
    values:
      fast: {method: miimon, interval: 10ms}
      slow: {method: miimon, interval: 1s}
  interval:
    path: `+team+`.gratuitous_arp
    range: {from: 1, to: 3, step: 1}
  updelay:
    path: `+team+`.detection.updelay
    zip: interval
    range: {from: 100ms, to: 400ms, factor: 2}
exclude:
  - {mode: slb, detection: slow}
metrics: [calls.dropped]
`)
	cs := s.Configurations()
	// 3 modes x 2 detections x 3 (interval zipped with updelay) = 18, less 3 excluded.
	if len(cs) != 15 {
		t.Fatalf("%d configurations, want 15", len(cs))
	}
	var got []string
	for _, c := range cs[:4] {
		got = append(got, strings.Join(s.Labels(c), " "))
	}
	want := []string{"nft fast 1 100ms", "nft fast 2 200ms", "nft fast 3 400ms", "nft slow 1 100ms"}
	if !slices.Equal(got, want) {
		t.Errorf("first configurations %q, want %q", got, want)
	}
	for _, c := range cs {
		if l := s.Labels(c); l[0] == "slb" && l[1] == "slow" {
			t.Errorf("excluded configuration %d present: %v", c.Number(), l)
		}
	}
	sc, err := s.Prepare(cs[len(cs)-1])
	if err != nil {
		t.Fatal(err)
	}
	tm := sc.Spec.Topology.Hosts[0].Teams[0]
	if tm.Mode != "slb" || tm.Detection.Interval.D().Milliseconds() != 10 || *tm.GratuitousARP != 3 || tm.Detection.UpDelay.D().Milliseconds() != 400 {
		t.Errorf("last configuration built as %+v", tm)
	}
	if p := s.Parameter("interval"); !p.Numeric() || p.Values[2].Number != 3 {
		t.Errorf("range values %+v", p.Values)
	}
	if p := s.Parameter("detection"); p.Numeric() || p.Values[0].Label != "fast" {
		t.Errorf("named values %+v", p.Values)
	}
}

// A range of tenths ends on its last value, whatever the rounding of the steps.
func TestRangeOfFractions(t *testing.T) {
	s := mustParse(t, "version: 1\nscenario: teaming-lab\nparameters:\n  erl:\n    path: workloads.calls.groups[office].erlangs\n"+
		"    range: {from: 0.1, to: 0.5, step: 0.1}\nmetrics: [calls.dropped]\n")
	if got := s.Parameter("erl").Labels(); !slices.Equal(got, []string{"0.1", "0.2", "0.3", "0.4", "0.5"}) {
		t.Errorf("labels %q", got)
	}
}

// Everything that decides the rows is in the hash; plots and descriptions are not.
func TestHash(t *testing.T) {
	base := "version: 1\nscenario: teaming-lab\nreplications: 3\nmetrics: [calls.dropped]\n"
	h := mustParse(t, base).Hash()
	if h2 := mustParse(t, base+"description: other words\nplots: [{kind: bar, metric: calls.dropped}]\n").Hash(); h2 != h {
		t.Error("a description or a plot changed the hash")
	}
	if h2 := mustParse(t, strings.Replace(base, "replications: 3", "replications: 4", 1)).Hash(); h2 == h {
		t.Error("replications did not change the hash")
	}
	s := mustParse(t, base)
	if err := s.Apply(experiment.Overrides{Precision: "calls.dropped=5%"}); err != nil {
		t.Fatal(err)
	}
	if s.Hash() == h || s.Precision.MaxReplications != 200 || s.Precision.HalfWidth != 0.05 {
		t.Errorf("--precision: hash unchanged or precision %+v", s.Precision)
	}
	if err := mustParse(t, base).Apply(experiment.Overrides{Precision: "calls.blocked=5%"}); err == nil {
		t.Error("--precision of a metric not collected accepted")
	}
}

// Every built-in scenario's report metrics are names an experiment accepts, so that
// the list in the experiment package cannot fall behind twin.Metric.
func TestEveryReportMetricIsAccepted(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		sc, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		ms := reportMetrics(t, sc)
		text := "version: 1\nscenario: " + name + "\nduration: 1h\nmetrics:\n  - \"" + strings.Join(ms, "\"\n  - \"") + "\"\n"
		if _, err := parse(t, text); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(ms) < 20 {
			t.Errorf("%s: only %d metrics", name, len(ms))
		}
	}
}
