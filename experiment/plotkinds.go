package experiment

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// draw builds the plot of the selection, with its size; nil if it has nothing to show.
func (sel *selection) draw() (*plot.Plot, vg.Length, vg.Length, error) {
	switch sel.spec.Kind {
	case "box":
		return sel.box()
	case "ecdf":
		return sel.ecdf()
	case "bar":
		return sel.categories(false)
	case "availability":
		return sel.categories(true)
	case "line":
		return sel.line()
	case "series":
		return sel.series()
	}
	return nil, 0, 0, nil
}

// categoryLabels are the x categories of box, bar and availability plots.
func (sel *selection) categoryLabels() []string {
	if sel.x >= 0 {
		return sel.xLabels
	}
	return []string{"all runs"}
}

// size is the canvas for n categories of g groups each: wider with more boxes, within
// what a page shows.
func size(n, g int) (vg.Length, vg.Length) {
	w := vg.Inch * vg.Length(min(16, max(6, 2+0.4*float64(n*g))))
	return w, 4 * vg.Inch
}

// offset is where group gi of ng sits within a category, in x units.
func offset(gi, ng int) float64 {
	slot := 0.8 / float64(ng)
	return (float64(gi) - float64(ng-1)/2) * slot
}

func present(vals []float64) []float64 {
	out := make([]float64, 0, len(vals))
	for _, v := range vals {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func (sel *selection) xi(i int) int {
	if sel.x < 0 {
		return -1
	}
	return i
}

func (sel *selection) gi(i int) int {
	if sel.group < 0 {
		return -1
	}
	return i
}

func (sel *selection) box() (*plot.Plot, vg.Length, vg.Length, error) {
	cats := sel.categoryLabels()
	ng := len(sel.gLabels)
	w, h := size(len(cats), ng)
	p := newPlot(sel.heading(), sel.spec.X, quantity(sel.spec.Metric))
	item := sel.metricItem()
	k := &ink{}
	boxW := (w - 1.5*vg.Inch) / vg.Length(len(cats)) * 0.8 / vg.Length(ng)
	drawn := false
	for gi := range ng {
		st := styleOf(gi)
		inLegend := false
		for xi := range cats {
			vals := present(sel.values(sel.xi(xi), sel.gi(gi), item))
			if len(vals) == 0 {
				continue
			}
			b, err := plotter.NewBoxPlot(boxW, float64(xi)+offset(gi, ng), plotter.Values(vals))
			if err != nil {
				return nil, 0, 0, err
			}
			b.FillColor = st.fill
			b.GlyphStyle.Shape = st.glyph
			b.GlyphStyle.Radius = vg.Points(2)
			p.Add(b)
			x := float64(xi) + offset(gi, ng)
			k.rect(x-0.4/float64(ng), slices.Min(vals), x+0.4/float64(ng), slices.Max(vals))
			drawn = true
			if !inLegend && sel.group >= 0 {
				p.Legend.Add(sel.legendLabel(gi), swatch{st.fill})
				inLegend = true
			}
		}
	}
	if !drawn {
		return nil, 0, 0, nil
	}
	p.NominalX(cats...)
	p.X.Min, p.X.Max = -0.6, float64(len(cats))-0.4
	finish(p, w, h, k, true)
	return p, w, h, nil
}

// lines are what ecdf, line and series plots draw one line for: the groups, or the x
// values when there is no group.
func (sel *selection) lines() (labels []string, xi, gi func(int) int) {
	switch {
	case sel.group >= 0:
		labels = make([]string, len(sel.gLabels))
		for i := range labels {
			labels[i] = sel.legendLabel(i)
		}
		return labels, func(int) int { return -1 }, func(i int) int { return i }
	case sel.x >= 0 && sel.spec.Kind == "ecdf":
		labels = make([]string, len(sel.xLabels))
		for i, l := range sel.xLabels {
			labels[i] = sel.spec.X + " = " + l
		}
		return labels, func(i int) int { return i }, func(int) int { return -1 }
	}
	return []string{""}, func(int) int { return -1 }, func(int) int { return -1 }
}

func lineStyle(st style) draw.LineStyle {
	return draw.LineStyle{Color: black, Width: vg.Points(1.2), Dashes: st.dashes}
}

func (sel *selection) ecdf() (*plot.Plot, vg.Length, vg.Length, error) {
	labels, xi, gi := sel.lines()
	p := newPlot(sel.heading(), quantity(sel.spec.Metric), "share of runs at or below")
	item := sel.metricItem()
	k := &ink{}
	drawn := false
	for i, label := range labels {
		all := sel.values(xi(i), gi(i), item)
		vals := present(all)
		if len(vals) == 0 {
			continue
		}
		// Runs without a value (a failure never detected) count in the share: the
		// curve ends below 1 by them.
		if missing := len(all) - len(vals); missing > 0 {
			label = strings.TrimSpace(fmt.Sprintf("%s (%d of %d runs without a value)", label, missing, len(all)))
		}
		slices.Sort(vals)
		n := float64(len(all))
		pts := plotter.XYs{{X: vals[0], Y: 0}}
		var marks plotter.XYs
		every := max(1, len(vals)/5)
		for k, v := range vals {
			pts = append(pts, plotter.XY{X: v, Y: float64(k) / n}, plotter.XY{X: v, Y: float64(k+1) / n})
			// Markers at a different phase per line, so that lines that coincide
			// still show each marker.
			if k%every == (every/2+i*every/len(labels))%every {
				marks = append(marks, plotter.XY{X: v, Y: float64(k+1) / n})
			}
		}
		if err := sel.addLine(p, styleOf(i), label, pts, marks); err != nil {
			return nil, 0, 0, err
		}
		k.line(pts)
		drawn = true
	}
	if !drawn {
		return nil, 0, 0, nil
	}
	p.Y.Min, p.Y.Max = 0, 1.02
	if p.X.Min == p.X.Max && p.X.Min >= 0 {
		// Every value the same: a step at it, on an axis from 0 rather than around it.
		p.X.Min, p.X.Max = 0, math.Max(1, 2*p.X.Max)
	}
	w, h := size(1, 1)
	finish(p, w, h, k, false)
	return p, w, h, nil
}

// addLine adds a line with markers and its legend entry.
func (sel *selection) addLine(p *plot.Plot, st style, label string, pts, marks plotter.XYs) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.LineStyle = lineStyle(st)
	p.Add(l)
	var sc *plotter.Scatter
	if len(marks) > 0 {
		if sc, err = plotter.NewScatter(marks); err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(2.5), Shape: st.glyph}
		p.Add(sc)
	}
	if label != "" {
		if sc != nil {
			p.Legend.Add(label, l, sc)
		} else {
			p.Legend.Add(label, l)
		}
	}
	return nil
}

