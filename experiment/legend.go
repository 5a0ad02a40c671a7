package experiment

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ink is where a plot has drawn, in data coordinates: lines (as segments; a point is a
// segment of no length) and filled rectangles (bars, boxes). The legend goes where
// there is none.
type ink struct {
	segs  [][2]plotter.XY
	rects []dataRect
}

// dataRect is a filled rectangle in data units, x0 ≤ x1 and y0 ≤ y1.
type dataRect struct{ x0, y0, x1, y1 float64 }

func (k *ink) line(pts plotter.XYs) {
	for i := range pts {
		if i == 0 {
			k.segs = append(k.segs, [2]plotter.XY{pts[0], pts[0]})
			continue
		}
		k.segs = append(k.segs, [2]plotter.XY{pts[i-1], pts[i]})
	}
}

func (k *ink) vertical(x, lo, hi float64) {
	k.segs = append(k.segs, [2]plotter.XY{{X: x, Y: lo}, {X: x, Y: hi}})
}

func (k *ink) rect(x0, y0, x1, y1 float64) {
	k.rects = append(k.rects, dataRect{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)})
}

// top is the highest y drawn.
func (k *ink) top() float64 {
	y := math.Inf(-1)
	for _, s := range k.segs {
		y = math.Max(y, math.Max(s[0].Y, s[1].Y))
	}
	for _, r := range k.rects {
		y = math.Max(y, r.y1)
	}
	return y
}

// hits reports whether anything drawn falls into r, a rectangle of the data canvas c.
func (k *ink) hits(p *plot.Plot, c draw.Canvas, r vg.Rectangle) bool {
	at := func(pt plotter.XY) (vg.Point, bool) {
		if math.IsNaN(pt.X) || math.IsNaN(pt.Y) || math.IsInf(pt.X, 0) || math.IsInf(pt.Y, 0) {
			return vg.Point{}, false
		}
		return vg.Point{X: c.X(p.X.Norm(pt.X)), Y: c.Y(p.Y.Norm(pt.Y))}, true
	}
	inside := func(q vg.Point) bool {
		return q.X >= r.Min.X && q.X <= r.Max.X && q.Y >= r.Min.Y && q.Y <= r.Max.Y
	}
	for _, s := range k.segs {
		a, ok1 := at(s[0])
		b, ok2 := at(s[1])
		if !ok1 || !ok2 {
			continue
		}
		// Samples a point apart along the segment.
		n := int(math.Ceil(math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))))
		for i := 0; i <= n; i++ {
			f := 0.0
			if n > 0 {
				f = float64(i) / float64(n)
			}
			if inside(vg.Point{X: a.X + vg.Length(f)*(b.X-a.X), Y: a.Y + vg.Length(f)*(b.Y-a.Y)}) {
				return true
			}
		}
	}
	for _, d := range k.rects {
		lo, ok1 := at(plotter.XY{X: d.x0, Y: d.y0})
		hi, ok2 := at(plotter.XY{X: d.x1, Y: d.y1})
		if ok1 && ok2 && lo.X <= r.Max.X && hi.X >= r.Min.X && lo.Y <= r.Max.Y && hi.Y >= r.Min.Y {
			return true
		}
	}
	return false
}

// legendMargin is the space between the legend and the edges of the data area;
// legendClearance is the space kept free around it (the legend is drawn in the area
// inside the axes, the data a few points within it).
const (
	legendMargin    = vg.Length(4)
	legendClearance = vg.Length(8)
)

