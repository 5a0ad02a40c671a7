package network

import (
	"strings"

	"dctwin/sim"
	"dctwin/topology"
)

// lacpState supervises one LACP member link from both ends. Each end expects an
// LACPDU from its partner every period (1 s fast, 30 s slow) and times the partner out
// three periods after the last one (3 s / 90 s, reference-facts §5). A port sends
// LACPDUs only while it sees carrier, so a one-way cut that leaves the transmitting end
// with carrier is noticed there by the timeout. The member carries traffic while both
// ends are in sync.
//
// A member that comes back rejoins as 802.1AX has it: a port whose state changes (its
// link comes up, or it hears its partner again) sends an LACPDU at once rather than
// at its next periodic tick, and a partner whose view of it is stale answers at once;
// each end then selects the aggregator and waits Aggregate_Wait_Time before it
// attaches, and the member collects and distributes when both have. So the member
// joins one aggregate wait (topology.DefaultLACPAggregateWait, 2 s) after the last of
// those changes, whatever the phase of the periodic LACPDUs. A port that lost its link
// left the aggregate (its mux machine detached), so even a link that was down for less
// than the timeout waits again.
type lacpState struct {
	m       *member  // the host's team member, nil between two switches
	ends    [2]*Port // [0] host NIC (or first switch), [1] switch port
	period  sim.Time
	phase   [2]sim.Time // when ends[i] sends
	fresh   [2]bool     // ends[i] has current information from its partner
	enabled [2]bool     // ends[i] was usable at the last check
	timer   [2]*sim.Timer
	wait    *sim.Timer // aggregate wait before the member (re)joins
	sync    bool
	// selected is false while the host's end has put the member in an aggregator that
	// is not the team's active one (its partner is another switch): it then neither
	// collects nor distributes, whatever LACPDUs say.
	selected bool
}

func (n *Network) newLACP(m *member, a, b *Port, chain []*Port, rate LACPRate, ph sim.Time) {
	period := 30 * sim.Second
	if rate == LACPFast {
		period = sim.Second
	}
	ls := &lacpState{m: m, ends: [2]*Port{a, b}, period: period, sync: true, fresh: [2]bool{true, true}, enabled: [2]bool{true, true}, selected: true}
	rng := n.s.Rand("lacp/" + a.name)
	for i := range ls.ends {
		ls.phase[i] = phase(ph, period, rng.Int64N)
		ls.timer[i] = n.s.NewTimer(func() { n.lacpTimeout(ls, i) })
	}
	ls.wait = n.s.NewTimer(func() { n.lacpJoin(ls) })
	a.lacp, b.lacp = ls, ls
	for _, p := range chain {
		p.lacp = ls
	}
}

// flowing reports whether ends[i] currently receives its partner's LACPDUs.
func (ls *lacpState) flowing(i int) bool {
	tx, rx := ls.ends[1-i], ls.ends[i]
	return tx.usable() && rx.light(0) && !rx.failed && !rx.dev.failed
}

// lacpCheck follows a change on the member link: an end whose partner went silent
// times out three periods after the last LACPDU; an end whose partner is heard again,
// or whose port came back, starts the rejoin (LACPDUs at once, then the aggregate
// wait).
func (n *Network) lacpCheck(ls *lacpState) {
	now := n.s.Now()
	rejoin := false
	was := ls.enabled
	for i, p := range ls.ends {
		up := p.usable()
		if up && !ls.enabled[i] {
			rejoin = true // port enabled: its actor state changed, it sends at once
		}
		ls.enabled[i] = up
		fl := ls.flowing(i)
		if fl == ls.fresh[i] {
			ls.timer[i].Stop()
			continue
		}
		if fl {
			// The partner's LACPDU arrives now: it sent one on its own state change,
			// or answers the one this end sent on its own.
			ls.timer[i].Stop()
			ls.fresh[i] = true
			rejoin = true
			continue
		}
		if ls.timer[i].Armed() {
			continue
		}
		sender := 1 - i
		at := lastTick(now, ls.phase[sender], ls.period) + 3*ls.period
		if at < now {
			at = now
		}
		ls.timer[i].ResetAt(at)
	}
	if !rejoin {
		return
	}
	n.lacpSync(ls, false, was)
	ls.wait.Reset(sim.Time(topology.DefaultLACPAggregateWait))
}

// lacpTimeout runs when ends[i] has heard nothing from its partner for three periods.
func (n *Network) lacpTimeout(ls *lacpState, i int) {
	if ls.flowing(i) || !ls.fresh[i] {
		return
	}
	ls.fresh[i] = false
	ls.wait.Stop()
	n.lacpSync(ls, false, ls.enabled)
}

