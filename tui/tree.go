package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dctwin/topology"
	"dctwin/topology/network"
	"dctwin/twin"
)

// The topology tree lists every component by what it is in the data center, folded by
// group. The rows are built once from the topology (the layout does not change while
// the twin runs); each frame renders only the rows on screen, so a fabric of 10,000
// components scrolls as smoothly as a lab of ten.

// nodeKind says what a tree row stands for.
type nodeKind uint8

const (
	groupNode nodeKind = iota
	switchNode
	portNode
	enclosureNode
	moduleNode
	psuNode
	hostNode
	nicNode
	vmNode
	clusterNode
	storageNode
	endpointNode
	gatewayNode
	linkNode
	flowNode
)

// node is one row of the tree.
type node struct {
	kind     nodeKind
	name     string // component, flow or gateway name; the label for a group
	label    string // what the row says after the glyph
	depth    int
	parent   int
	children []int
	open     bool
}

// Tree is the topology pane.
type Tree struct {
	sh     *shared
	nodes  []node
	vis    []int      // indexes of the visible rows, in order
	cur    listCursor // over vis
	filter string
	w, h   int
	keys   keyMap
}

// foldAbove is the group size from which a group starts folded.
const foldAbove = 40

// NewTree builds the rows of a topology.
func NewTree(sh *shared, t *topology.Topology, flows []network.FlowState) *Tree {
	tr := &Tree{sh: sh, keys: newKeyMap()}
	group := func(label string, n int) int {
		return tr.add(-1, node{kind: groupNode, name: label, label: fmt.Sprintf("%s (%d)", label, n), open: n <= foldAbove})
	}
	lay := sh.layout
	if len(t.Switches) > 0 {
		g := group("switches", len(t.Switches))
		for _, s := range t.Switches {
			label := fmt.Sprintf("%s  L%d", s.Name, s.Layer)
			if s.Cluster != "" {
				label += "  cluster " + s.Cluster
			}
			sw := tr.add(g, node{kind: switchNode, name: s.Name, label: label})
			tr.addPorts(sw, s.Name, lay)
		}
	}
	if len(t.Enclosures) > 0 {
		g := group("enclosures", len(t.Enclosures))
		for _, e := range t.Enclosures {
			en := tr.add(g, node{kind: enclosureNode, name: e.Name, label: fmt.Sprintf("%s  %d bays", e.Name, e.Bays)})
			for _, m := range e.Modules {
				mn := tr.add(en, node{kind: moduleNode, name: m.Name, label: fmt.Sprintf("%s  slot %d %s", m.Name, m.Slot, m.Kind)})
				tr.addPorts(mn, m.Name, lay)
			}
			for _, p := range e.PSUNames() {
				tr.add(en, node{kind: psuNode, name: p, label: p})
			}
			for _, h := range t.Blades(e.Name) {
				tr.addHost(en, t, h)
			}
		}
	}
	var rack []*topology.Host
	for _, h := range t.Hosts {
		if !h.InEnclosure() {
			rack = append(rack, h)
		}
	}
	if len(rack) > 0 {
		g := group("hosts", len(rack))
		for _, h := range rack {
			tr.addHost(g, t, h)
		}
	}
	if len(t.Clusters) > 0 {
		g := group("clusters", len(t.Clusters))
		for _, c := range t.Clusters {
			var feats []string
			if c.HA.Enabled {
				feats = append(feats, "HA")
			}
			if c.DRS.Enabled {
				feats = append(feats, "DRS")
			}
			if c.DPM.Enabled {
				feats = append(feats, "DPM")
			}
			cn := tr.add(g, node{kind: clusterNode, name: c.Name, label: strings.TrimSpace(c.Name + "  " + strings.Join(feats, " "))})
			for _, h := range c.Hosts {
				tr.add(cn, node{kind: hostNode, name: h, label: h})
			}
		}
	}
	if len(t.Storage) > 0 {
		g := group("storage", len(t.Storage))
		for _, s := range t.Storage {
			sn := tr.add(g, node{kind: storageNode, name: s.Name, label: fmt.Sprintf("%s  %s", s.Name, s.Kind)})
			for _, d := range s.Datastores {
				tr.add(sn, node{kind: storageNode, name: d.Name, label: d.Name + "  datastore"})
			}
		}
	}
	if len(t.Endpoints) > 0 {
		g := group("endpoints", len(t.Endpoints))
		for _, e := range t.Endpoints {
			tr.add(g, node{kind: endpointNode, name: e.Name, label: fmt.Sprintf("%s  %s", e.Name, e.Kind)})
		}
	}
	if len(t.Gateways) > 0 {
		g := group("gateways", len(t.Gateways))
		for _, gw := range t.Gateways {
			tr.add(g, node{kind: gatewayNode, name: gw.Name, label: gw.Name})
		}
	}
	if len(t.Links) > 0 {
		g := group("links", len(t.Links))
		for _, l := range t.Links {
			tr.add(g, node{kind: linkNode, name: l.Name, label: l.Name})
		}
	}
	if len(flows) > 0 {
		g := group("flows", len(flows))
		for _, f := range flows {
			tr.add(g, node{kind: flowNode, name: f.Name, label: f.Name})
		}
	}
	tr.refresh()
	return tr
}

