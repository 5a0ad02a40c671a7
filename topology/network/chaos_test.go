package network_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// Random failures of every kind, then everything repaired: once the protocols had
// time to settle (5 min > MAC aging, spanning tree and team timers), every flow must
// deliver again and the trace must show as many FlowUp as FlowDown records. This is
// the convergence check behind all the timing tests.
func TestChaosThenRecovery(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		proto := []topology.SpanningTree{topology.RSTP, topology.STP}[seed%2]
		t.Run(fmt.Sprintf("%s-seed%d", proto, seed), func(t *testing.T) {
			s := sim.New(seed)
			tr := observe(s)
			fab := newFabric(t, s, fabricSpec{access: 6, hosts: 30, flows: 150, proto: proto})
			n := fab.n
			rng := s.Rand("chaos")
			type fault struct{ fail, repair func() error }
			var faults []fault
			for _, l := range n.Links() {
				a, _ := n.Link(l).Ends()
				faults = append(faults,
					fault{func() error { return n.FailLink(l) }, func() error { return n.RepairLink(l) }},
					fault{func() error { return n.FailLinkOneWay(l, a) }, func() error { return n.RepairLink(l) }})
			}
			for _, sw := range n.Switches() {
				faults = append(faults, fault{func() error { return n.FailSwitch(sw) }, func() error { return n.RepairSwitch(sw) }})
			}
			for _, h := range n.Hosts() {
				nic := n.Ports(h)[0]
				faults = append(faults,
					fault{func() error { return n.FailHost(h) }, func() error { return n.RepairHost(h) }},
					fault{func() error { return n.FailNIC(nic) }, func() error { return n.RepairNIC(nic) }})
			}
			var repairs []func() error
			for i := range 40 {
				at := sim.Seconds(5 + 5*float64(i) + rng.Float64())
				f := faults[rng.IntN(len(faults))]
				s.At(at, func() { must(t, f.fail()) })
				repairs = append(repairs, f.repair)
			}
			s.RunUntil(sec(300))
			for _, r := range repairs {
				must(t, r())
			}
			s.RunUntil(sec(600))
			downs, ups := 0, 0
			for _, r := range tr.recs {
				switch r.r.(type) {
				case network.FlowDown:
					downs++
				case network.FlowUp:
					ups++
				}
			}
			bad := 0
			for _, f := range n.Flows() {
				if !f.Delivering() {
					bad++
					if bad < 5 {
						t.Errorf("%s not delivering after all repairs: %s", f.Name(), f.Reason())
					}
				}
			}
			if downs != ups {
				t.Errorf("%d FlowDown but %d FlowUp records", downs, ups)
			}
			t.Logf("%d outages, all recovered; %d flow evaluations", downs, n.Evaluations())
		})
	}
}

