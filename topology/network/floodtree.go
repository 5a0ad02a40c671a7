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
