package uc_test

import (
	"slices"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// The series keeps the last MaxSeriesSamples samples, one per second, however long the
// run: after 2·Max + 500 s it holds the samples of the last Max seconds, in order.
func TestSeriesKeepsTheMostRecentSamples(t *testing.T) {
	r := newRig(t, 1, office())
	r.m.Start()
	end := sim.Time(2*uc.MaxSeriesSamples+500) * sim.Second
	r.s.RunUntil(end)
	series := r.m.Series()
	if len(series) != uc.MaxSeriesSamples {
		t.Fatalf("%d samples kept, want %d", len(series), uc.MaxSeriesSamples)
	}
	first := end - sim.Time(uc.MaxSeriesSamples-1)*sim.Second
	for i, s := range series {
		if want := first + sim.Time(i)*sim.Second; s.At != want {
			t.Fatalf("sample %d at %v, want %v", i, s.At, want)
		}
	}
}

// callScript places a call every 30 s and cuts phone-2 off now and then: for 2 s
// (a degraded second), and for 70 s (past the 60 s RTP timeout: the calls drop).
func callScript(t *testing.T, r *rig) {
	t.Helper()
	r.m.Start()
	for i := range 30 {
		r.s.At(sim.Time(i)*30*sim.Second, func() {
			r.place(t, "office", "phone-1", uc.Internal, "phone-2", 100*sim.Second)
		})
	}
	for _, at := range []sim.Time{45, 120, 130, 330, 610, 700} {
		r.net.Outage("phone-2", at*sim.Second, 2*sim.Second)
	}
	r.net.Outage("phone-2", 400*sim.Second, 70*sim.Second)
	r.net.Outage("phone-1", 800*sim.Second, 65*sim.Second)
}

// Forget(t) leaves CallsAffected(from, to) unchanged for every from ≥ t, also for the
// episodes still open when it was called (their calls find them again), compared with
// the same run without Forget.
func TestForgetKeepsCallsAffectedExact(t *testing.T) {
	// Calls every 30 s last 100 s: each phone stands for several stations, so that a
	// new call does not find the last one's phones busy.
	cfg := office()
	cfg.Groups[0].Stations = 10
	whole := newRig(t, 1, cfg)
	callScript(t, whole)
	forgetful := newRig(t, 1, cfg)
	callScript(t, forgetful)

	// Every 50 s, and 1.5 s into each short outage, while its episodes are open (at 131.5 s
	// the closed episodes of 120 s go, and the open ones of 130 s move).
	var checks []sim.Time
	for now := 50 * sim.Second; now <= 1000*sim.Second; now += 50 * sim.Second {
		checks = append(checks, now)
	}
	checks = append(checks, 46500*sim.Millisecond, 121500*sim.Millisecond, 131500*sim.Millisecond, 331500*sim.Millisecond,
		611500*sim.Millisecond, 701500*sim.Millisecond)
	slices.Sort(checks)
	var horizon sim.Time
	for _, now := range checks {
		whole.s.RunUntil(now)
		forgetful.s.RunUntil(now)
		horizon = now - 5*sim.Second
		forgetful.m.Forget(horizon)
		for from := horizon; from <= now; from += sim.Second {
			for to := from; to <= now; to += 5 * sim.Second {
				d1, g1 := whole.m.CallsAffected(from, to)
				d2, g2 := forgetful.m.CallsAffected(from, to)
				if d1 != d2 || g1 != g2 {
					t.Fatalf("at %v after Forget(%v): CallsAffected(%v, %v) = %d, %d; without Forget %d, %d",
						now, horizon, from, to, d2, g2, d1, g1)
				}
			}
		}
	}
	if whole.m.Stats() != forgetful.m.Stats() {
		t.Errorf("Forget changed the statistics: %+v vs %+v", forgetful.m.Stats(), whole.m.Stats())
	}
	if d, g := whole.m.CallsAffected(0, 1000*sim.Second); d == 0 || g < 3 {
		t.Fatalf("the script should drop and degrade calls: %d dropped, %d degraded", d, g)
	}
}