// lacpJoin ends the aggregate wait: if both ends still hear each other, the member
// joins the aggregate.
func (n *Network) lacpJoin(ls *lacpState) {
	if !ls.selected || !ls.fresh[0] || !ls.fresh[1] || !ls.ends[0].usable() || !ls.ends[1].usable() {
		return
	}
	n.lacpSync(ls, true, ls.enabled)
}

// lacpSync sets whether the member is in the aggregate. active says which ends carried
// the member until now (a port without carrier left when its carrier went, so its
// leaving again is no news).
func (n *Network) lacpSync(ls *lacpState, sync bool, active [2]bool) {
	if sync == ls.sync {
		return
	}
	ls.sync = sync
	n.treesChanged()
	for i, sp := range ls.ends {
		if sp.dev.kind != kindSwitch {
			continue
		}
		if sp.usable() && (sync || active[i]) {
			n.record(AggregateMemberChanged{Device: sp.dev.name, Port: sp.name, In: sync, Mechanism: ByLACP})
		}
		n.touchPort(sp)
		if sp.lp != nil {
			n.touch(&sp.lp.deps)
			if !sync && !sp.lp.anyUsable() {
				sp.dev.br.flushPort(sp.lp, "LACP out of sync")
			}
		}
	}
	if m := ls.m; m != nil {
		m.lacpDown = !sync
		m.refresh(ByLACP)
	}
}

// An LACP team aggregates only members whose partner is the same system (802.1AX: a
// port joins an aggregator only with ports that have the same partner system ID), so a
// team whose members reach two switches that are not one cluster has two
// aggregators, and uses one of them: Linux bonding's default ad_select=stable picks
// the one with the most ports when the bond comes up and keeps it until it has no
// port left. The members of the other aggregator stay idle; the switch side does not
// use them either, since the host's LACPDUs say they are not in sync.

// groupAggregators sorts an LACP team's members by the switch (bridge) their links
// lead to; with more than one, the team selects one aggregator at a time.
func (t *team) groupAggregators() {
	if t.cfg.Mode != topology.LACP {
		return
	}
	var bridges []*bridge
	for _, m := range t.members {
		g := -1
		if sp, _ := farEnd(m.port); sp != nil && sp.dev.kind == kindSwitch {
			for i, b := range bridges {
				if b == sp.dev.br {
					g = i
				}
			}
			if g < 0 {
				g = len(bridges)
				bridges = append(bridges, sp.dev.br)
			}
		}
		m.agg = g
	}
	if len(bridges) > 1 {
		t.aggs = len(bridges)
	}
}

// selectAggregator chooses the active aggregator when the team starts (the one with
// most members with carrier, the first member's on a tie) and deselects the others'
// members without a record: that is how the team came up.
func (t *team) selectAggregator() {
	if t.aggs < 2 {
		return
	}
	count := make([]int, t.aggs)
	best := -1
	for _, m := range t.members {
		if m.agg >= 0 && m.port.carrier {
			count[m.agg]++
			if best < 0 || count[m.agg] > count[best] {
				best = m.agg
			}
		}
	}
	t.activeAgg = best
	for _, m := range t.members {
		if ls := m.port.lacp; ls != nil && m.agg != best {
			ls.selected, ls.sync = false, false
			m.lacpDown = true
		}
	}
}

// reselectAggregator moves an LACP team to another aggregator when its active one has
// no member with link left (ad_select=stable): the new aggregator's members attach
// after the aggregate wait, as any member joining does.
func (t *team) reselectAggregator() {
	if t.aggs < 2 || t.off() {
		return
	}
	for _, m := range t.members {
		if m.agg == t.activeAgg && t.activeAgg >= 0 && m.linkOK {
			return
		}
	}
	next := -1
	for _, m := range t.members {
		if m.agg >= 0 && m.agg != t.activeAgg && m.linkOK {
			next = m.agg
			break
		}
	}
	if next < 0 {
		return
	}
	n := t.n
	var from, to []string
	for _, m := range t.members {
		ls := m.port.lacp
		if ls == nil {
			continue
		}
		switch m.agg {
		case t.activeAgg:
			from = append(from, m.port.name)
			ls.selected = false
			ls.wait.Stop()
			if ls.sync {
				n.lacpSync(ls, false, ls.enabled)
			}
		case next:
			to = append(to, m.port.name)
			ls.selected = true
			ls.wait.Reset(sim.Time(topology.DefaultLACPAggregateWait))
		}
	}
	t.activeAgg = next
	n.record(TeamSwitchover{Host: t.host.name, From: strings.Join(from, ","), To: strings.Join(to, ","),
		Reason: "LACP: the active aggregator lost its last link; the other partner's aggregator is selected"})
}
