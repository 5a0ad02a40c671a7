package topology

import (
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Network is the connectivity graph of a topology (optionally with an outage applied),
// VLAN by VLAN: a vertex is (device, VLAN), a cable joins the two ends in each VLAN it
// carries, and an L3 switch routes between its VLANs through one extra vertex (device,
// "L3"). A pass-through module is one wire per bay: its vertices are ("module#k", VLAN).
// Hosts and VMs are not vertices of their own: a host is present at each of its NICs'
// vertices and a VM at the vertices of its host's NICs in its port groups' VLANs, so
// nothing transits a server (a team or a vSwitch does not bridge its uplinks).
type Network struct {
	t      *Topology
	g      *simple.UndirectedGraph
	ids    map[string]int64   // vertex key → graph id
	keys   map[int64]string   // graph id → vertex key
	byItem map[string][]int64 // device → its vertices
	comp   map[int64]int      // vertex → connected component, computed on demand

	// wiring, when not nil, records what each vertex and edge depends on while the
	// graph is built (see Topology.Wiring).
	wiring *Wiring
}

// routed marks the routing vertex of an L3 switch.
const routed = "L3"

// NetworkOptions selects what the graph models.
type NetworkOptions struct {
	// L2Only leaves out routing through L3 switches: reachability is then "in the same
	// broadcast domain", which is what NFT/TLB teams and VRRP pairs need.
	L2Only bool
}

// Network builds the connectivity graph with everything in the outage removed; a nil
// outage means nothing is down.
func (t *Topology) Network(o *Outage, opt NetworkOptions) *Network {
	return t.network(o, opt, nil)
}

func (t *Topology) network(o *Outage, opt NetworkOptions, w *Wiring) *Network {
	if o == nil {
		o = NewOutage()
	}
	n := &Network{t: t, g: simple.NewUndirectedGraph(), ids: map[string]int64{},
		keys: map[int64]string{}, byItem: map[string][]int64{}, wiring: w}
	all := t.AllVLANs()
	or := func(list []string) []string {
		if len(list) == 0 {
			return all
		}
		return list
	}
	for _, s := range t.Switches {
		if o.Devices[s.Name] {
			continue
		}
		if s.Layer == L3 && !opt.L2Only {
			n.vertex(s.Name, s.Name, routed, "")
		}
		for _, v := range or(s.VLANs) {
			n.vertex(s.Name, s.Name, v, "")
			if s.Layer == L3 && !opt.L2Only {
				n.edge(s.Name+"|"+v, s.Name+"|"+routed, nil)
			}
		}
	}
	for _, e := range t.Enclosures {
		for _, m := range e.Modules {
			if o.Devices[m.Name] {
				continue
			}
			for _, v := range or(m.VLANs) {
				if m.Kind == PassThrough {
					for k := 1; k <= e.Bays; k++ {
						n.vertex(m.Name, m.Name+"#"+strconv.Itoa(k), v, "")
					}
				} else {
					n.vertex(m.Name, m.Name, v, "")
				}
			}
		}
	}
	for _, h := range t.Hosts {
		if o.Devices[h.Name] {
			continue
		}
		for _, nic := range h.NICs {
			if o.NICs[nic.FullName()] {
				continue
			}
			for _, v := range or(nic.VLANs) {
				n.vertex(h.Name, nic.FullName(), v, nic.FullName())
			}
		}
	}
	for _, vm := range t.VMs {
		h := t.Host(vm.Host)
		if o.Devices[vm.Name] || h == nil || o.Devices[h.Name] {
			continue
		}
		for _, vn := range vm.VNICs {
			pg := h.PortGroup(vn.PortGroup)
			if pg == nil {
				continue
			}
			for _, nic := range h.NICs {
				if id, ok := n.ids[nic.FullName()+"|"+pg.VLAN]; ok {
					n.byItem[vm.Name] = append(n.byItem[vm.Name], id)
				}
			}
		}
	}
	for _, e := range t.Endpoints {
		if o.Devices[e.Name] {
			continue
		}
		vl := all
		if e.VLAN != "" {
			vl = []string{e.VLAN}
		}
		for _, v := range vl {
			n.vertex(e.Name, e.Name, v, "")
		}
	}
	for _, l := range t.Links {
		if o.LinkDown(l) {
			continue
		}
		for _, v := range or(l.VLANs) {
			n.edge(n.portVertex(l.A)+"|"+v, n.portVertex(l.B)+"|"+v, l)
		}
	}
	return n
}

// portVertex maps a cabled port to the vertex prefix it belongs to.
func (n *Network) portVertex(p PortRef) string {
	switch d := n.t.Device(p.Device).(type) {
	case *Host:
		return p.String()
	case *Module:
		if d.Kind == PassThrough {
			k := strings.TrimPrefix(strings.TrimPrefix(p.Port, "bay"), "ext")
			return d.Name + "#" + k
		}
	}
	return p.Device
}

// vertex adds the vertex prefix|vlan for a device (item); nic is the host NIC it
// stands for, if any. The first device to claim a key owns the vertex.
func (n *Network) vertex(item, prefix, vlan, nic string) {
	key := prefix + "|" + vlan
	if id, ok := n.ids[key]; ok {
		if w := n.wiring; w != nil {
			if v := w.Vertices[w.dense[id]]; v.Device != item || v.NIC != nic {
				w.Exact = false // another part's failure would hand the key over
			}
		}
		return
	}
	node := n.g.NewNode()
	n.g.AddNode(node)
	n.ids[key] = node.ID()
	n.keys[node.ID()] = key
	n.byItem[item] = append(n.byItem[item], node.ID())
	n.comp = nil
	if w := n.wiring; w != nil {
		w.dense[node.ID()] = len(w.Vertices)
		w.Vertices = append(w.Vertices, WiredVertex{Key: key, Device: item, NIC: nic})
	}
}

// edge joins two existing vertices; a missing one (a VLAN the device does not carry,
// a device that is down) means there is no connection. l is the cable the edge runs
// over, nil for the routing inside an L3 switch.
func (n *Network) edge(a, b string, l *Link) {
	x, ok1 := n.ids[a]
	y, ok2 := n.ids[b]
	if !ok1 || !ok2 || x == y {
		return
	}
	n.g.SetEdge(n.g.NewEdge(n.g.Node(x), n.g.Node(y)))
	n.comp = nil
	if w := n.wiring; w != nil {
		w.Edges = append(w.Edges, WiredEdge{A: w.dense[x], B: w.dense[y], Link: l})
	}
}

func (n *Network) components() map[int64]int {
	if n.comp == nil {
		n.comp = map[int64]int{}
		for i, cc := range topo.ConnectedComponents(n.g) {
			for _, v := range cc {
				n.comp[v.ID()] = i
			}
		}
	}
	return n.comp
}

// Present reports whether a device has any vertex (it is up and has a NIC or VLAN).
func (n *Network) Present(item string) bool { return len(n.byItem[item]) > 0 }

// Reachable reports whether two devices (hosts, VMs, endpoints, switches, modules) can
// exchange frames or packets over any VLAN.
func (n *Network) Reachable(a, b string) bool {
	comp := n.components()
	seen := map[int]bool{}
	for _, id := range n.byItem[a] {
		seen[comp[id]] = true
	}
	for _, id := range n.byItem[b] {
		if seen[comp[id]] {
			return true
		}
	}
	return false
}

// SameL2 reports whether two devices are joined in a given VLAN. The graph's
// connected components are computed once, so that a check asking for every team is
// not a graph search per question.
func (n *Network) SameL2(a, b, vlan string) bool {
	x, ok1 := n.ids[a+"|"+vlan]
	y, ok2 := n.ids[b+"|"+vlan]
	if !ok1 || !ok2 {
		return false
	}
	comp := n.components()
	return comp[x] == comp[y]
}

// Path is a shortest path between two devices as the vertex keys it crosses
// ("device|vlan"), or nil if there is none. The runtime uses it to route flows.
func (n *Network) Path(a, b string) []string {
	var best []graph.Node
	for _, x := range n.byItem[a] {
		sp := path.DijkstraFrom(n.g.Node(x), n.g)
		for _, y := range n.byItem[b] {
			p, _ := sp.To(y)
			if len(p) > 0 && (best == nil || len(p) < len(best)) {
				best = p
			}
		}
	}
	out := make([]string, len(best))
	for i, v := range best {
		out[i] = n.keys[v.ID()]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Components lists the connected components a device is present in (a server with
// NICs in two separated parts of the network is in both).
func (n *Network) Components(item string) []int {
	comp := n.components()
	var out []int
	for _, id := range n.byItem[item] {
		if c := comp[id]; !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// ReachSets returns, for each of the given devices, the set of the others it reaches.
func (n *Network) ReachSets(items []string) map[string]map[string]bool {
	byComp := map[int][]string{}
	for _, it := range items {
		for _, c := range n.Components(it) {
			byComp[c] = append(byComp[c], it)
		}
	}
	out := make(map[string]map[string]bool, len(items))
	for _, it := range items {
		set := map[string]bool{}
		for _, c := range n.Components(it) {
			for _, other := range byComp[c] {
				if other != it {
					set[other] = true
				}
			}
		}
		out[it] = set
	}
	return out
}

// Wiring is the intact network of a topology (Network with nothing down) laid out for
// analyses that fail one part at a time, such as the single-point-of-failure search:
// rebuilding the gonum graph for each of thousands of failures costs more than the
// analysis itself, so they build this once and switch vertices and edges off instead.
// A vertex of Network(o) exists exactly when its Device is not down and, for a NIC's
// vertex, its NIC is not down; an edge when both its vertices exist and its Link (if
// any) is not down (Outage.LinkDown) — provided Exact holds.
type Wiring struct {
	// Vertices are Network's vertices, numbered densely from 0.
	Vertices []WiredVertex
	// Edges join two Vertices (by index), one per cable and VLAN, plus one per VLAN
	// of an L3 switch to its routing vertex.
	Edges []WiredEdge
	// Items maps a device (switch, module, host, VM, endpoint) to its vertices, as
	// Network places it: a VM at its host's NIC vertices in its port groups' VLANs.
	Items map[string][]int
	// Exact is false when two parts that fail separately claim the same vertex key
	// (duplicate or clashing names): then which of them owns the vertex depends on the
	// outage, and only rebuilding Network for that outage gives the right graph.
	Exact bool

	dense map[int64]int // gonum node id → index in Vertices, while building
}

// WiredVertex is a vertex of the Wiring and what has to fail to remove it.
type WiredVertex struct {
	Key    string // "device|vlan", as in Network.Path
	Device string // the device whose failure removes the vertex
	NIC    string // "host:nic" for a NIC's vertex, whose failure removes it too
}

// WiredEdge is an edge of the Wiring.
type WiredEdge struct {
	A, B int
	Link *Link // the cable, nil for routing inside an L3 switch
}

// Wiring builds the intact network (the graph of Network(nil, opt)) with what each
// vertex and edge depends on.
func (t *Topology) Wiring(opt NetworkOptions) *Wiring {
	w := &Wiring{Exact: true, dense: map[int64]int{}}
	n := t.network(nil, opt, w)
	w.Items = make(map[string][]int, len(n.byItem))
	for item, ids := range n.byItem {
		vs := make([]int, len(ids))
		for i, id := range ids {
			vs[i] = w.dense[id]
		}
		w.Items[item] = vs
	}
	w.dense = nil
	return w
}
