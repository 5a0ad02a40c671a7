package network

import (
	"slices"
	"sort"
)

// floodTree is where a broadcast in one VLAN goes, at one version of the forwarding
// state: the bridges joined by links both of whose ends forward the VLAN, as a forest
// (each tree rooted at its first bridge, numbered in depth-first order), so that the
// port a flood from any bridge reaches any other on is a lookup. It is simple only if
// the flood really is a tree every frame crosses both ways: no loop, no port that
// learns without forwarding, no MC-LAG cluster, no frame changing VLAN; otherwise
// broadcasts are walked (lazy.go).
type floodTree struct {
	ver    uint64
	simple bool
	// aggs is set when a bridge has an aggregate: a flow's copy crosses it on the member
	// its hash picks, which may be cut or out of sync while the member a one-shot frame
	// picks is not (or the other way round), so a flow's flood may reach more or less
	// than the tree.
	aggs   bool
	comp   []int32   // by bridge id
	tin    []int32   // depth-first entry number
	tout   []int32   // one past the last number in the bridge's subtree
	parent []*bridge // nil at a root
	up     []*lport  // at the bridge, towards its parent
	down   []*lport  // at the parent, towards the bridge
	kids   [][]kid   // by bridge id, in depth-first order
}

// kid is one child of a bridge in the tree.
type kid struct {
	tin int32
	lp  *lport // at the parent
}

// treeEdge is a link a flood crosses from one bridge to another.
type treeEdge struct {
	to      *bridge
	out, in *lport
}

// tree returns VLAN v's flood tree at the current forwarding state (built on first
// use after a change).
func (n *Network) tree(v int) *floodTree {
	k := n.vlanIndex(v)
	if k >= len(n.trees) {
		n.trees = append(n.trees, make([]*floodTree, k+1-len(n.trees))...)
	}
	if t := n.trees[k]; t != nil && t.ver == n.floodVer {
		return t
	}
	t := n.buildTree(v)
	n.trees[k] = t
	return t
}

// treesChanged notes a change a flood tree may depend on: the trees are built again on
// their next use, and the flows whose floods followed them (prunedFlood) walk again.
func (n *Network) treesChanged() {
	n.floodVer++
	n.touch(&n.treeDeps)
}

// landing follows a frame sent on p across its link (and through pass-through modules)
// as walker.send does, to the port it arrives at; nil if it arrives nowhere, and ok
// false for a chain too long to follow.
func landing(p *Port) (q *Port, ok bool) {
	for range 9 {
		l := p.link
		if l == nil || l.cut[p.end] || !p.emits(0) {
			return nil, true
		}
		q := l.ends[1-p.end]
		if q.failed || q.dev.failed {
			return nil, true
		}
		if q.dev.kind != kindPassThrough {
			return q, true
		}
		if q.pair == nil {
			return nil, true
		}
		p = q.pair
	}
	return nil, false
}

