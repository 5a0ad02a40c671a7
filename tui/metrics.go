package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/NimbleMarkets/ntcharts/sparkline"

	"dctwin/sim"
)

// The metrics pane is the live scoreboard: calls in progress and what happened to
// them, the MOS of the calls in progress over time, flows down and the share of flow
// time delivered so far.

// The sparkline draws MOS from mosFloor to the E-model's best, 4.5 (ITU-T G.107), so
// that a dip from 4.4 to 4.2 shows in a one-row chart; under 3 (G.107 Annex B: "many
// users dissatisfied") every value is the bottom.
const mosFloor, mosTop = 3.0, 4.5

// mosSample is how much simulated time one column of the MOS sparkline stands for at
// least: at 1× a column a second.
const mosSample = sim.Second

// Metrics is the metrics pane.
type Metrics struct {
	sh      *shared
	w, h    int
	spark   sparkline.Model
	samples []mosSampleAt // the samples drawn, oldest first (at most maxSamples)
	mos     float64       // the latest value
}

// mosSampleAt is one column of the sparkline.
type mosSampleAt struct {
	at  sim.Time
	mos float64
}

// maxSamples is more than any terminal is wide.
const maxSamples = 512

// NewMetrics returns the metrics pane.
func NewMetrics(sh *shared) *Metrics {
	return &Metrics{sh: sh, spark: newSpark(20)}
}

func newSpark(w int) sparkline.Model {
	return sparkline.New(max(w, 1), 1, sparkline.WithMaxValue(mosTop-mosFloor), sparkline.WithNoAutoMaxValue())
}

// Update takes no keys: the pane follows the selection.
func (x *Metrics) Update(tea.Msg) tea.Cmd { return nil }

// SetSize sets the size inside the border.
func (m *Metrics) SetSize(w, h int) {
	m.w, m.h = w, h
	sw := max(4, w-len("MOS ")-6)
	if sw != m.spark.Width() {
		m.spark.Resize(sw, 1)
		m.redraw()
	}
}

// Rewound keeps the samples taken before now (the run went back to it).
func (m *Metrics) Rewound(now sim.Time) {
	k := len(m.samples)
	for k > 0 && m.samples[k-1].at > now {
		k--
	}
	m.samples = m.samples[:k]
	m.mos = 0
	if k > 0 {
		m.mos = m.samples[k-1].mos
	}
	m.redraw()
}

// redraw draws the samples again, the latest at the right.
func (m *Metrics) redraw() {
	m.spark.Clear()
	for _, s := range m.samples {
		m.spark.Push(max(0, s.mos-mosFloor))
	}
	m.spark.Draw()
}

// Observe samples the calls' mean MOS from a new frame.
func (m *Metrics) Observe() {
	snap := m.sh.snap()
	if snap == nil || snap.CallStats == nil {
		return
	}
	if n := len(m.samples); n > 0 && snap.At < m.samples[n-1].at+mosSample {
		return
	}
	sum, k := 0.0, 0
	for _, c := range snap.Calls {
		if c.MOS > 0 {
			sum += c.MOS
			k++
		}
	}
	m.mos = 0
	if k > 0 {
		m.mos = sum / float64(k)
	}
	m.samples = append(m.samples, mosSampleAt{snap.At, m.mos})
	if len(m.samples) > maxSamples {
		m.samples = m.samples[len(m.samples)-maxSamples:]
	}
	m.spark.Push(max(0, m.mos-mosFloor))
	m.spark.Draw()
}

// Title names the pane.
func (m *Metrics) Title() string {
	if s := m.sh.snap(); s != nil && s.CallStats != nil {
		return "Calls"
	}
	return "Service"
}

// View renders the figures.
func (m *Metrics) View() string {
	snap := m.sh.snap()
	st := m.sh.styles
	if snap == nil {
		return ""
	}
	var rows []string
	if cs := snap.CallStats; cs != nil {
		rows = append(rows, fmt.Sprintf("calls %d  blocked %d  busy %d", cs.Active, cs.Blocked, cs.Busy),
			fmt.Sprintf("dropped %d  degraded %d", cs.Dropped, cs.Degraded))
		mos := "–"
		if m.mos > 0 {
			mos = fmt.Sprintf("%.2f", m.mos)
			if m.mos < cs.DegradedMOS {
				mos = st.Bad.Render(mos)
			}
		}
		rows = append(rows, "MOS "+m.spark.View()+" "+mos)
	}
	flows := len(m.sh.flowNames)
	down := fmt.Sprintf("%d/%d", snap.FlowsDown, flows)
	if snap.FlowsDown > 0 {
		down = st.Bad.Render(down)
	}
	line := "flows down " + down
	if a := m.sh.frame.Availability; a >= 0 {
		line += fmt.Sprintf("  delivered %s", fmtShare(a))
	} else if m.sh.availability >= 0 {
		line += fmt.Sprintf("  delivered %s", fmtShare(m.sh.availability))
	}
	rows = append(rows, line)
	if snap.PowerW > 0 || snap.EnergyKWh > 0 {
		rows = append(rows, fmt.Sprintf("power %.2f kW  energy %.4g kWh", snap.PowerW/1000, snap.EnergyKWh))
	}
	return strings.Join(rows, "\n")
}

// fmtShare prints an availability with the nines that matter.
func fmtShare(a float64) string {
	switch {
	case a >= 1:
		return "100 %"
	case a >= 0.9999:
		return fmt.Sprintf("%.5f %%", a*100)
	}
	return fmt.Sprintf("%.3f %%", a*100)
}
