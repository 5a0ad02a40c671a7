package network

import (
	"cmp"
	"slices"
	"sort"

	"dctwin/sim"
)

// Broadcasts learned lazily. A gratuitous ARP (or any broadcast one-shot frame) that
// floods a VLAN teaches every bridge it reaches where its source lives: the port it
// arrived on, the port towards the sender along the VLAN's active topology. Walking
// it bridge by bridge and writing an entry on each costs bridges × hosts entries and
// as many aging timers, nearly all of which nobody ever looks up. In a large network
// the flood is instead recorded once, as an announcement: the sender's bridge, the
// instant, and the VLAN's flood topology at that instant (a tree, floodTree). A
// bridge's entry is written only when someone looks it up or learns there; it is
// then what the announcement taught it, unless a flush of its port came after the
// announcement or the entry aged out since (its aging is computed, with every 802.1D
// topology change that shortened it, instead of timed). Entries that exist already
// and that flows look at or hold are taught at once, those that change in the order
// the flood would have reached them, so that the flows looking them up are
// re-evaluated as before; the others are dropped, to be written again as the
// announcement left them (announce).
//
// This is exact only where the flood's reach is a tree every frame crosses both ways
// (the spanning tree did its work: no loop, no port still learning, no cluster, no
// VLAN changing on the way); anywhere else the frame is walked as before. Small
// networks (Options.EagerBridges) are always walked, so that their trace shows every
// MAC entry.

// tcWindow is one 802.1D topology change as a bridge saw it: from start, the bridge
// ages its table with the forward delay until until.
type tcWindow struct{ start, until sim.Time }

// nextSeq numbers the events that decide between two learnings of one entry (an
// announcement and a flush of the same instant are ordered by it).
func (n *Network) nextSeq() uint64 {
	n.seq++
	return n.seq
}

// announcement is one broadcast of a MAC in a VLAN.
type announcement struct {
	tree   *floodTree
	origin *bridge
	in     *lport // where it entered the origin
	seq    uint64
	at     sim.Time
	prev   *announcement // older ones: a bridge the newer tree does not reach keeps them
}

// keyState is what the network knows of one MAC in one VLAN: its latest announcements
// and the entries written for it so far.
type keyState struct {
	ann     *announcement
	entries []*fdbEntry
	// byBridge holds the key's entries by bridge id once it has keyIndexMin of them
	// or more: a flood learns its source and looks its destination up on every bridge
	// of the VLAN, and a look-up here costs an index, not a probe of a table of
	// thousands of entries.
	byBridge []*fdbEntry
	// byID holds the key's entries by bridge id while it has no index (byBridge); a
	// flood looks one key up on bridge after bridge, and one table stays in the cache
	// where a table per bridge did not.
	byID bridgeTable[*fdbEntry]
	// gone holds the creation numbers of the key's entries that were forgotten, by
	// bridge id (forget.go): written again, an entry takes its old place.
	gone bridgeTable[int32]
	// flooders are the flows that found the MAC unknown on a bridge that had no entry
	// for it (lookup): any bridge learning it, or a new announcement, walks them again.
	// A flood that crosses a thousand bridges registers here once instead of writing
	// an empty entry on each.
	flooders depList
}

// keyIndexMin is the number of entries from which a key indexes them by bridge: a
// quarter of the bridges (at least keyIndexFloor), so the index costs at most 32 bytes
// per entry (an entry is 112); dctwin's own choice.
func (n *Network) keyIndexMin() int { return max(keyIndexFloor, len(n.bridges)/4) }

// keyIndexFloor is the least keyIndexMin; tests set it to 0 (IndexKeysEagerly) so
// that small networks use the index too.
var keyIndexFloor = 16

// index adds e to ks.byBridge, building the index once the key has enough entries.
func (n *Network) index(ks *keyState, e *fdbEntry) {
	if ks.byBridge == nil {
		if len(ks.entries) >= n.keyIndexMin() {
			n.indexKey(ks)
			ks.byID.reset() // the index holds them all; unindex puts them back
		}
		return
	}
	ks.byBridge[e.b.id] = e
}

// indexKey indexes the entries of ks by bridge, whatever their number (nil: none).
func (n *Network) indexKey(ks *keyState) {
	if ks == nil || ks.byBridge != nil {
		return
	}
	if k := len(n.freeIndexes); k > 0 {
		ks.byBridge = n.freeIndexes[k-1]
		n.freeIndexes = n.freeIndexes[:k-1]
	} else {
		ks.byBridge = make([]*fdbEntry, len(n.bridges))
	}
	for _, x := range ks.entries {
		ks.byBridge[x.b.id] = x
	}
}

// unindex drops the index of a key left with fewer than half keyIndexMin entries,
// putting them back in their bridges' tables: the index is as long as there are
// bridges, so kept for every key once flooded it would grow with keys × bridges.
func (n *Network) unindex(k fdbKey, ks *keyState) { n.unindexFrom(k, ks, 0) }

