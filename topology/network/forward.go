package network

import (
	"slices"

	"dctwin/topology"
)

// This file follows one frame of a flow through the current forwarding state: the
// sending team's member choice, links (each direction can be cut), pass-through
// modules, switch ports (carrier, spanning-tree state, LACP), MAC learning, lookup,
// filtering, aggregates and MC-LAG peer links, flooding, gateways, and the receiving
// team's acceptance. Every element the walk looks at is registered as a dependency of
// the flow, so a change to any of them re-evaluates exactly the flows concerned.

// hop is one crossing of a link: the link's index in Network.linkList times two, plus
// the direction (the end it leaves from). A flooded walk crosses thousands of links
// and every flow keeps its last walk's crossings, so a hop is 4 bytes and no pointer.
type hop uint32

func mkHop(l *Link, dir int) hop { return hop(l.idx<<1 | dir) }

// link returns the link crossed; dir the end the frame left from.
func (h hop) link(n *Network) *Link { return n.linkList[h>>1] }
func (h hop) dir() int              { return int(h & 1) }

// frame is what a walk carries.
type frame struct {
	src, dst mac
	vlan     int      // the VLAN the frame is in where it is now
	tag      int16    // its 802.1Q tag on the link it crosses (0: untagged)
	target   *device  // the switch whose CPU receives a multicast (VRRP advert)
	gw       *gateway // dst is this gateway's virtual MAC
	routeTo  mac      // after the gateway routes: the final destination
	routeIn  int      // the VLAN of the final destination's interface
	routeDev *device  // the final destination host (for its reverse gateway)
	toPort   *Port    // a beacon: delivered when the flood reaches this host port
}

// walker evaluates one direction of a flow. One walker is reused for every walk.
type walker struct {
	n        *Network
	f        *Flow  // nil for one-shot frames (gratuitous ARP)
	ref      depRef // f's registration for this evaluation
	fr       frame
	hash     uint32
	stack    []hop
	all      []hop
	segs     []floodSeg // floods past host ports (floodload.go)
	path     []hop
	held     []learnRef
	indexed  []eagerIndex // keys the walk indexed by bridge for its floods (unindexEager)
	done     bool
	local    bool // delivered inside a hypervisor's virtual switch, without a hop
	byFlood  bool // the delivered copy was flooded on the way
	dup      bool
	reason   loss
	flooding int // > 0 while following flooded copies: their losses explain nothing
}

// loss says where a frame was lost; it is formatted only when someone asks, so that
// flooding past hundreds of ports costs no string building.
type loss struct {
	name, what string
	mac        mac
	vlan       int32 // named after what when set (int32: a flow direction fits 384 bytes)
}

func (l loss) format(n *Network) string {
	if l.name == "" && l.what == "" {
		return ""
	}
	s := l.name + l.what
	if l.mac != 0 {
		s += n.macName(l.mac)
	}
	if l.vlan != 0 {
		s += n.vlanName(int(l.vlan))
	}
	return s
}

var stateWhat = [...]string{" is discarding", " is listening", " is learning", " is forwarding"}

func (w *walker) reset(f *Flow, hash uint32) {
	w.unindexEager() // a one-shot frame's walk leaves its indexes to the next walk
	w.f, w.hash = f, hash
	if f != nil {
		w.ref = depRef{f.id, w.n.stamps[f.id]}
	}
	w.fr = frame{}
	w.stack, w.all, w.path, w.held = w.stack[:0], w.all[:0], w.path[:0], w.held[:0]
	w.segs, w.indexed = w.segs[:0], w.indexed[:0]
	w.done, w.local, w.byFlood, w.dup, w.reason, w.flooding = false, false, false, false, loss{}, 0
	w.n.walkID = w.n.nextWalk()
}

// unindexEager drops again the indexes the walk made for keys its floods left on
// fewer bridges than keep an index (a flood that soon met a bridge knowing its
// destination): their entries go back to their bridges' tables.
func (w *walker) unindexEager() {
	for _, x := range w.indexed {
		w.n.unindexFrom(x.key, w.n.keyAt(int(x.key.vlan), x.key.mac), x.tabled)
	}
	w.indexed = w.indexed[:0]
}

// eagerIndex is a key a walk indexed, with the number of its entries then: those are
// in their bridges' tables, the ones written since are not.
type eagerIndex struct {
	key    fdbKey
	tabled int
}

func (w *walker) dep(d *depList) {
	if w.f != nil {
		d.add(w.n, w.ref)
	}
}

