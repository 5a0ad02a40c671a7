package uc_test

import (
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// erlangB is the Erlang B blocking probability by the stable recursion
// B(A, 0) = 1, B(A, m) = A·B(A, m−1)/(m + A·B(A, m−1)) (reference-facts 9).
func erlangB(a float64, m int) float64 {
	b := 1.0
	for k := 1; k <= m; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// engset is the call congestion of the Engset loss system: n sources, each attempting a
// call at rate α while idle and none while in a call, offered to m servers, with
// β = α/μ. An attempt is blocked with probability
// C(n−1, m)·β^m / Σ_{k=0..m} C(n−1, k)·β^k (the state an arriving call sees is that of
// the other n − 1 sources). As n grows with n·β = A fixed it tends to Erlang B(A, m).
func engset(n, m int, beta float64) float64 {
	term, sum := 1.0, 1.0 // C(n−1, 0)·β^0
	for k := 1; k <= m; k++ {
		term *= float64(n-k) / float64(k) * beta
		sum += term
	}
	return term / sum
}

// blockingRun offers a erlangs of Poisson trunk calls with the given holding
// distribution from 10 endpoints of 1000 stations each to a loss system of m channels
// (the PBX, or the gateway's trunk) and returns the blocked share of attempts. 10,000
// stations make the busy callers' thinning of the arrivals negligible: Engset with
// n = 10,000 differs from Erlang B by less than 5·10⁻⁴ for these loads (checked below).
func blockingRun(t *testing.T, seed uint64, a float64, m int, dist uc.HoldingDist, trunk bool) (float64, int) {
	const endpoints, stations = 10, 1000
	const holding = 180 * sim.Second
	cfg := uc.Config{
		Groups: []uc.UserGroup{{
			Name: "office", PBX: "pbx", Stations: stations, Erlangs: a / (endpoints * stations), Holding: holding,
			HoldingDist: dist, Mix: uc.Mix{Trunk: 1},
		}},
		Gateway:        &uc.Server{Node: "gw"},
		SampleInterval: -1, // no MOS series: thousands of hours of calls
	}
	for i := range endpoints {
		cfg.Groups[0].Endpoints = append(cfg.Groups[0].Endpoints, "phone-"+string(rune('a'+i)))
	}
	if trunk {
		cfg.Gateway.Channels = m
	} else {
		cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx"}, Channels: m}}
	}
	r := newRig(t, seed, cfg)
	r.m.Start()
	// 15 000 arrivals expected: λ = A/180 s.
	r.s.RunUntil(sim.Seconds(15000 / a * holding.Seconds()))
	st := r.m.Stats()
	return st.BlockingRatio(), st.Attempted
}

// Erlang B: Poisson arrivals offered to m channels as a loss system block with
// probability B(A, m), whatever the holding-time distribution (insensitivity,
// reference-facts 9). A = 5 erlangs on m = 5 channels: B = 0.2849; A = 3 on m = 6:
// B = 0.0522. Tolerance: each seed sees ≈ 15 000 attempts; the binomial standard error
// √(B(1−B)/n) is ≤ 0.0037, and successive attempts are correlated through the channel
// occupancy, which roughly doubles it; 0.02 per seed and 0.01 for the mean over three
// seeds keep false alarms rare while a wrong model (e.g. no blocking, or blocking by
// queueing) misses by far more.
func TestErlangBBlocking(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a     float64
		m     int
		dist  uc.HoldingDist
		trunk bool
	}{
		{"pbx-exponential-A5-m5", 5, 5, uc.Exponential, false},
		{"trunk-exponential-A3-m6", 3, 6, uc.Exponential, true},
		{"pbx-lognormal-A5-m5", 5, 5, uc.Lognormal, false},
		{"trunk-lognormal-A3-m6", 3, 6, uc.Lognormal, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := erlangB(tc.a, tc.m)
			if d := math.Abs(engset(10000, tc.m, tc.a/10000) - want); d > 5e-4 {
				t.Fatalf("Engset for 10,000 stations is %g off Erlang B: the stations are too few", d)
			}
			var sum float64
			for seed := uint64(1); seed <= 3; seed++ {
				got, n := blockingRun(t, seed, tc.a, tc.m, tc.dist, tc.trunk)
				t.Logf("seed %d: %d attempts, blocking %.4f (Erlang B %.4f)", seed, n, got, want)
				if math.Abs(got-want) > 0.02 {
					t.Errorf("seed %d: blocking %.4f, Erlang B(%g, %d) = %.4f", seed, got, tc.a, tc.m, want)
				}
				sum += got
			}
			if mean := sum / 3; math.Abs(mean-want) > 0.01 {
				t.Errorf("mean blocking %.4f, Erlang B(%g, %d) = %.4f", mean, tc.a, tc.m, want)
			}
		})
	}
}

// The recursion agrees with the closed form (A^m/m!)/Σ A^k/k! for a small case:
// A = 2, m = 3: (8/6)/(1 + 2 + 2 + 8/6) = 4/19. Engset by hand: n = 8, m = 3, β = 0.5:
// C(7,3)·β³ / (1 + 7β + 21β² + 35β³) = 4.375/14.125 = 0.30973.
func TestErlangBReference(t *testing.T) {
	if got := erlangB(2, 3); math.Abs(got-4.0/19) > 1e-15 {
		t.Fatalf("B(2, 3) = %v, want 4/19", got)
	}
	if got := engset(8, 3, 0.5); math.Abs(got-4.375/14.125) > 1e-15 {
		t.Fatalf("Engset(8, 3, 0.5) = %v, want 4.375/14.125", got)
	}
}
