package network

import "slices"

// Floods past host ports, counted per bridge and VLAN. A flooded frame leaves a switch
// on every forwarding port of its VLAN but the one it came in on. In a large data
// center most of those ports face servers that are not the destination: the copy
// loads the server's link and is dropped there. Walking each such port for every
// flood made a flood cost the ports of its VLAN (tens of thousands); instead, in a
// network that learns lazily, a flood through a plain bridge (bridge.bulk) is walked
// only out of its other ports — to switches, pass-through modules, and the ports of
// the destination host, which may take the frame — and records one flood segment
// (bridge, VLAN, ingress) for the rest. The bridge sums the rates of the segments per
// VLAN; the load on a host port's link towards the host is then its flows' own load
// plus the bridge's flood rate in each VLAN the port carries, less the rate of the
// segments that came in on that port, while the port would put a flood copy on the
// link (linkLoad). That is what the walked flood loaded: every change of whether a
// port passes floods (carrier, failure, spanning-tree state, a cut, the host's NIC or
// power) touches the flows flooding through its bridge (touchPort), which walk again
// in the same instant, so a segment's ports are those of the current state whenever
// an instant has settled. A change that may take a host link over capacity (or back)
// queues it for the congestion settlement as addLoad does: a port's change at once
// (leafTouched), a bridge's floods once at the end of the instant however many flows
// changed them (floodLoadChanged, settleFloodLoads); a few extra queued links settle
// to no change.

// floodSeg is a flood past the host ports of one bridge: the bridge, the VLAN's dense
// index, the host port it entered by (its hop id: link index·2 + end) or -1, and the
// destination, whose own ports the flood was walked out of.
type floodSeg struct {
	br, vi, in int32
	dst        mac
}

// classifyLeaves marks the host ports of plain bridges and gives every bridge the
// speed of its slowest host link; it runs at the start, once bridges are known.
func (n *Network) classifyLeaves() {
	for _, b := range n.bridges {
		if !b.bulk {
			continue
		}
		for _, lp := range b.lports {
			p := lp.port
			if lp.cpu != nil || lp.agg || p == nil || p.link == nil {
				continue
			}
			q := p.link.ends[1-p.end]
			if q.dev.kind != kindHost {
				continue
			}
			p.leaf = true
			if b.leafSpeed == 0 || p.link.cfg.Speed < b.leafSpeed {
				b.leafSpeed = p.link.cfg.Speed
			}
			b.leafMax = max(b.leafMax, p.link.explicitOut(p.end))
			q.dev.leaves = append(q.dev.leaves, p)
			b.groupLeaf(p)
		}
	}
	n.owners = make([]macOwner, len(n.macNames))
	for _, d := range n.devList {
		if d.kind == kindVM {
			n.owners[d.mac].dev = d // its host's ports while it runs (leavesFacing)
			continue
		}
		if d.kind != kindHost {
			continue
		}
		n.owners[d.mac].dev = d
		for _, p := range d.ports {
			if p.mac != 0 {
				n.owners[p.mac].port = p
			}
		}
	}
}

// leafGroup is the host ports of a plain bridge that carry one set of VLANs: the
// floods that can reach them are those of these VLANs, so the bridge's flood rates
// in them, with the group's own bound, tell whether any of them can be over capacity
// without looking at each (settleFloodLoads).
type leafGroup struct {
	vset  int32   // the ports' VLAN set (Network.sets)
	speed float64 // the slowest link's speed
	max   float64 // an upper bound of the links' own load towards the hosts (explicitOut)
	ports []*Port
}

// groupLeaf puts host port p into the group of its VLAN set.
func (b *bridge) groupLeaf(p *Port) {
	i := slices.IndexFunc(b.leafGroups, func(g leafGroup) bool { return g.vset == p.vset })
	if i < 0 {
		i = len(b.leafGroups)
		b.leafGroups = append(b.leafGroups, leafGroup{vset: p.vset, speed: p.link.cfg.Speed})
	}
	g := &b.leafGroups[i]
	g.speed = min(g.speed, p.link.cfg.Speed)
	g.max = max(g.max, p.link.explicitOut(p.end))
	g.ports = append(g.ports, p)
	p.group = int32(i)
}