// buildTree computes VLAN v's flood tree, as walker.flood and walker.bridgeIn decide
// frame by frame (a one-shot frame picks aggregate members with hash 0).
func (n *Network) buildTree(v int) *floodTree {
	nb := len(n.bridges)
	t := &floodTree{ver: n.floodVer}
	adj := make([][]treeEdge, nb)
	for _, b := range n.bridges {
		if len(b.members) != 1 {
			return t
		}
		d := b.members[0]
		for _, lp := range b.lports {
			if lp.cpu != nil {
				continue
			}
			p := lp.port
			if lp.agg {
				t.aggs = true
				if p = lp.pick(d, 0); p == nil {
					continue
				}
			}
			if p.dev != d || !p.usable() || p.state != Forwarding || !p.allows(v) {
				continue
			}
			q, ok := landing(p)
			if !ok {
				return t
			}
			if q == nil || q.dev.kind != kindSwitch || !q.usable() || q.lp == nil {
				continue
			}
			if q.lp.agg && !q.lp.memberActive(q) {
				continue
			}
			switch q.state {
			case Forwarding:
			case Learning:
				return t // teaches without forwarding: not a tree edge
			default:
				continue
			}
			w := q.ingressVLAN(p.egressTag(v))
			if w == 0 || !q.allows(w) || !q.dev.carries(w) {
				continue
			}
			if w != v {
				return t // the frame changes VLAN (native VLAN mismatch)
			}
			adj[b.id] = append(adj[b.id], treeEdge{q.dev.br, lp, q.lp})
		}
	}
	// Every edge must be crossed both ways by the same ports.
	for _, b := range n.bridges {
		for _, e := range adj[b.id] {
			back := false
			for _, r := range adj[e.to.id] {
				if r.to == b && r.out == e.in && r.in == e.out {
					back = true
				}
			}
			if !back {
				return t
			}
		}
	}
	t.comp = make([]int32, nb)
	t.tin = make([]int32, nb)
	t.tout = make([]int32, nb)
	t.parent = make([]*bridge, nb)
	t.up = make([]*lport, nb)
	t.down = make([]*lport, nb)
	t.kids = make([][]kid, nb)
	for i := range t.comp {
		t.comp[i] = -1
	}
	type frame struct {
		b    *bridge
		next int // next edge of adj[b.id] to look at
	}
	var stack []frame
	clock := int32(0)
	for _, root := range n.bridges {
		if t.comp[root.id] >= 0 {
			continue
		}
		c := int32(root.id)
		t.comp[root.id], t.tin[root.id] = c, clock
		clock++
		stack = append(stack[:0], frame{root, 0})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			x := f.b
			if f.next == len(adj[x.id]) {
				t.tout[x.id] = clock
				stack = stack[:len(stack)-1]
				continue
			}
			e := adj[x.id][f.next]
			f.next++
			y := e.to
			if y == t.parent[x.id] && e.out == t.up[x.id] {
				continue // the edge back to the parent
			}
			if t.comp[y.id] >= 0 {
				return &floodTree{ver: n.floodVer} // a loop
			}
			t.comp[y.id], t.tin[y.id] = c, clock
			clock++
			t.parent[y.id], t.up[y.id], t.down[y.id] = x, e.in, e.out
			t.kids[x.id] = append(t.kids[x.id], kid{t.tin[y.id], e.out})
			stack = append(stack, frame{y, 0})
		}
	}
	t.simple = true
	return t
}

// below reports whether y is in x's subtree (or is x).
func (t *floodTree) below(y, x *bridge) bool {
	return t.tin[x.id] <= t.tin[y.id] && t.tin[y.id] < t.tout[x.id]
}

// arrival is the port a flood from bridge o reaches bridge x on: towards the child of
// x whose subtree holds o, or towards x's parent; nil if o's flood does not reach x.
func (t *floodTree) arrival(x, o *bridge) *lport {
	if x == o || t.comp[x.id] != t.comp[o.id] {
		return nil
	}
	if t.below(o, x) {
		ks := t.kids[x.id]
		i := sort.Search(len(ks), func(i int) bool { return ks[i].tin > t.tin[o.id] }) - 1
		return ks[i].lp
	}
	return t.up[x.id]
}

// route lists, for a flood from o reaching y, the positions (in each bridge's lports)
// of the ports it leaves o and each bridge on the way by, appended to out.
func (t *floodTree) route(o, y *bridge, out []int) []int {
	x := o
	for !t.below(y, x) {
		out = append(out, x.lportIndex(t.up[x.id]))
		x = t.parent[x.id]
	}
	k := len(out)
	for z := y; z != x; z = t.parent[z.id] {
		out = append(out, t.parent[z.id].lportIndex(t.down[z.id]))
	}
	slices.Reverse(out[k:])
	return out
}

// floodOrder orders two bridges as a flood from o reaches them, depth first along
// each bridge's ports in order (walker.flood): the one whose way from o leaves some
// bridge by an earlier port first, a bridge before those beyond it.
func (t *floodTree) floodOrder(o, x, y *bridge) int {
	var ba, bb [16]int
	a, b := t.route(o, x, ba[:0]), t.route(o, y, bb[:0])
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return len(a) - len(b)
}

