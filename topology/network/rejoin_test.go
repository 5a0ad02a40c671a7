package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// An LACP member link that comes back rejoins as 802.1AX says: a port whose state
// changes (its link came up) sends an LACPDU at once and its partner answers at once;
// each end selects the aggregator and waits Aggregate_Wait_Time (2 s,
// topology.DefaultLACPAggregateWait) before it attaches, and the member collects and
// distributes after that. The periodic LACPDUs (fast, every 1 s at phase 0.3 s) do not
// enter into it.
//
// Member eth0 of the oneSwitch team breaks at 30.5 s and is repaired at R (PHY delay
// 0):
//
//	NIC failure, R = 40.5 s (the partners timed out at 30.3 + 3 = 33.3 s): the member
//	    joins at 40.5 + 2 = 42.5 s, not at the switch's next LACPDU at 41.3 s;
//	NIC failure, R = 31.0 s (no timeout yet): both ports left the aggregate with their
//	    carrier, so they wait too: 31.0 + 2 = 33.0 s, not at once;
//	switch→server fibre cut, R = 31.0 s: the switch kept carrier and the member until
//	    the repair; the server's port comes back out of sync, so the switch takes the
//	    member out at 31.0 s and both attach at 33.0 s.
func TestLACPRejoinAfterAggregateWait(t *testing.T) {
	failNIC := func(n *network.Network) error { return n.FailNIC("srv:eth0") }
	fixNIC := func(n *network.Network) error { return n.RepairNIC("srv:eth0") }
	cut := func(n *network.Network) error { return n.FailLinkOneWay("l0", "sw:p1") }
	fixCut := func(n *network.Network) error { return n.RepairLink("l0") }
	cases := []struct {
		name      string
		fail, fix func(*network.Network) error
		repair    sim.Time
		switchOut bool // the switch port leaves at the repair (it kept the member until then)
	}{
		{"nic, after the timeout", failNIC, fixNIC, sec(40.5), false},
		{"nic, before the timeout", failNIC, fixNIC, sec(31), false},
		{"one-way cut towards the server", cut, fixCut, sec(31), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := oneSwitch(t, s, topology.LACP, network.LACPFast)
			s.At(sec(30.5), func() { must(t, c.fail(n)) })
			s.At(c.repair, func() { must(t, c.fix(n)) })
			s.RunUntil(sec(60))
			want := c.repair + sim.Time(topology.DefaultLACPAggregateWait)
			member := func(in bool) func(sim.Record) bool {
				return func(r sim.Record) bool {
					a, ok := r.(network.AggregateMemberChanged)
					return ok && a.Port == "sw:p1" && a.In == in
				}
			}
			at, ok := tr.first(c.repair, member(true))
			if !ok {
				tr.dump(t, sec(30))
				t.Fatal("sw:p1 never rejoined")
			}
			near(t, "switch port rejoins", at, want, 0)
			up, ok := tr.first(c.repair, func(r sim.Record) bool {
				d, ok := r.(network.Detected)
				return ok && d.Member == "srv:eth0" && d.Up
			})
			if !ok {
				t.Fatal("srv:eth0 never came back")
			}
			near(t, "team member back", up, want, 0)
			out, ok := tr.first(c.repair, member(false))
			if ok != c.switchOut || ok && out != c.repair {
				tr.dump(t, sec(30))
				t.Errorf("switch port left at %v (%v), want at the repair: %v", out, ok, c.switchOut)
			}
		})
	}
}
