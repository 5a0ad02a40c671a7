package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

// The path view is the source material's teaching moment: a flow's path hop by hop,
// live. When a failure breaks it, the pane says where the packets are lost; when
// traffic flows again on another path, the old one stays beside it as "was:".
//
// The pane sees the flow only in frames; a frame at high speed can span a whole
// failover. The instant of a change is taken from the frame's events: the flow's own
// (down, up), else the latest event about a device on the old or new path (a
// switchover, a MAC move, a port state); without one it says between which frames.

// PathView is the path pane.
type PathView struct {
	sh   *shared
	w, h int
	flow string // the flow shown
	hist map[string]*pathHistory
	// lastAt is the time of the previous frame.
	lastAt sim.Time
	scroll scroller
	keys   keyMap
	footer string
}

// pathHistory is what the pane has seen of one flow.
type pathHistory struct {
	seen  bool
	key   string // the current path, comparable
	up    bool
	hops  []twin.Hop
	since sim.Time // when the current path or state began
	from  sim.Time // with an inexact since: the frame before, when it was not yet so
	exact bool
	// was is the path that carried traffic before the current one, until wasUntil.
	was      []twin.Hop
	wasUntil sim.Time
	// broke says where packets were lost while the flow was down.
	broke string
}

// NewPathView returns the path pane.
func NewPathView(sh *shared) *PathView {
	return &PathView{sh: sh, hist: map[string]*pathHistory{}, keys: newKeyMap()}
}

// Update scrolls the pane when it has the focus.
func (p *PathView) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		p.scroll.key(k, p.keys, p.h)
	}
	return nil
}

// SetSize sets the size inside the border.
func (p *PathView) SetSize(w, h int) { p.w, p.h = w, h }

// Show selects the flow to show; what was seen of it before is kept.
func (p *PathView) Show(flow string) {
	p.flow = flow
	if flow != "" && p.hist[flow] == nil {
		p.hist[flow] = &pathHistory{}
	}
}

// Rewound keeps of each flow's history what happened before now (the run went back to
// it): an old path that ended before now stays, the rest is seen again.
func (p *PathView) Rewound(now sim.Time) {
	for _, h := range p.hist {
		if h.wasUntil > now {
			h.was, h.wasUntil = nil, 0
		}
		if h.since > now {
			h.since, h.exact = 0, false
		}
		h.seen = false
	}
	p.lastAt = now
}

// Flow is the flow shown, "" if none.
func (p *PathView) Flow() string { return p.flow }

// Observe follows the shown flow in a new frame.
func (p *PathView) Observe(snap *twin.Snapshot, events []twin.Event) {
	defer func() {
		if snap != nil {
			p.lastAt = snap.At
		}
	}()
	h := p.hist[p.flow]
	if p.flow == "" || snap == nil || h == nil {
		return
	}
	f, ok := snap.Flow(p.flow)
	if !ok {
		return
	}
	hops := snap.Path(p.flow)
	key := hopKey(hops)
	if !f.Delivering {
		h.broke = f.Reason
	}
	for _, ev := range events {
		if d, ok := ev.Record.(network.FlowDown); ok && d.Flow == p.flow {
			h.broke = d.Direction + ": " + d.Reason
		}
	}
	if !h.seen {
		h.seen, h.key, h.up, h.hops = true, key, f.Delivering, hops
		return
	}
	if f.Delivering == h.up && key == h.key {
		return
	}
	at, exact := p.changedAt(snap, events, h.hops, hops)
	if h.up && (!f.Delivering || key != h.key) {
		// The path that carried traffic until now becomes the old one, until the flow
		// stopped on it (a frame can hold both the stop and the restart).
		h.was, h.wasUntil = h.hops, at
		stopped := false
		for _, ev := range events {
			if ev.Subject == p.flow && ev.Kind == "flow-down" {
				h.wasUntil, stopped = ev.At, true
				break
			}
		}
		if f.Delivering && !stopped {
			h.broke = "" // moved without an outage: a failback, a new spanning tree
		}
	}
	h.key, h.up, h.hops, h.since, h.exact, h.from = key, f.Delivering, hops, at, exact, p.lastAt
}

