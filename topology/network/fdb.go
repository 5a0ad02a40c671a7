package network

import (
	"cmp"
	"slices"

	"dctwin/sim"
)

// bridge is one L2 forwarding unit: a switch, or an MC-LAG cluster of two switches that
// shares one MAC table (FDB) and appears as one node to the spanning tree.
type bridge struct {
	n       *Network
	id      int
	name    string
	members []*device
	cfg     SwitchConfig

	lports    []*lport
	peerLinks []*Link
	entries   []*fdbEntry // every entry; in creation order unless unsorted (scanned)
	// timed holds, in a network that learns lazily, the entries that were given an
	// aging timer (and maybe others since): the only ones a topology change must re-arm
	// (shortenAging), a few among the thousands a bridge's table holds.
	timed    []*fdbEntry
	unsorted bool       // entries has an entry out of creation order
	maxID    int32      // the highest creation number appended to entries (no look at the last one: a cache miss)
	tcUntil  sim.Time   // STP topology change: short aging until then
	tcHist   []tcWindow // the STP topology changes so far (lazy.go)

	// floodDeps are the flows that flooded through the bridge, in a network that
	// learns lazily: a change of any of its ports re-evaluates them (touchPort), so a
	// flood registers once per bridge instead of once per port.
	floodDeps depList
	bulk      bool // floodDeps used: lazy, one switch, no aggregate (every port a flood looks at is one of its lports)

	// Floods past its host ports (floodload.go): the ports a flood in each VLAN is
	// walked out of, the rate of the flood segments per VLAN and in all, an upper
	// bound of its host links' own load towards the hosts, its slowest host link.
	trunks      [][]*lport
	trunksBuilt []bool
	floodLoad   []float64
	floodTotal  float64
	leafMax     float64
	leafSpeed   float64
	floodQueued bool        // in Network.floodQueue
	leafGroups  []leafGroup // its host ports by VLAN set
	// congestedLeaves counts the directions of its host links over capacity as last
	// settled (reportCongestion).
	congestedLeaves int

	visit  uint64 // walk id of the last frame that entered
	tcSeen uint64 // last RSTP topology change that reached the bridge

	alive    bool
	root     *bridge
	prevRoot *bridge
	dist     int64
	rootPort *Port
	comp     int
	hops     int // RSTP sync distance from the change (syncHops)
}

// lport is what a MAC entry points at: one port, an aggregate of ports, or a switch's
// own CPU (its MAC, a gateway's virtual MAC).
type lport struct {
	br      *bridge
	idx     int // position in br.lports
	name    string
	port    *Port
	agg     bool
	members []*Port
	cpu     *device
	deps    depList
	// entries are the entries pointing at the port, so that a flush visits them only;
	// flushed is when it last flushed (lazy.go: announced entries learned before it
	// are gone).
	entries []*fdbEntry
	flushed uint64
}

// fdbEntry is one MAC table entry. Entries are never deleted while a flow may depend
// on them, only emptied (lp nil), so flows that looked a MAC up and flooded can depend
// on its coming back (forget.go drops the others). A large fabric holds millions: the
// fields are laid out to fit 112 bytes.
type fdbEntry struct {
	b    *bridge
	lp   *lport
	mac  mac
	vlan int32
	id   int32  // creation order (Network.entrySeq)
	at   int32  // index in lp.entries
	gen  uint32 // bumped when the entry is emptied: the holds on it are gone
	refs int32  // flows whose traffic keeps refreshing the entry
	// The refs per port the flows' traffic teaches (flap.go): holdRefs through
	// holdLP, and more only if the MAC flaps.
	holdLP   *lport
	holdRefs int32
	state    uint8    // entryQueued, entryFlapping, entryForgotten
	timed    bool     // in its bridge's timed list (shortenAging)
	last     sim.Time // last refresh when refs is zero
	age      *sim.Timer
	deps     depList
	more     *[]lpHold
}

// learnRef is a flow's hold on an entry it refreshes, through the port it teaches.
type learnRef struct {
	e   *fdbEntry
	lp  *lport
	gen uint32
}

func (n *Network) newBridge(d *device) *bridge {
	b := &bridge{n: n, id: len(n.bridges), name: d.name, members: []*device{d}, cfg: d.cfg, alive: true}
	n.bridges = append(n.bridges, b)
	return b
}