func (tr *Tree) add(parent int, n node) int {
	n.parent = parent
	if parent >= 0 {
		n.depth = tr.nodes[parent].depth + 1
		tr.nodes[parent].children = append(tr.nodes[parent].children, len(tr.nodes))
	}
	tr.nodes = append(tr.nodes, n)
	return len(tr.nodes) - 1
}

// addPorts adds a switch's cabled ports.
func (tr *Tree) addPorts(parent int, device string, lay *network.Layout) {
	d, ok := lay.Device[device]
	if !ok {
		return
	}
	for _, p := range lay.Devices[d].Ports {
		pi := lay.Ports[p]
		if pi.Link < 0 {
			continue
		}
		label := pi.Name
		if pi.Peer >= 0 {
			label += " → " + lay.Ports[pi.Peer].Name
		}
		tr.add(parent, node{kind: portNode, name: pi.Name, label: label})
	}
}

func (tr *Tree) addHost(parent int, t *topology.Topology, h *topology.Host) {
	label := fmt.Sprintf("%s  %s", h.Name, h.Kind)
	if h.Role != "" {
		label += " (" + h.Role + ")"
	}
	hn := tr.add(parent, node{kind: hostNode, name: h.Name, label: label})
	for _, n := range h.NICs {
		label := n.FullName()
		for _, tm := range h.Teams {
			for _, m := range tm.Members {
				if m == n.Name {
					label += "  " + tm.Name + " " + string(tm.Mode)
				}
			}
		}
		tr.add(hn, node{kind: nicNode, name: n.FullName(), label: label})
	}
	for _, v := range t.VMsOn(h.Name) {
		label := v.Name
		if v.Role != "" {
			label += " (" + v.Role + ")"
		}
		tr.add(hn, node{kind: vmNode, name: v.Name, label: label})
	}
}

// refresh recomputes the visible rows after a fold or a filter change, keeping the
// cursor on the same node when it is still visible.
func (tr *Tree) refresh() {
	cur := tr.Selected()
	tr.vis = tr.vis[:0]
	if tr.filter != "" {
		// A match shows with its ancestors, whatever is folded.
		show := make([]bool, len(tr.nodes))
		f := strings.ToLower(tr.filter)
		for i, n := range tr.nodes {
			if n.kind != groupNode && strings.Contains(strings.ToLower(n.label), f) {
				for j := i; j >= 0 && !show[j]; j = tr.nodes[j].parent {
					show[j] = true
				}
			}
		}
		for i := range tr.nodes {
			if show[i] {
				tr.vis = append(tr.vis, i)
			}
		}
	} else {
		var walk func(i int)
		walk = func(i int) {
			tr.vis = append(tr.vis, i)
			if tr.nodes[i].open {
				for _, c := range tr.nodes[i].children {
					walk(c)
				}
			}
		}
		for i, n := range tr.nodes {
			if n.parent < 0 {
				walk(i)
			}
		}
	}
	tr.cur.at = 0
	for k, i := range tr.vis {
		if cur != nil && &tr.nodes[i] == cur {
			tr.cur.at = k
		}
	}
	tr.clamp()
}

// Selected returns the node under the cursor, nil if the tree is empty.
func (tr *Tree) Selected() *node {
	if tr.cur.at < 0 || tr.cur.at >= len(tr.vis) {
		return nil
	}
	return &tr.nodes[tr.vis[tr.cur.at]]
}

// SetFilter shows only the rows whose label contains s (and their ancestors).
func (tr *Tree) SetFilter(s string) {
	tr.filter = s
	tr.refresh()
}

// Find moves the cursor to a component by exact name, unfolding its ancestors, and
// reports whether it exists.
func (tr *Tree) Find(name string) bool {
	for i := range tr.nodes {
		if tr.nodes[i].name == name && tr.nodes[i].kind != groupNode {
			for j := tr.nodes[i].parent; j >= 0; j = tr.nodes[j].parent {
				tr.nodes[j].open = true
			}
			tr.filter = ""
			tr.refresh()
			for k, v := range tr.vis {
				if v == i {
					tr.cur.at = k
				}
			}
			tr.clamp()
			return true
		}
	}
	return false
}

// Title names the pane, with its filter.
func (tr *Tree) Title() string {
	if tr.filter != "" {
		return fmt.Sprintf("Topology  (%q)", tr.filter)
	}
	return "Topology"
}

