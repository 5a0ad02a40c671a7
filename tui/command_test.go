package tui

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

func TestParseTime(t *testing.T) {
	for in, want := range map[string]sim.Time{
		"30s": 30 * sim.Second, "1m30s": 90 * sim.Second, "250ms": 250 * sim.Millisecond,
		"12.5": 12500 * sim.Millisecond, "0": 0,
	} {
		got, err := parseTime(in)
		if err != nil || got != want {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "-5s", "NaN", "Inf", "1e300", "soon", "10 s"} {
		if got, err := parseTime(bad); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", bad, got)
		}
	}
}

// TestCommandErrors: every malformed command says what is wrong in the status line,
// in red, and changes nothing.
func TestCommandErrors(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	for cmd, want := range map[string]string{
		"frobnicate":                    "unknown command",
		"fail":                          "usage: fail",
		"fail nosuch":                   "not a component",
		"fail srv-1:eth0 link":          "cannot fail as",
		"fail srv-1:eth0 nic after":     "usage: fail",
		"fail srv-1:eth0 nic after -2s": "is not a delay",
		"repair":                        "usage: repair",
		"repair srv-1:eth0":             "is not down",
		"goto":                          "usage: goto",
		"goto yesterday":                "usage: goto",
		"speed 5000":                    "usage: speed",
		"speed fast":                    "usage: speed",
		"save":                          "usage: save",
		"save /nonexistent/dir/x.yaml":  "no such file",
		"seed -1":                       "usage: seed",
		"find nothing-here":             "no component",
	} {
		drive(m, keys(":"+cmd+"<enter>")...)
		if !m.statusErr || !strings.Contains(m.status, want) {
			t.Errorf(":%s → %q (error %v), want an error with %q", cmd, m.status, m.statusErr, want)
		}
		if m.mode != modeNormal {
			t.Errorf(":%s leaves mode %v", cmd, m.mode)
		}
	}
	// The kinds a component can fail as read as a list, not as a Go slice.
	drive(m, keys(":fail up-a nic<enter>")...)
	if want := `up-a cannot fail as "nic"; it can fail as: link, link-one-way`; m.status != want {
		t.Errorf(":fail up-a nic → %q, want %q", m.status, want)
	}
	if a := m.sess.Actions(); a != 0 || m.sh.snap().At != 0 {
		t.Errorf("bad commands changed the run: %d actions, at %v", a, m.sh.snap().At)
	}
}

// TestCommands: the commands that work, each checked on the twin.
func TestCommands(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 2s<enter>")...)
	drive(m, keys(":fail srv-1:eth1 nic after 1s<enter>")...)
	if m.statusErr || !strings.Contains(m.status, "will fail in 1 s") {
		t.Errorf("scheduled failure: %q", m.status)
	}
	drive(m, keys(":goto 3.5<enter>")...)
	if st := m.sh.snap().State("srv-1:eth1"); st != twin.StateFailed {
		t.Errorf("after the scheduled failure srv-1:eth1 is %s", st)
	}
	drive(m, keys(":repair srv-1:eth1<enter>")...)
	if st := m.sh.snap().State("srv-1:eth1"); st == twin.StateFailed {
		t.Errorf("after :repair srv-1:eth1 is %s", st)
	}
	drive(m, keys(":speed 10<enter>")...)
	if speeds[m.speed] != 10 {
		t.Errorf("speed %v", speeds[m.speed])
	}
	drive(m, keys(":speed max<enter>")...)
	if speeds[m.speed] != 0 {
		t.Errorf("speed max: %v", speeds[m.speed])
	}
	drive(m, keys(":find edge-b<enter>")...)
	if n := m.tree.Selected(); n == nil || n.name != "edge-b" {
		t.Errorf(":find edge-b selects %+v", n)
	}
	drive(m, keys(":events notable<enter>")...)
	for _, i := range m.events.ordered() {
		if !m.events.all[i].Notable {
			t.Errorf("events notable shows %s", m.events.all[i].Text)
		}
	}
	drive(m, keys(":seed 7<enter>")...)
	if m.sh.frame.Seed != 7 || m.sh.snap().At != 0 || m.sess.Actions() != 2 {
		t.Errorf(":seed 7 → seed %d at %v with %d actions; want 7 at 0 with the 2 actions kept",
			m.sh.frame.Seed, m.sh.snap().At, m.sess.Actions())
	}
}

