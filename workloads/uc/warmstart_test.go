package uc_test

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// trunkGroup is a load of a erlangs of trunk calls from 10,000 stations (10 endpoints of
// 1000), so that busy callers thin the arrivals by no more than a/10,000, offered to a
// gateway of m channels (0: unlimited).
func trunkGroup(a float64, m int, dist uc.HoldingDist) uc.Config {
	g := uc.UserGroup{Name: "office", PBX: "pbx", Stations: 1000, Erlangs: a / 10000, HoldingDist: dist,
		Mix: uc.Mix{Trunk: 1}}
	for i := range 10 {
		g.Endpoints = append(g.Endpoints, fmt.Sprintf("phone-%d", i))
	}
	return uc.Config{Groups: []uc.UserGroup{g}, Gateway: &uc.Server{Node: "gw", Channels: m}, SampleInterval: -1}
}

// The warm start puts a stationary busy hour's calls in progress. Reference (M/G/∞):
// without a capacity limit the number in progress is Poisson with mean A, here 20
// erlangs, and a call seen in progress has the equilibrium residual holding time with
// mean E[L²]/(2·E[L]): for an exponential holding time of mean 180 s that is 180 s; for
// a lognormal one of mean 180 s and σ = 1 it is 180·e^(σ²)/2 = 244.6 s. Over 60 seeds
// (≈ 1200 calls) the standard error of the mean count is √(20/60) = 0.58, of the
// exponential residual mean 180/√1200 = 5.2 s, and of the lognormal one
// √(180²·e^(3σ²)/3 − 244.6²)/√1200 ≈ 12 s; the tolerances are about 3.5 standard errors.
// None of these calls is an attempt.
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
				r := newRig(t, seed, trunkGroup(20, 0, tc.dist))
				r.m.Start()
				warm := r.m.Active() // nothing has arrived yet: these are the warm calls
				if st := r.m.Stats(); st.Attempted != 0 || st.InProgressAtStart != len(warm) {
					t.Fatalf("after the warm start: %+v with %d calls talking", st, len(warm))
				}
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

// With a capacity limit the calls in progress at t = 0 follow the loss system's
// equilibrium, the Poisson law truncated at m (reference-facts 9): for A = 7.5 erlangs on
// m = 10 trunk channels the trunk is full with probability B(7.5, 10) = 0.0995 and holds
// A·(1 − B) = 6.754 calls on average (the carried traffic). A Poisson draw with the
// overflow left out would be full with probability P(N ≥ 10) = 0.224 and hold 7.19 on
// average. Over 1000 seeds the standard errors are about 0.0095 and 0.07; the
// tolerances are 3.5 of them, from gonum's standard error of the sample.
func TestWarmStartIsTheLossEquilibrium(t *testing.T) {
	const a, m, seeds = 7.5, 10, 1000
	b := erlangB(a, m)
	full := make([]float64, seeds)
	count := make([]float64, seeds)
	for i := range seeds {
		r := newRig(t, uint64(i+1), trunkGroup(a, m, uc.Exponential))
		r.m.Start()
		n := r.m.Stats().InProgressAtStart
		count[i] = float64(n)
		if n == m {
			full[i] = 1
		}
		if n > m {
			t.Fatalf("seed %d: %d calls in progress on %d channels", i+1, n, m)
		}
	}
	for _, q := range []struct {
		name string
		x    []float64
		want float64
	}{{"P(trunk full)", full, b}, {"mean calls", count, a * (1 - b)}} {
		mean, sd := stat.MeanStdDev(q.x, nil)
		se := stat.StdErr(sd, seeds)
		t.Logf("%s at t = 0: %.4f ± %.4f (want %.4f)", q.name, mean, se, q.want)
		if math.Abs(mean-q.want) > 3.5*se {
			t.Errorf("%s at t = 0: %.4f ± %.4f, want %.4f", q.name, mean, se, q.want)
		}
	}
}

// Ten-minute runs of a trunk group block as Erlang B says from the first second. A =
// 7.5 erlangs of 180 s calls on 10 trunk channels (the classic-dc trunk): attempts come
// at λ = A/180 s, E[attempts] = λ·600 s = 25 per run (calls in progress at t = 0 are
// not attempts), and by PASTA each attempt of a stationary system finds the trunk full
// with probability B(7.5, 10) = 0.0995, so E[blocked] = 25 · 0.0995 = 2.49 per run.
// The test takes, per run, blocked − B·attempts, whose mean is 0 (E[blocked] =
// B·E[attempts]), and wants it within 3.5 standard errors (gonum stat) of 0 over 2000
// runs; it also wants the mean attempts within 3.5 standard errors of 25. A warm start
// that overfilled the trunk gave 2.69 ± 0.05 blocked per run.
func TestTenMinuteBlockingAgreesWithErlangB(t *testing.T) {
	const a, m, runs = 7.5, 10, 2000
	b := erlangB(a, m)
	blocked := make([]float64, runs)
	attempts := make([]float64, runs)
	excess := make([]float64, runs)
	for i := range runs {
		r := newRig(t, uint64(i+1), trunkGroup(a, m, uc.Exponential))
		r.m.Start()
		r.s.RunUntil(10 * sim.Minute)
		st := r.m.Stats()
		blocked[i], attempts[i] = float64(st.Blocked), float64(st.Attempted)
		excess[i] = blocked[i] - b*attempts[i]
	}
	mb, sb := stat.MeanStdDev(blocked, nil)
	ma, sa := stat.MeanStdDev(attempts, nil)
	me, sdE := stat.MeanStdDev(excess, nil)
	seB, seA, seE := stat.StdErr(sb, runs), stat.StdErr(sa, runs), stat.StdErr(sdE, runs)
	t.Logf("blocked %.3f ± %.3f per run (Erlang B: %.3f); attempts %.2f ± %.2f (want 25); blocked − B·attempts %.3f ± %.3f",
		mb, seB, 25*b, ma, seA, me, seE)
	if math.Abs(me) > 3.5*seE {
		t.Errorf("blocked − B·attempts: %.3f ± %.3f per run, want 0", me, seE)
	}
	if math.Abs(ma-25) > 3.5*seA {
		t.Errorf("attempts %.2f ± %.2f per run, want 25", ma, seA)
	}
}