// SetSize sets the rows and columns the tree has inside its border.
func (tr *Tree) SetSize(w, h int) {
	tr.w, tr.h = w, h
	tr.clamp()
}

func (tr *Tree) clamp() { tr.cur.clamp(len(tr.vis), tr.h) }

// Update moves the cursor and folds.
func (tr *Tree) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if tr.cur.move(k, tr.keys, len(tr.vis), tr.h-1) {
		tr.clamp()
		return nil
	}
	switch {
	case key.Matches(k, tr.keys.Toggle):
		if n := tr.Selected(); n != nil && len(n.children) > 0 {
			n.open = !n.open
			tr.refresh()
		}
	case key.Matches(k, tr.keys.Expand):
		if n := tr.Selected(); n != nil && len(n.children) > 0 && !n.open {
			n.open = true
			tr.refresh()
		}
	case key.Matches(k, tr.keys.Collapse):
		if n := tr.Selected(); n != nil {
			if n.open && len(n.children) > 0 {
				n.open = false
				tr.refresh()
			} else if n.parent >= 0 && tr.filter == "" {
				// Fold the parent and stand on it, as a file browser does.
				p := &tr.nodes[n.parent]
				p.open = false
				tr.refresh()
				tr.Find(p.name)
			}
		}
	}
	tr.clamp()
	return nil
}

// View renders the visible rows.
func (tr *Tree) View() string {
	var b strings.Builder
	snap := tr.sh.snap()
	st := tr.sh.styles
	for row := 0; row < tr.h; row++ {
		k := tr.cur.offset + row
		if k >= len(tr.vis) {
			if row < tr.h-1 {
				b.WriteString("\n")
			}
			continue
		}
		n := &tr.nodes[tr.vis[k]]
		fold := "  "
		if len(n.children) > 0 {
			fold = "▸ "
			if n.open || tr.filter != "" {
				fold = "▾ "
			}
		}
		line := strings.Repeat("  ", n.depth) + fold
		label := n.label
		if n.kind != groupNode {
			line += st.glyph(tr.sh.stateOf(snap, n)) + " "
			label += tr.sh.liveNote(snap, n)
		}
		text := truncate(line+label, tr.w)
		if k == tr.cur.at && tr.sh.focus == paneTree {
			text = st.selected(text, tr.w)
		} else if k == tr.cur.at {
			text = st.Bold.Render(text)
		}
		b.WriteString(text)
		if row < tr.h-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// stateOf is a row's state in a snapshot. Components the network does not model as a
// device (an enclosure, a power supply, a VM) are up unless failed, or follow what
// carries them.
func (sh *shared) stateOf(snap *twin.Snapshot, n *node) twin.ComponentState {
	if snap == nil {
		return twin.StateUp
	}
	switch n.kind {
	case flowNode:
		if f, ok := snap.Flow(n.name); ok && !f.Delivering {
			return twin.StateFailed
		}
		return twin.StateUp
	case gatewayNode:
		for _, g := range snap.Network.Gateways {
			if g.Name == n.name && g.Master < 0 {
				return twin.StateFailed
			}
		}
		return twin.StateUp
	case vmNode:
		if s := snap.State(n.name); s != "" {
			return s
		}
		if v := sh.topo.VM(n.name); v != nil {
			if s := snap.State(v.Host); s != twin.StateUp && s != "" {
				return twin.StateOff
			}
		}
		return twin.StateUp
	}
	if s := snap.State(n.name); s != "" {
		return s
	}
	return twin.StateUp
}

// liveNote is what a row adds to its label from the snapshot: a team's active member,
// a gateway's master.
func (sh *shared) liveNote(snap *twin.Snapshot, n *node) string {
	if snap == nil {
		return ""
	}
	switch n.kind {
	case vmNode:
		return sh.vmNote(snap, n.name)
	case hostNode:
		if ms := snap.Maintenance[n.name]; ms != "" {
			return "  " + string(ms)
		}
		if i, ok := snap.Layout.Device[n.name]; ok {
			for _, t := range snap.Network.Teams {
				if t.Host == i {
					if t.Active < 0 {
						return "  no active NIC"
					}
					return "  ◆" + localPort(snap.Layout.Ports[t.Active].Name)
				}
			}
		}
	case gatewayNode:
		for _, g := range snap.Network.Gateways {
			if g.Name == n.name {
				if g.Master < 0 {
					return "  no master"
				}
				return "  master " + snap.Layout.Devices[g.Master].Name
			}
		}
	case flowNode:
		if f, ok := snap.Flow(n.name); ok {
			if !f.Delivering {
				return "  down"
			}
			return fmt.Sprintf("  %s", fmtDelay(f.Delay))
		}
	}
	return ""
}

// localPort is the port's name on its device: "eth1" of "srv-1:eth1".
func localPort(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}
