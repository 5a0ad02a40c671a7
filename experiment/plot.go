package experiment

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PlotKinds are the plots a report can draw:
//
//	box           the metric's distribution per x value (boxes side by side per group)
//	ecdf          its empirical distribution function, a line per group (or x value);
//	              runs without a value (a failure never detected) count, so the line
//	              ends below 1 by their share, which the legend gives
//	bar           its mean per x value with the 95 % confidence interval
//	line          its mean against a numeric x parameter, with intervals, a line per group
//	series        a series metric (series:) over simulated time: the mean and its 95 %
//	              band, a line per group
//	availability  an availability (a share, 0..1) per x value in nines, −log10(1 − A),
//	              with the interval
//
// Plots read without colour: lines differ by dash pattern and marker, boxes and bars by
// shade of grey, and every plot has a legend, in a corner the data leave free (or above
// the data). Titles say what of the metric is shown and by which parameters, axes the
// unit (from the metric's name: _ms, kWh, calls, ...). Parameters that are neither x,
// group nor facet are pooled; the report says so under the plot.
var PlotKinds = []string{"box", "ecdf", "bar", "line", "series", "availability"}

// checkPlot reports what a plot of that kind needs and does not have.
func checkPlot(s *Spec, p PlotSpec) string {
	isSeries := slices.ContainsFunc(s.Series, func(sr SeriesSpec) bool { return sr.Metric == p.Metric })
	isScalar := slices.ContainsFunc(s.Metrics, func(m MetricSpec) bool { return m.Name == p.Metric })
	switch p.Kind {
	case "series":
		if !isSeries {
			return fmt.Sprintf("a series plot needs a series metric (series: in the file), not %s", p.Metric)
		}
	default:
		if !isScalar {
			return fmt.Sprintf("a %s plot needs a metric from metrics:, not %s", p.Kind, p.Metric)
		}
	}
	switch p.Kind {
	case "line":
		if p.X == "" {
			return "a line plot needs x: a numeric parameter"
		}
		if q := s.Parameter(p.X); q != nil && !q.Numeric() {
			return fmt.Sprintf("a line plot needs a numeric x; parameter %s has values like %q", p.X, q.Values[0].Label)
		}
	case "box", "bar", "availability":
		if p.X == "" && p.Group == "" && len(s.Parameters) > 0 {
			return fmt.Sprintf("a %s plot needs x: (the parameter along the axis)", p.Kind)
		}
	}
	if p.X != "" && (p.X == p.Group || p.X == p.Facet) || p.Group != "" && p.Group == p.Facet {
		return "x, group and facet must be different parameters"
	}
	return ""
}

// style is how one group is drawn: greys, dashes and markers, so that a printout in
// black and white tells the groups apart.
type style struct {
	fill   color.Gray
	dashes []vg.Length
	glyph  draw.GlyphDrawer
}

var styles = []style{
	{color.Gray{Y: 255}, nil, draw.CircleGlyph{}},
	{color.Gray{Y: 170}, []vg.Length{vg.Points(6), vg.Points(3)}, draw.SquareGlyph{}},
	{color.Gray{Y: 100}, []vg.Length{vg.Points(1.5), vg.Points(2)}, draw.TriangleGlyph{}},
	{color.Gray{Y: 215}, []vg.Length{vg.Points(8), vg.Points(3), vg.Points(1.5), vg.Points(3)}, draw.CrossGlyph{}},
	{color.Gray{Y: 40}, []vg.Length{vg.Points(3), vg.Points(3)}, draw.PlusGlyph{}},
	{color.Gray{Y: 135}, []vg.Length{vg.Points(10), vg.Points(4)}, draw.RingGlyph{}},
	{color.Gray{Y: 235}, []vg.Length{vg.Points(1), vg.Points(4)}, draw.PyramidGlyph{}},
	{color.Gray{Y: 70}, []vg.Length{vg.Points(6), vg.Points(2), vg.Points(1), vg.Points(2), vg.Points(1), vg.Points(2)}, draw.BoxGlyph{}},
}

func styleOf(i int) style { return styles[i%len(styles)] }

var black = color.Gray{Y: 0}

// fontOf is Liberation Sans at a size: plot text reads better without serifs on screen.
func fontOf(size vg.Length) font.Face {
	return plot.DefaultTextHandler.Cache().Lookup(font.Font{Typeface: "Liberation", Variant: "Sans"}, size)
}

// newPlot is an empty plot with the report's fonts and a legend at the top right.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xlabel, ylabel
	p.Title.TextStyle.Font = fontOf(12).Font
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = fontOf(10).Font
		ax.Tick.Label.Font = fontOf(9).Font
	}
	p.Legend.TextStyle.Font = fontOf(9).Font
	p.Legend.Top = true
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks{}, ticks{}
	p.Add(plotter.NewGrid())
	return p
}

