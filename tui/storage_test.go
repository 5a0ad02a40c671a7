package tui

import (
	"strings"
	"testing"
)

// An array's details show its paths with their multipathing states: in storage-lab at
// 70 s sw-a has been down 10 s, so each host's ctrl-a path (active until then)
// carries nothing but is not given up yet (path failover 30 s), and at 100 s it is
// dead and I/O is on ctrl-b.
func TestStorageDetailsShowPaths(t *testing.T) {
	m := newModel(t, "storage-lab")
	drive(m, sized(120, 40))
	drive(m, keys(":goto 70s<enter>:find san-1<enter>")...)
	c := m.details.content()
	for _, want := range []string{"hv-1→san-1/ctrl-a  active", "hv-1→san-1/ctrl-b  standby", "path failover 30s, APD after 2m20s"} {
		if !strings.Contains(c, want) {
			t.Errorf("at 70 s: no %q in\n%s", want, c)
		}
	}
	drive(m, keys(":goto 100s<enter>")...)
	c = m.details.content()
	for _, want := range []string{"hv-1→san-1/ctrl-a  dead", "hv-1→san-1/ctrl-b  active"} {
		if !strings.Contains(c, want) {
			t.Errorf("at 100 s: no %q in\n%s", want, c)
		}
	}
}

// A datastore is in the tree under its array, with its VMs.
func TestDatastoreDetails(t *testing.T) {
	m := newModel(t, "storage-lab")
	drive(m, sized(120, 40))
	drive(m, keys(":find ds-1<enter>")...)
	c := m.details.content()
	for _, want := range []string{"array", "san-1", "app-1, app-2", "storage"} {
		if !strings.Contains(c, want) {
			t.Errorf("no %q in\n%s", want, c)
		}
	}
}
