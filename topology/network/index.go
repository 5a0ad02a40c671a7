package network

// The index element -> flows. Every element a flow's evaluation looks at (ports, MAC
// entries, aggregates, teams, gateways, devices) keeps a list of the flows that looked
// at it; a change to the element marks exactly those flows for re-evaluation, which is
// what keeps a large network cheap: a failure costs the flows it concerns.

// dep is one flow's dependency on an element, valid while the flow's stamp matches.
type depRef struct {
	f     *Flow
	stamp uint32
}

// depList is the index element -> flows: the flows whose last evaluation looked at the
// element. A change touches the list, marking those flows for re-evaluation.
type depList struct {
	items []depRef
	live  int
	last  depRef // the newest item, kept inline: repeated adds need no slice access
}

func (d *depList) add(f *Flow) {
	if d.last.f == f && d.last.stamp == f.stamp {
		return
	}
	d.last = depRef{f, f.stamp}
	k := len(d.items)
	if k >= 2*d.live+16 {
		j := 0
		for _, r := range d.items {
			if r.stamp == r.f.stamp && r.f.active {
				d.items[j] = r
				j++
			}
		}
		clear(d.items[j:])
		d.items = d.items[:j]
		d.live = j
	}
	d.items = append(d.items, depRef{f, f.stamp})
}

// touch marks every flow that depends on the element dirty; they re-register when they
// are evaluated again.
func (n *Network) touch(d *depList) {
	if len(d.items) == 0 {
		return
	}
	for _, r := range d.items {
		if r.stamp == r.f.stamp {
			n.markDirty(r.f)
		}
	}
	clear(d.items)
	d.items = d.items[:0]
	d.live = 0
	d.last = depRef{}
}
