package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A host that loses power runs no driver: its team notices nothing and switches over
// to nothing. At power-on its members come back through their detection mechanism,
// miimon (interval 100 ms, updelay 200 ms, phase 30 ms): carrier at 20 s, first poll
// at 20.03 s. The team has no active member then, so the up-delay is skipped, as
// Linux's bond_miimon_inspect does while there is no current active slave
// (reference-facts §4.1): up at 20.03 s, not after the polls at 20.13 and 20.23 s.
func TestPoweredOffHostDetectsNothing(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, 0, network.TeamConfig{Detection: topology.MIIMon, MIIMonInterval: ms(100),
		UpDelay: ms(200), PollPhase: ms(30), GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailHost("srv")) })
	s.At(sec(20), func() { must(t, n.RepairHost("srv")) })
	s.RunUntil(sec(30))
	for _, st := range tr.recs {
		switch r := st.r.(type) {
		case network.Detected:
			if st.at < sec(20) && st.at >= sec(10) {
				t.Errorf("%v: a powered-off host detected %s", st.at, r)
			}
		case network.TeamSwitchover:
			if st.at < sec(20) && st.at >= sec(10) {
				t.Errorf("%v: a powered-off host switched over: %s", st.at, r)
			}
		}
	}
	up, ok := tr.first(sec(20), func(r sim.Record) bool { d, ok := r.(network.Detected); return ok && d.Up })
	if !ok {
		tr.dump(t, sec(10))
		t.Fatal("members never came back")
	}
	near(t, "member up after power-on", up, ms(20030), 0)
	near(t, "outage", outage(t, f, sec(10)).Duration(s.Now()), ms(10030), 0)
}

// A switch that is off reports nothing of its own: no LACP partner timeouts on its
// dead ports, and carrier returning is not membership (LACP must sync first).
func TestPoweredOffSwitchReportsNoAggregateChanges(t *testing.T) {
	// An LACP team (fast) to an MC-LAG pair a1/a2; a1 is off from 10 s to 20 s.
	s := sim.New(1)
	tr := observe(s)
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9}
	for _, name := range []string{"core", "a1", "a2"} {
		must(t, n.AddSwitch(name, network.SwitchConfig{Layer: topology.L2}))
	}
	must(t, n.AddHost("srv", network.HostConfig{}))
	must(t, n.AddHost("cli", network.HostConfig{}))
	must(t, n.AddLink("core-a1", "core:p1", "a1:up", lc))
	must(t, n.AddLink("core-a2", "core:p2", "a2:up", lc))
	must(t, n.AddLink("peer", "a1:peer", "a2:peer", lc))
	must(t, n.AddLink("cli", "cli:eth0", "core:p9", lc))
	must(t, n.AddLink("srv-eth0", "srv:eth0", "a1:p1", lc))
	must(t, n.AddLink("srv-eth1", "srv:eth1", "a2:p1", lc))
	must(t, n.AddCluster("pair", "a1", "a2"))
	must(t, n.AddTeam("srv", network.TeamConfig{Mode: topology.LACP, LACPRate: network.LACPFast,
		Members: []string{"eth0", "eth1"}, GratuitousARPs: 1}))
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailSwitch("a1")) })
	s.At(sec(20), func() { must(t, n.RepairSwitch("a1")) })
	s.RunUntil(sec(30))
	var joined bool
	for _, st := range tr.recs {
		r, ok := st.r.(network.AggregateMemberChanged)
		if !ok || r.Device != "a1" {
			continue
		}
		if st.at > sec(10) && st.at < sec(20) {
			t.Errorf("%v: a1 is off but reports %s", st.at, r)
		}
		if st.at >= sec(20) && r.Mechanism == network.ByCarrier {
			t.Errorf("%v: carrier alone changed membership: %s", st.at, r)
		}
		if st.at >= sec(20) && r.In && r.Mechanism == network.ByLACP {
			joined = true
		}
	}
	if !joined {
		tr.dump(t, sec(20))
		t.Error("a1:p1 never rejoined the aggregate by LACP after the repair")
	}
	if !f.Delivering() {
		t.Errorf("flow not delivering at the end: %s", f.Reason())
	}
}
