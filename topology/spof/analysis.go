package spof

import (
	"sort"
	"time"

	"dctwin/topology"
)

// analysis is the state shared by the failures of one analysis. Items are handled by
// number (one per distinct name, as the reach sets of the network are keyed by name)
// and the sets of the straightforward formulation — what each item reaches, before and
// after — are replaced by the components each item is in, because an item's reach set
// is just the other items in those components; comparing sets item by item made the
// analysis quadratic in the number of items for every failure.
type analysis struct {
	t       *topology.Topology
	items   []Item
	itemIdx []int32          // items[k] is name itemIdx[k]
	names   []string         // distinct item names, in order of first appearance
	index   map[string]int32 // name → number
	byName  []Item           // the last item of each name
	weight  []int            // servers weigh more than endpoints when picking the main part
	roles   map[string]int   // items per role
	links   map[string][]*topology.Link

	reach *reach  // nil when the wiring is not exact: then Network is rebuilt per failure
	verts [][]int // each name's vertices in the wiring

	// The baseline: either the components of each name in the intact network (Analyze)
	// or reach sets given by the caller (Fail).
	baseComps   [][]int32
	baseMembers [][]int32
	baseSets    map[string]map[string]bool

	// Per-failure scratch, reused. A name is dead, or a component in the main part,
	// when its mark equals the failure's round; seen and reached marks use stamp,
	// which moves on for every set they mark. Nothing needs clearing.
	round     int32
	stamp     int32
	dead      []int32 // per name
	seen      []int32 // per name
	comps     [][]int32
	alive     []int32
	compW     []int
	compMain  []int32
	compReach []int32
	members   [][]int32
}

func newAnalysis(t *topology.Topology, items []Item) *analysis {
	a := &analysis{t: t, items: items, itemIdx: make([]int32, len(items)), index: map[string]int32{},
		roles: map[string]int{}, links: map[string][]*topology.Link{}}
	for k, it := range items {
		i, ok := a.index[it.Name]
		if !ok {
			i = int32(len(a.names))
			a.index[it.Name] = i
			a.names = append(a.names, it.Name)
			a.byName = append(a.byName, it)
			a.weight = append(a.weight, 0)
		}
		a.itemIdx[k] = i
		a.byName[i] = it
		if it.Role != "" {
			a.roles[it.Role]++
		}
	}
	for i, it := range a.byName {
		a.weight[i] = 2
		if it.Kind != "endpoint" {
			a.weight[i]++
		}
	}
	for _, l := range t.Links {
		a.links[l.Name] = append(a.links[l.Name], l)
	}
	if w := t.Wiring(topology.NetworkOptions{}); w.Exact {
		a.reach = newReach(t, w)
		a.verts = make([][]int, len(a.names))
		for i, name := range a.names {
			a.verts[i] = w.Items[name]
		}
	}
	a.dead = make([]int32, len(a.names))
	a.seen = make([]int32, len(a.names))
	a.comps = make([][]int32, len(a.names))
	return a
}

// baseline records the components of every item in the intact network.
func (a *analysis) baseline() {
	a.round++
	n := a.connect(topology.NewOutage())
	a.baseComps = make([][]int32, len(a.names))
	a.baseMembers = make([][]int32, n)
	for i := range a.names {
		a.baseComps[i] = append([]int32(nil), a.comps[i]...)
		for _, c := range a.comps[i] {
			a.baseMembers[c] = append(a.baseMembers[c], int32(i))
		}
	}
}

// connect finds the components of the names not marked dead in this round under the
// outage, numbered from 0, into a.comps, and returns how many numbers it used.
func (a *analysis) connect(o *topology.Outage) int {
	if r := a.reach; r != nil {
		r.apply(o)
		for i := range a.names {
			cs := a.comps[i][:0]
			if a.dead[i] != a.round {
				cs = r.components(a.verts[i], cs)
				for k := range cs {
					cs[k] -= r.firstComp
				}
			}
			a.comps[i] = cs
		}
		return int(r.nextComp - r.firstComp)
	}
	net := a.t.Network(o, topology.NetworkOptions{})
	n := 0
	for i, name := range a.names {
		cs := a.comps[i][:0]
		if a.dead[i] != a.round {
			for _, c := range net.Components(name) {
				cs = append(cs, int32(c))
				n = max(n, c+1)
			}
		}
		a.comps[i] = cs
	}
	return n
}