func (n *Network) mergeBridges(name string, a, b *bridge) {
	a.name = name
	for _, d := range b.members {
		d.br = a
		d.cpu.br = a
		a.members = append(a.members, d)
	}
	if b.cfg.Priority < a.cfg.Priority {
		a.cfg.Priority = b.cfg.Priority
	}
	bs := n.bridges[:0]
	for _, x := range n.bridges {
		if x != b {
			x.id = len(bs)
			bs = append(bs, x)
		}
	}
	n.bridges = bs
}

// buildPorts creates the bridge's logical ports: every port except the peer link, one
// per aggregate, and the static entries for its switches' own MACs.
func (b *bridge) buildPorts() {
	for _, d := range b.members {
		for _, p := range d.ports {
			if p.link != nil && p.link.peer {
				continue
			}
			if p.lp == nil {
				p.lp = &lport{br: b, name: p.name, port: p, idx: len(b.lports)}
				b.lports = append(b.lports, p.lp)
			} else if p.lp.members[0] == p {
				p.lp.idx = len(b.lports)
				b.lports = append(b.lports, p.lp)
			}
		}
	}
}

// own returns the member switch whose own MAC m is, or nil. A switch answers for its
// MAC in every VLAN it carries, without a table entry.
func (b *bridge) own(m mac) *device {
	for _, d := range b.members {
		if d.mac == m {
			return d
		}
	}
	return nil
}

// fdbKey identifies an entry: the VLAN's dense index and the MAC.
type fdbKey struct {
	vlan int32
	mac  mac
}

// entry returns the bridge's entry for m in VLAN v, creating it: empty, or as the
// latest announcement of m taught it (lazy.go).
func (b *bridge) entry(v int, m mac) *fdbEntry {
	vi := b.n.vlanIndex(v)
	k := fdbKey{int32(vi), m}
	ks := b.n.keyAt(vi, m)
	if ks == nil {
		ks = b.n.keyOf(k)
	}
	if e := ks.on(b); e != nil {
		return e
	}
	indexed := ks.byBridge != nil
	// An entry forgotten and written again keeps its place in the creation order
	// (forget.go).
	var id int32
	again := false
	if id, again = ks.gone.get(int32(b.id)); again {
		ks.gone.del(int32(b.id))
	}
	if !again {
		id = b.n.entrySeq
		b.n.entrySeq++
	}
	e := &fdbEntry{b: b, mac: m, vlan: int32(v), id: id, at: -1}
	if !indexed {
		ks.put(b, e)
	}
	// Appended, not inserted at its place: an entry forgotten and written again has
	// an old creation number, and inserting it into tens of thousands moved them all.
	// The scans that need the order sort first (scanned).
	if e.id < b.maxID {
		b.unsorted = true
	}
	b.maxID = max(b.maxID, e.id)
	b.entries = append(b.entries, e)
	b.n.entryCount++
	b.n.materialized(k, e)
	return e
}

// written reports whether the bridge has an entry for key k.
func (b *bridge) written(k fdbKey) bool {
	ks := b.n.keyAt(int(k.vlan), k.mac)
	return ks != nil && ks.on(b) != nil
}

// on returns the key's entry on bridge b, nil if it has none. A key's entries are
// found with the key, by bridge: in its table, or in its index (byBridge) once it has
// one. The index is complete, so a nil slot means no entry, and its new entries are
// not put in the table (which may still hold those from before the index).
func (ks *keyState) on(b *bridge) *fdbEntry {
	if ks.byBridge != nil {
		return ks.byBridge[b.id]
	}
	e, _ := ks.byID.get(int32(b.id))
	return e
}

// setPort points e at lp (nil: empty), keeping the entries of each port listed.
func (e *fdbEntry) setPort(lp *lport) {
	if e.lp == lp {
		return
	}
	if old := e.lp; old != nil {
		last := len(old.entries) - 1
		moved := old.entries[last]
		old.entries[e.at] = moved
		moved.at = e.at
		old.entries[last] = nil
		old.entries = old.entries[:last]
		e.at = -1
	}
	e.lp = lp
	if lp != nil {
		e.at = int32(len(lp.entries))
		lp.entries = append(lp.entries, e)
	}
}

// scanned returns the bridge's entries in creation order, sorting them first if an
// entry written again was appended out of it.
func (b *bridge) scanned() []*fdbEntry {
	if b.unsorted {
		byCreation(b.entries)
		b.unsorted = false
	}
	return b.entries
}