// unindexFrom is unindex for a key whose first from entries are in their bridges'
// tables already (they were when it was indexed, and none was dropped since).
func (n *Network) unindexFrom(k fdbKey, ks *keyState, from int) {
	if ks.byBridge == nil || 2*len(ks.entries) >= n.keyIndexMin() {
		return
	}
	for _, e := range ks.entries[from:] {
		ks.put(e.b, e)
	}
	// Kept for the next key to index (a few, so as not to hold memory for nothing).
	if len(n.freeIndexes) < 16 {
		clear(ks.byBridge)
		n.freeIndexes = append(n.freeIndexes, ks.byBridge)
	}
	ks.byBridge = nil
}

// put files e, an entry of the key on bridge b, in the key's map.
func (ks *keyState) put(b *bridge, e *fdbEntry) { ks.byID.put(int32(b.id), e) }

// keyAt returns the state of the key (VLAN index vi, MAC m), nil if it has none yet.
func (n *Network) keyAt(vi int, m mac) *keyState {
	if vi < len(n.keyDense) && int(m) < len(n.keyDense[vi]) {
		return n.keyDense[vi][m]
	}
	return nil
}

// lazy reports whether broadcasts are learned lazily.
func (n *Network) lazy() bool { return n.lazyOn }

// materialized registers a new entry of key k and writes into it what the
// announcements of k taught its bridge.
func (n *Network) materialized(k fdbKey, e *fdbEntry) {
	if !n.lazyOn {
		return
	}
	ks := n.keyAt(int(k.vlan), k.mac)
	if ks == nil {
		ks = n.keyOf(k)
	}
	ks.entries = append(ks.entries, e) // in no order: announce sorts what it reaches
	n.index(ks, e)
	b := e.b
	lp, last, fire, ok := n.derived(b, ks)
	if !ok {
		return
	}
	e.setPort(lp)
	e.last = last
	if b.agesWithoutTimer(e) {
		e.state |= entryAging
		return
	}
	if e.age == nil {
		e.age = n.s.NewTimer(e.expire)
		b.noteTimed(e)
	}
	e.age.ResetAt(fire)
}

// derived is what the announcements of a key taught bridge b and what is left of it
// now: the port, the instant it was learned and when its aging timer would fire; ok
// false if none reached b, or the newest that did was flushed or has aged out since.
func (n *Network) derived(b *bridge, ks *keyState) (lp *lport, last, fire sim.Time, ok bool) {
	for a := ks.ann; a != nil; a = a.prev {
		lp := a.arrival(b)
		if lp == nil {
			continue // not reached: an older announcement may have
		}
		if a.seq < lp.flushed {
			return nil, 0, 0, false // flushed since
		}
		fire, expired := b.agingFrom(a.at, n.s.Now())
		if expired {
			return nil, 0, 0, false
		}
		return lp, a.at, fire, true
	}
	return nil, 0, 0, false
}

func (n *Network) keyOf(k fdbKey) *keyState {
	ks := n.keys[k]
	if ks == nil {
		ks = &keyState{}
		n.keys[k] = ks
		// the dense index by VLAN and MAC, made for a VLAN when it gets its first key
		for int(k.vlan) >= len(n.keyDense) {
			n.keyDense = append(n.keyDense, nil)
		}
		d := n.keyDense[k.vlan]
		if int(k.mac) >= len(d) {
			d = append(d, make([]*keyState, max(len(n.macNames), int(k.mac)+1)-len(d))...)
			n.keyDense[k.vlan] = d
		}
		d[k.mac] = ks
	}
	return ks
}

// lookup returns the bridge's entry for m in VLAN v as a look-up sees it: the entry
// it has, or one written as the announcements of m taught the bridge; nil when it has
// none and they taught it nothing. The caller then registers on the key's flooders
// (the frame floods), where an empty entry was written before: what walks the flow
// again is the same — the MAC learned on that bridge, or announced — and more.
func (b *bridge) lookup(v int, m mac) (*fdbEntry, *keyState) {
	vi := b.n.vlanIndex(v)
	ks := b.n.keyAt(vi, m)
	if ks == nil {
		ks = b.n.keyOf(fdbKey{int32(vi), m})
	}
	if e := ks.on(b); e != nil {
		return e, ks
	}
	if _, _, _, ok := b.n.derived(b, ks); !ok {
		return nil, ks
	}
	return b.entry(v, m), ks
}

// arrival is the port the announcement reached bridge b on, nil if it did not.
func (a *announcement) arrival(b *bridge) *lport {
	if b == a.origin {
		return a.in
	}
	return a.tree.arrival(b, a.origin)
}

