package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"

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
	cur    listCursor
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
		f.cur.at = n - 1
	}
	f.cur.clamp(n, max(1, f.h-1)) // the header takes a row
}

// Selected returns the index of the failure under the cursor, -1 if none.
func (f *Failovers) Selected() int {
	if len(f.rows()) == 0 {
		return -1
	}
	return f.cur.at
}

// Update moves the cursor.
func (f *Failovers) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		f.clamp()
		return nil
	}
	n := len(f.rows())
	if f.cur.move(k, f.keys, n, f.h-2) {
		f.follow = f.cur.at >= n-1
		f.clamp()
	}
	return nil
}

// Title counts the failures.
func (f *Failovers) Title() string {
	if s := f.sh.snap(); s != nil && len(s.Migrations) > 0 {
		return fmt.Sprintf("Failovers (%d) · vMotion (%d)", len(f.rows()), len(s.Migrations))
	}
	return fmt.Sprintf("Failovers (%d)", len(f.rows()))
}

// View renders the table. Columns take the width their contents need, the component
// and mechanism columns give way first, and on a narrow pane the time goes.
func (f *Failovers) View() string {
	st := f.sh.styles
	rows := f.rows()
	if len(rows) == 0 {
		if ms := f.sh.migrationLines(f.h - 1); len(ms) > 0 {
			return st.Dim.Render("no failure yet") + "\n" + strings.Join(truncateAll(ms, f.w), "\n")
		}
		return st.Dim.Render("no failure yet: select a component and press f")
	}
	last := min(len(rows), f.cur.offset+max(1, f.h-1))
	type row struct{ num, at, comp, det, by, out string }
	var cells []row
	head := row{"#", "at", "component", "detected", "by", "outage"}
	w := [5]int{len(head.num), len(head.at), len(head.comp), len(head.det), len(head.by)}
	for i := f.cur.offset; i < last; i++ {
		r := rows[i]
		c := row{fmt.Sprint(i + 1), fmtAt(sim.Seconds(r.AtS)), r.Component, detectedCell(r), mechanisms(r), outageSummary(r)}
		cells = append(cells, c)
		for k, v := range []string{c.num, c.at, c.comp, c.det, c.by} {
			w[k] = max(w[k], lipgloss.Width(v))
		}
	}
	w[2], w[4] = min(w[2], 18), min(w[4], 16)
	// Room for the outage column (at least 10 cells): shrink, then drop the time.
	fits := func() bool { return 2+w[0]+w[1]+w[2]+w[3]+w[4]+5+10 <= f.w }
	for !fits() && (w[2] > 10 || w[4] > 7) {
		if w[2] >= w[4] && w[2] > 10 || w[4] <= 7 {
			w[2]--
		} else {
			w[4]--
		}
	}
	if !fits() {
		w[1] = -1
	}
	format := func(mark string, c row) string {
		parts := []string{mark + " " + padRight(c.num, w[0])}
		if w[1] >= 0 {
			parts = append(parts, padRight(c.at, w[1]))
		}
		parts = append(parts, padRight(truncate(c.comp, w[2]), w[2]), padRight(c.det, w[3]), padRight(truncate(c.by, w[4]), w[4]), c.out)
		return strings.Join(parts, " ")
	}
	var b strings.Builder
	b.WriteString(st.Dim.Render(format(" ", head)))
	for k, c := range cells {
		i := f.cur.offset + k
		// In force or repaired, by glyph.
		mark := st.glyph(twin.StateUp)
		if rows[i].RepairedAtS == nil {
			mark = st.glyph(twin.StateFailed)
		}
		line := format(mark, c)
		if i == f.cur.at && f.sh.focus == paneFailovers {
			line = st.selected(line, f.w)
		}
		b.WriteString("\n" + line)
	}
	// Live migrations in the rows left: they are not failures, but their stun is an
	// outage the table's reader compares with the failovers'.
	for _, l := range f.sh.migrationLines(f.h - 1 - len(cells)) {
		b.WriteString("\n" + truncate(l, f.w))
	}
	return b.String()
}

