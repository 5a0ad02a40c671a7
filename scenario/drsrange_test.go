package scenario_test

import (
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
)

// clusterErr sets one value of dpm-lab's cluster cl and returns the error, "" if none.
func clusterErr(t *testing.T, path, value string) string {
	t.Helper()
	sc, err := scenarios.Load("dpm-lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("topology.clusters[cl]."+path, value); err != nil {
		return err.Error()
	}
	if err := sc.Validate(); err != nil {
		if list := scenario.AsErrors(err); list == nil {
			t.Errorf("%s=%s: an error without a position: %v", path, value, err)
		}
		return err.Error()
	}
	return ""
}

// A DRS interval under a minute is refused (vSphere's DRS invocation interval is in
// whole minutes); 1m and 5m are accepted.
func TestDRSIntervalAtLeastAMinute(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"1ms", "drs interval 1ms: expected at least 1m"},
		{"59s", "drs interval 59s: expected at least 1m"},
		{"0s", "drs interval 0s: expected at least 1m"},
		{"1m", ""},
		{"5m", ""},
	} {
		got := clusterErr(t, "drs.interval", c.value)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("drs.interval=%s: %q, want %q", c.value, got, c.want)
		}
	}
}