// errPoints are points with an interval each, for YErrorBars.
type errPoints struct{ x, y, lo, hi []float64 }

func (e *errPoints) Len() int                    { return len(e.x) }
func (e *errPoints) XY(i int) (float64, float64) { return e.x[i], e.y[i] }
func (e *errPoints) YError(i int) (float64, float64) {
	return e.y[i] - e.lo[i], e.hi[i] - e.y[i]
}

func (e *errPoints) add(x, y, lo, hi float64) {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = y, y
	}
	e.x, e.y, e.lo, e.hi = append(e.x, x), append(e.y, y), append(e.lo, lo), append(e.hi, hi)
}

func errorBars(e *errPoints) (*plotter.YErrorBars, error) {
	b, err := plotter.NewYErrorBars(e)
	if err != nil {
		return nil, err
	}
	b.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(1)}
	b.CapWidth = vg.Points(6)
	return b, nil
}

// categories draws bars of the mean with intervals (bar), or the mean availability in
// nines with its interval as a marker (availability).
func (sel *selection) categories(avail bool) (*plot.Plot, vg.Length, vg.Length, error) {
	cats := sel.categoryLabels()
	ng := len(sel.gLabels)
	w, h := size(len(cats), ng)
	ylabel := "mean " + quantity(sel.spec.Metric) + ", 95 % CI"
	if avail {
		ylabel = "nines of " + sel.spec.Metric + " (3 = 99.9 %)"
	}
	p := newPlot(sel.heading(), sel.spec.X, ylabel)
	item := sel.metricItem()
	k := &ink{}
	slot := 0.8 / float64(ng)
	drawn := false
	for gi := range ng {
		st := styleOf(gi)
		e := &errPoints{}
		for xi := range cats {
			s := Summarize(sel.values(sel.xi(xi), sel.gi(gi), item))
			if s.N == 0 {
				continue
			}
			x := float64(xi) + offset(gi, ng)
			if avail {
				e.add(x, nines(s.Mean), nines(s.CILow), nines(s.CIHigh))
				k.vertical(x, e.lo[len(e.lo)-1], e.hi[len(e.hi)-1])
				continue
			}
			e.add(x, s.Mean, s.CILow, s.CIHigh)
			k.vertical(x, e.lo[len(e.lo)-1], e.hi[len(e.hi)-1])
			k.rect(x-slot*0.45, 0, x+slot*0.45, s.Mean)
			bar, err := plotter.NewPolygon(plotter.XYs{{X: x - slot*0.45, Y: 0}, {X: x - slot*0.45, Y: s.Mean},
				{X: x + slot*0.45, Y: s.Mean}, {X: x + slot*0.45, Y: 0}})
			if err != nil {
				return nil, 0, 0, err
			}
			bar.Color = st.fill
			bar.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(0.75)}
			p.Add(bar)
		}
		if e.Len() == 0 {
			continue
		}
		drawn = true
		bars, err := errorBars(e)
		if err != nil {
			return nil, 0, 0, err
		}
		p.Add(bars)
		if avail {
			sc, err := plotter.NewScatter(e)
			if err != nil {
				return nil, 0, 0, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(3.5), Shape: st.glyph}
			p.Add(sc)
			if sel.group >= 0 {
				p.Legend.Add(sel.legendLabel(gi), sc)
			}
		} else if sel.group >= 0 {
			p.Legend.Add(sel.legendLabel(gi), swatch{st.fill})
		}
	}
	if !drawn {
		return nil, 0, 0, nil
	}
	p.NominalX(cats...)
	p.X.Min, p.X.Max = -0.6, float64(len(cats))-0.4
	if !avail {
		p.Y.Min = math.Min(p.Y.Min, 0)
	}
	finish(p, w, h, k, true)
	return p, w, h, nil
}

