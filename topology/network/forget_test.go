package network

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
)

// An empty entry nobody looks at is forgotten, one that points somewhere or that a
// flow's last walk looked at is kept, and a forgotten entry written again takes its
// old place in the creation order (which orders flushes, and so re-evaluations).
func TestForgetDropsOnlyUnusedEmptyEntries(t *testing.T) {
	defer ForgetEagerly()()
	s := sim.New(1)
	n := New(s, Options{EagerBridges: -1})
	must(t, n.AddSwitch("sw", SwitchConfig{Layer: topology.L2, SpanningTree: topology.RSTP}))
	must(t, n.AddHost("h", HostConfig{}))
	must(t, n.AddLink("l", "h:eth0", "sw:p1", LinkConfig{}))
	s.RunUntil(0)
	b := n.devices["sw"].br
	unused, pointing, watched, later := b.entry(1, 901), b.entry(1, 902), b.entry(1, 903), b.entry(1, 904)
	pointing.setPort(n.ports["sw:p1"].lp)
	n.flowIDs, n.stamps = append(n.flowIDs, nil), append(n.stamps, 1) // flow 0, evaluated once
	watched.deps.add(n, depRef{id: 0, stamp: 1})
	before := n.entryCount

	n.maybeForget()
	if got := tableEntry(b, fdbKey{int32(n.vlanIndex(1)), 901}); got != nil {
		t.Errorf("the unused empty entry is still in the table")
	}
	for _, e := range []*fdbEntry{pointing, watched} {
		if tableEntry(b, fdbKey{int32(n.vlanIndex(1)), e.mac}) != e {
			t.Errorf("entry of MAC %d was forgotten: it points at a port or a flow looks at it", e.mac)
		}
	}
	// later (empty, unwatched) went too: two of four are left.
	if tableEntry(b, fdbKey{int32(n.vlanIndex(1)), later.mac}) != nil {
		t.Errorf("the second unused empty entry is still in the table")
	}
	if n.entryCount != before-2 || len(b.entries) != tableSize(b) {
		t.Errorf("%d entries left of %d (table %d, list %d), want %d", n.entryCount, before, tableSize(b), len(b.entries), before-2)
	}

	again := b.entry(1, 901)
	if again == unused || again.id != unused.id {
		t.Errorf("written again: id %d, want a new entry with the old id %d", again.id, unused.id)
	}
	// Appended out of order, the entries are scanned in creation order all the same.
	es := b.scanned()
	for i := 1; i < len(es); i++ {
		if es[i-1].id >= es[i].id {
			t.Fatalf("entries out of creation order: %d before %d", es[i-1].id, es[i].id)
		}
	}
	// The flow walks again (its stamp moves on): nobody looks at watched any more.
	n.stamps[0]++
	n.maybeForget()
	if tableEntry(b, fdbKey{int32(n.vlanIndex(1)), 903}) != nil {
		t.Errorf("an entry whose only registrations are stale was kept")
	}
}

// tableEntry is the entry bridge b has for key k, nil if none (where entry would find
// it, without writing one).
func tableEntry(b *bridge, k fdbKey) *fdbEntry {
	if ks := b.n.keyAt(int(k.vlan), k.mac); ks != nil {
		return ks.on(b)
	}
	return nil
}

// tableSize counts the entries bridge b has, as entry would find them.
func tableSize(b *bridge) int {
	c := 0
	for k := range b.n.keys {
		if tableEntry(b, k) != nil {
			c++
		}
	}
	return c
}
