package network

// A MAC entry a running flow's traffic keeps teaching is held: it does not age while
// the flow runs. Flows hold it through the port their frames arrive on, so an entry
// knows how many flows teach each port. Normally that is one port. When running
// traffic teaches two ports at once — a team's members on two switches that do not
// aggregate them (SLB split over two switches), frames looping — the entry flaps
// between them at the packet rate; the switch raises an alarm (MACFlapping) and
// frames to the address follow the port learned last. When the flows teaching the
// port the entry points at stop or move away, the next frame of those still teaching
// another port moves the entry there. Both are settled at the end of the instant,
// once every flow has walked its new path, so that a failover (the new path taught
// flow by flow within one instant) is not taken for flapping.

// lpHold counts the flows teaching an entry through one port.
type lpHold struct {
	lp   *lport
	refs int32
}

const (
	entryQueued    uint8 = 1 << iota // in Network.holdQueue
	entryFlapping                    // MACFlapping reported, the conflict lasts
	entryForgotten                   // dropped from its table (forget.go)
	entryAging                       // aging without a timer since last (lazyaging.go)
)

// heldOn returns how many flows teach e through lp.
func (e *fdbEntry) heldOn(lp *lport) int32 {
	if e.holdLP == lp {
		return e.holdRefs
	}
	for _, h := range e.others() {
		if h.lp == lp {
			return h.refs
		}
	}
	return 0
}

// others are the holds on ports other than holdLP: none unless the MAC flaps.
func (e *fdbEntry) others() []lpHold {
	if e.more == nil {
		return nil
	}
	return *e.more
}

// setOthers replaces the other holds; none is no slice at all.
func (e *fdbEntry) setOthers(hs []lpHold) {
	switch {
	case len(hs) == 0:
		e.more = nil
	case e.more == nil:
		e.more = &hs
	default:
		*e.more = hs
	}
}

// addHold counts one more flow teaching e through lp.
func (e *fdbEntry) addHold(lp *lport) {
	e.refs++
	switch {
	case e.holdLP == lp:
		e.holdRefs++
		return
	case e.holdRefs == 0:
		e.holdLP, e.holdRefs = lp, 1
		return
	}
	more := e.others()
	for i := range more {
		if more[i].lp == lp {
			more[i].refs++
			return
		}
	}
	e.setOthers(append(more, lpHold{lp, 1}))
}

// dropHold counts one flow fewer teaching e through lp.
func (e *fdbEntry) dropHold(lp *lport) {
	e.refs--
	more := e.others()
	if e.holdLP == lp {
		e.holdRefs--
		if e.holdRefs == 0 && len(more) > 0 {
			e.holdLP, e.holdRefs = more[0].lp, more[0].refs
			e.setOthers(more[1:])
		}
		return
	}
	for i := range more {
		if more[i].lp == lp {
			more[i].refs--
			if more[i].refs == 0 {
				e.setOthers(append(more[:i], more[i+1:]...))
			}
			return
		}
	}
}

// dropHolds forgets every hold (the entry was emptied).
func (e *fdbEntry) dropHolds() {
	e.holdLP, e.holdRefs, e.more = nil, 0, nil
	e.state &^= entryFlapping
}

// learn records that traffic from MAC m entered b on lp in VLAN v. With a flow (held
// non-nil) the entry is held refreshed for as long as the flow keeps this path; a
// one-shot frame (gratuitous ARP) just refreshes it.
func (b *bridge) learn(v int, m mac, lp *lport, held *[]learnRef) {
	if m == macFlood {
		return
	}
	if own := b.own(m); own != nil && lp.cpu != own {
		return // our own MAC seen from outside: a loop, not a move
	}
	if lp.cpu != nil && lp.cpu.mac == m {
		return // our own frames: answered without an entry (own)
	}
	b.learnInto(b.entry(v, m), lp, held)
}

// learnInto is learn once the entry e of the MAC is found.
func (b *bridge) learnInto(e *fdbEntry, lp *lport, held *[]learnRef) {
	b.settleAging(e)
	n := b.n
	if e.lp != lp {
		b.point(e, lp)
	}
	if held != nil {
		e.addHold(lp)
		*held = append(*held, learnRef{e, lp, e.gen})
		if e.more != nil {
			n.queueHolds(e)
		}
		e.dropTimer() // held: it does not age while flows teach it
		return
	}
	if e.refs == 0 {
		e.last = n.s.Now()
		b.armAging(e)
	} else if e.heldOn(lp) == 0 {
		n.queueHolds(e) // flows still teach another port
	}
}

// point makes e point at lp, reporting the change.
func (b *bridge) point(e *fdbEntry, lp *lport) {
	n := b.n
	from := ""
	change := MACLearned
	if e.lp != nil {
		from, change = e.lp.name, MACMoved
	}
	e.setPort(lp)
	if n.s.Observed() {
		n.s.Report(MACChanged{Switch: b.name, MAC: n.macName(e.mac), VLAN: n.vlanName(int(e.vlan)), Port: lp.name, From: from, Change: change})
	}
	n.touch(&e.deps)
	if ks := n.keyAt(n.vlanIndex(int(e.vlan)), e.mac); ks != nil {
		n.touch(&ks.flooders) // flows that found no entry for it elsewhere (lookup)
	}
}

// release drops a flow's hold; an entry nobody refreshes starts to age.
func (b *bridge) release(r learnRef) {
	if b.unhold(r) {
		b.startAging(r.e)
	}
}

// unhold drops a flow's hold without starting the entry's aging, and reports whether
// nobody holds the entry any more (startAging then starts it, unless a new walk holds
// it again first).
func (b *bridge) unhold(r learnRef) bool {
	e := r.e
	if e.gen != r.gen || e.lp == nil {
		return false
	}
	e.dropHold(r.lp)
	if e.refs > 0 {
		if e.heldOn(e.lp) == 0 || e.more == nil && e.state&entryFlapping != 0 {
			b.n.queueHolds(e)
		}
		return false
	}
	e.refs = 0
	return true
}

// startAging starts the aging of an entry nobody holds.
func (b *bridge) startAging(e *fdbEntry) {
	if e.refs == 0 && e.lp != nil {
		e.last = b.n.s.Now()
		b.armAging(e)
	}
}

// queueHolds settles e at the end of the instant.
func (n *Network) queueHolds(e *fdbEntry) {
	if e.state&entryQueued != 0 {
		return
	}
	e.state |= entryQueued
	n.holdQueue = append(n.holdQueue, e)
}

// settleHolds settles the queued entries once every flow of the instant has walked: an
// entry pointing at a port no flow teaches any more moves to one that flows still
// teach, and an entry that running traffic teaches on two ports flaps.
func (n *Network) settleHolds() {
	q := n.holdQueue
	n.holdQueue = nil
	for _, e := range q {
		e.state &^= entryQueued
		if e.lp == nil || e.refs == 0 {
			e.state &^= entryFlapping
			continue
		}
		if e.heldOn(e.lp) == 0 {
			e.b.point(e, e.holdLP)
		}
		if e.more == nil {
			e.state &^= entryFlapping
			continue
		}
		if e.state&entryFlapping == 0 {
			e.state |= entryFlapping
			other := e.holdLP
			if other == e.lp {
				other = e.others()[0].lp
			}
			n.flaps++
			n.record(MACFlapping{Switch: e.b.name, MAC: n.macName(e.mac), VLAN: n.vlanName(int(e.vlan)), Ports: [2]string{other.name, e.lp.name}})
		}
	}
}