// mixed builds a DC with every feature: an L3 MC-LAG core pair (c1, c2) with gateway
// gw, access switches with LACP port channels to the pair, hosts in two subnets with
// NFT/miimon, TLB, LACP and heartbeat teams, and a blade enclosure with two switch
// modules (uplink failure detection on) uplinked to the core.
func mixed(tb testing.TB, s *sim.Simulation) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(2)}
	for _, c := range []string{"c1", "c2"} {
		must(tb, n.AddSwitch(c, network.SwitchConfig{Layer: topology.L3, Priority: 4096}))
	}
	must(tb, n.AddCluster("core", "c1", "c2"))
	must(tb, n.AddLink("peer1", "c1:peer1", "c2:peer1", lc))
	must(tb, n.AddLink("peer2", "c1:peer2", "c2:peer2", lc))
	must(tb, n.AddGateway("gw", network.GatewayConfig{Members: []string{"c1", "c2"}}))
	const access = 4
	for i := range access {
		a := fmt.Sprintf("a%d", i)
		must(tb, n.AddSwitch(a, network.SwitchConfig{}))
		must(tb, n.AddLink(a+"-c1", a+":u1", "c1:"+a, lc))
		must(tb, n.AddLink(a+"-c2", a+":u2", "c2:"+a, lc))
		must(tb, n.AddAggregate(a+"-po", []string{a + ":u1", a + ":u2"}, network.AggregateConfig{LACP: true, Rate: network.LACPFast}))
	}
	for _, m := range []string{"m1", "m2"} {
		must(tb, n.AddInterconnect(m, network.InterconnectConfig{Kind: topology.SwitchModule, UplinkFailureDetection: true}))
		must(tb, n.AddLink(m+"-up", m+":x1", "c"+m[1:]+":"+m, lc))
	}
	var hosts []string
	for i := range 16 {
		h := fmt.Sprintf("h%d", i)
		hosts = append(hosts, h)
		must(tb, n.AddHost(h, network.HostConfig{Subnet: []string{"web", "voice"}[i%2], Gateway: "gw"}))
		a, b := fmt.Sprintf("a%d", i%access), fmt.Sprintf("a%d", (i+1)%access)
		team := network.TeamConfig{Members: []string{"eth0", "eth1"}, GratuitousARPs: 1}
		switch i % 4 {
		case 0:
			team.Detection, team.DownDelay, team.UpDelay = topology.MIIMon, ms(200), sec(2)
			team.Failback = true
		case 1:
			team.Mode = topology.TLB
		case 2:
			team.Mode, team.LACPRate = topology.LACP, network.LACPFast
			b = a
		case 3:
			team.Detection, team.HeartbeatTarget = topology.Heartbeat, "gw"
		}
		must(tb, n.AddLink(h+"-0", h+":eth0", a+":"+h+"-0", lc))
		must(tb, n.AddLink(h+"-1", h+":eth1", b+":"+h+"-1", lc))
		must(tb, n.AddTeam(h, team))
	}
	for i := range 4 {
		b := fmt.Sprintf("blade%d", i)
		hosts = append(hosts, b)
		must(tb, n.AddHost(b, network.HostConfig{Subnet: "web", Gateway: "gw"}))
		must(tb, n.AddLink(b+"-0", b+":eth0", fmt.Sprintf("m1:bay%d", i), lc))
		must(tb, n.AddLink(b+"-1", b+":eth1", fmt.Sprintf("m2:bay%d", i), lc))
		must(tb, n.AddTeam(b, network.TeamConfig{Members: []string{"eth0", "eth1"}, Detection: topology.MIIMon, GratuitousARPs: 2}))
	}
	rng := s.Rand("mixed")
	for i := range 60 {
		a := rng.IntN(len(hosts))
		b := (a + 1 + rng.IntN(len(hosts)-1)) % len(hosts)
		_, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("f%d", i), From: hosts[a], To: hosts[b], RateBps: 87200, Bidirectional: true})
		must(tb, err)
	}
	return n
}

// The mixed DC through random failures of every kind and back: after all repairs and
// time to settle, every flow delivers, and every outage has ended.
func TestMixedChaosThenRecovery(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := sim.New(seed)
			n := mixed(t, s)
			s.RunUntil(sec(5))
			for _, f := range n.Flows() {
				if !f.Delivering() {
					t.Fatalf("%s not delivering before any failure: %s", f.Name(), f.Reason())
				}
			}
			rng := s.Rand("chaos")
			links, switches, hosts := n.Links(), n.Switches(), n.Hosts()
			var repairs []func() error
			for i := range 30 {
				at := sim.Seconds(10 + 8*float64(i) + rng.Float64())
				var fail, repair func() error
				switch k := rng.IntN(10); {
				case k < 5:
					l := links[rng.IntN(len(links))]
					fail, repair = func() error { return n.FailLink(l) }, func() error { return n.RepairLink(l) }
				case k < 7:
					l := links[rng.IntN(len(links))]
					a, b := n.Link(l).Ends()
					end := []string{a, b}[rng.IntN(2)]
					fail, repair = func() error { return n.FailLinkOneWay(l, end) }, func() error { return n.RepairLink(l) }
				case k < 9:
					sw := switches[rng.IntN(len(switches))]
					fail, repair = func() error { return n.FailSwitch(sw) }, func() error { return n.RepairSwitch(sw) }
				default:
					h := hosts[rng.IntN(len(hosts))]
					fail, repair = func() error { return n.FailHost(h) }, func() error { return n.RepairHost(h) }
				}
				s.At(at, func() { must(t, fail()) })
				repairs = append(repairs, repair)
			}
			s.RunUntil(sec(300))
			for _, r := range repairs {
				must(t, r())
			}
			s.RunUntil(sec(700))
			outages := 0
			for _, f := range n.Flows() {
				if !f.Delivering() {
					t.Errorf("%s not delivering after all repairs: %s", f.Name(), f.Reason())
				}
				for _, iv := range f.Outages() {
					outages++
					if iv.End == sim.Never {
						t.Errorf("%s: outage from %v never ended", f.Name(), iv.Start)
					}
				}
			}
			t.Logf("%d outages, all ended; master %s", outages, n.Master("gw"))
		})
	}
}
