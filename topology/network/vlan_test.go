package network_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// VLANs used by the tests: servers and clients.
const (
	vlanSrv = 10
	vlanCli = 20
)

func access(v int) network.PortVLANs { return network.PortVLANs{Allowed: []int{v}, Native: v} }

// isolated builds one switch with two hosts in each of two VLANs (access ports) and
// no gateway: a1, a2 in VLAN 10, b1, b2 in VLAN 20.
func isolated(tb testing.TB, s *sim.Simulation) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	must(tb, n.AddSwitch("sw", network.SwitchConfig{}))
	for i, h := range []string{"a1", "a2", "b1", "b2"} {
		v := []int{vlanSrv, vlanSrv, vlanCli, vlanCli}[i]
		must(tb, n.AddHost(h, network.HostConfig{VLAN: v, Subnet: fmt.Sprint(v)}))
		must(tb, n.AddLink(h, h+":eth0", fmt.Sprintf("sw:p%d", i+1), network.LinkConfig{Speed: 1e9, VLANs: access(v)}))
	}
	return n
}

// A frame never leaves its VLAN: a host reaches the other host of its VLAN and not
// those of the other VLAN, and a flooded frame (to a MAC the switch knows only in the
// other VLAN) loads only the ports of its own VLAN.
func TestVLANIsolation(t *testing.T) {
	s := sim.New(1)
	n := isolated(t, s)
	same, err := n.AddFlow(network.FlowConfig{Name: "same", From: "a1", To: "a2", RateBps: 1e6})
	must(t, err)
	// a1 and b1 are in different VLANs and no gateway routes: a1's frame for b1's MAC
	// is unknown in VLAN 10 (b1 was learned in VLAN 20 only) and floods VLAN 10 only.
	other, err := n.AddFlow(network.FlowConfig{Name: "other", From: "a1", To: "b1", RateBps: 1e6})
	must(t, err)
	s.RunUntil(sec(1))
	if !same.Delivering() {
		t.Fatalf("a1 → a2 in one VLAN does not deliver: %s", same.Reason())
	}
	if other.Delivering() {
		t.Fatalf("a1 (VLAN 10) reaches b1 (VLAN 20) without a router: %v", other.Path())
	}
	// The flood of "other" crosses a1's link and a2's, never b1's or b2's.
	for _, l := range []string{"b1", "b2"} {
		if load := n.Load(l, "sw"); load != 0 {
			t.Errorf("link %s of VLAN 20 carries %v bit/s of VLAN 10 traffic", l, load)
		}
	}
	if load := n.Load("a2", "sw"); load != 2e6 {
		t.Errorf("a2's port carries %v bit/s, want 2 Mbit/s (its own flow and the flood)", load)
	}
}

// The same hosts on a trunk: frames of a VLAN the trunk does not allow are dropped
// where they would cross, and a switch drops frames of VLANs it does not carry.
func TestVLANNotAllowedOnTrunk(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{})
	must(t, n.AddSwitch("s1", network.SwitchConfig{}))
	must(t, n.AddSwitch("s2", network.SwitchConfig{}))
	must(t, n.AddLink("trunk", "s1:t", "s2:t", network.LinkConfig{Speed: 10e9, VLANs: network.PortVLANs{Allowed: []int{vlanCli}}}))
	for i, h := range []string{"a", "b"} {
		must(t, n.AddHost(h, network.HostConfig{VLAN: vlanSrv}))
		must(t, n.AddLink(h, h+":eth0", fmt.Sprintf("s%d:p1", i+1), network.LinkConfig{Speed: 1e9, VLANs: access(vlanSrv)}))
	}
	f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "a", To: "b", RateBps: 1e6})
	must(t, err)
	s.RunUntil(sec(1))
	if f.Delivering() {
		t.Fatalf("VLAN 10 crossed a trunk that allows only VLAN 20: %v", f.Path())
	}
	if n.Load("trunk", "s1:t") != 0 {
		t.Errorf("the trunk carries VLAN 10 traffic")
	}
}

