package uc_test

import (
	"fmt"
	"math"
	"testing"

	"dctwin/workloads/uc"
)

// The warm start puts a stationary busy hour's calls in progress. Reference (M/G/∞):
// the number in progress is Poisson with mean A, here 20 erlangs, and a call seen in
// progress has the equilibrium residual holding time with mean E[L²]/(2·E[L]): for an
// exponential holding time of mean 180 s that is 180 s; for a lognormal one of mean
// 180 s and σ = 1 it is 180·e^(σ²)/2 = 244.6 s. Over 60 seeds (≈ 1200 calls) the
// standard error of the mean count is √(20/60) = 0.58, of the exponential residual
// mean 180/√1200 = 5.2 s, and of the lognormal one √(180²·e^(3σ²)/3 − 244.6²)/√1200 ≈
// 12 s; the tolerances are about 3.5 standard errors.
func TestWarmStart(t *testing.T) {
	for _, tc := range []struct {
		dist         uc.HoldingDist
		wantResidual float64
		tol          float64
	}{
		{uc.Exponential, 180, 20},
		{uc.Lognormal, 180 * math.E / 2, 45},
	} {
		t.Run(tc.dist.String(), func(t *testing.T) {
			const seeds = 60
			var calls int
			var residual float64
			for seed := uint64(1); seed <= seeds; seed++ {
				cfg := uc.Config{Groups: []uc.UserGroup{{Name: "office", PBX: "pbx", Erlangs: 2,
					HoldingDist: tc.dist}}, SampleInterval: -1}
				for i := range 10 {
					cfg.Groups[0].Endpoints = append(cfg.Groups[0].Endpoints, fmt.Sprintf("phone-%d", i))
				}
				r := newRig(t, seed, cfg)
				r.m.Start()
				warm := r.m.Active() // nothing has arrived yet: these are the warm calls
				calls += len(warm)
				ended := make(map[*uc.Call]bool)
				for len(ended) < len(warm) && r.s.Step() {
					for _, c := range warm {
						if !ended[c] && c.State() == uc.Ended {
							ended[c] = true
							residual += r.s.Now().Seconds()
						}
					}
				}
			}
			mean := float64(calls) / seeds
			res := residual / float64(calls)
			t.Logf("%d calls in progress over %d seeds: mean %.2f (want 20); mean residual %.1f s (want %.1f)",
				calls, seeds, mean, res, tc.wantResidual)
			if math.Abs(mean-20) > 2 {
				t.Errorf("mean calls in progress %.2f, want 20 ± 2", mean)
			}
			if math.Abs(res-tc.wantResidual) > tc.tol {
				t.Errorf("mean residual holding %.1f s, want %.1f ± %.0f", res, tc.wantResidual, tc.tol)
			}
		})
	}
}

// With a capacity limit, the warm start leaves out the calls that would not fit, and
// none of them counts as blocked.
func TestWarmStartRespectsCapacity(t *testing.T) {
	cfg := office()
	cfg.Groups[0].Erlangs = 20
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx"}, Channels: 5}}
	r := newRig(t, 1, cfg)
	r.m.Start()
	if st := r.m.Stats(); st.Active != 5 || st.Blocked != 0 || st.Attempted != 5 {
		t.Fatalf("after the warm start: %+v; want 5 active, none blocked", st)
	}
	cfg.ColdStart = true
	r = newRig(t, 1, cfg)
	r.m.Start()
	if st := r.m.Stats(); st.Active != 0 {
		t.Fatalf("cold start: %+v", st)
	}
}
