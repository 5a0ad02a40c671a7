package experiment_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"dctwin/experiment"
)

// Student's t factors against a printed table (two-sided 95 %: t_0.975).
func TestTQuantile(t *testing.T) {
	for _, c := range []struct {
		df   int
		want float64
	}{{1, 12.706}, {4, 2.776}, {9, 2.262}, {19, 2.093}, {29, 2.045}, {120, 1.980}} {
		if got := experiment.TQuantile(c.df); math.Abs(got-c.want) > 0.0005 {
			t.Errorf("t(0.975, %d) = %.4f, want %.3f", c.df, got, c.want)
		}
	}
}

// Order statistics of 1..10 by linear interpolation, mean and standard deviation by
// hand: mean 5.5, variance Σ(k−5.5)²/9 = 82.5/9.
func TestSummarize(t *testing.T) {
	xs := []float64{7, 1, 10, 3, 2, 9, 4, math.NaN(), 5, 8, 6}
	s := experiment.Summarize(xs)
	if s.N != 10 || s.Missing != 1 || s.Mean != 5.5 || math.Abs(s.Std-math.Sqrt(82.5/9)) > 1e-12 || s.Min != 1 || s.Max != 10 {
		t.Errorf("%+v", s)
	}
	if s.Median < 5 || s.Median > 6 || s.P5 < 1 || s.P5 > 2 || s.P95 < 9 || s.P95 > 10 {
		t.Errorf("quantiles %v %v %v", s.P5, s.Median, s.P95)
	}
	hw := 2.262157 * math.Sqrt(82.5/9) / math.Sqrt(10)
	if math.Abs(s.HalfWidth-hw) > 1e-5 || math.Abs(s.CILow-(5.5-hw)) > 1e-5 {
		t.Errorf("interval %v ± %v, want ± %v", s.Mean, s.HalfWidth, hw)
	}
	if one := experiment.Summarize([]float64{3}); one.Mean != 3 || !math.IsNaN(one.HalfWidth) {
		t.Errorf("one value: %+v", one)
	}
	if none := experiment.Summarize([]float64{math.NaN()}); none.N != 0 || !math.IsNaN(none.Mean) {
		t.Errorf("no value: %+v", none)
	}
}

// Over many samples from a known normal distribution, the 95 % interval holds the
// true mean in about 95 % of them: with 4,000 samples the share has a standard error
// of √(0.95·0.05/4000) ≈ 0.0034, so 0.95 ± 0.012 is a 3.5σ band. Fixed seeds: the
// outcome is the same on every run.
func TestIntervalCoverage(t *testing.T) {
	const trials = 4000
	for _, n := range []int{3, 10, 30} {
		rng := rand.New(rand.NewPCG(uint64(n), 2))
		dist := distuv.Normal{Mu: 42, Sigma: 7, Src: rng}
		hits := 0
		xs := make([]float64, n)
		for range trials {
			for i := range xs {
				xs[i] = dist.Rand()
			}
			if s := experiment.Summarize(xs); s.CILow <= 42 && 42 <= s.CIHigh {
				hits++
			}
		}
		if share := float64(hits) / trials; math.Abs(share-0.95) > 0.012 {
			t.Errorf("n = %d: coverage %.4f, want 0.95 ± 0.012", n, share)
		} else {
			t.Logf("n = %d: coverage %.4f", n, share)
		}
	}
}

// Paired differences of correlated pairs (a shared part, as common random numbers
// give, plus a difference of known mean 1.5): the interval covers 1.5 about 95 % of the
// time, and is far narrower than the spread of either member.
func TestPairedCoverage(t *testing.T) {
	const trials, n = 4000, 20
	rng := rand.New(rand.NewPCG(7, 7))
	shared := distuv.Normal{Mu: 100, Sigma: 30, Src: rng}
	noise := distuv.Normal{Mu: 0, Sigma: 1, Src: rng}
	hits := 0
	var width, spread float64
	x, base := make([]float64, n), make([]float64, n)
	for range trials {
		for i := range x {
			s := shared.Rand()
			base[i], x[i] = s+noise.Rand(), s+1.5+noise.Rand()
		}
		p := experiment.PairedDifference(x, base)
		if p.CILow <= 1.5 && 1.5 <= p.CIHigh {
			hits++
		}
		width += p.HalfWidth / trials
		spread += experiment.Summarize(x).HalfWidth / trials
	}
	if share := float64(hits) / trials; math.Abs(share-0.95) > 0.012 {
		t.Errorf("paired coverage %.4f, want 0.95 ± 0.012", share)
	}
	if width*10 > spread {
		t.Errorf("paired half-width %.3f is not much narrower than the unpaired %.3f", width, spread)
	}
}