// ticks are gonum's default tick positions with labels exact enough to tell apart
// (4.25 and 4.35, not 4.3 twice), in plain digits with thousands separated (31,500,
// not 3.15e+04).
type ticks struct{}

func (ticks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tickLabel(roundTo(ts[i].Value, 6))
		}
	}
	return ts
}

func tickLabel(v float64) string {
	if math.Abs(v) < 1e4 || math.Abs(v) >= 1e15 || v != math.Trunc(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	digits := strconv.FormatInt(int64(math.Abs(v)), 10)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// selection is the configurations a plot (or one facet of it) draws, by x value and
// group value.
type selection struct {
	r                *Results
	spec             PlotSpec
	x, group, facet  int // parameter indexes, -1 if none
	facetValue       int
	xLabels, gLabels []string
}

func (r *Results) selection(ps PlotSpec, facetValue int) *selection {
	s := r.Spec
	idx := func(name string) int {
		for i, p := range s.Parameters {
			if p.Name == name {
				return i
			}
		}
		return -1
	}
	sel := &selection{r: r, spec: ps, x: idx(ps.X), group: idx(ps.Group), facet: idx(ps.Facet), facetValue: facetValue}
	if sel.x >= 0 {
		sel.xLabels = s.Parameters[sel.x].Labels()
	}
	if sel.group >= 0 {
		sel.gLabels = s.Parameters[sel.group].Labels()
	} else {
		sel.gLabels = []string{""}
	}
	return sel
}

// values pools the metric (or the series item i) over the configurations with x value
// xi and group value gi (-1: any) in the selected facet.
func (sel *selection) values(xi, gi int, item int) []float64 {
	var out []float64
	for _, c := range sel.r.Configs {
		if sel.facet >= 0 && c.Values[sel.facet] != sel.facetValue ||
			sel.x >= 0 && xi >= 0 && c.Values[sel.x] != xi ||
			sel.group >= 0 && gi >= 0 && c.Values[sel.group] != gi {
			continue
		}
		out = append(out, sel.r.vals[c.Index][item]...)
	}
	return out
}

func (sel *selection) metricItem() int {
	for i, it := range sel.r.items {
		if !it.series && it.metric == sel.spec.Metric {
			return i
		}
	}
	return -1
}

// pooled names the parameters a plot pools over.
func (sel *selection) pooled() []string {
	var out []string
	for i, p := range sel.r.Spec.Parameters {
		if i != sel.x && i != sel.group && i != sel.facet && len(p.Values) > 1 {
			out = append(out, p.Name)
		}
	}
	return out
}

func (sel *selection) title() string {
	ps := sel.spec
	t := ps.Title
	if t == "" {
		var by []string
		for _, name := range []string{ps.X, ps.Group} {
			if name != "" {
				by = append(by, name)
			}
		}
		t = ps.Metric
		if len(by) > 0 {
			t += " by " + strings.Join(by, " and ")
		}
	}
	if sel.facet >= 0 {
		t += " (" + ps.Facet + " = " + sel.r.Spec.Parameters[sel.facet].Values[sel.facetValue].Label + ")"
	}
	return t
}

// heading is the plot's title: what it shows of the metric (distribution, mean,
// nines), by which parameters, in which facet; the file's title: replaces it.
func (sel *selection) heading() string {
	ps := sel.spec
	if ps.Title != "" {
		return sel.title()
	}
	var t string
	switch ps.Kind {
	case "box":
		t = "Distribution of " + ps.Metric
	case "ecdf":
		t = "ECDF of " + ps.Metric
	case "bar":
		t = "Mean " + ps.Metric
	case "line":
		t = "Mean " + ps.Metric + " against " + ps.X
	case "series":
		t = "Mean " + ps.Metric + " over simulated time"
	case "availability":
		t = ps.Metric + " in nines"
	default:
		t = ps.Metric
	}
	var by []string
	for _, name := range []string{ps.X, ps.Group} {
		if name != "" && !(ps.Kind == "line" && name == ps.X) {
			by = append(by, name)
		}
	}
	if len(by) > 0 {
		t += " by " + strings.Join(by, " and ")
	}
	if sel.facet >= 0 {
		t += " (" + ps.Facet + " = " + sel.r.Spec.Parameters[sel.facet].Values[sel.facetValue].Label + ")"
	}
	return t
}

// legendLabel is the name of group gi in a legend.
func (sel *selection) legendLabel(gi int) string {
	if sel.group < 0 {
		return ""
	}
	return sel.spec.Group + " = " + sel.gLabels[gi]
}

// swatch is a legend entry for boxes and bars: a filled square with an outline.
type swatch struct{ fill color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(s.fill, c.ClipPolygonXY(pts))
	c.StrokeLines(draw.LineStyle{Color: black, Width: vg.Points(0.75)}, c.ClipLinesXY(append(pts, pts[0]))...)
}

// PlotFile is one plot written by the report: its files without extension, the plot
// spec and the caption (what it pools over).
type PlotFile struct {
	Name    string // path relative to the experiment directory, without .png/.svg
	Title   string
	Caption string
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// LeftOut is a plot (or one facet of it) the report could not draw, and why.
type LeftOut struct {
	Plot   int    // the plot's number in plots:, from 1
	Title  string // its title, with the facet
	Reason string
}

// String says what was left out and why, for the report and the command's warnings.
func (l LeftOut) String() string {
	return fmt.Sprintf("plot %d (%s) is left out: %s", l.Plot, l.Title, l.Reason)
}

// leftOut records a plot (or a facet of it) that has nothing to draw.
func (sel *selection) leftOut(n int, reason string) LeftOut {
	return LeftOut{Plot: n + 1, Title: sel.spec.Kind + ": " + sel.title(), Reason: reason}
}

// DrawPlots draws every plot of the spec (one per facet value) as PNG and SVG under
// dir/plots, and says which it left out for want of values.
func (r *Results) DrawPlots(dir string) ([]PlotFile, []LeftOut, error) {
	if err := os.MkdirAll(filepath.Join(dir, PlotsDir), 0o755); err != nil {
		return nil, nil, err
	}
	var out []PlotFile
	var left []LeftOut
	for n, ps := range r.Spec.Plots {
		if !r.hasValue(ps.Metric, ps.Kind == "series") {
			sel := r.selection(ps, 0)
			sel.facet = -1
			left = append(left, sel.leftOut(n, "no run had a value of "+ps.Metric))
			continue
		}
		facets := []int{0}
		if q := r.Spec.Parameter(ps.Facet); q != nil {
			facets = facets[:0]
			for i := range q.Values {
				facets = append(facets, i)
			}
		}
		for _, f := range facets {
			sel := r.selection(ps, f)
			p, w, h, err := sel.draw()
			if err != nil {
				return out, left, fmt.Errorf("plot %d (%s of %s): %w", n+1, ps.Kind, ps.Metric, err)
			}
			if p == nil {
				reason := "no run had a value of " + ps.Metric
				if sel.facet >= 0 {
					reason = "no run with " + ps.Facet + " = " + r.Spec.Parameters[sel.facet].Values[f].Label + " had a value of " + ps.Metric
				}
				left = append(left, sel.leftOut(n, reason))
				continue
			}
			name := fmt.Sprintf("%02d-%s-%s", n+1, ps.Kind, strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(ps.Metric), "-"), "-"))
			if sel.facet >= 0 {
				name += "-" + strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(sel.r.Spec.Parameters[sel.facet].Values[f].Label), "-"), "-")
			}
			rel := filepath.Join(PlotsDir, name)
			for _, format := range []string{"png", "svg"} {
				var buf bytes.Buffer
				if err := WritePlot(&buf, p, w, h, format); err != nil {
					return out, left, err
				}
				if err := os.WriteFile(filepath.Join(dir, rel+"."+format), buf.Bytes(), 0o644); err != nil {
					return out, left, err
				}
			}
			caption := ""
			if pooled := sel.pooled(); len(pooled) > 0 {
				caption = "Pooled over " + strings.Join(pooled, ", ") + "."
			}
			out = append(out, PlotFile{Name: rel, Title: sel.heading(), Caption: caption})
		}
	}
	return out, left, nil
}

// hasValue reports whether any run had a value of the metric (of any sample of it,
// for a series).
func (r *Results) hasValue(metric string, series bool) bool {
	for i, it := range r.items {
		if it.metric != metric || it.series != series {
			continue
		}
		for _, vals := range r.vals {
			for _, v := range vals[i] {
				if !math.IsNaN(v) {
					return true
				}
			}
		}
	}
	return false
}

// WritePlot renders a plot as png (at 150 dpi) or svg.
func WritePlot(w *bytes.Buffer, p *plot.Plot, width, height vg.Length, format string) error {
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(150))
		p.Draw(draw.New(c))
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	case "svg":
		c := vgsvg.New(width, height)
		p.Draw(draw.New(c))
		_, err := c.WriteTo(w)
		return err
	}
	return fmt.Errorf("unknown plot format %q", format)
}

// nines is an availability as a number of nines, −log10(1 − a), capped at maxNines (a
// run without downtime has infinitely many).
func nines(a float64) float64 {
	if math.IsNaN(a) {
		return a
	}
	if a >= 1-math.Pow(10, -maxNines) {
		return maxNines
	}
	return -math.Log10(1 - a)
}

const maxNines = 9