// edgePair is the setting of the VLAN mistakes: an L3 core (the spanning-tree root)
// routing between VLAN 10 (servers, gateway gw10) and VLAN 20 (clients, gw20); access
// switches edge-a (10G uplink) and edge-b (a 1G backup uplink) joined by a 10G
// inter-switch link with the given VLANs; server srv in VLAN 10 with an NFT team
// (miimon every 100 ms at phase 30 ms, updelay 200 ms, failing back to eth0) on
// edge-a:p1 and edge-b:p1 (access ports of VLAN 10 unless eth1Port says otherwise);
// client cli in VLAN 20 on the core.
//
// Spanning tree (802.1t costs 2,000 for 10G, 20,000 for 1G): edge-b reaches the root
// over the ISL and edge-a for 4,000 rather than over its own uplink for 20,000, so
// the ISL forwards and edge-b's uplink is an alternate port: it blocks, for every
// VLAN (one common tree).
func edgePair(tb testing.TB, s *sim.Simulation, isl network.PortVLANs, eth1Port network.PortVLANs) (*network.Network, *network.Flow) {
	tb.Helper()
	n := network.New(s, network.Options{})
	must(tb, n.AddSwitch("core", network.SwitchConfig{Layer: topology.L3, Priority: 4096}))
	must(tb, n.AddSwitch("edge-a", network.SwitchConfig{}))
	must(tb, n.AddSwitch("edge-b", network.SwitchConfig{}))
	trunk := network.PortVLANs{Allowed: []int{vlanSrv, vlanCli}, Native: 1}
	must(tb, n.AddLink("up-a", "edge-a:up", "core:1", network.LinkConfig{Speed: 10e9, VLANs: trunk}))
	must(tb, n.AddLink("up-b", "edge-b:up", "core:2", network.LinkConfig{Speed: 1e9, VLANs: trunk}))
	must(tb, n.AddLink("isl", "edge-a:isl", "edge-b:isl", network.LinkConfig{Speed: 10e9, VLANs: isl}))
	must(tb, n.AddGateway("gw10", network.GatewayConfig{Members: []string{"core"}, VLAN: vlanSrv}))
	must(tb, n.AddGateway("gw20", network.GatewayConfig{Members: []string{"core"}, VLAN: vlanCli}))
	must(tb, n.AddHost("srv", network.HostConfig{VLAN: vlanSrv, Subnet: "servers", Gateway: "gw10"}))
	must(tb, n.AddHost("cli", network.HostConfig{VLAN: vlanCli, Subnet: "clients", Gateway: "gw20"}))
	must(tb, n.AddLink("srv-0", "srv:eth0", "edge-a:p1", network.LinkConfig{Speed: 1e9, VLANs: access(vlanSrv)}))
	must(tb, n.AddLink("srv-1", "srv:eth1", "edge-b:p1", network.LinkConfig{Speed: 1e9, VLANs: eth1Port}))
	must(tb, n.SetPortVLANs("srv:eth1", access(vlanSrv))) // the server is set up for VLAN 10 on both NICs
	must(tb, n.AddLink("cli", "cli:eth0", "core:9", network.LinkConfig{Speed: 1e9, VLANs: access(vlanCli)}))
	must(tb, n.AddTeam("srv", network.TeamConfig{Members: []string{"eth0", "eth1"}, Detection: topology.MIIMon,
		MIIMonInterval: ms(100), PollPhase: ms(30), UpDelay: ms(200), Failback: true, GratuitousARPs: 1}))
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "cli", To: "srv", RateBps: 1e6, Bidirectional: true})
	must(tb, err)
	return n, f
}

// failAndRepairEth0 fails srv:eth0 at 10 s, repairs it at 40 s and returns the flow's
// outage from 10 s.
func failAndRepairEth0(t *testing.T, s *sim.Simulation, n *network.Network, f *network.Flow) network.Interval {
	t.Helper()
	s.RunUntil(sec(5))
	if !f.Delivering() {
		t.Fatalf("before the failure the flow does not deliver: %s", f.Reason())
	}
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
	s.At(sec(40), func() { must(t, n.RepairNIC("srv:eth0")) })
	s.RunUntil(sec(60))
	return outage(t, f, sec(10))
}

