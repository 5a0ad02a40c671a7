package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"dctwin/sim"
	"dctwin/twin"
)

// The newcomer's story of the issue, key by key, on teaming-lab: the TUI opens on the
// teamed server, the active NIC is failed at 5 s, the failover row, the path change
// and the calls appear; the help overlay; back to before the failure; save, and the
// saved file runs to the same report as the session.

func TestStartUp(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, m.Init()())
	v := m.View()
	for _, want := range []string{"dctwin ▸ teaming-lab", "⏸ paused", "Topology", "srv-1", "◆eth0", "Failovers (0)", "Calls", "Events"} {
		if !strings.Contains(v, want) {
			t.Errorf("start-up screen lacks %q:\n%s", want, v)
		}
	}
	checkScreen(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))
}

// failAt5s fails srv-1's active NIC by key at 5 s and runs on to 6 s.
func failAt5s(t *testing.T, m *Model) {
	t.Helper()
	drive(m, sized(100, 30))
	drive(m, keys(":goto 5s<enter>")...)
	if got := m.sh.snap().At; got != 5*sim.Second {
		t.Fatalf("goto 5s: at %v", got)
	}
	// The cursor starts on srv-1; one down is its first NIC, the active one.
	drive(m, keys("j")...)
	if n := m.tree.Selected(); n == nil || n.name != "srv-1:eth0" {
		t.Fatalf("selection %+v, want srv-1:eth0", n)
	}
	drive(m, keys("f")...)
	if m.mode != modeMenu || len(m.menu) != 1 || m.menu[0] != "nic" {
		t.Fatalf("fail menu %v (mode %v), want [nic]", m.menu, m.mode)
	}
	drive(m, keys("<enter>")...)
	if f := m.sh.snap().Failures; len(f) != 1 || f[0].Component != "srv-1:eth0" {
		t.Fatalf("failures in force after f: %+v", f)
	}
	drive(m, keys(":goto 6s<enter>")...)
}

func TestFailActiveNIC(t *testing.T) {
	m := newModel(t, "teaming-lab")
	failAt5s(t, m)
	snap := m.sh.snap()
	if len(snap.Failovers) != 1 {
		t.Fatalf("failovers: %+v", snap.Failovers)
	}
	fo := snap.Failovers[0]
	if fo.DetectedAfterMs == nil || fo.Detections[0].Mechanism != "miimon" {
		t.Fatalf("failover row: %+v", fo)
	}
	// miimon polls every 100 ms: detection within one interval (reference-facts §4.1).
	if d := *fo.DetectedAfterMs; d <= 0 || d > 100 {
		t.Errorf("detected after %v ms, want (0, 100]", d)
	}
	v := m.View()
	for _, want := range []string{"Failovers (1)", "srv-1:eth0", "miimon", "◆eth1", "srv-1:eth1", "was (until 5.000 s)"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen after the failover lacks %q:\n%s", want, v)
		}
	}
	// The path pane: the new path ends at eth1, the old one at eth0.
	pv := m.path.View()
	cur, rest, _ := strings.Cut(pv, "broke: ")
	broke, was, _ := strings.Cut(rest, "was (until 5.000 s)")
	if !strings.Contains(cur, "srv-1:eth1") || strings.Contains(cur, "srv-1:eth0") ||
		!strings.Contains(broke, "srv-1:eth0 has no link") || !strings.Contains(was, "client-1:nic") {
		t.Errorf("path pane:\n%s", pv)
	}
	checkScreen(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))

	// The chain of events of the failover, with explanations.
	drive(m, keys("<tab><enter>")...)
	if m.mode != modeChain {
		t.Fatalf("enter on the failover row: mode %v", m.mode)
	}
	for _, want := range []string{"carrier down", "miimon", "team switchover", "gratuitous ARP", "↳ "} {
		if !strings.Contains(m.chain, want) {
			t.Errorf("chain lacks %q:\n%s", want, m.chain)
		}
	}
}

func TestHelpOverlay(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys("?")...)
	v := m.View()
	for _, b := range m.keys.FullHelp() {
		for _, k := range b {
			if !strings.Contains(v, k.Help().Desc) {
				t.Errorf("help lacks %q", k.Help().Desc)
			}
		}
	}
	checkScreen(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))
	drive(m, keys("<esc>")...)
	if m.mode != modeNormal {
		t.Errorf("esc leaves help: mode %v", m.mode)
	}
}

