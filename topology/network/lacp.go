package network

import "dctwin/sim"

// lacpState supervises one LACP member link from both ends. Each end expects an
// LACPDU from its partner every period (1 s fast, 30 s slow) and times the partner out
// three periods after the last one (3 s / 90 s, reference-facts §5). A port sends
// LACPDUs only while it sees carrier, so a one-way cut that leaves the transmitting end
// with carrier is noticed there by the timeout. The member carries traffic while both
// ends are in sync.
type lacpState struct {
	m      *member  // the host's team member, nil between two switches
	ends   [2]*Port // [0] host NIC (or first switch), [1] switch port
	period sim.Time
	phase  [2]sim.Time // when ends[i] sends
	fresh  [2]bool     // ends[i] has current information from its partner
	timer  [2]*sim.Timer
	sync   bool
}

func (n *Network) newLACP(m *member, a, b *Port, chain []*Port, rate LACPRate, ph sim.Time) {
	period := 30 * sim.Second
	if rate == LACPFast {
		period = sim.Second
	}
	ls := &lacpState{m: m, ends: [2]*Port{a, b}, period: period, sync: true, fresh: [2]bool{true, true}}
	rng := n.s.Rand("lacp/" + a.name)
	for i := range ls.ends {
		ls.phase[i] = phase(ph, period, rng.Int64N)
		ls.timer[i] = n.s.NewTimer(func() { n.lacpDue(ls, i) })
	}
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

// lacpCheck arms the receive timers after a change: an end whose partner went silent
// times out three periods after the last LACPDU; one whose partner is heard again is
// current at the next LACPDU.
func (n *Network) lacpCheck(ls *lacpState) {
	now := n.s.Now()
	for i := range ls.ends {
		fl := ls.flowing(i)
		if fl == ls.fresh[i] {
			ls.timer[i].Stop()
			continue
		}
		if ls.timer[i].Armed() {
			continue
		}
		sender := 1 - i
		if fl {
			ls.timer[i].ResetAt(nextTick(now, ls.phase[sender], ls.period))
		} else {
			at := lastTick(now, ls.phase[sender], ls.period) + 3*ls.period
			if at < now {
				at = now
			}
			ls.timer[i].ResetAt(at)
		}
	}
}

func (n *Network) lacpDue(ls *lacpState, i int) {
	fl := ls.flowing(i)
	if fl == ls.fresh[i] {
		return
	}
	ls.fresh[i] = fl
	sync := ls.fresh[0] && ls.fresh[1]
	if sync == ls.sync {
		return
	}
	ls.sync = sync
	for _, sp := range ls.ends {
		if sp.dev.kind != kindSwitch {
			continue
		}
		// A port without carrier (or on a switch that is off) left the aggregate when
		// its carrier went; its partner timing out later is no news.
		if sp.usable() {
			n.record(AggregateMemberChanged{Device: sp.dev.name, Port: sp.name, In: sync, Mechanism: ByLACP})
		}
		n.touch(&sp.deps)
		if sp.lp != nil {
			n.touch(&sp.lp.deps)
			if !sync && !sp.lp.anyUsable() {
				sp.dev.br.flushPort(sp.lp, "LACP partner timeout")
			}
		}
	}
	if m := ls.m; m != nil {
		m.lacpDown = !sync
		m.refresh(ByLACP)
	}
}
