package tui

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/twin"
)

// TestMigrateKey: m on web-1 (classic-dc, on hv-1) offers the other hosts of its
// cluster; a digit migrates it there. Ten seconds on, it runs on hv-3, its row says
// so, and the failover pane lists the migration with its rounds and downtime.
func TestMigrateKey(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 30s<enter>:find web-1<enter>m")...)
	if m.mode != modeHosts || strings.Join(m.hostMenu, " ") != "hv-2 hv-3 hv-4" {
		t.Fatalf("host menu %v (mode %v), want hv-2 hv-3 hv-4", m.hostMenu, m.mode)
	}
	v := m.View()
	if !strings.Contains(v, "migrate web-1 to") {
		t.Errorf("no host menu on the screen:\n%s", v)
	}
	checkScreen(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))

	drive(m, keys("2")...)
	if m.statusErr || !strings.Contains(m.status, "web-1 migrating to hv-3") {
		t.Fatalf("status after choosing hv-3: %q", m.status)
	}
	drive(m, keys(":goto 40s<enter>")...)
	snap := m.sh.snap()
	if vm, _ := snap.VM("web-1"); vm.Host != "hv-3" || vm.State != twin.VMRunning {
		t.Fatalf("web-1 at 40 s: %+v", vm)
	}
	if len(snap.Migrations) != 1 || snap.Migrations[0].End == sim.Never {
		t.Fatalf("migrations %+v", snap.Migrations)
	}
	v = m.View()
	for _, want := range []string{"vMotion (1)", "web-1 hv-1→hv-3", "1 round, down", "on hv-3"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen after the migration lacks %q:\n%s", want, v)
		}
	}
	// A target the twin refuses says why in the status line.
	drive(m, keys(":migrate web-1 hv-3<enter>")...)
	if !m.statusErr || !strings.Contains(m.status, "it runs there") {
		t.Errorf("migrating to its own host: %q", m.status)
	}
}

// TestMaintenanceKey: m on hv-2 puts it into maintenance; its VMs leave, and it shows
// the maintenance glyph; m again (or :maintenance hv-2 off) brings it back.
func TestMaintenanceKey(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 30s<enter>:find hv-2<enter>m")...)
	if m.statusErr || !strings.Contains(m.status, "hv-2 entering maintenance") {
		t.Fatalf("status after m on hv-2: %q", m.status)
	}
	drive(m, keys(":goto 90s<enter>")...)
	snap := m.sh.snap()
	if snap.Maintenance["hv-2"] != twin.MaintenanceOn {
		t.Fatalf("hv-2 at 90 s: %q", snap.Maintenance["hv-2"])
	}
	if v := m.View(); !strings.Contains(v, "□ hv-2") || !strings.Contains(v, "vMotion (4)") {
		t.Errorf("the screen does not show hv-2 in maintenance with four migrations:\n%s", v)
	}
	drive(m, keys("m")...)
	if m.sh.snap().Maintenance["hv-2"] != "" {
		t.Errorf("m again: hv-2 %q", m.sh.snap().Maintenance["hv-2"])
	}
	drive(m, keys(":maintenance hv-2 off<enter>")...)
	if !m.statusErr || !strings.Contains(m.status, "not in maintenance") {
		t.Errorf(":maintenance hv-2 off on a host in service: %q", m.status)
	}
}

