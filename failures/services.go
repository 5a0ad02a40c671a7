package failures

import (
	"sort"

	"dctwin/sim"
)

// serviceView keeps, per node, running totals of the time it was cut off and the time
// it was impaired, updated at every flow change and cut-off: what the union and
// intersection of outage intervals measure, without keeping the intervals (which a
// long run would pile up).
//
// A flow that is down is charged to its ends, except to an end whose peer is the one
// cut off: the healthy database a dead web server was calling is not impaired by it.
type serviceView struct {
	nodes map[string]*nodeDowntime
	flows map[string]*flowEnds
}

// flowEnds is one flow of the view: its ends and whether it is down now.
type flowEnds struct {
	ends []*nodeDowntime // one if both ends are one node
	down bool
}

// nodeDowntime is one node's account.
type nodeDowntime struct {
	name   string
	flows  []*flowEnds
	blamed int  // its flows down now whose peer is not the one cut off
	probed bool // its reachability is observed
	cut    bool // it is cut off now (probed nodes)

	last        sim.Time // when the counts last changed
	impaired    sim.Time // time cut off or with a blamed flow down, up to last
	unreachable sim.Time // time cut off (probed) or with every flow down and blamed, up to last
}

func newServiceView() serviceView {
	return serviceView{nodes: map[string]*nodeDowntime{}, flows: map[string]*flowEnds{}}
}

func (v *serviceView) node(name string) *nodeDowntime {
	n := v.nodes[name]
	if n == nil {
		n = &nodeDowntime{name: name}
		v.nodes[name] = n
	}
	return n
}

func (v *serviceView) probe(name string) { v.node(name).probed = true }

func (v *serviceView) addFlow(flow, a, b string, down bool) {
	if _, ok := v.flows[flow]; ok {
		return
	}
	f := &flowEnds{}
	names := []string{a, b}
	if a == b {
		names = names[:1]
	}
	for _, name := range names {
		n := v.node(name)
		n.flows = append(n.flows, f)
		f.ends = append(f.ends, n)
	}
	v.flows[flow] = f
	if down {
		v.set(f, 0, true)
	}
}

// peer is the other end of f seen from n, nil for a flow with one end.
func (f *flowEnds) peer(n *nodeDowntime) *nodeDowntime {
	for _, e := range f.ends {
		if e != n {
			return e
		}
	}
	return nil
}

// change records that flow went down (or came back) at time at.
func (v *serviceView) change(flow string, at sim.Time, down bool) {
	if f := v.flows[flow]; f != nil {
		v.set(f, at, down)
	}
}

func (v *serviceView) set(f *flowEnds, at sim.Time, down bool) {
	if f.down == down {
		return
	}
	for _, n := range f.ends {
		n.advance(at)
	}
	f.down = down
	d := 1
	if !down {
		d = -1
	}
	for _, n := range f.ends {
		if p := f.peer(n); p == nil || !p.cut {
			n.blamed += d
		}
	}
}

// cutOff records that a probed node lost (or regained) its way to its gateway at
// time at: its down flows stop (or start again) being charged to their other ends.
func (v *serviceView) cutOff(name string, at sim.Time, cut bool) {
	x := v.node(name)
	if x.cut == cut {
		return
	}
	x.advance(at)
	for _, f := range x.flows {
		if p := f.peer(x); p != nil {
			p.advance(at)
		}
	}
	x.cut = cut
	for _, f := range x.flows {
		p := f.peer(x)
		if p == nil || !f.down {
			continue
		}
		if cut {
			p.blamed--
		} else {
			p.blamed++
		}
	}
}

// advance brings the totals up to time at.
func (n *nodeDowntime) advance(at sim.Time) {
	if d := at - n.last; d > 0 {
		if n.cut || n.blamed > 0 {
			n.impaired += d
		}
		if n.probed && n.cut || !n.probed && n.blamed > 0 && n.blamed == len(n.flows) {
			n.unreachable += d
		}
	}
	n.last = max(n.last, at)
}

// Services returns, per node that lost any traffic or was cut off, how long it was
// impaired and unreachable up to the end of the run (Finish), the longest cut off
// first.
func (m *Measurement) Services() []ServiceDowntime {
	var out []ServiceDowntime
	for _, n := range m.services.nodes {
		at := *n
		at.advance(m.end)
		if at.impaired > 0 || at.unreachable > 0 {
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