func (sel *selection) axisLabel(param int) string {
	q := sel.r.Spec.Parameters[param]
	for _, v := range q.Values {
		if _, isDur := numberOfDuration(v.Label); isDur {
			return q.Name + " (s)"
		}
	}
	return q.Name
}

func (sel *selection) line() (*plot.Plot, vg.Length, vg.Length, error) {
	labels, _, gi := sel.lines()
	q := sel.r.Spec.Parameters[sel.x]
	p := newPlot(sel.heading(), sel.axisLabel(sel.x), "mean "+quantity(sel.spec.Metric)+", 95 % CI")
	item := sel.metricItem()
	k := &ink{}
	drawn := false
	for i, label := range labels {
		e := &errPoints{}
		var pts plotter.XYs
		for xi, v := range q.Values {
			s := Summarize(sel.values(xi, gi(i), item))
			if s.N == 0 {
				continue
			}
			e.add(v.Number, s.Mean, s.CILow, s.CIHigh)
			k.vertical(v.Number, e.lo[len(e.lo)-1], e.hi[len(e.hi)-1])
			pts = append(pts, plotter.XY{X: v.Number, Y: s.Mean})
		}
		if len(pts) == 0 {
			continue
		}
		drawn = true
		k.line(pts)
		if err := sel.addLine(p, styleOf(i), label, pts, pts); err != nil {
			return nil, 0, 0, err
		}
		bars, err := errorBars(e)
		if err != nil {
			return nil, 0, 0, err
		}
		p.Add(bars)
	}
	if !drawn {
		return nil, 0, 0, nil
	}
	w, h := size(1, 1)
	finish(p, w, h, k, true)
	return p, w, h, nil
}

// series draws a series metric's mean over time with its 95 % band (a translucent
// grey, darker where bands overlap), a line per group.
func (sel *selection) series() (*plot.Plot, vg.Length, vg.Length, error) {
	labels, xi, gi := sel.lines()
	if sel.group < 0 && sel.x >= 0 {
		labels = make([]string, len(sel.xLabels))
		for i, l := range sel.xLabels {
			labels[i] = sel.spec.X + " = " + l
		}
		xi, gi = func(i int) int { return i }, func(int) int { return -1 }
	}
	ylabel := "mean " + quantity(sel.spec.Metric) + ", 95 % band"
	p := newPlot(sel.heading(), "simulated time (s)", ylabel)
	k := &ink{}
	var idx []int
	for i, it := range sel.r.items {
		if it.series && it.metric == sel.spec.Metric {
			idx = append(idx, i)
		}
	}
	drawn := false
	for i, label := range labels {
		var mean, upper, lower plotter.XYs
		for _, item := range idx {
			s := Summarize(sel.values(xi(i), gi(i), item))
			if s.N == 0 {
				continue
			}
			t := sel.r.items[item].at.Seconds()
			mean = append(mean, plotter.XY{X: t, Y: s.Mean})
			if s.N > 1 {
				upper = append(upper, plotter.XY{X: t, Y: s.CIHigh})
				lower = append(lower, plotter.XY{X: t, Y: s.CILow})
				k.vertical(t, s.CILow, s.CIHigh)
			}
		}
		if len(mean) == 0 {
			continue
		}
		k.line(mean)
		k.line(upper)
		k.line(lower)
		drawn = true
		if len(upper) > 1 {
			slices.Reverse(lower)
			band, err := plotter.NewPolygon(append(upper, lower...))
			if err != nil {
				return nil, 0, 0, err
			}
			band.Color = color.NRGBA{A: 40}
			band.LineStyle.Width = 0
			p.Add(band)
		}
		every := max(1, len(mean)/8)
		var marks plotter.XYs
		for k, pt := range mean {
			if k%every == (i*every/len(labels))%every {
				marks = append(marks, pt)
			}
		}
		if err := sel.addLine(p, styleOf(i), label, mean, marks); err != nil {
			return nil, 0, 0, err
		}
	}
	if !drawn {
		return nil, 0, 0, nil
	}
	w, h := size(1, 1)
	finish(p, w, h, k, true)
	return p, w, h, nil
}