// TestFilter: / filters the tree and the log as the user types; esc clears.
func TestFilter(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 11s<enter>")...)
	drive(m, keys("/edge-b")...)
	if m.mode != modeFilter || m.tree.filter != "edge-b" {
		t.Fatalf("typing a filter: mode %v filter %q", m.mode, m.tree.filter)
	}
	// A row shows if it matches or holds a match (its ancestors show with it).
	var holds func(i int) bool
	holds = func(i int) bool {
		if strings.Contains(m.tree.nodes[i].label, "edge-b") {
			return true
		}
		for _, c := range m.tree.nodes[i].children {
			if holds(c) {
				return true
			}
		}
		return false
	}
	for _, i := range m.tree.vis {
		if !holds(i) {
			t.Errorf("filter edge-b shows %q", m.tree.nodes[i].label)
		}
	}
	for _, i := range m.events.ordered() {
		ev := m.events.all[i]
		if !strings.Contains(strings.ToLower(ev.Subject+string(ev.Kind)+ev.Text), "edge-b") {
			t.Errorf("the log filtered by edge-b shows %q", ev.Text)
		}
	}
	drive(m, keys("<esc>")...)
	if m.tree.filter != "" || m.events.filter != "" || m.mode != modeNormal {
		t.Errorf("esc: filter %q/%q mode %v", m.tree.filter, m.events.filter, m.mode)
	}
}

// TestEventLogHold: scrolling up holds the view while events keep coming; G follows.
func TestEventLogHold(t *testing.T) {
	e := NewEventLog(&shared{styles: DefaultStyles()})
	e.SetSize(60, 5)
	add := func(from, to int) {
		var evs []twin.Event
		for i := from; i < to; i++ {
			evs = append(evs, twin.Event{At: sim.Time(i) * sim.Second, Subject: "x", Text: fmt.Sprintf("event %d", i)})
		}
		e.Add(evs, false)
	}
	add(0, 20)
	if v := e.View(); !strings.Contains(v, "event 19") || strings.Contains(v, "event 14") {
		t.Fatalf("following:\n%s", v)
	}
	for _, k := range keys("kkk") {
		e.Update(k)
	}
	held := e.View()
	if !strings.Contains(held, "event 16") || strings.Contains(held, "event 19") || !e.Paused() {
		t.Fatalf("scrolled up 3:\n%s", held)
	}
	add(20, 30)
	if v := e.View(); v != held {
		t.Errorf("new events moved a held view:\n%s\nwas\n%s", v, held)
	}
	for _, k := range keys("G") {
		e.Update(k)
	}
	if v := e.View(); !strings.Contains(v, "event 29") || e.Paused() {
		t.Errorf("G does not follow:\n%s", v)
	}
	// The ring keeps the latest logSize events.
	add(30, 30+logSize)
	if len(e.all) != logSize {
		t.Errorf("ring holds %d", len(e.all))
	}
	idx := e.ordered()
	if first := e.all[idx[0]].Text; first != fmt.Sprintf("event %d", 30) {
		t.Errorf("oldest kept: %s", first)
	}
}

// TestInputLine: the command line shows its prompt once, and :save does not overwrite
// a file unless told to (:save!).
func TestInputLine(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys(":goto")...)
	if b := m.bottom(); !strings.HasPrefix(b, ":goto") {
		t.Errorf("command line %q, want :goto", b)
	}
	drive(m, keys("<esc>/pho")...)
	if b := m.bottom(); !strings.HasPrefix(b, "/pho") {
		t.Errorf("filter line %q, want /pho", b)
	}
	drive(m, keys("<esc>")...)
	file := t.TempDir() + "/s.yaml"
	drive(m, keys(":save "+file+"<enter>")...)
	if m.statusErr {
		t.Fatalf("first save: %s", m.status)
	}
	drive(m, keys(":save "+file+"<enter>")...)
	if !m.statusErr || !strings.Contains(m.status, "save! ") {
		t.Errorf("second save over the file: %q", m.status)
	}
	drive(m, keys(":save! "+file+"<enter>")...)
	if m.statusErr || !strings.Contains(m.status, "saved") {
		t.Errorf(":save! over the file: %q", m.status)
	}
}

// TestFindTakesTheSlashFilter: / filters both panes with one text; :find takes it from
// the tree to show the component, and from the Events pane with it, so that no pane
// keeps an old filter the other dropped. A filter set on the Events pane alone stays.
func TestFindTakesTheSlashFilter(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys("/srv<enter>")...)
	if m.tree.filter != "srv" || m.events.filter != "srv" {
		t.Fatalf("/srv sets the filters tree %q, events %q", m.tree.filter, m.events.filter)
	}
	drive(m, keys(":find edge-b<enter>")...)
	if m.tree.filter != "" || m.events.filter != "" {
		t.Errorf("after :find the filters are tree %q, events %q; want none", m.tree.filter, m.events.filter)
	}
	drive(m, keys(":events carrier<enter>:find edge-a<enter>")...)
	if m.events.filter != "carrier" {
		t.Errorf(":find took the Events pane's own filter: %q", m.events.filter)
	}
}