// floodKey is floodOrder as a number: the route's ports, one byte each (position + 1)
// from the most significant down, so that a bridge comes before those beyond it (its
// route is a prefix, its key has zeros where theirs go on). ok is false for a route of
// more than 8 bridges or through a port at position 255 or beyond.
func (t *floodTree) floodKey(o, y *bridge) (key uint64, ok bool) {
	var buf [16]int
	r := t.route(o, y, buf[:0])
	if len(r) > 8 {
		return 0, false
	}
	for i, p := range r {
		if p >= 255 {
			return 0, false
		}
		key |= uint64(p+1) << (56 - 8*i)
	}
	return key, true
}

// lportIndex is lp's position in the bridge's ports.
func (b *bridge) lportIndex(lp *lport) int { return lp.idx }

// Floods of observers. A passive flow without a rate (a reachability probe, an HA
// heartbeat check) teaches nothing and loads nothing, so all its flood can change is
// whether a copy reaches the destination, and in a tree only the copies on the way
// to the destination's ports can: a copy elsewhere dies at a bridge that knows the
// destination on the way it came, or at the tree's leaves. Such a flood is walked
// along those ways only (prunedFlood), and registers on the trees (Network.treeDeps)
// instead of on every bridge of the VLAN: a silent server's probe from its gateway,
// flooding because the server's entries aged, costs the bridges between the two, not
// the VLAN's, and is walked again when the trees change, not at every change of a
// port anywhere. A flood that teaches or loads walks the whole tree as before.

// prunedFlood returns the flood tree a walk's flood may follow towards its
// destination's ports only, and those ports, and registers the walk on the trees; nil
// when the walk floods in full (a flow that teaches or loads, a tree that is not
// simple, a destination that is not a host's or a NIC's MAC: a VM's ports move with
// it, a switch answers on any of its own).
func (w *walker) prunedFlood() (*floodTree, []*Port) {
	n := w.n
	f := w.f
	if f == nil || !f.cfg.Passive || f.cfg.RateBps != 0 || !n.lazyOn || !n.pruneFloods {
		return nil, nil
	}
	m := w.fr.dst
	if int(m) >= len(n.owners) || m <= 0 {
		return nil, nil
	}
	if o := n.owners[m]; o.dev != nil && o.dev.kind != kindHost || o.dev == nil && o.port == nil {
		return nil, nil
	}
	leaves := n.leavesFacing(m)
	if len(leaves) == 0 || !n.allLeaves(m, leaves) {
		return nil, nil
	}
	t := n.tree(w.fr.vlan)
	if !t.simple || t.aggs {
		return nil, nil
	}
	w.dep(&n.treeDeps)
	return t, leaves
}

// towards keeps, of a bridge's flood ports (in port order), those a copy must leave
// by to reach a bridge with a port facing the destination (leaves): the port towards
// each such bridge in tree t. It looks the few of them up rather than testing each of
// the hundreds of ports a core switch floods out of.
func towards(t *floodTree, b *bridge, ports []*lport, leaves []*Port, buf []*lport) []*lport {
	out := buf[:0]
	for _, p := range leaves {
		x := p.dev.br
		if x == b {
			continue
		}
		lp := t.arrival(b, x)
		if lp == nil || slices.Contains(out, lp) {
			continue
		}
		if _, ok := slices.BinarySearchFunc(ports, lp.idx, func(q *lport, i int) int { return q.idx - i }); ok {
			out = append(out, lp)
		}
	}
	slices.SortFunc(out, func(x, y *lport) int { return x.idx - y.idx })
	return out
}

// allLeaves reports whether every wired NIC that takes frames for MAC m (a host's, or
// one NIC's own) faces one of leaves: a NIC on a bridge that is not plain, or behind a
// pass-through module, is reached by copies the pruned flood would not follow.
func (n *Network) allLeaves(m mac, leaves []*Port) bool {
	o := n.owners[m]
	nics := 0
	if o.port != nil {
		nics = 1
	} else {
		for _, p := range o.dev.ports {
			if p.link != nil {
				nics++
			}
		}
	}
	return nics == len(leaves)
}
