package twin_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/twin"
)

// teamingLab loads the built-in teaming-lab with text substitutions (each must match
// exactly once, so a changed scenario breaks the test loudly rather than silently).
func teamingLab(t *testing.T, replace ...string) *scenario.Scenario {
	t.Helper()
	data, err := scenarios.Read("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		if n := strings.Count(text, replace[i]); n != 1 {
			t.Fatalf("%q occurs %d times in teaming-lab, want once", replace[i], n)
		}
		text = strings.Replace(text, replace[i], replace[i+1], 1)
	}
	sc, err := scenario.Parse("teaming-lab.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func run(t *testing.T, sc *scenario.Scenario, opt twin.Options) (*twin.Twin, *twin.Report) {
	t.Helper()
	tw, err := twin.New(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	return tw, tw.Report()
}

func reportBytes(t *testing.T, r *twin.Report) (text, js []byte) {
	t.Helper()
	var tb bytes.Buffer
	if err := r.WriteText(&tb); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return tb.Bytes(), j
}

func TestSameSeedGivesByteIdenticalReports(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		sc, err := twin.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		prev := runtime.GOMAXPROCS(1)
		_, r1 := run(t, sc, twin.Options{})
		runtime.GOMAXPROCS(max(prev, 2))
		_, r2 := run(t, sc, twin.Options{})
		runtime.GOMAXPROCS(prev)
		t1, j1 := reportBytes(t, r1)
		t2, j2 := reportBytes(t, r2)
		if !bytes.Equal(t1, t2) || !bytes.Equal(j1, j2) {
			t.Fatalf("%s: two runs with the same seed differ", name)
		}
		_, r3 := run(t, sc, twin.Options{Seed: 99, SeedSet: true})
		if _, j3 := reportBytes(t, r3); bytes.Equal(j1, j3) {
			t.Errorf("%s: seed 99 gives the same report as the scenario's seed", name)
		}
	}
}

func TestTeamingLabReport(t *testing.T) {
	sc, err := twin.Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	_, r := run(t, sc, twin.Options{})
	text, _ := reportBytes(t, r)
	golden.RequireEqual(t, text) // regenerate with: go test ./twin/ -run TestTeamingLabReport -update
}

// nicFailure runs teaming-lab's NIC failure and returns the detection time and the
// outage of web-1, in milliseconds (0 if web-1 was never interrupted).
func nicFailure(t *testing.T, sc *scenario.Scenario, seed uint64) (detected, outage float64) {
	t.Helper()
	_, r := run(t, sc, twin.Options{Seed: seed, SeedSet: true})
	if len(r.Failures) != 1 {
		t.Fatalf("%d failures, want the NIC failure", len(r.Failures))
	}
	f := r.Failures[0]
	if f.DetectedAfterMs == nil {
		t.Fatal("the NIC failure was never detected")
	}
	for _, fo := range f.Flows {
		if fo.Flow == "web-1" && !fo.AfterRepair {
			if fo.OutageMs == nil {
				t.Fatalf("web-1 not restored: %s", fo.Note)
			}
			return *f.DetectedAfterMs, *fo.OutageMs
		}
	}
	return *f.DetectedAfterMs, 0
}

func TestNICFailoverFollowsTheTeamsTimers(t *testing.T) {
	// Arithmetic (reference-facts §4.1): carrier loss is seen at once (PHY delay 0); the
	// MII monitor sees it at its next poll, (0, interval] later, and then waits downdelay
	// (a multiple of the interval); after the switchover the first gratuitous ARP moves
	// the server's MAC at once, so the flow's outage ends within a millisecond of the
	// detection.
	cases := []struct {
		name     string
		method   string
		min, max float64 // detection bounds, ms
	}{
		{"carrier", "method: carrier\n            interval: 100ms\n            updelay: 200ms\n            downdelay: 0s", 0, 0},
		{"miimon 100ms", "method: miimon\n            interval: 100ms\n            updelay: 200ms\n            downdelay: 0s", 0, 100},
		{"miimon 100ms, downdelay 200ms", "method: miimon\n            interval: 100ms\n            updelay: 200ms\n            downdelay: 200ms", 200, 300},
		{"miimon 250ms", "method: miimon\n            interval: 250ms\n            updelay: 500ms\n            downdelay: 0s", 0, 250},
	}
	orig := "method: miimon\n            interval: 100ms      # poll period\n            updelay: 200ms       # wait before trusting a member that came back\n            downdelay: 0s"
	for _, c := range cases {
		sc := teamingLab(t, orig, c.method)
		for seed := uint64(1); seed <= 6; seed++ {
			det, out := nicFailure(t, sc, seed)
			if det < c.min || det > c.max || (c.max > 0 && det == c.min) {
				t.Errorf("%s, seed %d: detected after %.3f ms, want in (%.0f, %.0f]", c.name, seed, det, c.min, c.max)
			}
			if (out < det && out != 0) || out-det > 1 {
				t.Errorf("%s, seed %d: outage %.3f ms, want the detection time %.3f ms + < 1 ms", c.name, seed, out, det)
			}
		}
	}
}

func TestFailbackReturnsToThePrimaryOnlyWhenConfigured(t *testing.T) {
	// After the repair at 70 s, eth0 is used again after updelay when the vendor fails
	// back (reference-facts §4.1, §4.2): Linux with primary_reselect always, HP with a
	// preference order (the primary); not Linux with primary_reselect failure, nor a
	// written failback: false.
	for _, c := range []struct {
		team string // replaces the lab's "flavour: linux ... primary_reselect: always"
		want string
	}{
		{"flavour: linux\n          primary: eth0\n          primary_reselect: always", "srv-1:eth0"},
		{"flavour: linux\n          primary: eth0\n          primary_reselect: failure", "srv-1:eth1"},
		{"flavour: hp\n          primary: eth0", "srv-1:eth0"},
		{"flavour: hp\n          primary: eth0\n          failback: false", "srv-1:eth1"},
	} {
		data, err := scenarios.Read("teaming-lab")
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		from := strings.Index(text, "flavour: linux")
		to := strings.Index(text, "primary_reselect: always") + len("primary_reselect: always")
		sc := teamingLab(t, text[from:to], c.team)
		tw, _ := run(t, sc, twin.Options{})
		if got := tw.Net.ActiveMember("srv-1"); got != c.want {
			t.Errorf("%q: active member %q at the end, want %q", c.team, got, c.want)
		}
	}
}

func TestDurationOptionOverridesTheScenario(t *testing.T) {
	sc := teamingLab(t)
	tw, r := run(t, sc, twin.Options{Duration: 5 * sim.Second})
	if r.DurationS != 5 || len(r.Failures) != 0 || !tw.Done() {
		t.Fatalf("duration %.0f s with %d failures, want 5 s before the failure at 10 s", r.DurationS, len(r.Failures))
	}
}

func TestScenarioWithErrorsDoesNotRun(t *testing.T) {
	sc, err := twin.Load("misconfigured-dc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := twin.New(sc, twin.Options{}); err == nil || !strings.Contains(err.Error(), "dctwin check") {
		t.Fatalf("error %v, want a pointer to dctwin check", err)
	}
}
