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

// Mean and standard deviation of 1..10 by hand: mean 5.5, variance Σ(k−5.5)²/9 =
// 82.5/9; the quantiles are TestQuantile's.
func TestSummarize(t *testing.T) {
	xs := []float64{7, 1, 10, 3, 2, 9, 4, math.NaN(), 5, 8, 6}
	s := experiment.Summarize(xs)
	if s.N != 10 || s.Missing != 1 || s.Mean != 5.5 || math.Abs(s.Std-math.Sqrt(82.5/9)) > 1e-12 || s.Min != 1 || s.Max != 10 {
		t.Errorf("%+v", s)
	}
	if !near(s.Median, 5.5) || !near(s.P5, 1.45) || !near(s.P95, 9.55) {
		t.Errorf("quantiles %v %v %v, want 1.45 5.5 9.55", s.P5, s.Median, s.P95)
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

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Quantiles by Hyndman and Fan's type 7 (R's and numpy's default), worked by hand:
// the p-quantile of n sorted values sits at h = (n−1)·p + 1 (1-based); between the
// order statistics x⌊h⌋ and x⌊h⌋+1 it is interpolated linearly.
func TestQuantile(t *testing.T) {
	// The user's report: teaming-vs-cluster configuration 1, srv-1 cut off (ms), n = 20.
	report := []float64{11, 14, 29, 34, 37, 48, 49, 52, 52, 58, 59, 63, 68, 69, 70, 84, 85, 90, 93, 94}
	for _, c := range []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		// n = 10 (even): h = 5.5 → (5 + 6)/2; h = 1.45 → 1 + 0.45·(2 − 1); h = 9.55 → 9 + 0.55.
		{"1..10 median", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5, 5.5},
		{"1..10 p5", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.05, 1.45},
		{"1..10 p95", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.95, 9.55},
		// n = 5 (odd): h = 3 → the middle value; h = 1.2 → 2 + 0.2·(4 − 2) = 2.4;
		// h = 4.8 → 8 + 0.8·(20 − 8) = 17.6.
		{"odd median", []float64{2, 4, 7, 8, 20}, 0.5, 7},
		{"odd p5", []float64{2, 4, 7, 8, 20}, 0.05, 2.4},
		{"odd p95", []float64{2, 4, 7, 8, 20}, 0.95, 17.6},
		// n = 20: h = 10.5 → (58 + 59)/2 (gonum's LinInterp gave 58); h = 1.95 →
		// 11 + 0.95·(14 − 11) = 13.85; h = 19.05 → 93 + 0.05·(94 − 93) = 93.05.
		{"report median", report, 0.5, 58.5},
		{"report p5", report, 0.05, 13.85},
		{"report p95", report, 0.95, 93.05},
		// The ends are the extremes; one value is every quantile.
		{"p0", report, 0, 11},
		{"p100", report, 1, 94},
		{"one value", []float64{3}, 0.95, 3},
		{"two values", []float64{1, 3}, 0.05, 1.1},
	} {
		if got := experiment.Quantile(c.p, c.xs); !near(got, c.want) {
			t.Errorf("%s: Quantile(%v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
	if !math.IsNaN(experiment.Quantile(0.5, nil)) {
		t.Error("the median of nothing is not NaN")
	}
	s := experiment.Summarize(report)
	if !near(s.Median, 58.5) || !near(s.P5, 13.85) || !near(s.P95, 93.05) {
		t.Errorf("Summarize: median %v p5 %v p95 %v", s.Median, s.P5, s.P95)
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