// floodRateIn is the rate of b's floods in the VLANs of set vset: the most any port
// carrying that set can be loaded with by them.
func (n *Network) floodRateIn(b *bridge, vset int32) float64 {
	sum := 0.0
	for vi, r := range b.floodLoad {
		if r != 0 && n.sets[vset].has(n.vlanIDs[vi]) {
			sum += r
		}
	}
	return sum
}

// macOwner is the host or VM whose MAC a MAC is, or the host NIC whose own MAC it is.
type macOwner struct {
	dev  *device
	port *Port
}

// explicitOut is the load the flows' own hops put on l from end d (both directions of
// a half-duplex link).
func (l *Link) explicitOut(d int) float64 {
	if l.cfg.HalfDuplex {
		return l.load[d] + l.load[1-d]
	}
	return l.load[d]
}

// floodPorts lists the logical ports a flood in VLAN v (dense index vi) is walked out
// of at b: those that carry v and do not face a host (those are counted per bridge),
// in port order. Port configuration does not change once the network runs.
func (b *bridge) floodPorts(vi, v int) []*lport {
	if vi >= len(b.trunks) {
		b.trunks = append(b.trunks, make([][]*lport, vi+1-len(b.trunks))...)
		b.trunksBuilt = append(b.trunksBuilt, make([]bool, vi+1-len(b.trunksBuilt))...)
	}
	if !b.trunksBuilt[vi] {
		var out []*lport
		for _, lp := range b.lports {
			if lp.cpu != nil || lp.port == nil || lp.port.leaf || lp.port.link == nil || !lp.port.allows(v) {
				continue
			}
			out = append(out, lp)
		}
		b.trunks[vi], b.trunksBuilt[vi] = out, true
	}
	return b.trunks[vi]
}

// floodsOut reports whether a flood in a VLAN p carries would put a copy on p's link
// and the NIC at its end take it off the wire (walker.flood and walker.send).
func (p *Port) floodsOut() bool {
	if !p.usable() || p.state != Forwarding {
		return false
	}
	l := p.link
	if l.cut[p.end] || !p.emits(0) {
		return false
	}
	q := l.ends[1-p.end]
	return !q.failed && !q.dev.failed
}

// floodOn is the load the floods through its bridge put on leaf p's link towards the
// host; all true counts every VLAN p carries whether or not p passes floods now (an
// upper bound for the congestion check).
func (n *Network) floodOn(p *Port, all bool) float64 {
	b := p.dev.br
	if b.floodTotal == 0 || !all && !p.floodsOut() {
		return 0
	}
	load := 0.0
	for vi, r := range b.floodLoad {
		if r != 0 && p.allows(n.vlanIDs[vi]) {
			in := 0.0
			if vi < len(p.floodIn) {
				in = p.floodIn[vi]
			}
			load += r - in
		}
	}
	return load
}

// linkLoad is the offered load on l from end d: the flows' own hops and, on a host
// link, the floods through its bridge.
func (n *Network) linkLoad(l *Link, d int) float64 {
	load := l.load[d]
	if p := l.ends[d]; p.leaf {
		load += n.floodOn(p, false)
	}
	return load
}

// addFloodLoad adds rate to the flood segments segs (negative: takes them away).
func (n *Network) addFloodLoad(segs []floodSeg, rate float64) {
	if rate == 0 {
		return
	}
	for _, s := range segs {
		b := n.bridges[s.br]
		if int(s.vi) >= len(b.floodLoad) {
			b.floodLoad = append(b.floodLoad, make([]float64, int(s.vi)+1-len(b.floodLoad))...)
		}
		before := b.floodTotal
		b.floodLoad[s.vi] = clampLoad(b.floodLoad[s.vi] + rate)
		b.floodTotal = clampLoad(b.floodTotal + rate)
		// the ports the segment does not load: the one it came in by, and the
		// destination's, whose copies are hops of the walk
		var in *Port
		if s.in >= 0 {
			in = hop(s.in).link(n).ends[hop(s.in).dir()]
			in.exclude(int(s.vi), rate)
		}
		for _, p := range n.leavesFacing(s.dst) {
			if p.dev.br == b && p != in {
				p.exclude(int(s.vi), rate)
			}
		}
		n.floodLoadChanged(b, before)
	}
}