// bulk reports whether d is a switch whose flood registrations are per bridge
// (bridge.floodDeps).
func (d *device) bulk() bool { return d.kind == kindSwitch && d.br.bulk }

// lose notes where the frame was lost, unless it is a flooded copy (most of those
// are lost somewhere by design); the first loss explains the outage.
func (w *walker) lose(name, what string, m mac) {
	if w.flooding == 0 {
		w.loseAnyway(name, what, m)
	}
}

func (w *walker) loseAnyway(name, what string, m mac) {
	if w.reason == (loss{}) {
		w.reason = loss{name: name, what: what, mac: m}
	}
}

// loseVLAN is lose with the VLAN named at the end of the reason.
func (w *walker) loseVLAN(name, what string, v int) {
	if w.flooding == 0 {
		w.loseAnywayVLAN(name, what, v)
	}
}

func (w *walker) loseAnywayVLAN(name, what string, v int) {
	if w.reason == (loss{}) {
		w.reason = loss{name: name, what: what, vlan: int32(v)}
	}
}

func (w *walker) deliver() {
	if !w.done {
		w.done = true
		w.byFlood = w.flooding > 0
		w.path = append(w.path[:0], w.stack...)
	} else {
		w.dup = true
	}
}

func (w *walker) learn(b *bridge, lp *lport) {
	if w.f != nil && w.f.cfg.Passive {
		return // an observer's probe teaches the switches nothing
	}
	if w.f != nil {
		b.learn(w.fr.vlan, w.fr.src, lp, &w.held)
	} else {
		b.learn(w.fr.vlan, w.fr.src, lp, nil)
	}
}

// fromHost sends the frame from host h: pinned is the member a probe must use, else
// the team chooses.
func (w *walker) fromHost(h *device, pinned *Port) {
	w.dep(&h.deps)
	if h.failed {
		w.lose(h.name, " is down", 0)
		return
	}
	t := h.team
	if t == nil {
		w.lose(h.name, " has no NIC", 0)
		return
	}
	w.dep(&t.deps)
	p := pinned
	if p == nil {
		m := t.txMember(w.hash)
		if m == nil {
			w.lose(h.name, ": no usable team member", 0)
			return
		}
		p = m.port
		if w.fr.src == h.mac && t.cfg.Mode == topology.TLB && m != t.active {
			w.fr.src = p.mac // TLB secondaries send with their own MAC
		}
	}
	w.dep(&p.deps)
	if !p.usable() {
		w.lose(p.name, " has no link", 0)
		return
	}
	// An access NIC does not tag: its frames are in whatever VLAN the switch port puts
	// them in. A trunk NIC tags, and has no frames for VLANs it is not configured for.
	switch {
	case p.accessNIC():
		w.fr.tag = 0
	case !p.allows(w.fr.vlan):
		w.loseVLAN(p.name, " is not configured for VLAN ", w.fr.vlan)
		return
	default:
		w.fr.tag = p.egressTag(w.fr.vlan)
	}
	w.send(p)
}

// send puts the frame on p's link.
func (w *walker) send(p *Port) {
	// A flood in a network that learns lazily registers on the bridges it crosses
	// (bridge.floodDeps) rather than on each of their ports; the destination's own
	// ports it registers on as any frame does.
	bulk := w.flooding > 0 && w.n.lazyOn
	if !bulk || !p.dev.bulk() {
		w.dep(&p.deps)
	}
	l := p.link
	if l == nil || l.cut[p.end] || !p.emits(0) {
		w.lose(p.name, ": lost on the link", 0)
		return
	}
	q := l.ends[1-p.end]
	switch {
	case !bulk, q.dev.kind == kindPassThrough, q.dev.kind == kindSwitch && !q.dev.bulk():
		w.dep(&q.deps)
	case q.dev.kind == kindHost && (w.fr.dst == q.dev.mac || w.fr.dst == q.mac || q.dev.vsw != nil || !p.dev.bulk()):
		w.dep(&q.deps)
	}
	if q.failed || q.dev.failed {
		w.lose(q.name, " is down: lost on the link", 0)
		return
	}
	h := mkHop(l, p.end)
	w.stack = append(w.stack, h)
	w.all = append(w.all, h)
	vlan, tag := w.fr.vlan, w.fr.tag
	w.arrive(q)
	w.fr.vlan, w.fr.tag = vlan, tag
	w.stack = w.stack[:len(w.stack)-1]
}

