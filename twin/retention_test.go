package twin

import (
	"testing"
	"time"

	"dctwin/failures"
	"dctwin/sim"
)

// What the twin keeps stops growing: after the first Detailed failures, a longer run
// keeps as many timelines, each with at most maxTimeline records, no more waiting
// records than one housekeeping step holds, and the injector lists no more failures.
func TestRetainedRecordsStopGrowing(t *testing.T) {
	sc, err := Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("failures.random", "[{class: nic, mtbf: 30m, mttr: 5m}]"); err != nil {
		t.Fatal(err)
	}
	tw, err := New(sc, Options{Duration: sim.Time(24 * time.Hour), Detailed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, until := range []sim.Time{2 * sim.Hour, 8 * sim.Hour, 24 * sim.Hour} {
		tw.RunUntil(until)
		ft := tw.timelines
		if len(ft.byID) != 5 || len(ft.open) > 1 || len(ft.untaken) > 1 {
			t.Errorf("at %v: %d timelines, %d open, %d waiting for their calls; want 5, ≤ 1, ≤ 1",
				until, len(ft.byID), len(ft.open), len(ft.untaken))
		}
		for id, w := range ft.byID {
			if len(w.lines) > maxTimeline {
				t.Errorf("at %v: failure #%d keeps %d records", until, id, len(w.lines))
			}
		}
		if len(ft.pending) > 100 {
			t.Errorf("at %v: %d records wait for their windows", until, len(ft.pending))
		}
		if n := len(tw.Failures.Failures()); n > failures.MaxListed {
			t.Errorf("at %v: the injector lists %d failures", until, n)
		}
		if tw.forgotten < until-sim.Hour {
			t.Errorf("at %v: the call history reaches back to %v", until, tw.forgotten)
		}
	}
	if c := tw.Failures.Count(); c < 50 {
		t.Errorf("%d failures in a day; the test wants many", c)
	}
}
