package network

import (
	"cmp"
	"slices"

	"dctwin/sim"
)

// A front end's details pane asks for what a snapshot does not carry because only
// one device is looked at: a switch's forwarding table, a team's detection timers and
// when they fire next. Inspect reads them without changing anything.

// Inspection is the detail of one device at one instant.
type Inspection struct {
	Device string
	// Team is the host's NIC team, nil for a switch or a host without one.
	Team *TeamInspection
	// Bridge is the switch's forwarding unit (its cluster's when it has one), nil for
	// a host.
	Bridge *BridgeInspection
}

// TeamInspection is a team's configuration as the runtime uses it, with its timers.
type TeamInspection struct {
	Mode, Flavour, Detection string
	MIIMon                   sim.Time
	UpDelay, DownDelay       sim.Time
	HeartbeatInterval        sim.Time
	HeartbeatMissed          int
	HeartbeatTarget          string
	// NextPoll is the next miimon poll (miimon polls run all the time; the twin only
	// acts on those that can change something). Zero unless detection is miimon.
	NextPoll sim.Time
	// NextHeartbeat is the next heartbeat round. Zero unless detection is heartbeat.
	NextHeartbeat sim.Time
	Members       []MemberInspection
}

// MemberInspection is one team member with the timers pending on it.
type MemberInspection struct {
	Port string
	Up   bool
	// Pending lists what will happen to the member unless something changes first: a
	// poll counting a down-delay, an up-delay running, a heartbeat deadline.
	Pending []PendingTimer
}

// PendingTimer is one armed timer: what it does and when.
type PendingTimer struct {
	What string
	At   sim.Time
}

// BridgeInspection is a switch's forwarding table and spanning-tree position.
type BridgeInspection struct {
	Name string // the switch, or the cluster acting as one
	// Root is the spanning-tree root bridge, RootPort the port towards it ("" on the root).
	Root, RootPort string
	// Aging is the current aging time (shortened while an 802.1D topology change lasts).
	Aging sim.Time
	// Entries are the learned MAC entries (not the switch's own), at most the number
	// asked for, those carrying flows first, then the most recently refreshed; Total counts them all.
	Entries []MACEntry
	Total   int
}

// MACEntry is one learned forwarding-table entry.
type MACEntry struct {
	MAC, Port string
	// VLAN is the entry's VLAN (its name, or its id): a table holds one entry per MAC
	// and VLAN.
	VLAN string
	// InUse is set while a flow's traffic keeps refreshing the entry; otherwise the
	// entry ages out at Expires.
	InUse   bool
	Expires sim.Time
}

// Inspect returns the detail of a device now, with at most maxMACs MAC entries, and
// false if there is no such device.
func (n *Network) Inspect(device string, maxMACs int) (Inspection, bool) {
	d, ok := n.devices[device]
	if !ok {
		return Inspection{}, false
	}
	in := Inspection{Device: device}
	if d.team != nil {
		in.Team = n.inspectTeam(d.team)
	}
	if d.br != nil {
		in.Bridge = n.inspectBridge(d.br, maxMACs)
	}
	return in, true
}

func (n *Network) inspectTeam(t *team) *TeamInspection {
	now := n.s.Now()
	c := t.cfg
	ti := &TeamInspection{Mode: string(c.Mode), Flavour: string(c.Flavour), Detection: string(c.Detection),
		MIIMon: c.MIIMonInterval, UpDelay: c.UpDelay, DownDelay: c.DownDelay,
		HeartbeatInterval: c.HeartbeatInterval, HeartbeatMissed: c.HeartbeatMissed, HeartbeatTarget: c.HeartbeatTarget}
	switch string(c.Detection) {
	case "miimon":
		ti.NextPoll = nextTick(now+1, t.pollPh, c.MIIMonInterval)
	case "heartbeat":
		ti.NextHeartbeat = nextTick(now+1, t.hbPhase, c.HeartbeatInterval)
	}
	for _, m := range t.members {
		mi := MemberInspection{Port: m.port.name, Up: m.up}
		if m.poll != nil && m.poll.Armed() {
			what := "miimon poll"
			if m.polls > 0 {
				what = "miimon poll (down-delay counting)"
			}
			mi.Pending = append(mi.Pending, PendingTimer{what, m.poll.When()})
		}
		if m.upWait != nil && m.upWait.Armed() {
			mi.Pending = append(mi.Pending, PendingTimer{"up-delay ends", m.upWait.When()})
		}
		if m.hbTimer != nil && m.hbTimer.Armed() {
			what := "heartbeats missed: member down"
			if m.hbDown {
				what = "heartbeat answered: member up"
			}
			mi.Pending = append(mi.Pending, PendingTimer{what, m.hbTimer.When()})
		}
		ti.Members = append(ti.Members, mi)
	}
	return ti
}

func (n *Network) inspectBridge(b *bridge, maxMACs int) *BridgeInspection {
	bi := &BridgeInspection{Name: b.name, Aging: b.agingTime()}
	if b.root != nil {
		bi.Root = b.root.name
	}
	if b.rootPort != nil {
		bi.RootPort = b.rootPort.name
	}
	type ranked struct {
		e     MACEntry
		since sim.Time
	}
	var all []ranked
	for _, e := range b.scanned() {
		if e.lp == nil || e.lp.cpu != nil {
			continue
		}
		me := MACEntry{MAC: n.macName(e.mac), Port: e.lp.name, VLAN: n.vlanName(int(e.vlan)), InUse: e.refs > 0}
		if !me.InUse {
			// The aging timer re-arms itself when it fires early, so the entry goes at
			// the later of the two.
			me.Expires = max(e.last+b.agingTime(), n.s.Now())
			if e.age != nil && e.age.Armed() {
				me.Expires = max(me.Expires, e.age.When())
			}
			if e.state&entryAging != 0 {
				fire, expired := b.agingFrom(e.last, n.s.Now())
				if expired {
					continue // aged out, not yet emptied (lazyaging.go)
				}
				me.Expires = max(me.Expires, fire)
			}
		}
		all = append(all, ranked{me, e.last})
	}
	// In a network that learns lazily, the entries nobody looked up yet are what the
	// announcements taught the bridge (lazy.go); they are listed as the table holds
	// them, without writing them.
	if n.lazyOn {
		for k, ks := range n.keys {
			if b.written(k) {
				continue
			}
			lp, last, fire, ok := n.derived(b, ks)
			if !ok {
				continue
			}
			me := MACEntry{MAC: n.macName(k.mac), Port: lp.name, VLAN: n.vlanName(n.vlanIDs[k.vlan]), Expires: fire}
			all = append(all, ranked{me, last})
		}
		slices.SortStableFunc(all, func(x, y ranked) int { return cmp.Compare(x.e.MAC+" "+x.e.VLAN, y.e.MAC+" "+y.e.VLAN) })
	}
	bi.Total = len(all)
	// Entries in use first (they carry the flows), then those refreshed last.
	slices.SortStableFunc(all, func(x, y ranked) int {
		if x.e.InUse != y.e.InUse {
			if x.e.InUse {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.since, x.since)
	})
	for i := 0; i < len(all) && i < maxMACs; i++ {
		bi.Entries = append(bi.Entries, all[i].e)
	}
	return bi
}
