package network

import "slices"

// Forgetting MAC entries. A flood writes an entry on every bridge of its VLAN: the
// source it learns and the destination it looks up. Once the entry has aged out or
// been flushed and the flows that looked at it have since walked elsewhere, it is an
// empty record nobody reads — in a fabric of 800 switches nine entries in ten (and
// with their aging timers, half the heap). A real bridge frees such a slot; here it
// was kept so that flows could depend on its coming back.
//
// In a network that learns lazily (lazy.go) an empty entry is dropped when nothing can
// tell it from one never written: it points nowhere, no flow holds it or is
// registered on it (every item of its dependency list is stale), no timer or queue
// has it, and the announcements of its MAC teach its bridge nothing now (derived).
// Written again, it gets what the announcements taught the bridge — nothing, unless a
// newer announcement reached the bridge, which would have taught the kept entry the
// same at the same instant — so the run goes on as if it had been kept. A learned
// entry that nothing holds or looks at and that ages without a timer is dropped too
// when it holds exactly what the announcements teach its bridge (the port, the
// instant): written again it holds the same. An announcement drops the quiet entries
// it reaches at once (lazy.go), so a MAC announced often, a phone's before each call,
// keeps entries only where flows look at it. Networks that walk every broadcast keep
// their entries, which their trace lists.

// entrySweepMin is the least number of entries written between two sweeps, so that a
// small network never sweeps; dctwin's own choice. Below zero, every settle sweeps
// (tests: ForgetEagerly).
var entrySweepMin = 1 << 16

// maybeForget drops the forgettable entries once the tables hold a quarter more
// entries than they kept after the last sweep (and at least entrySweepMin more); the
// cost of a sweep is paid for by the entries written since.
func (n *Network) maybeForget() {
	if !n.lazyOn || entrySweepMin >= 0 && n.entryCount <= n.entryKept+max(n.entryKept/4, entrySweepMin) {
		return
	}
	forgot := false
	for _, b := range n.bridges {
		if b.forget() {
			forgot = true
		}
	}
	if forgot {
		for k, ks := range n.keys {
			ks.entries = slices.DeleteFunc(ks.entries, func(e *fdbEntry) bool {
				if e.state&entryForgotten == 0 {
					return false
				}
				if ks.byBridge != nil {
					ks.byBridge[e.b.id] = nil
				}
				return true
			})
			n.unindex(k, ks)
			ks.byID.shrink()
		}
	}
	n.entryKept = n.entryCount
}

// forget drops b's forgettable entries and reports whether there were any; entries
// announce dropped already leave the table here.
func (b *bridge) forget() bool {
	n := b.n
	kept := b.entries[:0]
	for _, e := range b.entries {
		if e.state&entryForgotten != 0 {
			n.entryCount-- // dropped by announce
			continue
		}
		b.settleAging(e)
		if !n.forgettable(e) {
			if e.lp == nil && e.age != nil && !e.age.Armed() {
				e.age = nil // an empty entry's timer: made again when it is learned
			}
			kept = append(kept, e)
			continue
		}
		n.forgetEntry(n.keyOf(fdbKey{int32(n.vlanIndex(int(e.vlan))), e.mac}), e)
		n.entryCount--
	}
	b.compactTimed()
	if len(kept) == len(b.entries) {
		return false
	}
	clear(b.entries[len(kept):])
	b.entries = kept
	return true
}

// forgetEntry marks e forgotten and takes it out of its port's list and its key's map
// (not out of the key's list or its bridge's table: the callers do that).
func (n *Network) forgetEntry(ks *keyState, e *fdbEntry) {
	e.setPort(nil)
	e.dropTimer()
	e.state |= entryForgotten
	id := int32(e.b.id)
	// The creation number is kept with the key, not the bridge: a flood looks the
	// key up on bridge after bridge, and one small map stays in the cache.
	ks.byID.del(id)
	ks.gone.put(id, e.id)
}

// drop forgets e, one of the entries of key ks, at once: out of the key's index too.
// Its bridge's table lets go of it at the next sweep (forget).
func (n *Network) drop(ks *keyState, e *fdbEntry) {
	n.forgetEntry(ks, e)
	if ks.byBridge != nil {
		ks.byBridge[e.b.id] = nil
	}
}

// quiet reports whether nothing holds, queues or looks at e: a flow holding or
// registered on it, a queue, a MAC conflict. Its contents are then only what the
// announcements of its MAC taught it, or nothing. An aging timer does not count: it
// was armed for flows that have since walked elsewhere (an entry nobody looks at ages
// without one, lazyaging.go), and lazy aging ends the entry when the timer would.
func (n *Network) quiet(e *fdbEntry) bool {
	if e.refs != 0 || e.holdRefs != 0 || e.more != nil || e.state&^entryAging != 0 {
		return false
	}
	if e.lp != nil && e.lp.cpu != nil {
		return false // a switch's own interface: its entries keep their timers
	}
	// newest first: a flow still registered on it most likely registered last
	for i := len(e.deps.items) - 1; i >= 0; i-- {
		if r := e.deps.items[i]; n.stamps[r.id] == r.stamp {
			return false
		}
	}
	return true
}

// forgettable reports whether e can be dropped without changing the run (see above):
// it is quiet, and it is empty while the announcements of its MAC teach its bridge
// nothing now, or it ages without a timer and holds exactly what they teach.
func (n *Network) forgettable(e *fdbEntry) bool {
	if !n.quiet(e) || e.lp != nil && e.state&entryAging == 0 {
		return false
	}
	ks := n.keyAt(n.vlanIndex(int(e.vlan)), e.mac)
	if ks == nil {
		return e.lp == nil
	}
	lp, last, _, ok := n.derived(e.b, ks)
	if e.lp == nil {
		return !ok
	}
	return ok && lp == e.lp && last == e.last
}
