package reference

import "dctwin/sim"

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
	fdb       [][]*fdbEntry // by dense VLAN index, then by MAC (MACs are small dense numbers); nil: never looked up
	entries   []*fdbEntry   // creation order, for deterministic scans
	tcUntil   sim.Time      // STP topology change: short aging until then

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
	name    string
	port    *Port
	agg     bool
	members []*Port
	cpu     *device
	deps    depList
}

// fdbEntry is one MAC table entry. Entries are never deleted, only emptied (lp nil), so
// flows that looked a MAC up and flooded can depend on its coming back.
type fdbEntry struct {
	b    *bridge
	mac  mac
	vlan int
	lp   *lport
	gen  uint32   // bumped when the entry is emptied: the holds on it are gone
	refs int32    // flows whose traffic keeps refreshing the entry
	last sim.Time // last refresh when refs is zero
	age  *sim.Timer
	deps depList
	// holds are the refs per port the flows' traffic teaches (flap.go): one port,
	// unless the MAC flaps.
	hold  lpHold
	more  []lpHold
	state uint8 // entryQueued, entryFlapping
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
				p.lp = &lport{br: b, name: p.name, port: p}
				b.lports = append(b.lports, p.lp)
			} else if p.lp.members[0] == p {
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

// entry returns the bridge's entry for m in VLAN v, creating an empty one. A flooded
// walk looks its destination up on every bridge of the VLAN, so this is on the hot
// path: each VLAN's table is a slice indexed by MAC rather than a map, which also
// takes less memory once most bridges have looked up most MACs.
func (b *bridge) entry(v int, m mac) *fdbEntry {
	k := b.n.vlanIndex(v)
	if k >= len(b.fdb) {
		b.fdb = append(b.fdb, make([][]*fdbEntry, k+1-len(b.fdb))...)
	}
	t := b.fdb[k]
	if int(m) < len(t) {
		if e := t[m]; e != nil {
			return e
		}
	} else {
		t = append(t, make([]*fdbEntry, max(len(b.n.macNames), int(m)+1)-len(t))...)
		b.fdb[k] = t
	}
	e := &fdbEntry{b: b, mac: m, vlan: v}
	t[m] = e
	b.entries = append(b.entries, e)
	return e
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

func (b *bridge) armAging(e *fdbEntry) {
	if e.age == nil {
		e.age = b.n.s.NewTimer(func() { b.expire(e) })
	}
	at := e.last + b.agingTime()
	if now := b.n.s.Now(); at < now {
		at = now
	}
	e.age.ResetAt(at)
}

func (b *bridge) expire(e *fdbEntry) {
	if e.refs > 0 || e.lp == nil {
		return
	}
	n := b.n
	if at := e.last + b.agingTime(); at > n.s.Now() {
		e.age.ResetAt(at)
		return
	}
	if n.s.Observed() {
		n.s.Report(MACChanged{Switch: b.name, MAC: n.macName(e.mac), VLAN: n.vlanName(e.vlan), From: e.lp.name, Change: MACAged})
	}
	e.lp = nil
	e.gen++
	e.dropHolds()
	n.touch(&e.deps)
}

// shortenAging applies the topology-change aging time to entries nobody refreshes.
func (b *bridge) shortenAging() {
	for _, e := range b.entries {
		if e.lp != nil && e.lp.cpu == nil && e.refs == 0 {
			b.armAging(e)
		}
	}
}

// flushPort empties the entries that point at lp (its link went down).
func (b *bridge) flushPort(lp *lport, reason string) {
	k := 0
	for _, e := range b.entries {
		if e.lp == lp {
			b.clear(e)
			k++
		}
	}
	if k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Port: lp.name, Entries: k, Reason: reason})
	}
}

// flushTopology empties the entries learned on inter-switch ports, as RSTP does on a
// topology change; except is the port where the TC arrived (or happened). Entries that
// running flows keep refreshing are left alone: a real bridge re-learns them from the
// next packet (a packet interval later), and if a flow's traffic now arrives from
// elsewhere, its own re-evaluation moves the entry. Skipping them keeps a topology
// change from re-flooding every flow of the domain.
func (b *bridge) flushTopology(except *lport) {
	k := 0
	for _, e := range b.entries {
		if e.lp != nil && e.lp != except && e.refs == 0 && e.lp.port != nil && e.lp.port.uplink {
			b.clear(e)
			k++
		}
	}
	if k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Entries: k, Reason: "topology change"})
	}
}

// flushDevice empties the entries of a switch that lost power: in a cluster only those
// on its own ports, otherwise all learned entries.
func (b *bridge) flushDevice(d *device) {
	k := 0
	for _, e := range b.entries {
		if e.lp == nil || e.lp == d.cpu {
			continue
		}
		if e.lp.cpu != nil || len(b.members) == 1 || (e.lp.port != nil && e.lp.port.dev == d) {
			b.clear(e)
			k++
		}
	}
	if k > 0 {
		b.n.record(FDBFlushed{Switch: b.name, Entries: k, Reason: d.name + " power"})
	}
}

func (b *bridge) clear(e *fdbEntry) {
	e.lp = nil
	e.gen++
	e.refs = 0
	e.dropHolds()
	if e.age != nil {
		e.age.Stop()
	}
	b.n.touch(&e.deps)
}