func TestRewindBeforeFailure(t *testing.T) {
	m := newModel(t, "teaming-lab")
	failAt5s(t, m)
	// b goes back over the notable events one instant at a time, until before the
	// failure at 5 s.
	for i := 0; i < 10 && m.sh.snap().At >= 5*sim.Second; i++ {
		drive(m, keys("b")...)
	}
	snap := m.sh.snap()
	if snap.At >= 5*sim.Second || snap.At < 4*sim.Second {
		t.Fatalf("after b: at %v, want just before 5 s", snap.At)
	}
	if len(snap.Failures) != 0 || len(snap.Failovers) != 0 {
		t.Errorf("before the failure, failures %v failovers %v", snap.Failures, snap.Failovers)
	}
	if got := snap.State("srv-1:eth0"); got != twin.StateActive {
		t.Errorf("srv-1:eth0 is %s before the failure, want active", got)
	}
	v := m.View()
	checkScreen(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))

	// The recording goes on: running forward repeats the failure.
	drive(m, keys(":goto 6s<enter>")...)
	if fo := m.sh.snap().Failovers; len(fo) != 1 || fo[0].Component != "srv-1:eth0" {
		t.Errorf("replayed forward: failovers %+v", fo)
	}
}

func TestSaveAndReplay(t *testing.T) {
	m := newModel(t, "teaming-lab")
	failAt5s(t, m)
	drive(m, keys(":repair srv-1:eth0<enter>")...)
	file := filepath.Join(t.TempDir(), "session.yaml")
	drive(m, keys(":save "+file+"<enter>")...)
	if m.statusErr || !strings.Contains(m.status, "saved") {
		t.Fatalf("save: %q", m.status)
	}
	// The session, run to its end, and the saved file, run as `dctwin run FILE` runs it.
	m.sess.Goto(t.Context(), m.sh.snap().Duration, nil)
	var live bytes.Buffer
	if err := m.sess.Twin().Report().WriteText(&live); err != nil {
		t.Fatal(err)
	}
	sc, err := twin.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	var saved bytes.Buffer
	if err := tw.Report().WriteText(&saved); err != nil {
		t.Fatal(err)
	}
	// The report names its scenario: the built-in's name, the saved file's path.
	_, liveBody, _ := strings.Cut(live.String(), "\n")
	_, savedBody, _ := strings.Cut(saved.String(), "\n")
	if liveBody != savedBody {
		t.Errorf("the saved session runs to another report:\n--- session\n%s\n--- saved\n%s", live.String(), saved.String())
	}
	if !strings.Contains(saved.String(), "manual") && !strings.Contains(saved.String(), "srv-1:eth0 at 5.000 s") {
		t.Errorf("the saved run lacks the failure made by hand:\n%s", saved.String())
	}
}

// In a terminal narrower than the one-line message, each fact gets a line: the sizes
// are not cut off.
func TestTooSmallAndNarrow(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(20, 8))
	v := m.View()
	for _, want := range []string{"terminal too small", "need 60×16", "have 20×8"} {
		if !strings.Contains(v, want) {
			t.Errorf("want %q in the narrow screen:\n%s", want, v)
		}
	}
}

func TestTooSmall(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(50, 10))
	v := m.View()
	if !strings.Contains(v, "terminal too small (need 60×16, have 50×10)") {
		t.Errorf("small terminal:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
	// Keys still work: q quits.
	_, cmd := m.Update(keys("q")[0])
	if cmd == nil {
		t.Fatal("q does nothing on a small terminal")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q does not quit")
	}
}

// TestNarrow renders every tab of the 80×24 layout.
func TestNarrow(t *testing.T) {
	m := newModel(t, "teaming-lab")
	failAt5s(t, m)
	drive(m, sized(80, 24))
	seen := map[string]bool{}
	for range 6 {
		v := m.View()
		checkScreen(t, v, 80, 24)
		seen[m.tabs()] = true
		drive(m, keys("<tab>")...)
	}
	if len(seen) < 4 {
		t.Errorf("tab shows %d different right panes, want 4: %v", len(seen), seen)
	}
	golden.RequireEqual(t, []byte(m.View()))
}

// TestResizeStorm resizes through every size from tiny to large and back: the screen
// always has exactly the terminal's size and nothing panics.
func TestResizeStorm(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 30s<enter>")...)
	for _, mode := range []string{"", "?", "t", "f"} {
		drive(m, keys(mode)...)
		for w := 1; w <= 140; w += 7 {
			for h := 1; h <= 50; h += 3 {
				drive(m, sized(w, h))
				v := m.View()
				if w >= minW && h >= minH {
					checkScreen(t, v, w, h)
				}
			}
		}
		drive(m, keys("<esc>")...)
	}
}

// checkScreen asserts that a view fills the terminal exactly: h lines of w cells.
func checkScreen(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("%d lines on a %d-line terminal", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d cells on a %d-cell terminal: %q", i+1, lw, w, l)
		}
	}
}

