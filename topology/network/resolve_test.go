package network_test

import (
	"fmt"
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

// A call's two media directions start at one instant after every entry aged: h1 → h2
// and h2 → h1, both resolving, on s1 – s2, with s3 off s1. h1's ARP request is a
// broadcast, so every switch of the VLAN learns where h1 is, s3 too; h2's reply
// teaches s2 and s1 where h2 is; h2 keeps h1's address from the request and asks
// nothing itself (RFC 826). Neither direction floods a packet, and neither does h3's
// flow to h1, started at the same instant without an exchange of its own: s3 knows h1
// from the request. With replies only (h2's to h1, h1's to h2) s3 would not know h1.
func TestResolvedCallFloodsNeitherWay(t *testing.T) {
	for _, opt := range []network.Options{{}, {EagerBridges: -1}} {
		s := sim.New(1)
		n := network.New(s, opt)
		for _, sw := range []string{"s1", "s2", "s3"} {
			must(t, n.AddSwitch(sw, network.SwitchConfig{Layer: topology.L2}))
		}
		for _, h := range []string{"h1", "h2", "h3"} {
			must(t, n.AddHost(h, network.HostConfig{}))
		}
		must(t, n.AddLink("l1", "h1:eth0", "s1:p1", network.LinkConfig{Speed: 1e9}))
		must(t, n.AddLink("l2", "h2:eth0", "s2:p1", network.LinkConfig{Speed: 1e9}))
		must(t, n.AddLink("l3", "h3:eth0", "s3:p1", network.LinkConfig{Speed: 1e9}))
		must(t, n.AddLink("isl", "s1:p9", "s2:p9", network.LinkConfig{Speed: 10e9}))
		must(t, n.AddLink("isl3", "s1:p8", "s3:p9", network.LinkConfig{Speed: 10e9}))
		var flows []*network.Flow
		for _, ends := range [][2]string{{"h1", "h2"}, {"h2", "h1"}, {"h3", "h1"}} {
			f, err := n.AddFlow(network.FlowConfig{Name: ends[0] + ">" + ends[1], From: ends[0], To: ends[1],
				RateBps: 8e6, PacketBytes: 1000, Stopped: true, Resolve: ends[0] != "h3"})
			must(t, err)
			flows = append(flows, f)
			s.At(sec(400), f.Start)
		}
		s.RunUntil(sec(410))
		noneFlooded(t, opt, flows)
	}
}

// Two hosts with interfaces in VLANs 10 and 20 (trunked NICs) resolve each other in
// each VLAN: two flows between them, one per VLAN, start in one instant after every
// entry aged, and each has its own ARP exchange in its VLAN, so neither floods. (The
// exchanges of one instant were told apart by the two MACs only: the VLAN 20 flow's
// was skipped and all its 10,000 packets flooded. Found by a review.)
func TestResolvedInEachVLAN(t *testing.T) {
	for _, opt := range []network.Options{{}, {EagerBridges: -1}} {
		s := sim.New(1)
		n := network.New(s, opt)
		for _, sw := range []string{"s1", "s2"} {
			must(t, n.AddSwitch(sw, network.SwitchConfig{Layer: topology.L2}))
		}
		hc := network.HostConfig{VLAN: 10, Subnet: "10", Interfaces: []network.Interface{{VLAN: 20, Subnet: "20"}}}
		must(t, n.AddHost("h1", hc))
		must(t, n.AddHost("h2", hc))
		must(t, n.AddLink("l1", "h1:eth0", "s1:p1", network.LinkConfig{Speed: 1e9}))
		must(t, n.AddLink("l2", "h2:eth0", "s2:p1", network.LinkConfig{Speed: 1e9}))
		must(t, n.AddLink("isl", "s1:p9", "s2:p9", network.LinkConfig{Speed: 10e9}))
		for _, p := range []string{"h1:eth0", "s1:p1", "h2:eth0", "s2:p1", "s1:p9", "s2:p9"} {
			must(t, n.SetPortVLANs(p, network.PortVLANs{Allowed: []int{10, 20}, Native: 10}))
		}
		var flows []*network.Flow
		for _, v := range []int{10, 20} {
			f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("f%d", v), From: "h1", To: "h2", FromVLAN: v, ToVLAN: v,
				RateBps: 8e6, PacketBytes: 1000, Stopped: true, Resolve: true})
			must(t, err)
			flows = append(flows, f)
			s.At(sec(400), f.Start)
		}
		s.RunUntil(sec(410))
		noneFlooded(t, opt, flows)
	}
}

// noneFlooded checks that each flow, sending 1,000 packets a second for 10 s, delivers
// and sent none of them flooded.
func noneFlooded(t *testing.T, opt network.Options, flows []*network.Flow) {
	t.Helper()
	for _, f := range flows {
		d := f.Direction(0)
		if !d.Delivering() {
			t.Fatalf("lazy %v: %s not delivering: %s", opt.EagerBridges < 0, f.Name(), d.Reason())
		}
		if d.Flooded() != 0 || d.Sent() < 9999 {
			t.Errorf("lazy %v: %s flooded %d of %d packets, want none of about 10,000", opt.EagerBridges < 0, f.Name(), d.Flooded(), d.Sent())
		}
	}
}