// byCreation orders entries as they were created, the order the tables are scanned
// in, so that flushes touch (and re-evaluate) flows in a fixed order.
func byCreation(es []*fdbEntry) {
	slices.SortFunc(es, func(a, b *fdbEntry) int { return cmp.Compare(a.id, b.id) })
}

// agingTime is the current aging time: 802.1D bridges use the forward delay while a
// topology change is signalled (reference-facts §5).
func (b *bridge) agingTime() sim.Time {
	if b.n.s.Now() < b.tcUntil {
		return b.cfg.ForwardDelay
	}
	return b.cfg.MACAging
}

// memberActive reports whether the switch side sends and receives on aggregate member p:
// it has carrier and, with LACP, the partners are in sync.
func (lp *lport) memberActive(p *Port) bool {
	if !p.usable() {
		return false
	}
	return p.lacp == nil || p.lacp.sync
}

// forwarding reports whether some member of lp still forwards.
func (lp *lport) forwarding() bool {
	if !lp.agg {
		return lp.port != nil && lp.port.state == Forwarding
	}
	for _, p := range lp.members {
		if p.state == Forwarding && lp.memberActive(p) {
			return true
		}
	}
	return false
}

func (lp *lport) anyUsable() bool {
	if lp.cpu != nil {
		return !lp.cpu.failed
	}
	if !lp.agg {
		return lp.port.usable()
	}
	for _, p := range lp.members {
		if lp.memberActive(p) {
			return true
		}
	}
	return false
}

// pick chooses the member an aggregate sends a flow on: members on the switch the
// frame is on are preferred (MC-LAG keeps traffic off the peer link), the flow hash
// chooses among them.
func (lp *lport) pick(sw *device, hash uint32) *Port {
	var local, remote, nl, nr int
	for _, p := range lp.members {
		if lp.memberActive(p) {
			if p.dev == sw {
				nl++
			} else {
				nr++
			}
		}
	}
	want, on := nl, true
	if nl == 0 {
		want, on = nr, false
	}
	if want == 0 {
		return nil
	}
	k := int(hash % uint32(want))
	for _, p := range lp.members {
		if !lp.memberActive(p) || (p.dev == sw) != on {
			continue
		}
		if on && local == k || !on && remote == k {
			return p
		}
		if on {
			local++
		} else {
			remote++
		}
	}
	return nil
}

func (n *Network) macName(m mac) string { return n.macNames[m] }

// armAging starts or re-arms e's aging from e.last: with its timer, or without one
// (lazyaging.go).
func (b *bridge) armAging(e *fdbEntry) {
	if e.age == nil {
		if b.agesWithoutTimer(e) {
			e.state |= entryAging
			return
		}
		e.state &^= entryAging
		e.age = b.n.s.NewTimer(e.expire)
		b.noteTimed(e)
	}
	at := e.last + b.agingTime()
	if now := b.n.s.Now(); at < now {
		at = now
	}
	if e.age.Armed() && e.age.When() <= at && e.lp.cpu == nil {
		// A refresh: the pending timer fires first and re-arms itself for the time
		// left (expire), cheaper than moving it in the queue at every refresh. A
		// topology change that shortens the aging meanwhile re-arms it (shortenAging),
		// so it fires early with the aging time it would fire late with; an entry on
		// a switch's CPU, which the change leaves alone, is moved every time.
		return
	}
	e.age.ResetAt(at)
}

// expire is the aging timer's callback (a method value: one word smaller than a
// closure over bridge and entry).
func (e *fdbEntry) expire() { e.b.expire(e) }

func (b *bridge) expire(e *fdbEntry) {
	if e.refs > 0 || e.lp == nil {
		return
	}
	n := b.n
	if at := e.last + b.agingTime(); at > n.s.Now() {
		e.age.ResetAt(at)
		return
	}
	b.ageOut(e)
}

// ageOut empties e: it aged out.
func (b *bridge) ageOut(e *fdbEntry) {
	n := b.n
	if n.s.Observed() {
		n.s.Report(MACChanged{Switch: b.name, MAC: n.macName(e.mac), VLAN: n.vlanName(int(e.vlan)), From: e.lp.name, Change: MACAged})
	}
	e.setPort(nil)
	e.gen++
	e.dropHolds()
	e.age = nil // fired: an empty entry needs no timer until it is learned again
	e.state &^= entryAging
	n.touch(&e.deps)
}

