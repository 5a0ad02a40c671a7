package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"dctwin/sim"
	"dctwin/twin"
)

// The path view is the source material's teaching moment: a flow's path hop by hop,
// live. When a failure breaks it, the pane marks the break and keeps the old path as
// "was:"; when traffic flows again, the new path appears beside it.

// PathView is the path pane.
type PathView struct {
	sh   *shared
	w, h int
	flow string // the flow shown

	key      string // the current path, as a comparable string
	up       bool
	since    sim.Time // when the path or the delivering state last changed
	was      []twin.Hop
	wasUntil sim.Time
	seen     bool // a frame has been seen for this flow
	lastHops []twin.Hop
}

// NewPathView returns the path pane.
func NewPathView(sh *shared) *PathView { return &PathView{sh: sh} }

// SetSize sets the size inside the border.
func (p *PathView) SetSize(w, h int) { p.w, p.h = w, h }

// Show selects the flow to show.
func (p *PathView) Show(flow string) {
	if flow != p.flow {
		*p = PathView{sh: p.sh, w: p.w, h: p.h, flow: flow}
	}
}

// Reset forgets the history of the shown flow (after a rewind) and keeps showing it.
func (p *PathView) Reset() {
	*p = PathView{sh: p.sh, w: p.w, h: p.h, flow: p.flow}
}

// Flow is the flow shown, "" if none.
func (p *PathView) Flow() string { return p.flow }

// Observe follows the shown flow in a new frame: it notes when the path changes, at
// the time of the flow's latest event when the frame has one (a frame can span a
// whole failover).
func (p *PathView) Observe(snap *twin.Snapshot, events []twin.Event) {
	if p.flow == "" || snap == nil {
		return
	}
	f, ok := snap.Flow(p.flow)
	if !ok {
		return
	}
	hops := snap.Path(p.flow)
	key := hopKey(hops)
	if !p.seen {
		p.key, p.up, p.seen, p.lastHops = key, f.Delivering, true, hops
		return
	}
	if f.Delivering == p.up && key == p.key {
		return
	}
	if p.up && (!f.Delivering || key != p.key) {
		// The path that carried traffic until now becomes the old one.
		p.was = p.lastHops
	}
	at, stopped := snap.At, snap.At
	for _, ev := range events {
		if ev.Subject != p.flow {
			continue
		}
		switch ev.Kind {
		case "flow-up":
			at = ev.At
		case "flow-down":
			if stopped == snap.At {
				stopped = ev.At
			}
			at = ev.At
		}
	}
	if p.up && (!f.Delivering || key != p.key) {
		p.wasUntil = stopped
	}
	p.key, p.up, p.since = key, f.Delivering, at
	p.lastHops = hops
}

// Title names the flow.
func (p *PathView) Title() string {
	if p.flow == "" {
		return "Path"
	}
	t := "Path  " + p.flow
	if e, ok := p.sh.flowEnds[p.flow]; ok {
		t += "  " + e[0] + " → " + e[1]
	}
	return t
}

// View renders the hops.
func (p *PathView) View() string {
	st := p.sh.styles
	snap := p.sh.snap()
	if p.flow == "" || snap == nil {
		return st.Dim.Render("select a flow, or a host with flows, and press p")
	}
	f, ok := snap.Flow(p.flow)
	if !ok {
		return st.Dim.Render(p.flow + " does not run yet")
	}
	var out []string
	hops := snap.Path(p.flow)
	if f.Delivering {
		out = append(out, hopLines(hops, p.w, "")...)
		status := st.Good.Render("✓ delivering") + fmt.Sprintf("  %s one way, %d hops", fmtDelay(f.Delay), len(hops))
		if p.since > 0 {
			status += fmt.Sprintf("  since %s", fmtAt(p.since))
		}
		out = append(out, status)
	} else {
		if len(hops) > 0 {
			out = append(out, hopLines(hops, p.w, "")...)
		}
		reason := f.Reason
		if reason == "" {
			reason = "not delivering"
		}
		line := st.Bad.Render("✗ down") + "  " + reason
		if p.since > 0 {
			line += fmt.Sprintf("  since %s", fmtAt(p.since))
		}
		out = append(out, line)
	}
	if len(p.was) > 0 {
		was := hopLines(p.was, p.w-5, "     ")
		was[0] = st.Dim.Render("was: ") + was[0]
		for i := 1; i < len(was); i++ {
			was[i] = st.Dim.Render(was[i])
		}
		until := st.Dim.Render(fmt.Sprintf(" ✗ %s", fmtAt(p.wasUntil)))
		if last := len(was) - 1; lipgloss.Width(was[last])+lipgloss.Width(until) <= p.w {
			was[last] += until
		} else {
			was = append(was, "    "+until)
		}
		out = append(out, was...)
	}
	return strings.Join(out, "\n")
}

// hopLines renders hops as "client-1:eth0 ─ edge-a:5›24 ─ core-a:1›3 ─ srv-1:eth1":
// each device with the port a frame enters and the port it leaves by.
func hopLines(hops []twin.Hop, w int, indent string) []string {
	if len(hops) == 0 {
		return []string{"(no hops)"}
	}
	parts := []string{hops[0].From}
	for i, h := range hops {
		part := h.To
		if i+1 < len(hops) {
			next := hops[i+1].From
			if dev(next) == dev(h.To) {
				part += "›" + localPort(next)
			} else {
				part += " " + next
			}
		}
		parts = append(parts, part)
	}
	return wrapJoin(parts, " ─ ", max(w, 20), indent+"  ")
}

func dev(port string) string {
	if i := strings.LastIndexByte(port, ':'); i >= 0 {
		return port[:i]
	}
	return port
}

func hopKey(hops []twin.Hop) string {
	var b strings.Builder
	for _, h := range hops {
		b.WriteString(h.From)
		b.WriteByte('>')
		b.WriteString(h.To)
		b.WriteByte(' ')
	}
	return b.String()
}
