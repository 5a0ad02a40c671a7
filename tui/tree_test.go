package tui

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/failures"
	"dctwin/topology"
	"dctwin/topology/network"
	"dctwin/twin"
)

// bigTree builds a tree of a topology with n hosts of two NICs each, unfolded: about
// 3n rows, with no snapshot (every row up).
func bigTree(n int) *Tree {
	t := topology.New()
	for i := range n {
		h := &topology.Host{Name: fmt.Sprintf("h%05d", i), Kind: topology.Rack}
		h.NICs = []*topology.NIC{{Name: "eth0", Host: h.Name}, {Name: "eth1", Host: h.Name}}
		t.AddHost(h)
	}
	sh := &shared{styles: DefaultStyles(), topo: t, layout: &network.Layout{}, frame: Frame{}, kinds: map[string][]failures.Kind{}}
	tr := NewTree(sh, t, nil)
	sh.tree = tr
	for i := range tr.nodes {
		tr.nodes[i].open = true
	}
	tr.refresh()
	return tr
}

// TestTreeRendersOnlyVisibleRows: 10,000 hosts (30,000 rows) render as many lines as
// the pane is high, at any scroll position, and the cursor stays on screen.
func TestTreeRendersOnlyVisibleRows(t *testing.T) {
	tr := bigTree(10000)
	if len(tr.vis) != 1+3*10000 {
		t.Fatalf("%d visible rows, want %d", len(tr.vis), 1+3*10000)
	}
	tr.SetSize(40, 20)
	for _, k := range []string{"G", "g", "<down>", "<down>", "j"} {
		for _, msg := range keys(k) {
			tr.Update(msg)
		}
		v := tr.View()
		if got := strings.Count(v, "\n") + 1; got != 20 {
			t.Fatalf("after %s: %d lines, want 20", k, got)
		}
		if tr.cur.at < tr.cur.offset || tr.cur.at >= tr.cur.offset+20 {
			t.Fatalf("after %s: cursor %d off screen (offset %d)", k, tr.cur.at, tr.cur.offset)
		}
	}
	// The last host's last NIC is the last row.
	for _, msg := range keys("G") {
		tr.Update(msg)
	}
	if n := tr.Selected(); n == nil || n.name != "h09999:eth1" {
		t.Errorf("G selects %+v", n)
	}
}

func TestTreeFoldFilterFind(t *testing.T) {
	tr := bigTree(50)
	tr.SetSize(40, 10)
	// Fold everything: the group row only.
	for _, msg := range keys("g<enter>") {
		tr.Update(msg)
	}
	if len(tr.vis) != 1 {
		t.Fatalf("folded group shows %d rows", len(tr.vis))
	}
	// A filter shows the matches with their ancestors, whatever is folded.
	tr.SetFilter("h0004")
	var names []string
	for _, i := range tr.vis {
		names = append(names, tr.nodes[i].name)
	}
	want := "hosts h00040 h00040:eth0 h00040:eth1 h00041 h00041:eth0 h00041:eth1 h00042 h00042:eth0 h00042:eth1 h00043 h00043:eth0 h00043:eth1 h00044 h00044:eth0 h00044:eth1 h00045 h00045:eth0 h00045:eth1 h00046 h00046:eth0 h00046:eth1 h00047 h00047:eth0 h00047:eth1 h00048 h00048:eth0 h00048:eth1 h00049 h00049:eth0 h00049:eth1"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("filter h0004:\n got %s\nwant %s", got, want)
	}
	// Find unfolds the way to a component and clears the filter.
	if !tr.Find("h00007:eth1") {
		t.Fatal("Find h00007:eth1")
	}
	if n := tr.Selected(); n.name != "h00007:eth1" || tr.filter != "" {
		t.Errorf("Find selects %q, filter %q", n.name, tr.filter)
	}
	if tr.Find("no-such") {
		t.Error("Find of an unknown name succeeds")
	}
	// ← on a child folds its parent and stands on it.
	for _, msg := range keys("h") {
		tr.Update(msg)
	}
	if n := tr.Selected(); n.name != "h00007" || n.open {
		t.Errorf("← on a NIC: on %q (open %v), want its host folded", n.name, n.open)
	}
}

// TestTreeStates: the glyphs of teaming-lab after its active NIC failed, from the
// snapshot: failed, active, up.
func TestTreeStates(t *testing.T) {
	m := newModel(t, "teaming-lab")
	failAt5s(t, m)
	m.tree.SetSize(60, 40)
	v := m.tree.View()
	for _, want := range []string{"✗ srv-1:eth0", "◆ srv-1:eth1", "● core-a", "◆eth1"} {
		if !strings.Contains(v, want) {
			t.Errorf("tree lacks %q:\n%s", want, v)
		}
	}
	snap := m.sh.snap()
	for name, want := range map[string]twin.ComponentState{"srv-1:eth0": twin.StateFailed, "srv-1:eth1": twin.StateActive, "core-a": twin.StateUp} {
		n := &m.tree.nodes[0]
		for i := range m.tree.nodes {
			if m.tree.nodes[i].name == name {
				n = &m.tree.nodes[i]
			}
		}
		if got := m.sh.stateOf(snap, n); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}
