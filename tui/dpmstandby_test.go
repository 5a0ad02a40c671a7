package tui

import (
	"strings"
	"testing"
)

// TestDPMStandbyHostInMenu: in dpm-lab DPM powers hv-1 off at 2400 s (its two VMs
// migrate away together in 28.641 s, off at 2428.641 s). At 45 min the migrate menu of
// app-3 (on hv-2) marks hv-1 refused with the twin's reason, the details say what the standby is,
// hv-4, which DPM starts emptying at 2700 s, is shown entering standby, and migrating there anyway is refused because hv-1 is in DPM standby, not "down".
func TestDPMStandbyHostInMenu(t *testing.T) {
	m := newModel(t, "dpm-lab")
	drive(m, sized(120, 30))
	drive(m, keys(":goto 45m<enter>:find app-3<enter>m")...)
	if m.mode != modeHosts {
		t.Fatalf("no host menu (mode %v, status %q)", m.mode, m.status)
	}
	v := m.View()
	if !strings.Contains(v, "hv-1  refused: hv-1 is in DPM standby") {
		t.Errorf("menu does not mark hv-1 as DPM standby:\n%s", v)
	}
	// DPM empties hv-4 from 2700 s = 45 min on: on its way, not in maintenance.
	if !strings.Contains(v, "hv-4  refused: hv-4 is being emptied for DPM standby") {
		t.Errorf("menu does not show hv-4 entering DPM standby:\n%s", v)
	}
	drive(m, keys("<esc>")...)
	drive(m, keys(":migrate app-3 hv-1<enter>")...)
	if !m.statusErr || !strings.Contains(m.status, "hv-1 is in DPM standby") {
		t.Errorf("migrating to the standby hv-1: %q", m.status)
	}
	drive(m, keys(":find hv-1<enter>")...)
	if v := m.View(); !strings.Contains(v, "standby (powered off by DPM)") {
		t.Errorf("details of hv-1 lack the DPM standby:\n%s", v)
	}
}
