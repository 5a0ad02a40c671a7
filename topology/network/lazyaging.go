package network

// Aging without a timer per entry. In a large fabric a flood teaches its source to
// every switch of the VLAN, and when the flood ends those entries age: hundreds of
// thousands of aging timers, each firing once to empty an entry nobody reads. In a
// network that learns lazily an entry that ages while no flow is registered on it
// (nobody is re-evaluated when it goes) keeps no timer: when something reads it — a
// lookup or a learning, a flush, the forgetting sweep — its expiry is computed from
// its last refresh and the bridge's topology changes (agingFrom, tested against the
// timer by TestLazyAgingEqualsTimerAging), and an entry that has aged out by then is
// emptied as its timer would have emptied it. The moment a flow registers on it, it
// gets its timer, armed for the instant the timer would be pending for. Entries on a
// switch's CPU (a gateway's virtual MAC) keep their timers: topology changes do not
// shorten their aging, which agingFrom does not model.

// agesWithoutTimer reports whether e, learned and about to age from e.last, can age
// without a timer.
func (b *bridge) agesWithoutTimer(e *fdbEntry) bool {
	if !b.n.lazyOn || e.lp == nil || e.lp.cpu != nil || e.refs != 0 {
		return false
	}
	for _, r := range e.deps.items {
		if b.n.stamps[r.id] == r.stamp {
			return false // flows are registered on it: they must see it go when it goes
		}
	}
	return true
}

// settleAging empties e if it ages without a timer and has aged out by now, and
// reports whether it did.
func (b *bridge) settleAging(e *fdbEntry) bool {
	if !b.agedOut(e) {
		return false
	}
	b.ageOut(e)
	return true
}

// agedOut reports whether e ages without a timer and has aged out by now (settleAging
// empties it).
func (b *bridge) agedOut(e *fdbEntry) bool {
	if e.state&entryAging == 0 {
		return false
	}
	// No timer armed at last fires before the shorter of the two aging times.
	now := b.n.s.Now()
	if now < e.last+min(b.cfg.ForwardDelay, b.cfg.MACAging) {
		return false
	}
	_, expired := b.agingFrom(e.last, now)
	return expired
}

// settleAgingOf settles the aging of the entries es (a flush's) and returns those
// still learned, in es's array.
func (b *bridge) settleAgingOf(es []*fdbEntry) []*fdbEntry {
	j := 0
	for _, e := range es {
		if !b.settleAging(e) {
			es[j] = e
			j++
		}
	}
	clear(es[j:])
	return es[:j]
}

// watch gives e its timer if it ages without one: a flow is about to register on it
// and must be re-evaluated when it ages out. Its aging was settled first, so it has
// not aged out yet.
func (b *bridge) watch(e *fdbEntry) {
	if e.state&entryAging == 0 {
		return
	}
	fire, _ := b.agingFrom(e.last, b.n.s.Now())
	e.state &^= entryAging
	e.age = b.n.s.NewTimer(e.expire)
	b.noteTimed(e)
	e.age.ResetAt(fire)
}
