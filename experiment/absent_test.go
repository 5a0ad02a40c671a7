package experiment

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dctwin/scenario"
)

// A failure[i] metric that no configuration can have (teaming-lab schedules one
// failure, at 10 s, and no random ones) is an error at the metric; one that some
// configuration reaches, or any with random failures, is accepted.
func TestFailureIndexBeyondTheScheduledFailures(t *testing.T) {
	base := "version: 1\nscenario: teaming-lab\nmetrics:\n  - calls.dropped\n  - \"failure[1].detected_after_ms\"\n"
	_, err := Parse("x.yaml", []byte(base), FileOpener("."))
	es := scenario.AsErrors(err)
	if len(es) != 1 || es[0].Error() != "x.yaml:5:5: metric failure[1].detected_after_ms: no run can have it: the scenario schedules one failure (failure[0]) within the run, and has no random failures" {
		t.Errorf("%v", err)
	}
	// The failure at 10 s is past a run of 5 s: failure[0] cannot happen either.
	if _, err := Parse("x.yaml", []byte(strings.Replace(base, "failure[1]", "failure[0]", 1)+"duration: 5s\n"), FileOpener(".")); err == nil ||
		!strings.Contains(err.Error(), "schedules no failures within the run") {
		t.Errorf("a failure after the run: %v", err)
	}
	ok := map[string]string{
		"a configuration with two failures": base + "parameters:\n  failures:\n    path: failures.scheduled\n    values:\n" +
			"      one: [{at: 10s, component: edge-a, kind: switch}]\n" +
			"      two: [{at: 10s, component: edge-a, kind: switch}, {at: 20s, component: edge-b, kind: switch}]\n",
		"random failures": base + "set:\n  failures.random: [{class: link, mtbf: 100h, mttr: 1h}]\n",
	}
	for name, text := range ok {
		if _, err := Parse("x.yaml", []byte(text), FileOpener(".")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A metric no run has a value of is listed in experiment.json; the report warns of
// it and says which plots (or facets) it left out and why.
func TestMetricsWithoutValues(t *testing.T) {
	s := load(t, `version: 1
experiment: absent
scenario: teaming-lab
replications: 3
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb]
metrics: [calls.dropped, calls.blocked, summary.failures]
plots:
  - {kind: box, metric: calls.dropped, x: mode}
  - {kind: ecdf, metric: calls.blocked, facet: mode}
  - {kind: bar, metric: summary.failures, x: mode}
`)
	// calls.dropped never has a value; calls.blocked only with nft.
	runs := func(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
		blocked := float64(seed)
		if c.Values[0] == 1 {
			blocked = math.NaN()
		}
		return []float64{math.NaN(), blocked, 1}, nil
	}
	dir := filepath.Join(t.TempDir(), "out")
	m := runInto(t, s, Options{Dir: dir, run: runs})
	if !slices.Equal(m.NoValue, []string{"calls.dropped"}) {
		t.Errorf("NoValue %q", m.NoValue)
	}
	if back, err := ReadMeta(dir); err != nil || !slices.Equal(back.NoValue, m.NoValue) {
		t.Errorf("experiment.json: %v %v", back, err)
	}
	w, err := WriteReport(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"no run had a value of calls.dropped (n = 0 in every configuration): most likely the runs do not have what it measures (failure[i] needs i+1 failures, calls.* a calls workload)",
		"plot 1 (box: calls.dropped by mode) is left out: no run had a value of calls.dropped",
		"plot 2 (ecdf: calls.blocked (mode = tlb)) is left out: no run with mode = tlb had a value of calls.blocked",
	}
	if !slices.Equal(w.Warnings, want) || len(w.Plots) != 2 {
		t.Errorf("warnings:\n%s\nwant:\n%s\nplots %v", strings.Join(w.Warnings, "\n"), strings.Join(want, "\n"), w.Plots)
	}
	md := string(readFile(t, filepath.Join(dir, MarkdownFile)))
	html := string(readFile(t, filepath.Join(dir, IndexFile)))
	for _, line := range want {
		if !strings.Contains(md, "- "+line+"\n") {
			t.Errorf("report.md lacks %q", line)
		}
	}
	if !strings.Contains(html, "<li>plot 1 (box: calls.dropped by mode) is left out") {
		t.Error("index.html lacks the warnings")
	}
}
