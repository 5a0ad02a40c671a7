package experiment_test

import (
	"testing"

	"dctwin/scenario"
	"dctwin/twin"
)

// reportMetrics runs a scenario and lists the names of its report's metrics.
func reportMetrics(t *testing.T, sc *scenario.Scenario) []string {
	t.Helper()
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	var names []string
	for _, m := range tw.Report().Metrics() {
		names = append(names, m.Name)
	}
	return names
}
