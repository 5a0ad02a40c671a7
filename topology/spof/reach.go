package spof

import "dctwin/topology"

// reach answers, for one outage at a time, which connected components of the network
// each item is in. It is built once per analysis from topology.Wiring and then only
// switches vertices and edges off: the analysis used to rebuild the gonum graph and its
// components for every failure (about 11,000 in a 2,000-server fabric), and compare
// reach sets item by item, which took minutes.
//
// The search is a breadth-first search over an adjacency slice indexed by vertex
// number, not gonum's traverse.BreadthFirst: on a 1,640-vertex wiring a full walk took
// 10 µs and no allocations here against 840 µs and 8,000 allocations with traverse
// over a simple.UndirectedGraph (its node and edge iterators allocate per visited
// vertex), and this is the innermost loop, run once per failure. The graph never
// changes shape, so the slices are built once.
type reach struct {
	w *topology.Wiring

	// adjacency in compressed form: the neighbours of v are to[start[v]:start[v+1]],
	// over the edges via[start[v]:start[v+1]].
	start, to, via []int32

	// What a failure switches off, found from the outage's sets by name.
	vertsByDevice map[string][]int32
	vertsByNIC    map[string][]int32
	edgesOfLink   map[*topology.Link][]int32
	linksByName   map[string][]*topology.Link // Outage.Links
	linksByPort   map[string][]*topology.Link // Outage.Ports and Outage.NICs, "device:port"
	linksByDevice map[string][]*topology.Link // Outage.Devices

	// Per-outage scratch; a vertex or edge is off, or a vertex numbered, when its
	// mark equals the current round, so nothing is cleared between failures.
	round       int32
	vertexOff   []int32
	edgeOff     []int32
	comp        []int32 // component of a vertex, valid when ≥ firstComp
	nextComp    int32
	firstComp   int32
	queue       []int32
	linkScratch map[*topology.Link]bool
}

func newReach(t *topology.Topology, w *topology.Wiring) *reach {
	r := &reach{w: w, vertsByDevice: map[string][]int32{}, vertsByNIC: map[string][]int32{},
		edgesOfLink: map[*topology.Link][]int32{}, linksByName: map[string][]*topology.Link{},
		linksByPort: map[string][]*topology.Link{}, linksByDevice: map[string][]*topology.Link{},
		linkScratch: map[*topology.Link]bool{}}
	nv := len(w.Vertices)
	degree := make([]int32, nv+1)
	for _, e := range w.Edges {
		degree[e.A]++
		degree[e.B]++
	}
	r.start = make([]int32, nv+1)
	for v := 0; v < nv; v++ {
		r.start[v+1] = r.start[v] + degree[v]
	}
	r.to = make([]int32, r.start[nv])
	r.via = make([]int32, r.start[nv])
	fill := append([]int32(nil), r.start[:nv]...)
	for i, e := range w.Edges {
		r.to[fill[e.A]], r.via[fill[e.A]] = int32(e.B), int32(i)
		fill[e.A]++
		r.to[fill[e.B]], r.via[fill[e.B]] = int32(e.A), int32(i)
		fill[e.B]++
		if e.Link != nil {
			r.edgesOfLink[e.Link] = append(r.edgesOfLink[e.Link], int32(i))
		}
	}
	for i, v := range w.Vertices {
		r.vertsByDevice[v.Device] = append(r.vertsByDevice[v.Device], int32(i))
		if v.NIC != "" {
			r.vertsByNIC[v.NIC] = append(r.vertsByNIC[v.NIC], int32(i))
		}
	}
	for _, l := range t.Links {
		if _, ok := r.edgesOfLink[l]; !ok {
			continue // carries no edge: its failure changes nothing
		}
		r.linksByName[l.Name] = append(r.linksByName[l.Name], l)
		for _, p := range []topology.PortRef{l.A, l.B} {
			r.linksByPort[p.String()] = append(r.linksByPort[p.String()], l)
			r.linksByDevice[p.Device] = append(r.linksByDevice[p.Device], l)
		}
	}
	r.vertexOff = make([]int32, nv)
	r.edgeOff = make([]int32, len(w.Edges))
	r.comp = make([]int32, nv)
	for i := range r.comp {
		r.comp[i] = -1
	}
	return r
}

// apply switches off what the outage takes down (exactly the vertices and edges that
// Network(o) would leave out) and forgets the previous outage's components.
func (r *reach) apply(o *topology.Outage) {
	r.round++
	for d := range o.Devices {
		for _, v := range r.vertsByDevice[d] {
			r.vertexOff[v] = r.round
		}
	}
	for n := range o.NICs {
		for _, v := range r.vertsByNIC[n] {
			r.vertexOff[v] = r.round
		}
	}
	// Outage.LinkDown: the cable failed, or a port, NIC or device at either end did.
	clear(r.linkScratch)
	for name := range o.Links {
		for _, l := range r.linksByName[name] {
			r.linkScratch[l] = true
		}
	}
	for _, set := range []map[string]bool{o.Ports, o.NICs} {
		for p := range set {
			for _, l := range r.linksByPort[p] {
				r.linkScratch[l] = true
			}
		}
	}
	for d := range o.Devices {
		for _, l := range r.linksByDevice[d] {
			r.linkScratch[l] = true
		}
	}
	for l := range r.linkScratch {
		for _, e := range r.edgesOfLink[l] {
			r.edgeOff[e] = r.round
		}
	}
	if r.nextComp > 1<<30 { // numbers run out after some 100,000 large outages: start over
		for i := range r.comp {
			r.comp[i] = -1
		}
		r.nextComp = 0
	}
	r.firstComp = r.nextComp
}

// components appends to dst the distinct components an item with the given vertices
// (Wiring.Items) is in under the current outage (numbering the components it touches on first use) and returns it.
func (r *reach) components(verts []int, dst []int32) []int32 {
	for _, v := range verts {
		if r.vertexOff[v] == r.round {
			continue
		}
		if r.comp[v] < r.firstComp {
			r.fill(int32(v))
		}
		c := r.comp[v]
		seen := false
		for _, d := range dst {
			if d == c {
				seen = true
				break
			}
		}
		if !seen {
			dst = append(dst, c)
		}
	}
	return dst
}

// fill numbers the component of vertex s by a breadth-first search.
func (r *reach) fill(s int32) {
	c := r.nextComp
	r.nextComp++
	r.comp[s] = c
	q := append(r.queue[:0], s)
	for i := 0; i < len(q); i++ {
		v := q[i]
		for k := r.start[v]; k < r.start[v+1]; k++ {
			u := r.to[k]
			if r.comp[u] >= r.firstComp || r.vertexOff[u] == r.round || r.edgeOff[r.via[k]] == r.round {
				continue
			}
			r.comp[u] = c
			q = append(q, u)
		}
	}
	r.queue = q
}