// fail is Fail for one component, with the baseline of the analysis.
func (a *analysis) fail(c topology.Component) Result {
	o := topology.NewOutage()
	a.t.Fail(o, c)
	res := Result{Component: c, Direct: a.direct(c)}
	a.round++
	for d := range o.Devices {
		if i, ok := a.index[d]; ok {
			a.dead[i] = a.round
		}
	}
	alive := a.alive[:0]
	for k, it := range a.items {
		if i := a.itemIdx[k]; a.dead[i] != a.round {
			alive = append(alive, i)
			continue
		}
		e := deathEffect(a.t, o, it)
		res.Impacts = append(res.Impacts, Impact{Item: it, Effect: e, FailoverMs: ms(FailoverTime(a.t, o, it, e))})
	}
	a.alive = alive
	ncomp := a.connect(o)

	// Weigh each component by the items in it, and list them for the items that are
	// in several components (a server with NICs in separated parts reaches both).
	a.compW = grow(a.compW, ncomp)
	a.compMain = grow(a.compMain, ncomp)
	a.compReach = grow(a.compReach, ncomp)
	a.members = grow(a.members, ncomp)
	for c := range ncomp {
		a.compW[c] = 0
		a.compMain[c] = 0
		a.compReach[c] = 0
		a.members[c] = a.members[c][:0]
	}
	for i, cs := range a.comps {
		for _, c := range cs {
			a.compW[c] += a.weight[i]
			a.members[c] = append(a.members[c], int32(i))
		}
	}
	// The main part of the data center is the reach set (with the item itself) that
	// weighs most, the first of equals in item order.
	best, main := -1, int32(-1)
	for _, i := range alive {
		if w := a.setWeight(i); w > best {
			best, main = w, i
		}
	}
	if main >= 0 {
		for _, c := range a.comps[main] {
			a.compMain[c] = a.round
		}
	}
	for _, i := range alive {
		if i == main || a.inMain(i) {
			continue
		}
		if lost := a.lostBy(o, i); len(lost) > 0 {
			res.Impacts = append(res.Impacts, Impact{Item: a.byName[i], Effect: Isolated, LosesContactWith: lost})
		}
	}
	res.services(a.roles)
	return res
}

// setWeight weighs an item together with everything it reaches.
func (a *analysis) setWeight(i int32) int {
	cs := a.comps[i]
	switch len(cs) {
	case 0:
		return a.weight[i]
	case 1:
		return a.compW[cs[0]]
	}
	a.stamp++
	w := 0
	for _, c := range cs {
		for _, m := range a.members[c] {
			if a.seen[m] != a.stamp {
				a.seen[m] = a.stamp
				w += a.weight[m]
			}
		}
	}
	return w
}

// inMain reports whether an item is in a component of the main part.
func (a *analysis) inMain(i int32) bool {
	for _, c := range a.comps[i] {
		if a.compMain[c] == a.round {
			return true
		}
	}
	return false
}

// lostBy lists, sorted, the items an item outside the main part reached in the intact
// network and no longer reaches, leaving out those that are down.
func (a *analysis) lostBy(o *topology.Outage, i int32) []string {
	a.stamp++
	mark := a.stamp
	for _, c := range a.comps[i] {
		a.compReach[c] = mark
	}
	reaches := func(j int32) bool {
		for _, c := range a.comps[j] {
			if a.compReach[c] == mark {
				return true
			}
		}
		return false
	}
	var lost []string
	if a.baseSets != nil {
		for other := range a.baseSets[a.names[i]] {
			if o.Devices[other] {
				continue
			}
			if j, ok := a.index[other]; ok && j != i && reaches(j) {
				continue
			}
			lost = append(lost, other)
		}
	} else {
		for _, c := range a.baseComps[i] {
			for _, j := range a.baseMembers[c] {
				if j == i || a.seen[j] == mark {
					continue
				}
				a.seen[j] = mark
				if a.dead[j] == a.round || reaches(j) {
					continue
				}
				lost = append(lost, a.names[j])
			}
		}
	}
	sort.Strings(lost)
	return lost
}

// grow returns s with at least n elements.
func grow[T any](s []T, n int) []T {
	if len(s) < n {
		s = append(s, make([]T, n-len(s))...)
	}
	return s
}

// direct lists the devices a component is part of or cabled to.
func (a *analysis) direct(c topology.Component) []string {
	out := []string{c.Name}
	switch c.Class {
	case topology.ClassLink:
		for _, l := range a.links[c.Name] {
			out = append(out, l.A.Device, l.B.Device)
		}
	case topology.ClassNIC:
		if p, err := topology.ParsePortRef(c.Name); err == nil {
			out = append(out, p.Device)
		}
	}
	return out
}

// ms is a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
