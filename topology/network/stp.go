package network

import (
	"container/heap"

	"dctwin/sim"
	"dctwin/topology"
)

// PortRole is a port's spanning-tree role.
type PortRole uint8

// Spanning-tree port roles.
const (
	RoleDisabled   PortRole = iota // link down: not part of the tree
	RoleRoot                       // the bridge's best path to the root
	RoleDesignated                 // forwards for its segment, away from the root
	RoleAlternate                  // a blocked backup path to the root
	RoleEdge                       // a host-facing edge (PortFast) port
)

// String returns the role's name.
func (r PortRole) String() string {
	return [...]string{"disabled", "root", "designated", "alternate", "edge"}[r]
}

// PortState is a port's spanning-tree state. RSTP's discarding is 802.1D's blocking.
type PortState uint8

// Spanning-tree port states.
const (
	Discarding PortState = iota // no forwarding, no learning (802.1D blocking)
	Listening                   // 802.1D: forward delay without learning
	Learning                    // learns MAC addresses, does not forward yet
	Forwarding                  // forwards and learns
)

// String returns the state's name.
func (s PortState) String() string {
	return [...]string{"discarding", "listening", "learning", "forwarding"}[s]
}

// The spanning tree is computed centrally from the links both ends see (the result the
// BPDU exchange converges to: root election by priority and id, root path costs,
// root/designated/alternate roles), and each port's move into forwarding then costs
// what its protocol makes it cost:
//
//   - 802.1D: a port waits max age (20 s) for stale information to expire unless its
//     bridge saw the change itself on a link and keeps its root, then listens and
//     learns for a forward delay (15 s) each: 30 s direct, 50 s indirect (§5);
//   - RSTP: an alternate port that becomes root port forwards at once; a designated
//     port forwards after the proposal/agreement handshakes from the bridges that
//     noticed the change out to it, one Options.HandshakeDelay per hop;
//     information is aged after 3 missed hellos (6 s) when BPDUs stop without link loss;
//   - a port leaving the tree blocks at once.
//
// Topology changes flush non-edge MAC entries (RSTP) or shorten aging to the forward
// delay for max age + forward delay (802.1D).

// hears reports whether inter-switch port p receives its partner's BPDUs, or still
// holds the last ones: p sees carrier, and the partner's port is up or its
// information has not aged out yet (a one-way cut, or a partner that just died).
// The spanning tree is computed from what each port hears, so the two ends of a
// half-broken link can disagree as real bridges do.
//
// A dead bridge's port keeps "hearing" for as long as its partner still sees carrier:
// until then the neighbours work with the information the dead bridge last sent.
func (p *Port) hears() bool {
	q := p.peer()
	if !p.link.isl {
		return false
	}
	if p.dev.failed {
		return q.usable()
	}
	return p.usable() && (q.usable() || p.holding())
}

// holding reports whether p still holds BPDU information its partner no longer sends.
func (p *Port) holding() bool {
	t := p.link.bpduTimer[1-p.end]
	return t != nil && t.Armed()
}

// stpLinkCheck re-evaluates an inter-switch link after a change its bridges noticed.
func (n *Network) stpLinkCheck(l *Link) {
	n.bpduCheck(l)
	h := [2]bool{l.ends[0].hears(), l.ends[1].hears()}
	if h == l.stpHear {
		return
	}
	l.stpHear = h
	l.stpUp = h[0] || h[1]
	n.stpChanged[l.ends[0].dev.br] = true
	n.stpChanged[l.ends[1].dev.br] = true
	n.stpTimer.Reset(0)
}

// bpduCheck starts the aging of BPDU information at an end that keeps carrier while
// its partner stopped sending (the partner's port lost light on a one-way cut, or the
// partner died): the information expires 3 hellos (RSTP) or max age (802.1D) after the
// last BPDU received, reference-facts §5. The partner sent its BPDUs every hello at
// its phase, so the last one came up to a hello before it stopped, and the aging ends
// that much earlier than it would counted from the failure. (802.1D relays the root's
// BPDUs and ages by max age less the message age; dctwin ages every BPDU from its
// sender's own phase, with message age 0.)
func (n *Network) bpduCheck(l *Link) {
	for d := range l.ends {
		tx, rx := l.ends[d], l.ends[1-d]
		if !(rx.usable() && !tx.usable()) {
			if l.bpduTimer[d] != nil {
				l.bpduTimer[d].Stop()
			}
			l.bpduAged[d] = false
			continue
		}
		if l.bpduAged[d] || (l.bpduTimer[d] != nil && l.bpduTimer[d].Armed()) {
			continue
		}
		cfg := rx.dev.cfg
		age := cfg.MaxAge
		if cfg.SpanningTree == topology.RSTP {
			age = 3 * cfg.HelloTime
		}
		now := n.s.Now()
		at := lastTick(now, tx.dev.helloPh, tx.dev.cfg.HelloTime) + age
		if at < now {
			at = now
		}
		if l.bpduTimer[d] == nil {
			l.bpduTimer[d] = n.s.NewTimer(func() {
				l.bpduAged[d] = true
				rx := l.ends[1-d]
				n.record(Detected{Device: rx.dev.name, Member: rx.name, Mechanism: BySTP})
				n.stpLinkCheck(l)
			})
		}
		l.bpduTimer[d].ResetAt(at)
	}
}