func (w *walker) arrive(q *Port) {
	d := q.dev
	switch d.kind {
	case kindPassThrough:
		if q.pair == nil {
			w.lose(q.name, " is not wired through", 0)
			return
		}
		w.send(q.pair)
	case kindHost:
		if q2 := w.fr.toPort; q2 != nil {
			if q == q2 && q.hostTakes(w.fr.tag) && !d.failed && !q.failed && q.carrier {
				w.deliver()
			} else {
				w.lose(q.name, " is not the destination", 0)
			}
			return
		}
		if d.team != nil && w.fr.dst == d.mac {
			w.dep(&d.team.deps) // only the active member takes the team MAC
		}
		switch {
		case !q.hostTakes(w.fr.tag):
			if w.fr.dst == d.mac || w.fr.dst == q.mac {
				w.loseAnywayVLAN(q.name, " is not configured for the frame's VLAN ", int(w.fr.tag))
			}
		case d.team != nil && d.team.accepts(q, w.fr.dst):
			w.deliver()
		case d.vsw != nil && w.toVM(d, q):
		case w.fr.dst == d.mac || w.fr.dst == q.mac:
			w.loseAnyway(q.name, " does not receive for ", w.fr.dst)
		default:
			w.lose(q.name, " is not the destination", 0)
		}
	case kindSwitch:
		w.bridgeIn(d, q)
	}
}

// bridgeIn handles the frame arriving at switch sw on port q.
func (w *walker) bridgeIn(sw *device, q *Port) {
	if w.flooding > 0 && sw.br.bulk {
		w.dep(&sw.br.floodDeps) // stands for q's deps (send skipped them)
	}
	if !q.usable() {
		w.lose(q.name, " is down", 0)
		return
	}
	lp := q.lp
	if lp == nil {
		return // peer link: only crossed explicitly
	}
	if lp.agg {
		w.dep(&lp.deps)
		if !lp.memberActive(q) {
			w.lose(q.name, " is not collecting", 0)
			return
		}
	}
	st := q.state
	if st != Forwarding && st != Learning {
		w.lose(q.name, stateWhat[st], 0)
		return
	}
	v := q.ingressVLAN(w.fr.tag)
	switch {
	case v == 0:
		w.lose(q.name, " drops untagged frames (no native VLAN)", 0)
		return
	case !q.allows(v):
		w.loseVLAN(q.name, " does not allow VLAN ", v)
		return
	case !sw.carries(v):
		w.loseVLAN(sw.name, " does not carry VLAN ", v)
		return
	}
	w.fr.vlan = v
	b := sw.br
	if b.visit == w.n.walkID {
		w.dup = true
		return
	}
	w.learn(b, lp)
	if st == Learning {
		w.lose(q.name, " is learning", 0)
		return
	}
	w.forward(sw, lp)
}

// forward looks the destination up in sw's bridge and sends the frame on, floods it,
// or filters it; in is where it came from.
func (w *walker) forward(sw *device, in *lport) {
	b := sw.br
	b.visit = w.n.walkID
	if w.fr.dst == macFlood {
		if t := w.fr.target; t != nil && t.br == b && !t.failed && t.carries(w.fr.vlan) && (t == sw || w.peerUp(sw)) {
			w.deliver()
		}
		if w.f == nil && w.fr.target == nil && w.n.lazyOn {
			// A broadcast that only teaches (lazy.go): announced, not walked.
			if t := w.n.tree(w.fr.vlan); t.simple {
				w.n.announce(b, in, w.fr.vlan, w.fr.src, t)
				return
			}
		}
		w.flood(sw, in)
		return
	}
	if own := b.own(w.fr.dst); own != nil {
		// The switch's own MAC: its interface in every VLAN it carries.
		if own.carries(w.fr.vlan) {
			w.egress(sw, own.cpu)
		} else {
			w.loseVLAN(own.name, " has no interface in VLAN ", w.fr.vlan)
		}
		return
	}
	var e *fdbEntry
	if w.n.lazyOn {
		var ks *keyState
		if e, ks = b.lookup(w.fr.vlan, w.fr.dst); e == nil {
			w.dep(&ks.flooders)
		}
	} else {
		e = b.entry(w.fr.vlan, w.fr.dst)
	}
	if e != nil {
		b.settleAging(e)
		if w.f != nil {
			b.watch(e) // the flow registers on it next
		}
		w.dep(&e.deps)
	}
	switch {
	case e == nil || e.lp == nil:
		if w.flooding == 0 && w.n.lazyOn {
			// The flood looks the destination up and learns the source on every
			// bridge of the VLAN: index both keys by bridge now, not after a
			// quarter of the bridges' tables were probed for them.
			vi := int32(w.n.vlanIndex(w.fr.vlan))
			for _, k := range [2]fdbKey{{vi, w.fr.dst}, {vi, w.fr.src}} {
				if ks := w.n.keyAt(int(k.vlan), k.mac); ks != nil && ks.byBridge == nil {
					w.n.indexKey(ks)
					w.indexed = append(w.indexed, eagerIndex{k, len(ks.entries)})
				}
			}
		}
		w.flood(sw, in)
	case e.lp == in:
		w.lose(b.name, " filters: the entry points back to the ingress port for ", w.fr.dst)
	default:
		w.egress(sw, e.lp)
	}
}

