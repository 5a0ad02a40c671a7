package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dctwin/sim"
	"dctwin/twin"
)

// The failover table lists every failure as it is measured: when, what, which
// mechanism noticed it after how long, and the outages it caused. Enter opens the
// chain of events that explains it, each step with a line for learners.

// Failovers is the failover table.
type Failovers struct {
	sh     *shared
	keys   keyMap
	w, h   int
	cursor int
	offset int
	follow bool // keep the cursor on the latest failure
}

// NewFailovers returns the failover table.
func NewFailovers(sh *shared) *Failovers { return &Failovers{sh: sh, keys: newKeyMap(), follow: true} }

// SetSize sets the size inside the border.
func (f *Failovers) SetSize(w, h int) { f.w, f.h = w, h; f.clamp() }

func (f *Failovers) rows() []twin.FailureResult {
	if s := f.sh.snap(); s != nil {
		return s.Failovers
	}
	return nil
}

func (f *Failovers) clamp() {
	n := len(f.rows())
	if f.follow {
		f.cursor = n - 1
	}
	f.cursor = max(0, min(f.cursor, n-1))
	rows := max(1, f.h-1) // the header takes a row
	if f.cursor < f.offset {
		f.offset = f.cursor
	}
	if f.cursor >= f.offset+rows {
		f.offset = f.cursor - rows + 1
	}
	f.offset = max(0, min(f.offset, n-rows))
}

// Selected returns the index of the failure under the cursor, -1 if none.
func (f *Failovers) Selected() int {
	if len(f.rows()) == 0 {
		return -1
	}
	return f.cursor
}

// Update moves the cursor.
func (f *Failovers) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		f.clamp()
		return nil
	}
	n := len(f.rows())
	switch {
	case key.Matches(k, f.keys.Up):
		f.cursor--
	case key.Matches(k, f.keys.Down):
		f.cursor++
	case key.Matches(k, f.keys.PageUp):
		f.cursor -= max(1, f.h-2)
	case key.Matches(k, f.keys.PageDown):
		f.cursor += max(1, f.h-2)
	case key.Matches(k, f.keys.Top):
		f.cursor = 0
	case key.Matches(k, f.keys.Bottom):
		f.cursor = n - 1
	default:
		return nil
	}
	f.follow = f.cursor >= n-1
	f.clamp()
	return nil
}

// Title counts the failures.
func (f *Failovers) Title() string {
	return fmt.Sprintf("Failovers (%d)", len(f.rows()))
}

// View renders the table.
func (f *Failovers) View() string {
	st := f.sh.styles
	rows := f.rows()
	if len(rows) == 0 {
		return st.Dim.Render("no failure yet: select a component and press f")
	}
	var b strings.Builder
	b.WriteString(st.Dim.Render(fmt.Sprintf("  %-3s %-9s %-16s %-8s %-8s %s", "#", "at", "component", "detected", "by", "outage")))
	for i := f.offset; i < len(rows) && i < f.offset+max(1, f.h-1); i++ {
		r := rows[i]
		det, by := "never", ""
		if r.DetectedAfterMs != nil {
			det = "+" + fmtMs(*r.DetectedAfterMs)
		}
		if len(r.Detections) > 0 {
			best := r.Detections[0]
			for _, d := range r.Detections {
				if d.AfterMs < best.AfterMs {
					best = d
				}
			}
			by = best.Mechanism
		}
		// In force or repaired, by glyph.
		mark := st.glyph(twin.StateUp)
		if r.RepairedAtS == nil {
			mark = st.glyph(twin.StateFailed)
		}
		line := fmt.Sprintf("%s %-3d %-9s %-16s %-8s %-8s %s", mark, i+1, fmtAt(sim.Seconds(r.AtS)), truncate(r.Component, 16), det, truncate(by, 8), outageSummary(r))
		if i == f.cursor && f.sh.focus == paneFailovers {
			line = st.Selected.Render(padRight(truncate(line, f.w), f.w))
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

// outageSummary condenses a failure's outages: the longest and how many directions.
func outageSummary(r twin.FailureResult) string {
	if len(r.Flows) == 0 {
		if len(r.CutOff) > 0 {
			return fmt.Sprintf("%d cut off", len(r.CutOff))
		}
		return "none"
	}
	worst, open := 0.0, 0
	for _, o := range r.Flows {
		if o.OutageMs == nil {
			open++
			continue
		}
		worst = max(worst, *o.OutageMs)
	}
	s := ""
	if worst > 0 {
		s = fmtMs(worst)
	}
	if open > 0 {
		s = strings.TrimSpace(s + fmt.Sprintf(" %d down", open))
	}
	if len(r.Flows) > 0 {
		s += fmt.Sprintf(" (%d)", len(r.Flows))
	}
	return strings.TrimSpace(s)
}

// chainView renders a failure's chain of events with their explanations.
func (sh *shared) chainView(r twin.FailureResult, lines []twin.TraceLine, omitted, w int) string {
	st := sh.styles
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s failure at %s (%s)\n", st.Bold.Render(r.Component), r.Kind, fmtAt(sim.Seconds(r.AtS)), r.Cause)
	if r.DetectedAfterMs != nil {
		fmt.Fprintf(&b, "detected after %s\n", fmtMs(*r.DetectedAfterMs))
	} else {
		b.WriteString("never detected\n")
	}
	b.WriteString("\n")
	at0 := sim.Seconds(r.AtS)
	said := map[string]bool{} // an explanation once per chain: five flows going down is one lesson
	for _, l := range lines {
		off := "+0"
		if d := l.At - at0; d > 0 {
			off = "+" + fmtDur(d)
		}
		fmt.Fprintf(&b, "%-9s %-14s %s\n", off, truncate(l.Subject, 14), l.What)
		if e := explain(l.Record); e != "" && !said[e] {
			said[e] = true
			b.WriteString(st.Dim.Render(truncate(strings.Repeat(" ", 10)+"↳ "+e, w)) + "\n")
		}
	}
	if omitted > 0 {
		fmt.Fprintf(&b, "… and %d more records in the failure's window\n", omitted)
	}
	return strings.TrimRight(b.String(), "\n")
}