func less(a, b *bridge) bool {
	if a.cfg.Priority != b.cfg.Priority {
		return a.cfg.Priority < b.cfg.Priority
	}
	return a.id < b.id
}

// portID orders ports of a bridge (cluster members by switch order, then port order).
func portID(p *Port) int { return p.dev.idx<<16 | p.idx }

// solve computes roots, root path costs and root ports of all bridges.
func (n *Network) solve() {
	// A dead bridge stays in the computation while a neighbour still holds a live
	// link to it: the neighbours learn of the death by carrier loss or BPDU aging,
	// not from the power switch.
	for _, b := range n.bridges {
		b.alive = false
		for _, d := range b.members {
			if !d.failed {
				b.alive = true
			}
			for _, p := range d.ports {
				if p.link != nil && p.link.isl && p.link.stpUp {
					b.alive = true
				}
			}
		}
		b.root, b.dist, b.rootPort, b.comp = nil, 0, nil, -1
	}
	// Components and their roots.
	comp := 0
	var queue []*bridge
	for _, b := range n.bridges {
		if !b.alive || b.comp >= 0 {
			continue
		}
		b.comp = comp
		queue = append(queue[:0], b)
		members := []*bridge{}
		root := b
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			members = append(members, x)
			if less(x, root) {
				root = x
			}
			for _, y := range n.neighbours(x) {
				if y.comp < 0 {
					y.comp = comp
					queue = append(queue, y)
				}
			}
		}
		// Dijkstra from the root over the component, bridges settled in the order
		// (distance, bridge order): a heap, as a component may hold thousands.
		const inf = int64(1) << 62
		for _, x := range members {
			x.root, x.dist = root, inf
		}
		root.dist = 0
		pq := bridgeQueue{{0, root}}
		for len(pq) > 0 {
			top := heap.Pop(&pq).(queued)
			u := top.b
			if top.dist != u.dist {
				continue // reached more cheaply since it was queued
			}
			n.eachISL(u, func(p, q *Port) {
				if !q.hears() {
					return
				}
				v := q.dev.br
				if c := u.dist + p.link.cost; c < v.dist {
					v.dist = c
					heap.Push(&pq, queued{c, v})
				}
			})
		}
		// Root ports: lowest (cost via neighbour, neighbour id, neighbour port, own port).
		for _, x := range members {
			if x == root {
				continue
			}
			var best, bestPeer *Port
			n.eachISL(x, func(p, q *Port) {
				if !p.hears() {
					return
				}
				nb := q.dev.br
				if nb.dist+p.link.cost != x.dist {
					return
				}
				if best == nil || less(nb, bestPeer.dev.br) ||
					nb == bestPeer.dev.br && (portID(q) < portID(bestPeer) || q == bestPeer && portID(p) < portID(best)) {
					best, bestPeer = p, q
				}
			})
			x.rootPort = best
		}
		comp++
	}
}

// queued is a bridge waiting in solve's Dijkstra at a distance.
type queued struct {
	dist int64
	b    *bridge
}

// bridgeQueue is solve's priority queue: nearest first, then by bridge order (less).
type bridgeQueue []queued