// peerUp reports whether sw reaches its cluster peer over a working peer link.
func (w *walker) peerUp(sw *device) bool {
	for _, l := range sw.br.peerLinks {
		w.dep(&l.ends[0].deps)
		w.dep(&l.ends[1].deps)
		for d, p := range l.ends {
			q := l.ends[1-d]
			if p.dev == sw && p.usable() && q.usable() && !l.cut[d] && p.allows(w.fr.vlan) && q.allows(w.fr.vlan) {
				return true
			}
		}
	}
	return false
}

// crossPeer moves the frame over the peer link from sw to its cluster peer.
func (w *walker) crossPeer(sw *device) (*device, bool) {
	for _, l := range sw.br.peerLinks {
		w.dep(&l.ends[0].deps)
		w.dep(&l.ends[1].deps)
		for d, p := range l.ends {
			q := l.ends[1-d]
			if p.dev == sw && p.usable() && q.usable() && !l.cut[d] && p.allows(w.fr.vlan) && q.allows(w.fr.vlan) {
				h := mkHop(l, d)
				w.stack = append(w.stack, h)
				w.all = append(w.all, h)
				return q.dev, true
			}
		}
	}
	w.lose(sw.name, ": peer link down", 0)
	return nil, false
}

func (w *walker) uncross() { w.stack = w.stack[:len(w.stack)-1] }

// egress sends the frame out of lp, crossing to the cluster peer if lp lives there.
func (w *walker) egress(sw *device, lp *lport) {
	if lp.agg {
		w.dep(&lp.deps) // membership changes touch an aggregate's (a port's touch its own)
	}
	var p *Port
	var at *device
	switch {
	case lp.cpu != nil:
		at = lp.cpu
	case lp.agg:
		p = lp.pick(sw, w.hash)
		if p == nil {
			w.lose(lp.name, " has no active member", 0)
			return
		}
		at = p.dev
	default:
		p = lp.port
		at = p.dev
	}
	if at != sw {
		if _, ok := w.crossPeer(sw); !ok {
			return
		}
		defer w.uncross()
	}
	if p == nil {
		w.atCPU(at)
		return
	}
	w.out(p)
}

// out sends on a switch port if it forwards and carries the frame's VLAN.
func (w *walker) out(p *Port) {
	w.dep(&p.deps)
	if !p.usable() {
		w.lose(p.name, " is down", 0)
		return
	}
	if p.state != Forwarding {
		w.lose(p.name, stateWhat[p.state], 0)
		return
	}
	if !p.allows(w.fr.vlan) {
		w.loseVLAN(p.name, " does not allow VLAN ", w.fr.vlan)
		return
	}
	w.fr.tag = p.egressTag(w.fr.vlan)
	w.send(p)
}

// flood sends the frame out of every forwarding logical port of the bridge except in.
func (w *walker) flood(sw *device, in *lport) {
	w.flooding++
	defer func() { w.flooding-- }()
	b := sw.br
	bulk := b.bulk
	if bulk {
		w.dep(&b.floodDeps)
		w.floodPlain(b, in)
		return
	}
	remote := false
	for _, lp := range b.lports {
		if lp == in || lp.cpu != nil {
			continue
		}
		p := lp.port
		if lp.agg {
			w.dep(&lp.deps)
			if p = lp.pick(sw, w.hash); p == nil {
				continue
			}
		}
		if p.dev != sw {
			remote = true
			continue
		}
		if !bulk {
			w.dep(&p.deps)
		}
		if p.usable() && p.state == Forwarding && p.allows(w.fr.vlan) {
			w.fr.tag = p.egressTag(w.fr.vlan)
			w.send(p)
		}
	}
	if !remote {
		return
	}
	peer, ok := w.crossPeer(sw)
	if !ok {
		return
	}
	defer w.uncross()
	for _, lp := range b.lports {
		if lp == in || lp.cpu != nil {
			continue
		}
		p := lp.port
		if lp.agg {
			p = lp.pick(sw, w.hash)
		}
		if p == nil || p.dev != peer {
			continue
		}
		w.dep(&p.deps)
		if p.usable() && p.state == Forwarding && p.allows(w.fr.vlan) {
			w.fr.tag = p.egressTag(w.fr.vlan)
			w.send(p)
		}
	}
}

