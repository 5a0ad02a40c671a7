package experiment

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Stats summarizes the values of one metric in one configuration: the runs that had a
// value (N), their mean and sample standard deviation, median and 5th/95th percentiles
// (Quantile: Hyndman and Fan's type 7, the default of R and numpy, so that the median
// of an even number of values is the mean of the middle two), and the 95 % confidence
// interval of the mean from Student's t distribution with N−1 degrees of freedom. With
// fewer than two values the interval is unknown (NaN).
type Stats struct {
	N       int
	Missing int // runs without a value
	Mean    float64
	Std     float64
	Median  float64
	P5, P95 float64
	Min     float64
	Max     float64
	// CILow and CIHigh bound the 95 % confidence interval of the mean; HalfWidth is
	// half its width.
	CILow, CIHigh, HalfWidth float64
}

// Summarize computes Stats over values; NaN values count as missing.
func Summarize(values []float64) Stats {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	st := Stats{N: len(xs), Missing: len(values) - len(xs)}
	nan := math.NaN()
	if st.N == 0 {
		st.Mean, st.Std, st.Median, st.P5, st.P95, st.Min, st.Max = nan, nan, nan, nan, nan, nan, nan
		st.CILow, st.CIHigh, st.HalfWidth = nan, nan, nan
		return st
	}
	slices.Sort(xs)
	st.Min, st.Max = xs[0], xs[len(xs)-1]
	st.Median = Quantile(0.5, xs)
	st.P5 = Quantile(0.05, xs)
	st.P95 = Quantile(0.95, xs)
	if st.N == 1 {
		st.Mean, st.Std = xs[0], nan
		st.CILow, st.CIHigh, st.HalfWidth = nan, nan, nan
		return st
	}
	st.Mean, st.Std = stat.MeanStdDev(xs, nil)
	st.HalfWidth = TQuantile(st.N-1) * st.Std / math.Sqrt(float64(st.N))
	st.CILow, st.CIHigh = st.Mean-st.HalfWidth, st.Mean+st.HalfWidth
	return st
}

// Quantile is the p-quantile (0 ≤ p ≤ 1) of sorted values by Hyndman and Fan's
// definition 7 (R's quantile default, numpy's percentile default, a spreadsheet's
// PERCENTILE): the order statistics x₁ ≤ … ≤ xₙ sit at p = (k−1)/(n−1), and between
// them the quantile is interpolated linearly, at h = (n−1)·p + 1:
// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). The median of 1, 2, 3, 4 is 2.5. gonum's
// stat.Quantile offers only the empirical inverse and type 4 (LinInterp), whose
// median of an even number of values is the lower middle one, which readers of a
// table do not expect.
func Quantile(p float64, sorted []float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(p) || p < 0 || p > 1 {
		return math.NaN()
	}
	h := float64(n-1) * p // 0-based
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// TQuantile is the 97.5th percentile of Student's t distribution with df degrees of
// freedom: the factor of a two-sided 95 % confidence interval.
func TQuantile(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}

// Paired is the difference of a configuration from its baseline, replication by
// replication: with common random numbers both ran with the same seeds, so the
// differences cancel what the seed decides alike in both, and their interval is
// narrower than the two intervals' comparison would be.
type Paired struct {
	Stats // of the differences x − baseline over the replications both have
}

// PairedDifference summarizes x[k] − base[k] over the k where both are present.
func PairedDifference(x, base []float64) Paired {
	n := min(len(x), len(base))
	d := make([]float64, 0, n)
	for k := 0; k < n; k++ {
		if !math.IsNaN(x[k]) && !math.IsNaN(base[k]) {
			d = append(d, x[k]-base[k])
		}
	}
	return Paired{Summarize(d)}
}

// precise reports whether st's interval is narrow enough: a half-width at most share
// of the mean's magnitude (a mean of 0 with no spread is exact).
func precise(st Stats, share float64) bool {
	if st.N < 2 || math.IsNaN(st.HalfWidth) {
		return false
	}
	return st.HalfWidth <= share*math.Abs(st.Mean)
}