func (q bridgeQueue) Len() int { return len(q) }
func (q bridgeQueue) Less(i, j int) bool {
	return q[i].dist < q[j].dist || q[i].dist == q[j].dist && less(q[i].b, q[j].b)
}
func (q bridgeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *bridgeQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *bridgeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (n *Network) neighbours(b *bridge) []*bridge {
	var out []*bridge
	n.eachISL(b, func(_, q *Port) { out = append(out, q.dev.br) })
	return out
}

// eachISL calls fn for every live inter-switch link of b with p on b and q opposite.
func (n *Network) eachISL(b *bridge, fn func(p, q *Port)) {
	for _, d := range b.members {
		for _, p := range d.ports {
			l := p.link
			if l == nil || !l.isl || !l.stpUp {
				continue
			}
			q := l.ends[1-p.end]
			if !q.dev.br.alive {
				continue
			}
			fn(p, q)
		}
	}
}

// role returns the role of inter-switch port p after solve.
func (n *Network) role(p *Port) PortRole {
	l := p.link
	if p.dev.failed || !l.stpUp || !p.usable() {
		return RoleDisabled
	}
	b := p.dev.br
	if rp := b.rootPort; rp == p || rp != nil && p.lp != nil && p.lp.agg && rp.lp == p.lp {
		return RoleRoot // the members of an aggregate share its role
	}
	q := l.ends[1-p.end]
	c := q.dev.br
	if c.rootPort == q {
		return RoleDesignated
	}
	// Neither end is a root port: the end with the better priority vector designates.
	if b.dist != c.dist {
		if b.dist < c.dist {
			return RoleDesignated
		}
		return RoleAlternate
	}
	if b != c {
		if less(b, c) {
			return RoleDesignated
		}
		return RoleAlternate
	}
	if portID(p) < portID(q) {
		return RoleDesignated
	}
	return RoleAlternate
}

// syncHops measures each bridge's distance from the bridges that noticed the change:
// the RSTP proposal/agreement sync travels outward one handshake per hop.
func (n *Network) syncHops() {
	var queue []*bridge
	for _, b := range n.bridges {
		b.hops = -1
		if n.stpChanged[b] {
			b.hops = 0
			queue = append(queue, b)
		}
	}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		n.eachISL(x, func(_, q *Port) {
			if y := q.dev.br; y.hops < 0 {
				y.hops = x.hops + 1
				queue = append(queue, y)
			}
		})
	}
	for _, b := range n.bridges {
		if b.hops < 0 {
			b.hops = 0
		}
	}
}

// convergeSTP sets every port straight to its converged state (network start).
func (n *Network) convergeSTP() {
	n.solve()
	for _, b := range n.bridges {
		for _, d := range b.members {
			for _, p := range d.ports {
				switch {
				case p.link != nil && p.link.isl:
					p.role = n.role(p)
					if p.role == RoleRoot || p.role == RoleDesignated || d.cfg.SpanningTree == topology.NoSTP {
						p.state = Forwarding
					} else {
						p.state = Discarding
					}
				case p.hostFacing && p.edge:
					p.role, p.state = RoleEdge, Forwarding
				case p.hostFacing:
					p.role = RoleDesignated
					if p.carrier {
						p.state = Forwarding
					}
				default: // peer links and unconnected ports
					p.role, p.state = RoleDesignated, Forwarding
				}
			}
		}
		b.prevRoot = b.root
	}
	clear(n.stpChanged)
}

// recomputeSTP re-solves the spanning trees after links or bridges changed and moves
// ports towards their new roles with their protocol's timers.
func (n *Network) recomputeSTP() {
	prev := make([]*Port, len(n.bridges))
	for i, b := range n.bridges {
		prev[i] = b.rootPort
	}
	n.solve()
	n.syncHops()
	for i, b := range n.bridges {
		// A bridge whose root port lost its link or its BPDUs and which finds another
		// way to the root has detected the failure: its spanning tree routes around it.
		if old := prev[i]; old != nil && b.rootPort != nil && b.rootPort != old && !old.hears() {
			n.record(Detected{Device: b.name, Member: old.name, Mechanism: BySTP})
		}
	}
	for _, b := range n.bridges {
		for _, d := range b.members {
			for _, p := range d.ports {
				if p.link == nil || !p.link.isl {
					continue
				}
				old := p.role
				role := n.role(p)
				direct := n.stpChanged[b] && b.root == b.prevRoot
				n.applyRole(p, old, role, direct)
			}
		}
	}
	for _, b := range n.bridges {
		b.prevRoot = b.root
	}
	clear(n.stpChanged)
}

func (n *Network) applyRole(p *Port, old, role PortRole, direct bool) {
	p.role = role
	before := p.state
	n.moveRole(p, old, role, direct)
	if role != old && p.state == before {
		// A state change reports the new role with it; report a bare role change.
		n.record(PortStateChanged{Switch: p.dev.name, Port: p.name, Role: role, State: p.state})
	}
}

