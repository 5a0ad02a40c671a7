package twin_test

import (
	"strings"
	"testing"

	"dctwin/scenarios"
	"dctwin/topology/check"
	"dctwin/twin"
)

// TestFailureBudgetCountsTheKindsCandidates: check's failure budget counts the
// components a random entry fails at run time, those that can fail as its kind.
// classic-dc has 8 hosts (legacy-fax, db-write, dir-1, dir-2 and the hypervisors
// hv-1 to hv-4) and runs 10 min = 600 s. With mtbf 20 ms and mttr 10 ms each
// component fails about every 30 ms: the 8 hosts (kind host) inject 8·600/0.03 =
// 160000 failures, over the 100000 a run holds (failure-budget); only the 4
// hypervisors can hang (kind host-hang): 4·600/0.03 = 80000, within it. With mtbf
// 10 ms (every 20 ms) the 4 hang 4·600/0.02 = 120000 times, over it.
func TestFailureBudgetCountsTheKindsCandidates(t *testing.T) {
	for _, c := range []struct {
		kind, mtbf string
		want       string // in the finding; "" for none
	}{
		{"", "20ms", "random host failures: 8 components over 10m0s with mtbf 20ms would inject about 160000 failures"},
		{", kind: host", "20ms", "random host failures: 8 components over 10m0s with mtbf 20ms would inject about 160000 failures"},
		{", kind: host-hang", "20ms", ""},
		{", kind: host-hang", "10ms", "random host host-hang failures: 4 components over 10m0s with mtbf 10ms would inject about 120000 failures"},
	} {
		sc, err := scenarios.Load("classic-dc")
		must(t, err)
		must(t, sc.Set("failures.random", "[{class: host"+c.kind+", mtbf: "+c.mtbf+", mttr: 10ms}]"))
		var got []string
		for _, f := range twin.Check(sc) {
			if f.Kind == check.FailureBudget {
				got = append(got, f.Message)
			}
		}
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("kind %q: %v, want no failure-budget finding", c.kind, got)
		case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
			t.Errorf("kind %q: %v, want one saying %q", c.kind, got, c.want)
		}
	}
}
