package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A flood passes the host ports of a plain bridge as one segment; a change of one of
// them re-walks only the floods it can change: those to the host behind it. Switch sw
// in a network that learns lazily, hosts h1 … h4; flow h1 → h2, whose NIC fails at 1 s:
// the flow floods for a destination nobody can reach. h3's NIC failing at 2 s (and
// coming back at 3 s) is a host port the flood passes without looking at it: no walk.
// h2's NIC coming back at 4 s is the destination's port: the flow walks again, finds
// h2 by flooding and is delivered.
func TestFloodPastAHostPortIsNotWalkedAgain(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{EagerBridges: -1})
	must(t, n.AddSwitch("sw", network.SwitchConfig{Layer: topology.L2}))
	for i, h := range []string{"h1", "h2", "h3", "h4"} {
		must(t, n.AddHost(h, network.HostConfig{}))
		must(t, n.AddLink("l"+h, h+":eth0", "sw:p"+string(rune('1'+i)), network.LinkConfig{Speed: 1e9}))
	}
	f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h1", To: "h2", RateBps: 1e6})
	must(t, err)
	s.At(sec(1), func() { must(t, n.FailNIC("h2:eth0")) })
	s.At(sec(2), func() { must(t, n.FailNIC("h3:eth0")) })
	s.At(sec(3), func() { must(t, n.RepairNIC("h3:eth0")) })
	s.At(sec(4), func() { must(t, n.RepairNIC("h2:eth0")) })
	s.RunUntil(ms(1500))
	if f.Delivering() {
		t.Fatal("h2's NIC is down, yet the flow delivers")
	}
	before := n.Evaluations()
	s.RunUntil(ms(3500))
	if got := n.Evaluations() - before; got != 0 {
		t.Errorf("h3's NIC failing and coming back walked the flood %d more times, want none", got)
	}
	s.RunUntil(ms(4500))
	if n.Evaluations() == before {
		t.Error("h2's NIC coming back did not walk the flow again")
	}
	if !f.Delivering() {
		t.Error("h2 is back, yet the flow does not deliver")
	}
}