func (n *Network) moveRole(p *Port, old, role PortRole, direct bool) {
	cfg := p.dev.cfg
	want := role == RoleRoot || role == RoleDesignated || (cfg.SpanningTree == topology.NoSTP && role != RoleDisabled)
	if !want {
		n.block(p)
		return
	}
	if p.state == Forwarding || (p.stpTimer != nil && p.stpTimer.Armed()) {
		return
	}
	switch cfg.SpanningTree {
	case topology.NoSTP:
		n.moveTo(p, Forwarding)
	case topology.RSTP:
		if role == RoleRoot && old == RoleAlternate {
			n.moveTo(p, Forwarding)
			return
		}
		n.stpAfter(p, sim.Time(1+p.dev.br.hops)*n.opt.HandshakeDelay, Forwarding)
	default:
		wait := cfg.MaxAge
		if old == RoleDisabled || direct {
			wait = 0
		}
		n.stpAfter(p, wait, Listening)
	}
}

// block takes a port out of forwarding at once.
func (n *Network) block(p *Port) {
	if p.stpTimer != nil {
		p.stpTimer.Stop()
	}
	if p.state == Discarding {
		return
	}
	was := p.state
	n.moveTo(p, Discarding)
	if was == Forwarding && p.dev.cfg.SpanningTree == topology.STP {
		n.topologyChange(p)
	}
}

// stpAfter moves p into state after d; 802.1D then carries on through learning.
func (n *Network) stpAfter(p *Port, d sim.Time, state PortState) {
	if p.stpTimer == nil {
		p.stpTimer = n.s.NewTimer(func() { n.stpStep(p) })
	}
	p.stage = state
	p.stpTimer.Reset(d)
}

func (n *Network) stpStep(p *Port) {
	fd := p.dev.cfg.ForwardDelay
	n.moveTo(p, p.stage)
	switch p.stage {
	case Listening:
		n.stpAfter(p, fd, Learning)
	case Learning:
		n.stpAfter(p, fd, Forwarding)
	}
}

func (n *Network) moveTo(p *Port, s PortState) {
	if p.state == s {
		return
	}
	p.state = s
	n.treesChanged()
	n.record(PortStateChanged{Switch: p.dev.name, Port: p.name, Role: p.role, State: s})
	n.touchPort(p)
	if s == Discarding && p.lp != nil && !p.lp.forwarding() {
		p.dev.br.flushPort(p.lp, "port blocked")
	}
	if s == Forwarding && !p.edge {
		n.topologyChange(p)
	}
}

// hostPortSTP runs a non-edge host-facing port through the forward-delay states when
// its link comes up (no BPDU partner, so no handshake), and blocks it when it goes.
func (n *Network) hostPortSTP(p *Port) {
	if !p.usable() {
		n.block(p)
		return
	}
	if p.state == Forwarding || (p.stpTimer != nil && p.stpTimer.Armed()) {
		return
	}
	if p.dev.cfg.SpanningTree == topology.RSTP {
		// RSTP without an agreement falls back to the forward-delay timers:
		// discarding -> learning -> forwarding, 15 s each.
		n.stpAfter(p, p.dev.cfg.ForwardDelay, Learning)
		return
	}
	n.stpAfter(p, 0, Listening)
}

// topologyChange signals a topology change in p's spanning-tree domain. 802.1D: the
// notification reaches the root, which sets the TC flag for max age + forward delay, and
// every bridge ages its table with the forward delay meanwhile. RSTP: the TC travels the
// active topology from the bridge where it happened; each bridge flushes the entries of
// its non-edge ports except the one it received the TC on (the originator keeps the
// port that changed).
func (n *Network) topologyChange(p *Port) {
	b := p.dev.br
	cfg := p.dev.cfg
	if cfg.SpanningTree == topology.NoSTP {
		return
	}
	n.record(TopologyChanged{Switch: p.dev.name, Port: p.name, Protocol: string(cfg.SpanningTree)})
	if cfg.SpanningTree == topology.STP {
		for _, x := range n.bridges {
			if x.alive && x.comp == b.comp {
				x.tcUntil = n.s.Now() + cfg.MaxAge + cfg.ForwardDelay
				x.tcHist = append(x.tcHist, tcWindow{n.s.Now(), x.tcUntil})
				x.shortenAging()
			}
		}
		return
	}
	n.tcStamp++
	type visit struct {
		b  *bridge
		in *lport
	}
	queue := []visit{{b, p.lp}}
	b.tcSeen = n.tcStamp
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		v.b.flushTopology(v.in)
		for _, d := range v.b.members {
			for _, q := range d.ports {
				if q.link == nil || !q.link.isl || q.state != Forwarding || !q.usable() {
					continue
				}
				r := q.peer()
				if x := r.dev.br; x.tcSeen != n.tcStamp && r.usable() && r.state == Forwarding {
					x.tcSeen = n.tcStamp
					queue = append(queue, visit{x, r.lp})
				}
			}
		}
	}
}