// exclude counts rate more (or less) of the floods through p's bridge in VLAN vi that
// p's link does not carry.
func (p *Port) exclude(vi int, rate float64) {
	if vi >= len(p.floodIn) {
		p.floodIn = append(p.floodIn, make([]float64, vi+1-len(p.floodIn))...)
	}
	p.floodIn[vi] = clampLoad(p.floodIn[vi] + rate)
}

// clampLoad keeps the rounding of adding and taking back the same rates from leaving
// a load a hair below zero (addLoad does the same).
func clampLoad(x float64) float64 {
	if x < 1e-6 {
		return 0
	}
	return x
}

// floodLoadChanged notes a change of the floods through b (their total was before):
// unless the floods and the busiest host link together could fill the slowest host
// link before or after it, no host link of b can be over capacity and none is looked
// at; otherwise b's host links are looked at once at the end of the instant
// (settleFloodLoads), however many floods changed during it.
func (n *Network) floodLoadChanged(b *bridge, before float64) {
	if b.floodQueued || max(before, b.floodTotal)+b.leafMax <= b.leafSpeed {
		return
	}
	b.floodQueued = true
	n.floodQueue = append(n.floodQueue, b)
	if n.started && !n.settling && !n.settle.Armed() {
		n.settle.Reset(0)
	}
}

// settleFloodLoads queues for the congestion settlement the host links of the bridges
// whose floods changed this instant that are over capacity now or were when last
// settled: for any other, nothing the settlement looks at changed (its loss fractions
// were and are 0). A group of ports whose floods and own load together cannot fill
// its slowest link is passed over whole; the bounds of the groups looked at are
// taken anew.
func (n *Network) settleFloodLoads() {
	for i, b := range n.floodQueue {
		n.floodQueue[i] = nil
		b.floodQueued = false
		b.leafMax = 0
		for gi := range b.leafGroups {
			g := &b.leafGroups[gi]
			if b.congestedLeaves == 0 && n.floodRateIn(b, g.vset)+g.max <= g.speed {
				// none is over capacity now (g.max bounds their own load), none was
				b.leafMax = max(b.leafMax, g.max)
				continue
			}
			g.max = 0
			for _, p := range g.ports {
				l := p.link
				g.max = max(g.max, l.explicitOut(p.end))
				if l.isCongested() || l.overCapacity(p.end) {
					n.loadChanged(l)
				}
			}
			b.leafMax = max(b.leafMax, g.max)
		}
	}
	n.floodQueue = n.floodQueue[:0]
}

// leafBridge is the plain bridge whose host port is an end of l, or nil.
func (l *Link) leafBridge() *bridge {
	for _, p := range l.ends {
		if p.leaf {
			return p.dev.br
		}
	}
	return nil
}

// leafTouched queues leaf p's link for the congestion settlement when a change of
// whether p passes floods may have taken it over capacity or back.
func (n *Network) leafTouched(p *Port) {
	if !p.leaf || p.dev.br.floodTotal == 0 {
		return
	}
	l := p.link
	if l.explicitOut(p.end)+n.floodOn(p, true) > l.cfg.Speed {
		n.loadChanged(l)
	}
}

// leavesFacing lists the host ports of plain bridges that face the frame's destination
// (a host's team MAC: each of its NICs; a NIC's own MAC: that NIC; a VM's MAC: its
// hypervisor's NICs): a flood is walked
// out of these, since the destination may take the frame there.
func (n *Network) leavesFacing(m mac) []*Port {
	if int(m) >= len(n.owners) || m <= 0 {
		return nil
	}
	o := &n.owners[m]
	if q := o.port; q != nil {
		if q.link != nil && q.link.ends[1-q.end].leaf {
			return q.link.ends[1-q.end : 2-q.end]
		}
		return nil
	}
	if o.dev != nil && o.dev.vm != nil {
		// A VM takes frames through its hypervisor's NICs, wherever it runs now.
		if h := o.dev.vm.host; h != nil {
			return h.leaves
		}
		return nil
	}
	if o.dev != nil {
		return o.dev.leaves
	}
	return nil
}
