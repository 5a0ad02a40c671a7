package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dctwin/twin"
)

// The event log shows the latest events of the trace, newest at the bottom. Scrolling
// up holds the view where it is while the run goes on (the log is paused, not the
// run); G or End follows again. A filter keeps the events whose subject, kind or text
// contain a word; ":events notable" keeps the steps that explain failovers.

// EventLog is the event log pane.
type EventLog struct {
	sh      *shared
	keys    keyMap
	w, h    int
	all     []twin.Event // ring of the latest events
	next    int
	filter  string
	notable bool
	back    int // rows scrolled up from the newest; 0 follows
	below   int // events that came in while the view was held
	shown   []int
	dirty   bool
}

// NewEventLog returns the event log.
func NewEventLog(sh *shared) *EventLog { return &EventLog{sh: sh, keys: newKeyMap(), dirty: true} }

// SetSize sets the size inside the border.
func (e *EventLog) SetSize(w, h int) { e.w, e.h = w, h }

// Add appends the events of a frame; reset replaces the log (after a rewind).
func (e *EventLog) Add(evs []twin.Event, reset bool) {
	if reset {
		e.all, e.next, e.back = nil, 0, 0
	}
	if len(evs) == 0 && !reset {
		return
	}
	for _, ev := range evs {
		if len(e.all) < logSize {
			e.all = append(e.all, ev)
		} else {
			e.all[e.next] = ev
			e.next = (e.next + 1) % logSize
		}
	}
	if e.back > 0 {
		// Hold the view: the rows it shows moved up by the events that passed the filter.
		for _, ev := range evs {
			if e.matches(ev) {
				e.back++
				e.below++
			}
		}
	}
	e.dirty = true
}

// SetFilter keeps the events containing s.
func (e *EventLog) SetFilter(s string) { e.filter, e.dirty, e.back = s, true, 0 }

// SetNotable keeps only the notable events, or all.
func (e *EventLog) SetNotable(on bool) { e.notable, e.dirty, e.back = on, true, 0 }

func (e *EventLog) matches(ev twin.Event) bool {
	if e.notable && !ev.Notable {
		return false
	}
	if e.filter == "" {
		return true
	}
	f := strings.ToLower(e.filter)
	return strings.Contains(strings.ToLower(ev.Subject), f) || strings.Contains(string(ev.Kind), f) ||
		strings.Contains(strings.ToLower(ev.Text), f)
}

// ordered returns the indexes of the matching events, oldest first.
func (e *EventLog) ordered() []int {
	if !e.dirty {
		return e.shown
	}
	e.shown = e.shown[:0]
	for i := range e.all {
		k := (e.next + i) % len(e.all)
		if e.matches(e.all[k]) {
			e.shown = append(e.shown, k)
		}
	}
	e.dirty = false
	return e.shown
}

// Paused reports whether the log holds its view instead of following.
func (e *EventLog) Paused() bool { return e.back > 0 }

// Update scrolls.
func (e *EventLog) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	n := len(e.ordered())
	switch {
	case key.Matches(k, e.keys.Up):
		e.back++
	case key.Matches(k, e.keys.Down):
		e.back--
	case key.Matches(k, e.keys.PageUp):
		e.back += max(1, e.h-1)
	case key.Matches(k, e.keys.PageDown):
		e.back -= max(1, e.h-1)
	case key.Matches(k, e.keys.Top):
		e.back = n
	case key.Matches(k, e.keys.Bottom):
		e.back = 0
	}
	e.back = max(0, min(e.back, n-e.h))
	if e.back == 0 {
		e.below = 0
	}
	return nil
}

// Title says what the log shows.
func (e *EventLog) Title() string {
	t := "Events"
	switch {
	case e.notable && e.filter != "":
		t += fmt.Sprintf("  (notable, %q)", e.filter)
	case e.notable:
		t += "  (notable)"
	case e.filter != "":
		t += fmt.Sprintf("  (%q)", e.filter)
	default:
		t += "  (all)"
	}
	if e.back > 0 {
		t += fmt.Sprintf("  ⏸ held, %d newer below, %d since: G follows", e.back, e.below)
	}
	return t
}

// View renders the rows that fit, newest at the bottom.
func (e *EventLog) View() string {
	idx := e.ordered()
	st := e.sh.styles
	if len(idx) == 0 {
		if len(e.all) == 0 {
			return st.Dim.Render("no events yet: space runs the simulation")
		}
		return st.Dim.Render("no event matches the filter")
	}
	end := len(idx) - e.back
	start := max(0, end-e.h)
	var b strings.Builder
	for i := start; i < end; i++ {
		ev := e.all[idx[i]]
		text := ev.Text
		if ev.Notable {
			text = st.Bold.Render(text)
		}
		fmt.Fprintf(&b, "%-12s %-16s %s", fmtAt(ev.At), truncate(ev.Subject, 16), text)
		if i < end-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}