// placeLegend puts the legend in the first corner of the data area (top right, top
// left, bottom right, bottom left) where it covers nothing drawn; if every corner has
// data, it raises the top of the y axis until the legend fits above the data, at the
// top right. The plot's axis ranges must be final but for that.
func placeLegend(p *plot.Plot, w, h vg.Length, k *ink) {
	c := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	size := p.Legend.Rectangle(c).Size()
	if size.X <= 0 {
		return
	}
	corners := []struct{ top, left bool }{{true, false}, {true, true}, {false, false}, {false, true}}
	for _, at := range corners {
		var r vg.Rectangle
		r.Min.X = c.Max.X - legendMargin - size.X
		if at.left {
			r.Min.X = c.Min.X + legendMargin
		}
		r.Min.Y = c.Min.Y + legendMargin
		if at.top {
			r.Min.Y = c.Max.Y - legendMargin - size.Y
		}
		r.Max = vg.Point{X: r.Min.X + size.X, Y: r.Min.Y + size.Y}
		r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X-legendClearance, r.Min.Y-legendClearance, r.Max.X+legendClearance, r.Max.Y+legendClearance
		if !k.hits(p, c, r) {
			setLegendCorner(p, at.top, at.left)
			return
		}
	}
	// Room above the data: the legend's share f of the data area's height, over the
	// top of the data, so that (Max − top) / (Max − Min) = f.
	f := math.Min(0.6, float64(size.Y+legendMargin+2*legendClearance)/float64(c.Size().Y))
	if top := k.top(); !math.IsInf(top, 0) {
		p.Y.Max = math.Max(p.Y.Max, (top-f*p.Y.Min)/(1-f))
	}
	setLegendCorner(p, true, false)
}

func setLegendCorner(p *plot.Plot, top, left bool) {
	p.Legend.Top, p.Legend.Left = top, left
	p.Legend.XOffs, p.Legend.YOffs = -legendMargin, -legendMargin
	if left {
		p.Legend.XOffs = legendMargin
	}
	if !top {
		p.Legend.YOffs = legendMargin
	}
}

// quantity is a metric as an axis names it: without a unit suffix, with its unit in
// parentheses ("service[srv-1].unreachable (ms)", "calls.dropped (calls)").
func quantity(metric string) string {
	name, unit := metric, unitOf(metric)
	for _, suffix := range []string{"_ms", "_kwh"} {
		name = strings.TrimSuffix(name, suffix)
	}
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}

// unitOf is the unit of a named metric (twin.MetricFamilies and the experiment's own):
// from its suffix, or what it counts.
func unitOf(metric string) string {
	field := metric[strings.LastIndexByte(metric, '.')+1:]
	switch {
	case strings.HasSuffix(field, "_ms"):
		return "ms"
	case field == "kwh" || strings.HasSuffix(field, "_kwh"):
		return "kWh"
	case strings.HasSuffix(field, "availability"):
		return "share of the time"
	case strings.Contains(field, "mos"):
		return "MOS, 1 to 5"
	case field == "blocking_ratio":
		return "share of attempts"
	case field == "lost_packets" || field == "congestion_lost":
		return "packets"
	case field == "flow_outages" || field == "unrestored":
		return "flow directions"
	case field == "cut_off":
		return "nodes"
	case field == "failures" || field == "undetected":
		return "failures"
	case field == "detections":
		return "detections"
	case strings.HasPrefix(metric, "calls.") || strings.HasPrefix(field, "calls_"):
		return "calls"
	}
	return ""
}

// finish fits the title to the width, keeps the data off the title (4 % of the y range
// above the highest value) and places the legend.
func finish(p *plot.Plot, w, h vg.Length, k *ink, roomAbove bool) {
	fitTitle(p, w)
	if roomAbove && p.Y.Max > p.Y.Min {
		p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	}
	placeLegend(p, w, h, k)
}

// fitTitle breaks a title wider than the canvas into lines at spaces.
func fitTitle(p *plot.Plot, w vg.Length) {
	st := p.Title.TextStyle
	room := w - 2*vg.Points(10)
	if st.Width(p.Title.Text) <= room {
		return
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(p.Title.Text) {
		if line != "" && st.Width(line+" "+word) > room {
			lines = append(lines, line)
			line = word
			continue
		}
		line = strings.TrimSpace(line + " " + word)
	}
	p.Title.Text = strings.Join(append(lines, line), "\n")
}