// With the ISL carrying the server VLAN the NFT failover costs what miimon costs:
//
//	failure 10.000 s, next poll 10.030 s (phase 30 ms, downdelay 0) → 30 ms.
func TestISLWithServerVLANFailsOverInAPoll(t *testing.T) {
	s := sim.New(1)
	n, f := edgePair(t, s, network.PortVLANs{Allowed: []int{vlanSrv, vlanCli}, Native: 1}, access(vlanSrv))
	iv := failAndRepairEth0(t, s, n, f)
	near(t, "outage", iv.Duration(s.Now()), ms(30), 0)
}

// The inter-switch link does not carry the server VLAN (a pruned trunk). eth1's
// switch edge-b reaches the rest of VLAN 10 only over its uplink, which the common
// spanning tree blocks (the ISL is edge-b's root port, for all VLANs): after the
// failover at 10.030 s the server is unreachable until eth0 is back. The repair at
// 40 s is seen by the poll at 40.030 s; updelay 200 ms is two more polls, so eth0 is
// used again at 40.230 s:
//
//	outage = 40.230 − 10.000 = 30.230 s (instead of 30 ms).
//
// dctwin check does not flag it: statically, edge-a and edge-b are joined in VLAN 10
// through the core, over the uplink spanning tree blocks.
func TestISLWithoutServerVLANCutsTheServerOffUntilRepair(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n, f := edgePair(t, s, network.PortVLANs{Allowed: []int{vlanCli}, Native: 1}, access(vlanSrv))
	iv := failAndRepairEth0(t, s, n, f)
	if iv.End == sim.Never {
		tr.dump(t, sec(10))
		t.Fatal("never restored")
	}
	near(t, "outage", iv.Duration(s.Now()), ms(30230), 0)
	if got := n.ActiveMember("srv"); got != "srv:eth0" {
		t.Errorf("active member %s after the repair, want srv:eth0", got)
	}
	// While eth1 was active, the reason names where VLAN 10 ended.
	for _, r := range tr.recs {
		if d, ok := r.r.(network.FlowDown); ok && r.at > sec(10.03) && r.at < sec(40) {
			t.Logf("%v %s", r.at, d)
		}
	}
}

// eth1's switch port is an access port of the clients' VLAN 20 while the server sets
// eth1 up for VLAN 10 (the "service specification" mismatch on one member). The server
// sends untagged frames, so after the failover its frames are in VLAN 20 at edge-b:
// its frames for gw10's MAC find no gateway there, and frames routed to it in VLAN 10
// reach edge-b but cannot leave through an access port of VLAN 20. Same arithmetic as
// the pruned ISL:
//
//	outage = 40.230 − 10.000 = 30.230 s.
func TestTeamMemberOnAccessPortOfWrongVLAN(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n, f := edgePair(t, s, network.PortVLANs{Allowed: []int{vlanSrv, vlanCli}, Native: 1}, access(vlanCli))
	iv := failAndRepairEth0(t, s, n, f)
	if iv.End == sim.Never {
		tr.dump(t, sec(10))
		t.Fatal("never restored")
	}
	near(t, "outage", iv.Duration(s.Now()), ms(30230), 0)
	// The server's MAC was learned in VLAN 20 at edge-b: its frames landed there.
	found := false
	for _, r := range tr.recs {
		if m, ok := r.r.(network.MACChanged); ok && m.Switch == "edge-b" && m.MAC == "srv" && m.VLAN == fmt.Sprint(vlanCli) {
			found = true
		}
	}
	if !found {
		t.Error("edge-b never learned srv's MAC in VLAN 20")
	}
}