// TestTeatestMigration drives the real program: m, a host, and the migration shows in
// the failover pane; the final screen is the golden file.
func TestTeatestMigration(t *testing.T) {
	m := newModel(t, "classic-dc")
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitFor := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("Topology")
	tm.Type(":goto 30s")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor("00:00:30.000")
	tm.Type(":find web-1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Type("m")
	waitFor("migrate web-1 to")
	tm.Type("2")
	waitFor("web-1 migrating to hv-3")
	tm.Type(":goto 40s")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor("at 40.000 s")
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	golden.RequireEqual(t, []byte(fm.View()))
}

// TestSaveSessionWithMigration: a session with a migration and a maintenance made in
// the TUI, saved, runs as `dctwin run FILE` to the same report, byte for byte.
func TestSaveSessionWithMigration(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 20s<enter>:migrate web-1 hv-4<enter>:goto 25s<enter>:maintenance hv-2<enter>:goto 100s<enter>")...)
	drive(m, keys(":maintenance hv-2 off<enter>")...)
	file := filepath.Join(t.TempDir(), "session.yaml")
	drive(m, keys(":save "+file+"<enter>")...)
	if m.statusErr || !strings.Contains(m.status, "saved") {
		t.Fatalf("save: %q", m.status)
	}
	m.sess.Goto(t.Context(), m.sh.snap().Duration, nil)
	var live bytes.Buffer
	must(t, m.sess.Twin().Report().WriteText(&live))
	sc, err := twin.Load(file)
	must(t, err)
	tw, err := twin.New(sc, twin.Options{})
	must(t, err)
	tw.Run()
	var saved bytes.Buffer
	must(t, tw.Report().WriteText(&saved))
	_, liveBody, _ := strings.Cut(live.String(), "\n")
	_, savedBody, _ := strings.Cut(saved.String(), "\n")
	if liveBody != savedBody {
		t.Errorf("the saved session runs to another report:\n--- session\n%s\n--- saved\n%s", live.String(), saved.String())
	}
	if !strings.Contains(savedBody, "web-1 hv-1 → hv-4 (by hand)") || !strings.Contains(savedBody, "(maintenance of hv-2)") {
		t.Errorf("the saved run lacks the session's migrations:\n%s", savedBody)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrateMenuMarksRefusedTargets: the menu of an FT primary marks its secondary's
// host with the twin's reason, and choosing it is refused with that reason (the menu
// used to show it as an ordinary ● target).
func TestMigrateMenuMarksRefusedTargets(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(120, 30))
	drive(m, keys(":goto 30s<enter>:find web-broker<enter>m")...)
	if m.mode != modeHosts {
		t.Fatalf("no host menu (mode %v, status %q)", m.mode, m.status)
	}
	refused := -1
	for i, why := range m.hostWhy {
		if why == "its FT secondary runs there" {
			refused = i
		}
	}
	if refused < 0 {
		t.Fatalf("no target marked as the FT secondary's host: %v %q", m.hostMenu, m.hostWhy)
	}
	if v := m.View(); !strings.Contains(v, m.hostMenu[refused]+"  refused: its FT secondary runs there") {
		t.Errorf("the menu does not show the refusal:\n%s", v)
	}
	// The VM's details say where the secondary runs: the host the menu refused.
	_ = m.details.View()
	if c := m.details.content(); !strings.Contains(c, "secondary on "+m.hostMenu[refused]) {
		t.Errorf("web-broker's details do not place its secondary on %s:\n%s", m.hostMenu[refused], c)
	}
	drive(m, keys(string(rune('1'+refused)))...)
	if !m.statusErr || !strings.Contains(m.status, "its FT secondary runs there") {
		t.Errorf("choosing the marked target: status %q", m.status)
	}
}

// TestFailVMMenu: f on a VM offers its guest's two failures, a crash and a hang, each
// with what it means; 2 hangs web-1's guest: it is hung, not failed, and stays so
// (VM monitoring is off in classic-dc). Every failure kind has its gloss.
func TestFailVMMenu(t *testing.T) {
	m := newModel(t, "classic-dc")
	drive(m, sized(100, 30))
	drive(m, keys(":goto 30s<enter>:find web-1<enter>f")...)
	if m.mode != modeMenu || len(m.menu) != 2 || m.menu[0] != failures.VM || m.menu[1] != failures.VMHang {
		t.Fatalf("fail menu %v (mode %v), want [vm vm-hang]", m.menu, m.mode)
	}
	v := m.View()
	for _, want := range []string{"fail web-1", "1  vm              guest crashes", "2  vm-hang         guest hangs"} {
		if !strings.Contains(v, want) {
			t.Errorf("fail menu lacks %q:\n%s", want, v)
		}
	}
	checkScreen(t, v, 100, 30)
	drive(m, keys("2")...)
	drive(m, keys(":goto 100s<enter>")...)
	if vm, _ := m.sh.snap().VM("web-1"); vm.State != twin.VMHung || vm.Since != 30*sim.Second {
		t.Errorf("web-1 at 100 s: %+v, want hung since 30 s", vm)
	}
	for _, k := range failures.Kinds {
		if kindGloss[k] == "" {
			t.Errorf("failure kind %s has no gloss for the menu", k)
		}
	}
}
