package uc_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// A phone in a call is busy: a second call to it is refused as busy (not connected and
// not blocked), it places no call of its own, and once its call ends it can be called
// again. The busy call holds nothing: the PBX's one channel is free for the next call.
func TestBusyPhone(t *testing.T) {
	cfg := office()
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx"}, Channels: 2}}
	r := newRig(t, 1, cfg)
	first := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
	second := r.place(t, "office", "phone-3", uc.Internal, "phone-2", 60*sim.Second)
	if _, err := r.m.PlaceCall("office", "phone-2", uc.Trunk, "", sim.Second); err == nil ||
		!strings.Contains(err.Error(), "busy") {
		t.Fatalf("a phone in a call placed another call (error %v)", err)
	}
	third := r.place(t, "office", "phone-4", uc.Internal, "phone-5", 60*sim.Second)
	r.s.RunUntil(61 * sim.Second)
	again := r.place(t, "office", "phone-3", uc.Internal, "phone-2", 60*sim.Second)
	r.s.RunUntil(200 * sim.Second)
	only[uc.CallEnded](t, r, first.ID())
	if _, b := only[uc.CallBusy](t, r, second.ID()); b.To != "phone-2" || second.State() != uc.Busy {
		t.Fatalf("second call: %v, state %v", b, second.State())
	}
	only[uc.CallEnded](t, r, third.ID())
	only[uc.CallEnded](t, r, again.ID())
	st := r.m.Stats()
	if st.Attempted != 4 || st.Busy != 1 || st.Blocked != 0 || st.Completed != 3 || st.Active != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Busy phones in a loss system, with the reference worked out by hand. Three phones
// call each other (internal calls only, no capacity limit), a total of A erlangs offered:
// λ = A·μ, each arrival from a phone chosen at random to one of the other two. A call
// takes two phones, so the system is empty (E) or holds one call (C). From E every
// arrival connects (rate λ); in C the two phones in the call place nothing and the third
// one's attempts (rate λ/3) all find their callee busy; calls end at rate μ. Balance:
// π_E·λ = π_C·μ, so π_C/π_E = A, and the share of attempts that are busy is
// π_C·λ/3 / (π_E·λ + π_C·λ/3) = (A/3)/(1 + A/3) = A/(3 + A); A = 1.5 gives 1/3.
// Insensitivity makes it hold for lognormal holding times too. Tolerance: ≈ 20 000
// attempts per case, binomial standard error 0.0033, doubled for the correlation of
// successive attempts; 0.015 is more than 2 of those.
func TestBusyShareThreePhones(t *testing.T) {
	const a = 1.5
	want := a / (3 + a)
	for _, dist := range []uc.HoldingDist{uc.Exponential, uc.Lognormal} {
		t.Run(dist.String(), func(t *testing.T) {
			cfg := uc.Config{Groups: []uc.UserGroup{{Name: "office", PBX: "pbx",
				Endpoints: []string{"phone-1", "phone-2", "phone-3"}, Erlangs: a / 3, HoldingDist: dist}},
				SampleInterval: -1}
			r := newRig(t, 1, cfg)
			r.m.Start()
			// Attempts come at λ·(π_E + π_C/3) = (A/180 s)·(1 + A/3)/(1 + A): 20 000 of them.
			rate := a / 180 * (1 + a/3) / (1 + a)
			r.s.RunUntil(sim.Seconds(20000 / rate))
			st := r.m.Stats()
			got := float64(st.Busy) / float64(st.Attempted)
			t.Logf("%d attempts, %d busy: %.4f (want %.4f); %d blocked", st.Attempted, st.Busy, got, want, st.Blocked)
			if math.Abs(got-want) > 0.015 || st.Blocked != 0 {
				t.Fatalf("busy share %.4f, want A/(3 + A) = %.4f", got, want)
			}
		})
	}
}

// A phone in a call places no call: with few phones calling a trunk group, blocking
// follows Engset, not Erlang B. n = 8 stations (as 8 endpoints of one station and as 2
// endpoints of 4 stations) at β = 0.5 erlang each, offered to m = 3 trunk channels:
// Engset gives 0.30973 (TestErlangBReference); Erlang B for the same A = 4 would give
// 0.4507, and a model in which busy phones call on would be near it. Tolerance as in
// TestErlangBBlocking: ≈ 15 000 attempts, standard error ≤ 0.004, doubled; 0.02.
func TestEngsetWhenPhonesAreFew(t *testing.T) {
	want := engset(8, 3, 0.5)
	for _, shape := range []struct{ endpoints, stations int }{{8, 1}, {2, 4}} {
		t.Run(fmt.Sprintf("%dx%d", shape.endpoints, shape.stations), func(t *testing.T) {
			g := uc.UserGroup{Name: "office", PBX: "pbx", Stations: shape.stations, Erlangs: 0.5,
				Mix: uc.Mix{Trunk: 1}}
			for i := range shape.endpoints {
				g.Endpoints = append(g.Endpoints, fmt.Sprintf("phone-%d", i))
			}
			cfg := uc.Config{Groups: []uc.UserGroup{g}, Gateway: &uc.Server{Node: "gw", Channels: 3},
				SampleInterval: -1}
			r := newRig(t, 1, cfg)
			r.m.Start()
			// Attempts come at fewer than 8·β/180 s (idle stations only): run for 15 000
			// at the full rate and count what came.
			r.s.RunUntil(sim.Seconds(15000 / (8 * 0.5 / 180)))
			st := r.m.Stats()
			t.Logf("%d attempts, blocking %.4f (Engset %.4f, Erlang B %.4f)", st.Attempted, st.BlockingRatio(),
				want, erlangB(4, 3))
			if got := st.BlockingRatio(); math.Abs(got-want) > 0.02 {
				t.Fatalf("blocking %.4f, Engset(8, 3, 0.5) = %.4f", got, want)
			}
		})
	}
}
