package failures

import (
	"sort"

	"dctwin/sim"
)

// serviceView keeps, per node, running totals of the time some and all of its flows
// were down, updated at every flow change: what the union and the intersection of its
// flows' outage intervals measure, without keeping the intervals (which a long run
// would pile up).
type serviceView struct {
	nodes map[string]*nodeDowntime
	ends  map[string][]*nodeDowntime // flow → the nodes it joins (one if both ends are one)
}

// nodeDowntime is one node's account.
type nodeDowntime struct {
	name        string
	flows, down int      // its flows, and how many of them are down now
	last        sim.Time // when down last changed
	impaired    sim.Time // time with down > 0, up to last
	unreachable sim.Time // time with down == flows, up to last
}

func newServiceView() serviceView {
	return serviceView{nodes: map[string]*nodeDowntime{}, ends: map[string][]*nodeDowntime{}}
}

func (v *serviceView) addFlow(flow, a, b string, down bool) {
	if _, ok := v.ends[flow]; ok {
		return
	}
	names := []string{a, b}
	if a == b {
		names = names[:1]
	}
	for _, name := range names {
		n := v.nodes[name]
		if n == nil {
			n = &nodeDowntime{name: name}
			v.nodes[name] = n
		}
		n.flows++
		if down {
			n.down++
		}
		v.ends[flow] = append(v.ends[flow], n)
	}
}

// change records that flow went down (or came back) at time at.
func (v *serviceView) change(flow string, at sim.Time, down bool) {
	for _, n := range v.ends[flow] {
		n.advance(at)
		if down {
			n.down++
		} else {
			n.down--
		}
	}
}

// advance brings the totals up to time at.
func (n *nodeDowntime) advance(at sim.Time) {
	if d := at - n.last; d > 0 {
		if n.down > 0 {
			n.impaired += d
		}
		if n.down > 0 && n.down == n.flows {
			n.unreachable += d
		}
	}
	n.last = max(n.last, at)
}

// Services returns, per node that lost any traffic, how long it was impaired and
// unreachable up to the end of the run (Finish), the longest cut off first.
func (m *Measurement) Services() []ServiceDowntime {
	var out []ServiceDowntime
	for _, n := range m.services.nodes {
		at := *n
		at.advance(m.end)
		if at.impaired > 0 {
			out = append(out, ServiceDowntime{Node: n.name, Impaired: at.impaired, Unreachable: at.unreachable})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unreachable != out[j].Unreachable {
			return out[i].Unreachable > out[j].Unreachable
		}
		if out[i].Impaired != out[j].Impaired {
			return out[i].Impaired > out[j].Impaired
		}
		return out[i].Node < out[j].Node
	})
	return out
}
