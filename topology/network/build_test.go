package network_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// Construction mistakes are errors that say what is wrong, never panics.
func TestConstructionErrors(t *testing.T) {
	build := func() *network.Network {
		n := network.New(sim.New(1), network.Options{})
		must(t, n.AddSwitch("sw", network.SwitchConfig{}))
		must(t, n.AddHost("h", network.HostConfig{}))
		must(t, n.AddLink("l", "h:eth0", "sw:p1", network.LinkConfig{}))
		return n
	}
	cases := []struct {
		name string
		do   func(n *network.Network) error
		want string
	}{
		{"duplicate device", func(n *network.Network) error { return n.AddSwitch("sw", network.SwitchConfig{}) }, "already exists"},
		{"port name", func(n *network.Network) error { return n.AddLink("x", "sw", "h:eth1", network.LinkConfig{}) }, "device:port"},
		{"unknown device", func(n *network.Network) error { return n.AddLink("x", "nope:p", "h:eth1", network.LinkConfig{}) }, "unknown device"},
		{"port taken", func(n *network.Network) error { return n.AddLink("x", "sw:p1", "h:eth1", network.LinkConfig{}) }, "already has link"},
		{"team mode", func(n *network.Network) error {
			return n.AddTeam("h", network.TeamConfig{Mode: "bogus", Members: []string{"eth0"}})
		}, "unknown team mode"},
		{"heartbeat target", func(n *network.Network) error {
			return n.AddTeam("h", network.TeamConfig{Detection: topology.Heartbeat, Members: []string{"eth0"}})
		}, "heartbeat target"},
		{"primary", func(n *network.Network) error {
			return n.AddTeam("h", network.TeamConfig{Members: []string{"eth0"}, Primary: "eth7"})
		}, "not a member"},
		{"gateway member", func(n *network.Network) error {
			return n.AddGateway("gw", network.GatewayConfig{Members: []string{"sw"}})
		}, "not an L3 switch"},
		{"cluster", func(n *network.Network) error { return n.AddCluster("c", "sw", "h") }, "two different switches"},
		{"module kind", func(n *network.Network) error { return n.AddInterconnect("m", network.InterconnectConfig{Kind: "x"}) }, "unknown module kind"},
		{"aggregate", func(n *network.Network) error {
			return n.AddAggregate("po", []string{"sw:p1"}, network.AggregateConfig{})
		}, "no link to a switch"},
		{"flow endpoint", func(n *network.Network) error {
			_, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h", To: "nope"})
			return err
		}, "unknown endpoint"},
		{"flow to itself", func(n *network.Network) error {
			_, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h", To: "h"})
			return err
		}, "both"},
		{"unknown link", func(n *network.Network) error { return n.FailLink("nope") }, "unknown link"},
		{"not a NIC", func(n *network.Network) error { return n.FailNIC("sw:p1") }, "not a host NIC"},
	}
	for _, c := range cases {
		err := c.do(build())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// Once running, the topology is fixed but flows come and go.
	n := build()
	n.Simulation().RunUntil(sec(1))
	if err := n.AddSwitch("late", network.SwitchConfig{}); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("late AddSwitch: %v", err)
	}
	if _, err := n.AddFlow(network.FlowConfig{Name: "late", From: "h", To: "sw", RateBps: 1e3}); err != nil {
		t.Errorf("late AddFlow: %v", err)
	}
	n.Simulation().RunUntil(sec(2))
	if f := n.Flow("late"); f == nil || !f.Delivering() {
		t.Fatalf("a flow added at run time should deliver")
	}
	n.RemoveFlow("late")
	if n.Flow("late") != nil || len(n.Flows()) != 0 {
		t.Error("RemoveFlow left the flow behind")
	}
}
