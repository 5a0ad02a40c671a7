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

// DPM's target utilisation and tolerance are refused outside vSphere's ranges for
// DemandCapacityRatioTarget (40–90 %) and DemandCapacityRatioToleranceHost (10–40 %);
// the bounds themselves are accepted. HA tolerates no negative number of host failures.
func TestDPMAndHARanges(t *testing.T) {
	for _, c := range []struct{ path, value, want string }{
		{"dpm.target_utilization", "39", "dpm target_utilization 39: expected 40 to 90"},
		{"dpm.target_utilization", "91", "dpm target_utilization 91: expected 40 to 90"},
		{"dpm.target_utilization", "40", ""},
		{"dpm.target_utilization", "90", ""},
		{"dpm.tolerance", "9", "dpm tolerance 9: expected 10 to 40"},
		{"dpm.tolerance", "41", "dpm tolerance 41: expected 10 to 40"},
		{"dpm.tolerance", "10", ""},
		{"dpm.tolerance", "40", ""},
		{"ha.host_failures_tolerated", "-1", "ha host_failures_tolerated -1: expected 0 or more"},
		{"ha.host_failures_tolerated", "0", ""},
	} {
		got := clusterErr(t, c.path, c.value)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s=%s: %q, want %q", c.path, c.value, got, c.want)
		}
	}
}

// The settings of an admission control policy the cluster does not use are refused
// at their key (they would be read and do nothing), and a policy without its settings
// is refused at admission_control.
func TestAdmissionSettingsOfAnotherPolicy(t *testing.T) {
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{[]string{"admission_control=host-failures", "cpu_failover_percent=25"}, "cpu_failover_percent belongs to admission_control: percentage"},
		{[]string{"failover_hosts=[hv-4]", "memory_failover_percent=25"}, "admission control is failover-hosts (from the settings written"},
		{[]string{"admission_control=percentage"}, "percentage needs cpu_failover_percent or memory_failover_percent"},
		{[]string{"admission_control=failover-hosts"}, "failover-hosts needs failover_hosts"},
	} {
		sc, err := scenarios.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		var got error
		for _, set := range tc.sets {
			if got = sc.Set("topology.clusters[vcluster].ha."+strings.SplitN(set, "=", 2)[0], strings.SplitN(set, "=", 2)[1]); got != nil {
				break
			}
		}
		if got == nil || !strings.Contains(got.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.sets, got, tc.want)
		}
	}
}