// announce records a broadcast of MAC m in VLAN v that entered bridge b on in, its
// flood following tree t, and teaches the entries of m that exist at once, in the
// order the flood reaches their bridges. An entry the flood reaches that nothing
// holds or looks at (quiet) is dropped instead (forget.go): written again, it
// gets what this announcement taught it, as a kept one would have. Only entries with
// flows on them are taught, so the cost follows the flows, not the bridges a MAC was
// ever looked up on.
func (n *Network) announce(b *bridge, in *lport, v int, m mac, t *floodTree) {
	k := fdbKey{int32(n.vlanIndex(v)), m}
	ks := n.keyOf(k)
	now := n.s.Now()
	a := &announcement{tree: t, origin: b, in: in, seq: n.nextSeq(), at: now, prev: ks.ann}
	// Older announcements have aged out everywhere once the longest aging time passed.
	for p := a; p.prev != nil; p = p.prev {
		if p.prev.at+n.maxAging < now {
			p.prev = nil
			break
		}
	}
	ks.ann = a
	n.touch(&ks.flooders) // the bridges that did not know m do now
	reached := n.reached[:0]
	kept := ks.entries[:0]
	for _, e := range ks.entries {
		if e.b == b {
			kept = append(kept, e)
			continue
		}
		lp := t.arrival(e.b, b)
		switch {
		case lp == nil:
		case n.quiet(e):
			// Nobody looks at it: what the announcement teaches it, a lookup writes
			// again (materialized). Like the entries never written, it reports no
			// learning or move.
			n.drop(ks, e)
			continue
		case e.lp != lp:
			reached = append(reached, e)
		case e.refs > 0:
			// Held by flows: held on lp, the announcement teaches it nothing.
			if e.heldOn(lp) == 0 {
				reached = append(reached, e)
			}
		case e.b.agedOut(e):
			reached = append(reached, e) // learned again once its aging is settled
		default:
			// Refreshed where it points: nothing changes but its aging, nothing is
			// reported, and the order of refreshes does not matter.
			e.last = now
			e.b.armAging(e)
		}
		kept = append(kept, e)
	}
	clear(ks.entries[len(kept):])
	ks.entries = kept
	n.inFloodOrder(t, b, reached)
	for _, e := range reached {
		e.b.learnInto(e, t.arrival(e.b, b), nil)
	}
	clear(reached)
	n.reached = reached[:0]
}

// inFloodOrder sorts entries by the order a flood from o reaches their bridges: by
// floodKey, or by floodOrder where a route does not fit one.
func (n *Network) inFloodOrder(t *floodTree, o *bridge, es []*fdbEntry) {
	if len(es) < 2 {
		return
	}
	keyed := n.keyed[:0]
	for _, e := range es {
		key, ok := t.floodKey(o, e.b)
		if !ok {
			slices.SortStableFunc(es, func(x, y *fdbEntry) int { return t.floodOrder(o, x.b, y.b) })
			n.keyed = keyed[:0]
			return
		}
		keyed = append(keyed, keyedEntry{key, e})
	}
	slices.SortFunc(keyed, func(x, y keyedEntry) int { return cmp.Compare(x.key, y.key) })
	for i, x := range keyed {
		es[i] = x.e
	}
	clear(keyed)
	n.keyed = keyed[:0]
}

// keyedEntry is an entry with its bridge's floodKey.
type keyedEntry struct {
	key uint64
	e   *fdbEntry
}

// agingFrom says when an entry last refreshed at last and nobody holds (so it ages)
// would have its aging timer pending at now, or that it has aged out by now: the
// timer armed at last, re-armed by every 802.1D topology change that shortened the
// aging meanwhile, and re-armed when it fires early (expire), as armAging and expire
// do.
func (b *bridge) agingFrom(last, now sim.Time) (fire sim.Time, expired bool) {
	agingAt := func(t sim.Time) sim.Time {
		// the tcUntil in force at t: that of the latest change started at or before t
		until := sim.Time(0)
		if i := sort.Search(len(b.tcHist), func(i int) bool { return b.tcHist[i].start > t }); i > 0 {
			until = b.tcHist[i-1].until
		}
		if t < until {
			return b.cfg.ForwardDelay
		}
		return b.cfg.MACAging
	}
	armed := last
	fire = max(last+agingAt(last), last)
	next := sort.Search(len(b.tcHist), func(i int) bool { return b.tcHist[i].start > last })
	for {
		// a topology change starting before the timer fires re-arms it
		if next < len(b.tcHist) && b.tcHist[next].start < fire && b.tcHist[next].start <= now {
			s := b.tcHist[next].start
			next++
			if s <= armed {
				continue
			}
			armed = s
			fire = max(last+b.cfg.ForwardDelay, s)
			continue
		}
		if fire > now {
			return fire, false
		}
		if at := last + agingAt(fire); at > fire {
			armed, fire = fire, at
			continue
		}
		return fire, true
	}
}
