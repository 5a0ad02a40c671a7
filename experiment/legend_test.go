package experiment

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"dctwin/scenario"
)

// legendPlot is a 6 × 4 inch plot of lines through the given points (x and y from 0
// to 10) with a legend of two entries.
func legendPlot(t *testing.T, lines ...plotter.XYs) (*plot.Plot, *ink) {
	t.Helper()
	p := newPlot("legend", "x", "y")
	k := &ink{}
	for i, pts := range lines {
		l, err := plotter.NewLine(pts)
		if err != nil {
			t.Fatal(err)
		}
		p.Add(l)
		p.Legend.Add([]string{"first line", "second line"}[i], l)
		k.line(pts)
	}
	return p, k
}

// The legend goes to the first free corner: top right, top left, bottom right,
// bottom left; with data in every corner, the y axis grows until the legend fits
// above the highest point.
func TestLegendPlacement(t *testing.T) {
	w, h := 6*vg.Inch, 4*vg.Inch
	cases := []struct {
		name      string
		lines     []plotter.XYs
		top, left bool
	}{
		{"rising: top right taken", []plotter.XYs{{{X: 0, Y: 0}, {X: 10, Y: 10}}, {{X: 0, Y: 1}, {X: 10, Y: 9}}}, true, true},
		{"falling: top left taken", []plotter.XYs{{{X: 0, Y: 10}, {X: 10, Y: 0}}, {{X: 0, Y: 9}, {X: 10, Y: 1}}}, true, false},
		{"a valley: both tops taken", []plotter.XYs{{{X: 0, Y: 10}, {X: 5, Y: 0}, {X: 10, Y: 10}}, {{X: 0, Y: 9}, {X: 10, Y: 9}}}, false, false},
	}
	for _, c := range cases {
		p, k := legendPlot(t, c.lines...)
		finish(p, w, h, k, false)
		if p.Legend.Top != c.top || p.Legend.Left != c.left || p.Y.Max != 10 {
			t.Errorf("%s: legend top %v left %v, y up to %v; want top %v left %v, y up to 10", c.name, p.Legend.Top, p.Legend.Left, p.Y.Max, c.top, c.left)
		}
	}
	// Lines across the whole plot at 0.5 and 9.5: no corner is free.
	p, k := legendPlot(t, plotter.XYs{{X: 0, Y: 0.5}, {X: 10, Y: 0.5}}, plotter.XYs{{X: 0, Y: 0}, {X: 0, Y: 10}, {X: 10, Y: 9.5}})
	finish(p, w, h, k, false)
	c := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	legend := p.Legend.Rectangle(c).Size().Y
	// The space above the highest point, 10, in points of the data area.
	above := vg.Length((p.Y.Max - 10) / (p.Y.Max - p.Y.Min) * float64(c.Size().Y))
	if !p.Legend.Top || p.Legend.Left || above < legend+legendMargin || math.IsNaN(float64(above)) {
		t.Errorf("no free corner: legend top %v left %v; %v pt above the data for a legend %v pt high", p.Legend.Top, p.Legend.Left, above, legend)
	}
}

// Axis labels carry the unit, from the name's suffix or what the metric counts.
func TestQuantity(t *testing.T) {
	for metric, want := range map[string]string{
		"service[srv-1].unreachable_ms": "service[srv-1].unreachable (ms)",
		"energy.host[hv-1].kwh":         "energy.host[hv-1].kwh (kWh)",
		"energy.total_kwh":              "energy.total (kWh)",
		"calls.dropped":                 "calls.dropped (calls)",
		"failure[0].calls_dropped":      "failure[0].calls_dropped (calls)",
		"summary.flow_availability":     "summary.flow_availability (share of the time)",
		"calls.mos":                     "calls.mos (MOS, 1 to 5)",
		"flow[a->b].lost_packets":       "flow[a->b].lost_packets (packets)",
		"summary.failures":              "summary.failures (failures)",
	} {
		if got := quantity(metric); got != want {
			t.Errorf("quantity(%q) = %q, want %q", metric, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0", 4.25: "4.25", 9999: "9999", 31500: "31,500", -1234567: "-1,234,567", 12000.5: "12000.5"} {
		if got := tickLabel(v); got != want {
			t.Errorf("tickLabel(%v) = %q, want %q", v, got, want)
		}
	}
}

// An ECDF counts the runs without a value (a failure never detected) in its share,
// and its legend says how many there are.
func TestECDFWithoutValues(t *testing.T) {
	spec := load(t, strings.Replace(plotSpec, "plots:\n", "plots:\n  - {kind: ecdf, metric: calls.dropped, group: mode, title: gaps}\n", 1))
	dir := t.TempDir()
	// Replications 4, 8 and 12 of every configuration have no value: 9 of the 36 runs
	// of each mode (3 hellos × 12).
	runInto(t, spec, Options{Dir: dir, run: func(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
		v, err := plotRuns(ctx, sc, c, seed)
		if seed%4 == 0 {
			v[0] = math.NaN()
		}
		return v, err
	}})
	r, err := ReadResults(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, err := r.selection(spec.Plots[0], 0).draw()
	if err != nil || p == nil {
		t.Fatalf("ecdf: %v", err)
	}
	var buf bytes.Buffer
	if err := WritePlot(&buf, p, 6*vg.Inch, 4*vg.Inch, "svg"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mode = nft (9 of 36 runs without a value)", "mode = tlb (9 of 36 runs without a value)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the legend lacks %q", want)
		}
	}
}
