package network_test

import (
	"slices"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A flow that starts after the switches forgot its destination: h1 on s1, h2 on s2,
// s1–s2 between them. Every entry learned from the hosts' gratuitous ARPs at the start
// ages out 300 s later; the flow h1 → h2 starts at 400 s. Without an ARP exchange its
// first packets find h2 unknown at s1 and s2 and flood until something teaches them
// (nothing does: the flow runs one way), so all of its 10 s × 1,000 packets/s go out
// flooded. With Resolve, h2's ARP reply to h1 crosses s2 and s1 first, and the flow
// goes straight there from its first packet: none flooded, the same path.
func TestResolvedFlowDoesNotFlood(t *testing.T) {
	for _, opt := range []network.Options{{}, {EagerBridges: -1}} {
		for _, resolve := range []bool{false, true} {
			s := sim.New(1)
			n := network.New(s, opt)
			for _, sw := range []string{"s1", "s2"} {
				must(t, n.AddSwitch(sw, network.SwitchConfig{Layer: topology.L2}))
			}
			must(t, n.AddHost("h1", network.HostConfig{}))
			must(t, n.AddHost("h2", network.HostConfig{}))
			must(t, n.AddLink("l1", "h1:eth0", "s1:p1", network.LinkConfig{Speed: 1e9}))
			must(t, n.AddLink("l2", "h2:eth0", "s2:p1", network.LinkConfig{Speed: 1e9}))
			must(t, n.AddLink("isl", "s1:p9", "s2:p9", network.LinkConfig{Speed: 10e9}))
			f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h1", To: "h2", RateBps: 8e6, PacketBytes: 1000,
				Stopped: true, Resolve: resolve})
			must(t, err)
			s.At(sec(400), f.Start)
			s.RunUntil(sec(410))
			d := f.Direction(0)
			if !d.Delivering() {
				t.Fatalf("lazy %v, resolve %v: not delivering: %s", opt.EagerBridges < 0, resolve, d.Reason())
			}
			flooded, sent := d.Flooded(), d.Sent()
			switch {
			case resolve && flooded != 0:
				t.Errorf("lazy %v: resolved, yet %d of %d packets flooded", opt.EagerBridges < 0, flooded, sent)
			case !resolve && (sent < 9999 || flooded != sent):
				t.Errorf("lazy %v: unresolved, %d of %d packets flooded, want all of about 10,000", opt.EagerBridges < 0, flooded, sent)
			}
			want := []string{"h1:eth0", "l1", "s1:p1", "s1:p9", "isl", "s2:p9", "s2:p1", "l2", "h2:eth0"}
			if got := d.Path(); !slices.Equal(got, want) {
				t.Errorf("lazy %v, resolve %v: path %v, want %v", opt.EagerBridges < 0, resolve, got, want)
			}
		}
	}
}