// TestTeatest drives the real bubbletea program (its renderer, its goroutines) with
// keys, as a person would, and compares the final screen.
func TestTeatest(t *testing.T) {
	m := newModel(t, "teaming-lab")
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitFor := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("Topology")
	tm.Type(":goto 5s")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor("00:00:05.000")
	tm.Type("j")
	tm.Type("f")
	waitFor("fail srv-1:eth0")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor("srv-1:eth0 failed")
	tm.Type(":goto 6s")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor("at 6.000 s")
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	golden.RequireEqual(t, []byte(fm.View()))
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// TestRunningProgram runs the real program as fast as it goes, with keys pressed
// while frames are being computed (run it with -race: the UI must only read frames).
func TestRunningProgram(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := New(sess, Options{Speed: 1000})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("running")) },
		teatest.WithDuration(10*time.Second))
	for _, k := range keys("jjf<enter>+N<space><space>bt<esc>:goto 20s<enter>?<esc>r<space>") {
		tm.Send(k)
		time.Sleep(20 * time.Millisecond)
	}
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if fm.sh.snap().At == 0 {
		t.Error("the running program did not advance")
	}
}

// TestFastTyping: keys typed fast or pasted arrive as one message of several runes;
// ":goto 5s" must still open the command line and go to 5 s.
func TestFastTyping(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(":goto")}, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("5s")}, tea.KeyMsg{Type: tea.KeyEnter})
	if got := m.sh.snap().At; got != 5*sim.Second {
		t.Errorf("after a fast :goto 5s, at %v", got)
	}
	drive(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	if n := m.tree.Selected(); n == nil || n.name != "srv-1:eth1" {
		t.Errorf("jj typed fast selects %+v, want srv-1:eth1", n)
	}
}

// TestDetailsScroll: a switch's details (ports, MAC table per VLAN) are longer than the
// pane at 100×30; the bottom border says how much is below, and with the focus on the
// pane ↓ scrolls.
func TestDetailsScroll(t *testing.T) {
	m := newModel(t, "vlan-lab")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 5s<enter>:find edge-b<enter>")...)
	_ = m.details.View()
	if !strings.Contains(m.details.Footer(), "more") {
		t.Fatalf("footer %q; details:\n%s", m.details.Footer(), m.details.content())
	}
	if !strings.Contains(m.details.content(), "(VLAN servers)") && !strings.Contains(m.details.content(), "@servers") {
		t.Errorf("edge-b's MAC table does not name VLANs:\n%s", m.details.content())
	}
	drive(m, keys("<tab><tab>")...)
	if m.sh.focus != paneDetails {
		t.Fatalf("focus %v after two tabs, want details", m.sh.focus)
	}
	first := strings.Split(m.details.View(), "\n")[0]
	drive(m, keys("j")...)
	if second := strings.Split(m.details.View(), "\n")[0]; second == first || !strings.Contains(m.details.Footer(), "↑ 1") {
		t.Errorf("↓ did not scroll: %q then %q, footer %q", first, second, m.details.Footer())
	}
}

// TestPathBothDirections: the path pane shows the way back, with its own path and
// state: in teaming-lab at 2 s, srv-1 answers client-1 from eth0 through edge-a.
func TestPathBothDirections(t *testing.T) {
	m := newModel(t, "teaming-lab")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 2s<enter>")...)
	c := m.path.content()
	if !strings.Contains(c, "back srv-1 → client-1:") || !strings.Contains(c, "srv-1:eth0 ─ edge-a:10") {
		t.Errorf("path pane lacks the way back:\n%s", c)
	}
}
