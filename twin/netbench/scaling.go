package netbench

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"dctwin/scenarios"
)

// DefaultSizes are the host counts of a scaling run: 1,000 to 20,000.
var DefaultSizes = []int{1000, 2000, 5000, 10000, 20000}

// Scaling is a series of benchmark runs over data centers of growing size and the
// exponents fitted to their cost: cost ∝ hosts^exponent, by least squares on the
// logarithms.
type Scaling struct {
	Runs []*Result `json:"runs"`
	// TimeExponent fits load + build + run wall time; MemoryExponent the peak heap.
	TimeExponent   float64 `json:"time_exponent"`
	MemoryExponent float64 `json:"memory_exponent"`
}

// Scale sizes base to h hosts: switches h/10 (even, at least 4), flows 10·h, clients
// h/10, phones and VLANs in the proportions base has to its hosts.
func Scale(base scenarios.Fabric, h int) scenarios.Fabric {
	f := base
	bh := base.Hosts
	if bh == 0 {
		bh = scenarios.FabricDefaults.Hosts
	}
	f.Hosts = h
	f.Switches = max(4, h/10+h/10%2)
	f.Flows = 10 * h
	f.Clients = 0
	if base.Phones > 0 {
		f.Phones = int(int64(base.Phones) * int64(h) / int64(bh))
	}
	if base.VLANs > 1 {
		f.VLANs = max(1, int(int64(base.VLANs)*int64(h)/int64(bh)))
	}
	return f
}

// RunScaling runs the benchmark at each size (hosts) and fits the exponents.
func RunScaling(base scenarios.Fabric, sizes []int, progress io.Writer) (*Scaling, error) {
	sc := &Scaling{}
	var lh, lt, lm []float64
	for _, h := range sizes {
		spec := Scale(base, h)
		fmt.Fprintf(progress, "== %d hosts\n", h)
		r, err := Run(spec, progress)
		if err != nil {
			return nil, err
		}
		sc.Runs = append(sc.Runs, r)
		lh = append(lh, math.Log(float64(h)))
		lt = append(lt, math.Log(r.LoadS+r.BuildS+r.RunS))
		lm = append(lm, math.Log(float64(r.PeakHeap)))
	}
	if len(sizes) > 1 {
		_, sc.TimeExponent = stat.LinearRegression(lh, lt, nil, false)
		_, sc.MemoryExponent = stat.LinearRegression(lh, lm, nil, false)
	}
	return sc, nil
}

// WriteText prints one row per size and the fitted exponents.
func (s *Scaling) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "hosts\tswitches\tflows\tphones\tevents\tload s\tbuild s\trun s\ttotal s\tpeak heap MB\t\n")
	for _, r := range s.Runs {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t\n", r.Hosts, r.Switches, r.Flows, r.Phones,
			r.Events, r.LoadS, r.BuildS, r.RunS, r.LoadS+r.BuildS+r.RunS, float64(r.PeakHeap)/(1<<20))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "fitted exponents (cost ∝ hosts^k): load+build+run time k = %.2f, peak heap k = %.2f\n",
		s.TimeExponent, s.MemoryExponent)
	return err
}