// shortenAging applies the topology-change aging time to entries nobody refreshes. In
// a network that learns lazily those are among the entries that were given a timer
// (the others age without one: agingFrom reads the change from tcHist): the timed
// list is walked, in creation order as the table would be, and what left it dropped.
func (b *bridge) shortenAging() {
	es := b.entries
	if b.n.lazyOn {
		b.compactTimed()
		byCreation(b.timed)
		es = b.timed
	} else {
		es = b.scanned()
	}
	for _, e := range es {
		if e.lp != nil && e.lp.cpu == nil && e.refs == 0 && e.state&entryAging == 0 {
			b.armAging(e)
		}
	}
}

// compactTimed drops from the timed list the entries that have no timer any more or
// were forgotten.
func (b *bridge) compactTimed() {
	kept := b.timed[:0]
	for _, e := range b.timed {
		if e.age != nil && e.state&entryForgotten == 0 {
			kept = append(kept, e)
		} else {
			e.timed = false
		}
	}
	clear(b.timed[len(kept):])
	b.timed = kept
}

// noteTimed puts e, just given an aging timer, in its bridge's timed list.
func (b *bridge) noteTimed(e *fdbEntry) {
	if b.n.lazyOn && !e.timed {
		e.timed = true
		b.timed = append(b.timed, e)
	}
}

// flushPort empties the entries that point at lp (its link went down).
func (b *bridge) flushPort(lp *lport, reason string) {
	lp.flushed = b.n.nextSeq()
	es := b.settleAgingOf(append(b.n.scratch[:0], lp.entries...))
	byCreation(es)
	for _, e := range es {
		b.clear(e)
	}
	b.n.scratch = es[:0]
	if k := len(es); k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Port: lp.name, Entries: k, Reason: reason})
	}
}

// flushTopology empties the entries learned on inter-switch ports, as RSTP does on a
// topology change; except is the port where the TC arrived (or happened). Entries that
// running flows keep refreshing are left alone: a real bridge re-learns them from the
// next packet (a packet interval later), and if a flow's traffic now arrives from
// elsewhere, its own re-evaluation moves the entry. Skipping them keeps a topology
// change from re-flooding every flow of the domain. (An aggregate's entries stay: the
// rule looks at single inter-switch ports.)
func (b *bridge) flushTopology(except *lport) {
	seq := b.n.nextSeq()
	es := b.n.scratch[:0]
	for _, lp := range b.lports {
		if lp == except || lp.port == nil || !lp.port.uplink {
			continue
		}
		lp.flushed = seq
		for _, e := range lp.entries {
			if e.refs == 0 {
				es = append(es, e)
			}
		}
	}
	es = b.settleAgingOf(es)
	byCreation(es)
	for _, e := range es {
		b.clear(e)
	}
	b.n.scratch = es[:0]
	if k := len(es); k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Entries: k, Reason: "topology change"})
	}
}

// flushDevice empties the entries of a switch that lost power: in a cluster only those
// on its own ports (and the cluster's CPUs), otherwise all learned entries.
func (b *bridge) flushDevice(d *device) {
	seq := b.n.nextSeq()
	es := b.n.scratch[:0]
	flush := func(lp *lport) {
		if lp == d.cpu {
			return
		}
		lp.flushed = seq
		es = append(es, lp.entries...)
	}
	for _, lp := range b.lports {
		if lp.cpu == nil && (len(b.members) == 1 || lp.port != nil && lp.port.dev == d) {
			flush(lp)
		}
	}
	for _, m := range b.members {
		flush(m.cpu)
	}
	es = b.settleAgingOf(es)
	byCreation(es)
	for _, e := range es {
		b.clear(e)
	}
	b.n.scratch = es[:0]
	if k := len(es); k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Entries: k, Reason: d.name + " power"})
	}
}

func (b *bridge) clear(e *fdbEntry) {
	e.setPort(nil)
	e.gen++
	e.refs = 0
	e.dropHolds()
	e.dropTimer()
	b.n.touch(&e.deps)
}

// dropTimer stops and lets go of e's aging timer: of the millions of entries a large
// fabric writes, only those that age need one (armAging makes it again).
func (e *fdbEntry) dropTimer() {
	if e.age != nil {
		e.age.Stop()
		e.age = nil
	}
	e.state &^= entryAging
}