// truncateAll truncates each line to w cells.
func truncateAll(ls []string, w int) []string {
	for i, l := range ls {
		ls[i] = truncate(l, w)
	}
	return ls
}

// detectedCell is when the failure was first noticed: pending while it is in force and
// nothing has noticed it yet, never once it was repaired unnoticed.
func detectedCell(r twin.FailureResult) string {
	switch {
	case r.DetectedAfterMs != nil:
		return "+" + fmtMs(*r.DetectedAfterMs)
	case r.RepairedAtS == nil:
		return "pending"
	}
	return "never"
}

// mechanisms lists the mechanisms that noticed a failure, earliest first, each once:
// an LACP member's loss is seen by the switch's carrier and, later, by the server's
// miimon, and it is the second that ends the outage.
func mechanisms(r twin.FailureResult) string {
	ds := slices.Clone(r.Detections)
	slices.SortStableFunc(ds, func(a, b twin.DetectionResult) int { return cmp.Compare(a.AfterMs, b.AfterMs) })
	var names []string
	for _, d := range ds {
		if !slices.Contains(names, d.Mechanism) {
			names = append(names, d.Mechanism)
		}
	}
	return strings.Join(names, ",")
}

// outageSummary condenses a failure's flow outages: the longest restored one and how
// many directions it hit ("90 ms ×4"), or how many are still down ("2.89 s, 2/4 down");
// then its VM-level clusters' services ("pbx-pair 5 s") and its VMs' ("VMs 94.3 s ×2
// HA restart", "VMs 94.3 s ×1, 1 down", or "VMs 1/1 down" while none is back).
func outageSummary(r twin.FailureResult) string {
	s := flowOutageSummary(r)
	for _, svc := range r.VMClusters {
		if svc.OutageMs != nil {
			s += fmt.Sprintf("; %s %s", svc.Service, fmtMs(*svc.OutageMs))
		} else {
			s += fmt.Sprintf("; %s down", svc.Service)
		}
	}
	if len(r.VMs) == 0 {
		return s
	}
	worst, open := 0.0, 0
	var how []string
	for _, v := range r.VMs {
		if v.OutageMs == nil {
			open++
			continue
		}
		worst = max(worst, *v.OutageMs)
		if v.Mechanism != "" && !slices.Contains(how, v.Mechanism) {
			how = append(how, v.Mechanism)
		}
	}
	var vms string
	switch {
	case open == len(r.VMs): // none back yet: no outage to measure
		vms = fmt.Sprintf("VMs %d/%d down", open, len(r.VMs))
	case open > 0:
		vms = fmt.Sprintf("VMs %s ×%d, %d down", fmtMs(worst), len(r.VMs)-open, open)
	default:
		vms = fmt.Sprintf("VMs %s ×%d", fmtMs(worst), len(r.VMs))
	}
	if len(how) > 0 {
		vms += " " + strings.Join(how, ",")
	}
	return s + "; " + vms
}

// flowOutageSummary condenses a failure's flow outages.
func flowOutageSummary(r twin.FailureResult) string {
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
	switch {
	case open == 0:
		return fmt.Sprintf("%s ×%d", fmtMs(worst), len(r.Flows))
	case worst > 0:
		return fmt.Sprintf("%s, %d/%d down", fmtMs(worst), open, len(r.Flows))
	}
	return fmt.Sprintf("%d/%d down", open, len(r.Flows))
}

// chainView renders a failure's chain of events with their explanations.
func (sh *shared) chainView(r twin.FailureResult, lines []twin.TraceLine, omitted, w int) string {
	st := sh.styles
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s failure at %s (%s)\n", st.Bold.Render(r.Component), r.Kind, fmtAt(sim.Seconds(r.AtS)), r.Cause)
	if len(r.Detections) == 0 {
		b.WriteString(detectedCell(r) + ": no mechanism has noticed it\n")
	}
	for _, d := range r.Detections {
		fmt.Fprintf(&b, "detected by %s at %s after %s\n", d.Mechanism, d.By, fmtMs(d.AfterMs))
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