// floodPlain floods through plain bridge b: out of the ports that do not face a host,
// and those that face the destination, in port order; the other host ports are a
// flood segment (floodload.go).
func (w *walker) floodPlain(b *bridge, in *lport) {
	v := w.fr.vlan
	vi := w.n.vlanIndex(v)
	if w.f != nil {
		seg := floodSeg{br: int32(b.id), vi: int32(vi), in: -1, dst: w.fr.dst}
		if in.port != nil && in.port.leaf {
			seg.in = int32(mkHop(in.port.link, in.port.end))
		}
		w.segs = append(w.segs, seg)
	}
	out := func(lp *lport) {
		if lp == in {
			return
		}
		p := lp.port
		if p.usable() && p.state == Forwarding && p.allows(v) {
			w.fr.tag = p.egressTag(v)
			w.send(p)
		}
	}
	trunks := b.floodPorts(vi, v)
	if t, leaves := w.prunedFlood(); t != nil {
		var tbuf [4]*lport
		trunks = towards(t, b, trunks, leaves, tbuf[:0])
	}
	// the destination's ports at b, merged into the port order
	var buf [4]*lport
	mine := buf[:0]
	for _, p := range w.n.leavesFacing(w.fr.dst) {
		if p.dev.br == b {
			mine = append(mine, p.lp)
		}
	}
	if len(mine) > 1 {
		slices.SortFunc(mine, func(x, y *lport) int { return x.idx - y.idx })
	}
	i, j := 0, 0
	for i < len(trunks) || j < len(mine) {
		if j == len(mine) || i < len(trunks) && trunks[i].idx < mine[j].idx {
			out(trunks[i])
			i++
		} else {
			w.dep(&mine[j].port.deps) // its changes do not touch the bridge's floodDeps
			out(mine[j])
			j++
		}
	}
}

// atCPU handles a frame the bridge delivers to switch sw itself.
func (w *walker) atCPU(sw *device) {
	w.dep(&sw.deps)
	if sw.failed {
		w.lose(sw.name, " is down", 0)
		return
	}
	if g := w.fr.gw; g != nil {
		w.dep(&g.deps)
		if !g.isMaster(sw) {
			w.lose(sw.name, " is not the gateway master", 0)
			return
		}
		if w.fr.vlan != g.vlan {
			w.loseVLAN(sw.name, " got the frame for "+g.name+" in VLAN ", w.fr.vlan)
			return
		}
		if w.fr.routeTo != 0 {
			w.route(sw)
			return
		}
		w.deliver()
		return
	}
	if sw.mac == w.fr.dst {
		w.deliver()
	}
}

// route continues the frame after gateway sw routed it: a new frame from sw's MAC to
// the final destination, in the VLAN of the destination's interface.
func (w *walker) route(sw *device) {
	// The frame the gateway received may be one copy of a flood (its virtual MAC
	// unknown on the way): the other copies go on as they were once the routed frame
	// is walked. Left as the routed frame, they carried its destination, and a host
	// they reached took the frame sent to the gateway as its own.
	// The routed frame is a walk of its own (a bridge it crosses is no duplicate of
	// the flood's copies), and the copies go on with the flood's walk id afterwards.
	fr, id := w.fr, w.n.walkID
	w.n.walkID = w.n.nextWalk()
	w.fr = frame{src: sw.mac, dst: w.fr.routeTo, vlan: w.fr.routeIn}
	w.fromSwitch(sw)
	w.fr, w.n.walkID = fr, id
}

// nextWalk returns a walk id no walk had: a routed frame's walk gives its flood's id
// back when it ends, so ids are drawn from a counter of their own.
func (n *Network) nextWalk() uint64 {
	n.walkMax++
	return n.walkMax
}

// fromSwitch injects a frame at switch sw's CPU (adverts, replies, routed traffic) in
// the frame's VLAN.
func (w *walker) fromSwitch(sw *device) {
	w.dep(&sw.deps)
	if sw.failed {
		w.lose(sw.name, " is down", 0)
		return
	}
	if !sw.carries(w.fr.vlan) {
		w.loseVLAN(sw.name, " has no interface in VLAN ", w.fr.vlan)
		return
	}
	w.learn(sw.br, sw.cpu)
	w.forward(sw, sw.cpu)
}