// changedAt finds the instant a change seen between the previous frame and this one
// happened.
func (p *PathView) changedAt(snap *twin.Snapshot, events []twin.Event, before, after []twin.Hop) (sim.Time, bool) {
	var own, near sim.Time = -1, -1
	devices := map[string]bool{}
	for _, hs := range [][]twin.Hop{before, after} {
		for _, h := range hs {
			devices[dev(h.From)], devices[dev(h.To)] = true, true
		}
	}
	if e, ok := p.sh.flowEnds[p.flow]; ok {
		devices[e[0]], devices[e[1]] = true, true
	}
	for _, ev := range events {
		if ev.At > snap.At {
			continue
		}
		switch {
		case ev.Subject == p.flow && (ev.Kind == "flow-up" || ev.Kind == "flow-down"):
			own = ev.At
		case devices[ev.Subject] || devices[dev(ev.Subject)]:
			switch ev.Kind {
			case "switchover", "mac", "stp-port", "topology-change", "aggregate", "gateway",
				"uplink-tracking", "failure", "repair", "booted", "carrier", "mac-flush":
				near = ev.At
			}
		}
	}
	switch {
	case own >= 0:
		return own, true
	case near >= 0:
		return near, true
	case snap.At-p.lastAt <= 100*sim.Millisecond:
		return snap.At, true
	}
	return snap.At, false
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

// View renders the hops, scrolled.
func (p *PathView) View() string {
	v, footer := p.scroll.window(p.content(), p.h)
	p.footer = footer
	return v
}

// Footer says what the pane's window leaves out.
func (p *PathView) Footer() string { return p.footer }

// content is the whole path pane.
func (p *PathView) content() string {
	st := p.sh.styles
	snap := p.sh.snap()
	h := p.hist[p.flow]
	if p.flow == "" || snap == nil || h == nil {
		return st.Dim.Render("select a flow, or a host with flows, and press p")
	}
	f, ok := snap.Flow(p.flow)
	if !ok {
		return st.Dim.Render(p.flow + " does not run yet")
	}
	since := ""
	if h.since > 0 {
		since = "  since " + fmtAt(h.since)
		if !h.exact {
			since = fmt.Sprintf("  since between %s and %s", fmtAt(h.from), fmtAt(h.since))
		}
	}
	var out []string
	hops := snap.Path(p.flow)
	if f.Delivering {
		out = append(out, hopLines(hops, p.w, "")...)
		out = append(out, st.Good.Render("✓ delivering")+fmt.Sprintf("  %s one way, %d hops", fmtDelay(f.Delay), len(hops))+since)
	} else {
		if len(hops) > 0 {
			out = append(out, hopLines(hops, p.w, "")...)
		}
		reason := f.Reason
		if reason == "" {
			reason = "not delivering"
		}
		for i, l := range wrapJoin(strings.Fields("down  "+reason+since), " ", p.w-2, "  ") {
			if i == 0 {
				l = st.Bad.Render("✗ ") + l
			}
			out = append(out, l)
		}
	}
	if len(h.was) > 0 {
		if f.Delivering && h.broke != "" {
			for _, l := range wrapJoin(strings.Fields("broke: "+h.broke), " ", p.w, "  ") {
				out = append(out, st.Dim.Render(l))
			}
		}
		head := fmt.Sprintf("was (until %s): ", fmtAt(h.wasUntil))
		for _, l := range hopLines(h.was, p.w-len(head), "") {
			out = append(out, st.Dim.Render(head+l))
			head = strings.Repeat(" ", len(head)-2)
		}
	}
	// The way back, when the flow has one: its own path and state (a VLAN or a
	// one-way cut can break one direction only).
	if dirs := p.sh.frame.Directions; len(dirs) == 2 {
		back := dirs[1]
		state := st.Good.Render("✓") + " " + fmtDelay(back.Delay)
		if !back.Delivering {
			state = st.Bad.Render("✗") + " " + back.Reason
		}
		for i, l := range wrapJoin(strings.Fields("back "+back.Name+": "), " ", p.w, "  ") {
			if i == 0 {
				l = st.Dim.Render(l) + " " + state
			}
			out = append(out, l)
		}
		if len(back.Hops) > 0 {
			out = append(out, hopLines(back.Hops, p.w, "")...)
		}
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