// splitTeam is server srv with a two-NIC team of the given mode whose members go to
// two switches that are not a cluster, A and B, both uplinked to core switch C (no
// loop); clients ca on A, cb on B and cc on C; all in one VLAN. Flows from srv to each
// client are bidirectional; eight per client, so that the team's hash puts some on
// each member.
func splitTeam(tb testing.TB, s *sim.Simulation, mode topology.TeamMode) (*network.Network, []*network.Flow) {
	tb.Helper()
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9}
	must(tb, n.AddSwitch("C", network.SwitchConfig{Priority: 4096}))
	must(tb, n.AddSwitch("A", network.SwitchConfig{}))
	must(tb, n.AddSwitch("B", network.SwitchConfig{}))
	must(tb, n.AddLink("A-C", "A:up", "C:a", lc))
	must(tb, n.AddLink("B-C", "B:up", "C:b", lc))
	must(tb, n.AddHost("srv", network.HostConfig{}))
	must(tb, n.AddLink("srv-0", "srv:eth0", "A:p1", lc))
	must(tb, n.AddLink("srv-1", "srv:eth1", "B:p1", lc))
	must(tb, n.AddTeam("srv", network.TeamConfig{Mode: mode, Members: []string{"eth0", "eth1"}, LACPRate: network.LACPFast, LACPPhase: ms(300)}))
	var flows []*network.Flow
	for _, c := range []string{"ca", "cb", "cc"} {
		must(tb, n.AddHost(c, network.HostConfig{}))
		must(tb, n.AddLink(c, c+":eth0", strings.ToUpper(c[1:])+":"+c, lc))
		for i := range 8 {
			f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("%s-%d", c, i), From: "srv", To: c, RateBps: 1e6, Bidirectional: true})
			must(tb, err)
			flows = append(flows, f)
		}
	}
	return n, flows
}

// An SLB team (static aggregation) split over two switches that are not a cluster: each
// switch sees a one-port "aggregate", the team sends on both members with one MAC, so
// A, B and C learn srv's MAC on two ports each from running traffic — MAC flapping,
// which the switches report. Frames to srv are not lost in the steady state, and the
// test checks that none is: each frame from srv points every switch it crosses back
// along its own path, so a frame to srv follows, at every switch, the path of the
// latest srv frame that crossed it; a switch whose latest frame is newer than the one
// that led there lies on that newer frame's path, so the walk only ever moves to newer
// frames and ends at srv. (Frames are lost only in the microseconds between two srv
// frames crossing the same switches in opposite orders, which a flow-level model does
// not resolve; switches configured to act on flapping — error-down, quit-VLAN — would
// cut a member off, which dctwin does not model.)
func TestSLBSplitOverTwoSwitchesFlaps(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	_, flows := splitTeam(t, s, topology.SLB)
	s.RunUntil(sec(10))
	members := map[string]bool{}
	for _, f := range flows {
		if !f.Delivering() {
			t.Errorf("%s does not deliver: %s", f.Name(), f.Reason())
		}
		members[f.Path()[0]] = true
	}
	if len(members) != 2 {
		t.Fatalf("the team sends on %v only; the test needs flows on both members", members)
	}
	flapping := map[string]bool{}
	for _, r := range tr.recs {
		if m, ok := r.r.(network.MACFlapping); ok && m.MAC == "srv" {
			flapping[m.Switch] = true
		}
		if _, ok := r.r.(network.FlowDown); ok {
			t.Errorf("%v %s", r.at, r.r)
		}
	}
	for _, sw := range []string{"A", "B", "C"} {
		if !flapping[sw] {
			t.Errorf("no MAC flapping reported at %s (reported at %v)", sw, flapping)
		}
	}
}

// The same split as an LACP team: 802.1AX aggregates a port only with ports whose
// partner is the same system, so the team has two aggregators and uses one, that of
// eth0 (Linux ad_select=stable: the first with the most ports); eth1 idles. When eth0's
// NIC fails, the active aggregator has no link left and the team selects eth1's; the
// port attaches after the aggregate wait:
//
//	failure 10 s (carrier, at once) + 2 s aggregate wait → flows back at 12 s.
func TestLACPSplitOverTwoSwitchesUsesOneAggregator(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n, flows := splitTeam(t, s, topology.LACP)
	s.RunUntil(sec(5))
	for _, f := range flows {
		if !f.Delivering() {
			t.Fatalf("%s does not deliver: %s", f.Name(), f.Reason())
		}
		if p := f.Path()[0]; p != "srv:eth0" {
			t.Errorf("%s leaves on %s; only eth0's aggregator is active", f.Name(), p)
		}
	}
	if n.Load("srv-1", "srv:eth1") != 0 {
		t.Error("eth1 carries traffic")
	}
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
	s.RunUntil(sec(20))
	for _, f := range flows {
		iv := outage(t, f, sec(10))
		near(t, f.Name()+" outage", iv.Duration(s.Now()), sec(2), 0)
	}
	for _, r := range tr.recs {
		if _, ok := r.r.(network.MACFlapping); ok {
			t.Errorf("%v %s: an LACP team does not flap", r.at, r.r)
		}
	}
}
