package network

import "slices"

// The index element -> flows. Every element a flow's evaluation looks at (ports, MAC
// entries, aggregates, teams, gateways, devices) keeps a list of the flows that looked
// at it; a change to the element marks exactly those flows for re-evaluation, which is
// what keeps a large network cheap: a failure costs the flows it concerns.
//
// A flooded walk registers on nearly every port of its L2 domain, so these lists hold
// millions of items in a large fabric. An item is therefore a flow id and a stamp (8
// bytes, no pointer for the collector to scan) rather than a pointer, and a list is
// compacted in place when it fills up instead of growing past its stale items.

// depRef is one flow's dependency on an element, valid while the flow's stamp
// (Network.stamps[id]) still equals stamp.
type depRef struct {
	id    int32
	stamp uint32
}

// depList is the index element -> flows: the flows whose last evaluation looked at the
// element, in the order they registered. A change touches the list, marking those
// flows for re-evaluation in that order.
type depList struct {
	items []depRef
	last  depRef // the newest item, kept inline: repeated adds need no slice access
}

// add registers r. The zero depRef is never a live registration: evaluate bumps a
// stamp before a walk, so every registered stamp is at least 1.
func (d *depList) add(n *Network, r depRef) {
	if d.last == r {
		return
	}
	d.last = r
	if k := len(d.items); k > 0 && k == cap(d.items) {
		n.depItems -= k - d.compact(n.stamps)
	}
	d.items = append(d.items, r)
	n.depItems++
}

// compact drops the stale items of a full list, keeping the order of the rest, and
// returns how many are left. When most items are still valid it grows the list, so
// that the next compaction is at least a quarter of the capacity of adds away and adds
// stay O(1) amortized.
func (d *depList) compact(stamps []uint32) int {
	j := 0
	for _, r := range d.items {
		if stamps[r.id] == r.stamp {
			d.items[j] = r
			j++
		}
	}
	c := cap(d.items)
	d.items = d.items[:j]
	if 4*j > 3*c {
		d.items = slices.Grow(d.items, c)
	}
	return j
}

// touch marks every flow that depends on the element dirty; they re-register when they
// are evaluated again.
func (n *Network) touch(d *depList) {
	if len(d.items) == 0 {
		return
	}
	for _, r := range d.items {
		if n.stamps[r.id] == r.stamp {
			n.markDirty(n.flowIDs[r.id])
		}
	}
	n.depItems -= len(d.items)
	d.items = d.items[:0]
	d.last = depRef{}
}

// touchPort marks the flows that looked at port p dirty, and in a network that learns
// lazily those that flooded through its bridge.
func (n *Network) touchPort(p *Port) {
	n.touch(&p.deps)
	// A host port of a plain bridge is no step of a flood through it: the flood
	// passes it as part of its segment (its load follows in leafTouched), and walks
	// only the ports facing its destination, on whose deps it registers (floodPlain).
	if p.dev.kind == kindSwitch && p.dev.br.bulk && !p.leaf {
		n.touch(&p.dev.br.floodDeps)
	}
	// whether a host port passes floods may have changed (floodload.go)
	if p.leaf {
		n.leafTouched(p)
	} else if p.dev.kind == kindHost && p.link != nil && p.link.ends[1-p.end].leaf {
		n.leafTouched(p.link.ends[1-p.end])
	}
}

// sweepMin is the least number of items added between two sweeps, so that a small
// network never sweeps and a large one sweeps rarely.
const sweepMin = 1 << 20

// maybeSweep sweeps the index once it holds more than twice the items it kept after
// the last sweep. A list is otherwise only compacted when something is added to it,
// and after a flood the lists of most ports hold nothing but the stale items of flows
// that have since learned their path (in a 200-switch domain, four out of five items).
// The cost of a sweep is paid for by the adds since the last one.
func (n *Network) maybeSweep() {
	if n.depItems <= 2*n.depKept+sweepMin {
		return
	}
	removed := 0
	sweep := func(d *depList) {
		if len(d.items) == 0 {
			return
		}
		j := 0
		for _, r := range d.items {
			if n.stamps[r.id] == r.stamp {
				d.items[j] = r
				j++
			}
		}
		// Give back the memory of a list that shrank a lot; it grows again by
		// appending if a flood comes back.
		removed += len(d.items) - j
		switch {
		case j == 0:
			d.items = nil
		case 2*j < cap(d.items):
			d.items = slices.Clone(d.items[:j])
		default:
			d.items = d.items[:j]
		}
	}
	for _, d := range n.devList {
		sweep(&d.deps)
		for _, p := range d.ports {
			sweep(&p.deps)
		}
		if d.cpu != nil {
			sweep(&d.cpu.deps)
		}
		if d.team != nil {
			sweep(&d.team.deps)
		}
	}
	for _, b := range n.bridges {
		sweep(&b.floodDeps)
		for _, lp := range b.lports {
			sweep(&lp.deps)
		}
		for _, e := range b.entries {
			sweep(&e.deps)
		}
	}
	for _, g := range n.gwList {
		sweep(&g.deps)
	}
	for _, ks := range n.keys {
		sweep(&ks.flooders)
	}
	for _, l := range n.linkList {
		sweep(&l.crossing)
	}
	n.depItems -= removed
	n.depKept = n.depItems
}

// flowID gives f an id for the index, reusing one of a removed flow. The stamp of a
// reused id carries on from where the removed flow left it, so the removed flow's
// stale items can never match the new flow.
func (n *Network) flowID(f *Flow) {
	if k := len(n.freeIDs); k > 0 {
		f.id = n.freeIDs[k-1]
		n.freeIDs = n.freeIDs[:k-1]
		n.flowIDs[f.id] = f
		return
	}
	f.id = int32(len(n.flowIDs))
	n.flowIDs = append(n.flowIDs, f)
	n.stamps = append(n.stamps, 0)
}

// freeFlowID returns a removed (stopped) flow's id for reuse.
func (n *Network) freeFlowID(f *Flow) {
	n.stamps[f.id]++ // no item of f's can match any more, whatever its state
	n.flowIDs[f.id] = nil
	n.freeIDs = append(n.freeIDs, f.id)
}
