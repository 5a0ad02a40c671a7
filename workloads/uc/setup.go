package uc

import "dctwin/sim"

// transmit sends the call's INVITE (again). The INVITE client transaction of RFC 3261
// §17.1.1.2 (reference-facts 9): over an unreliable transport the INVITE is
// retransmitted after T1, then after intervals doubling each time (timer A: 0.5, 1, 2,
// 4, 8, 16 s from T1 = 500 ms, so sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s),
// and the transaction gives up at timer B = 64·T1 = 32 s after the first send. An
// INVITE gets through when the caller reaches a PBX node that is up and that node
// reaches the callee; the first transmission that gets through sets the call up. The
// retransmission interval is not capped at T2 for INVITEs (only non-INVITE requests
// are).
func (c *Call) transmit() {
	if c.state != Dialling {
		return
	}
	m := c.m
	c.transmissions++
	if c.signallingNode() != "" {
		c.admit()
		return
	}
	if c.transmissions == 1 {
		m.s.After(m.timerB(), func() {
			if c.state == Dialling {
				c.fail(ReasonTimerB)
			}
		})
	}
	next := m.cfg.T1 << (c.transmissions - 1)
	if m.s.Now()+next < c.attempted+m.timerB() {
		m.s.After(next, c.transmit)
	}
}

// signallingNode is the PBX node through which an INVITE sent now sets the call up, or
// "" when none does. A cluster's nodes are tried in order, as a phone fails over its
// registration to the survivor; a node lost less than the PBX's FailoverDelay ago
// still attracts the INVITEs, which are lost — whether it failed or only cannot be
// reached: a phone cannot tell the two apart.
func (c *Call) signallingNode() string {
	m := c.m
	if m.down[c.info.To] || m.down[c.info.From] {
		return ""
	}
	for _, n := range c.pbx.nodes {
		if m.down[n] {
			if m.s.Now()-m.since[n] < c.pbx.failover {
				return "" // the endpoints have not noticed yet: the INVITE is lost
			}
			continue
		}
		if m.net.Reachable(c.info.From, n) && m.net.Reachable(n, c.info.To) {
			return n
		}
		if m.net.UnreachableFor(c.info.From, n) < c.pbx.failover {
			return "" // the caller still registers with n: the INVITE is lost
		}
	}
	return ""
}

// admit offers the call to its PBX's channels, the callee's phone and its server's
// channels by the rules of occupancy.admit: a call that finds a pool full is blocked
// at once (Erlang B, reference-facts 9), one whose callee is in a call is busy. An
// admitted call rings for the post-dial delay and is answered; a call in progress at
// t = 0 is answered at once.
func (c *Call) admit() {
	m := c.m
	u := 1.0 // a call in progress at t = 0 has its station already (see warmStart)
	if c.callee != noResource && !c.warm {
		u = c.g.pick.Float64()
	}
	switch m.occ.admit(c.pbx.channels, c.callee, c.serverChannels(), u) {
	case refusedPBX:
		c.block("pbx " + c.pbx.name)
		return
	case refusedBusy:
		c.busy()
		return
	case refusedServer:
		c.block(c.server.label)
		return
	}
	c.holds = true
	c.state = Ringing
	m.addActive(c)
	if m.cfg.PostDialDelay == 0 || c.warm {
		c.answer()
		return
	}
	m.s.After(m.cfg.PostDialDelay, func() {
		if c.state == Ringing {
			c.answer()
		}
	})
}

// timerB is the INVITE transaction timeout for the configuration's T1.
func (m *Model) timerB() sim.Time { return 64 * m.cfg.T1 }
