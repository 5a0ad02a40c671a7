package network_test

import (
	"fmt"
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A one-way cut of inter-switch link s2–s3 in the triangle of TestSpanningTreeReconvergence
// (r root, s3's root port towards s2, its port to r the alternate). s3 transmits into
// the cut fibre at 10 s: s2 loses light at 10.05 s and stops sending BPDUs, but s3
// keeps carrier and its root port until the information from s2 ages, counted from
// the last BPDU s2 sent (every 2 s hello at the bridges' hello phase), not from the
// cut:
//
//	phase 0.5 s, last BPDU 8.5 s:
//	  RSTP: 8.5 s + 3 × 2 s hello = 14.5 s, then the alternate port forwards at once
//	        → outage 4.5 s
//	  STP:  8.5 s + max age 20 s = 28.5 s, then listening 15 s + learning 15 s
//	        → 58.5 s, outage 48.5 s
//	phase 1.9 s, last BPDU 9.9 s:
//	  RSTP: 9.9 s + 6 s = 15.9 s → outage 5.9 s
//	  STP:  9.9 s + 20 s + 30 s = 59.9 s → outage 49.9 s
func TestOneWayInterSwitchCut(t *testing.T) {
	for _, c := range []struct {
		proto topology.SpanningTree
		hello sim.Time
		want  sim.Time
	}{
		{topology.RSTP, ms(500), ms(4500)},
		{topology.STP, ms(500), ms(48500)},
		{topology.RSTP, ms(1900), ms(5900)},
		{topology.STP, ms(1900), ms(49900)},
	} {
		s := sim.New(1)
		tr := observe(s)
		n := triangleWith(t, s, c.proto, 100e6, c.hello)
		f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "h1", To: "h3", RateBps: 87200, Bidirectional: true})
		must(t, err)
		s.At(sec(10), func() { must(t, n.FailLinkOneWay("s2-s3", "s3")) })
		s.RunUntil(sec(120))
		iv := outage(t, f, sec(10))
		if iv.End == sim.Never {
			tr.dump(t, sec(10))
			t.Fatal("never restored")
		}
		near(t, string(c.proto)+" outage", iv.Duration(s.Now()), c.want, 0)
	}
}

// An MC-LAG pair acts as one switch: server srv has an LACP team with eth0 on c1 and
// eth1 on c2 (cluster "core"); client cli sits on access switch a, dual-homed to c1
// and c2 (the spanning tree sees two parallel links to one bridge and blocks one).
// c1 fails at 10 s; every side notices by carrier after the 10 ms PHY delay: the server
// drops eth0, the cluster continues on c2, a's alternate uplink forwards at once.
// Every flow's outage is at most 10 ms, flows that did not cross c1 have none.
func TestClusterSurvivesChassisFailure(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(10)}
	must(t, n.AddSwitch("c1", network.SwitchConfig{Priority: 4096}))
	must(t, n.AddSwitch("c2", network.SwitchConfig{Priority: 4096}))
	must(t, n.AddSwitch("a", network.SwitchConfig{}))
	must(t, n.AddCluster("core", "c1", "c2"))
	must(t, n.AddLink("peer", "c1:peer", "c2:peer", lc))
	must(t, n.AddLink("a-c1", "a:u1", "c1:a", lc))
	must(t, n.AddLink("a-c2", "a:u2", "c2:a", lc))
	must(t, n.AddHost("srv", network.HostConfig{}))
	must(t, n.AddHost("cli", network.HostConfig{}))
	must(t, n.AddLink("srv0", "srv:eth0", "c1:p1", lc))
	must(t, n.AddLink("srv1", "srv:eth1", "c2:p1", lc))
	must(t, n.AddLink("cli", "cli:eth0", "a:p1", lc))
	must(t, n.AddTeam("srv", network.TeamConfig{Mode: topology.LACP, Members: []string{"eth0", "eth1"}, LACPRate: network.LACPFast}))
	var flows []*network.Flow
	for i := range 8 {
		f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("f%d", i), From: "srv", To: "cli", RateBps: 1e6, Bidirectional: true})
		must(t, err)
		flows = append(flows, f)
	}
	s.RunUntil(sec(5))
	crossed := map[string]bool{}
	for _, f := range flows {
		if !f.Delivering() {
			t.Fatalf("%s not delivering: %s", f.Name(), f.Reason())
		}
		for _, e := range append(f.Path(), f.ReversePath()...) {
			if e == "srv:eth0" || e == "a:u1" {
				crossed[f.Name()] = true
			}
		}
	}
	s.At(sec(10), func() { must(t, n.FailSwitch("c1")) })
	s.RunUntil(sec(60))
	hit := 0
	for _, f := range flows {
		if !f.Delivering() {
			t.Errorf("%s not delivering after c1 failed: %s", f.Name(), f.Reason())
		}
		for _, iv := range f.Outages() {
			if d := iv.Duration(s.Now()); d > ms(10) {
				t.Errorf("%s outage %v > 10 ms", f.Name(), d)
			}
			hit++
		}
		if !crossed[f.Name()] && len(f.Outages()) > 0 {
			t.Errorf("%s did not cross c1 but had an outage", f.Name())
		}
	}
	t.Logf("%d of %d flows crossed c1, %d outages of at most 10 ms", len(crossed), len(flows), hit)
	if len(crossed) == 0 {
		t.Error("no flow crossed c1: the test shows nothing")
	}
}

// A pass-through module repeats carrier: blade b's eth0 reaches switch s1 through
// module pt1, eth1 reaches s2 through pt2. When the external cable pt1–s1 is cut, the
// blade sees carrier loss (its own link's PHY delay, 10 ms) and fails over by carrier:
// outage 10 ms. Behind a switch module the same cut stays invisible (see
// TestUplinkFailureBehindSwitchModule).
func TestPassThroughPassesCarrierLoss(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(10)}
	for _, sw := range []string{"core", "s1", "s2"} {
		must(t, n.AddSwitch(sw, network.SwitchConfig{}))
	}
	must(t, n.AddLink("core-s1", "core:p1", "s1:up", lc))
	must(t, n.AddLink("core-s2", "core:p2", "s2:up", lc))
	must(t, n.AddHost("b", network.HostConfig{}))
	must(t, n.AddHost("cli", network.HostConfig{}))
	must(t, n.AddLink("cli", "cli:eth0", "core:p9", lc))
	for i, pt := range []string{"pt1", "pt2"} {
		must(t, n.AddInterconnect(pt, network.InterconnectConfig{Kind: topology.PassThrough, Pairs: map[string]string{"bay1": "ext1"}}))
		must(t, n.AddLink(fmt.Sprintf("b-eth%d", i), fmt.Sprintf("b:eth%d", i), pt+":bay1", lc))
		must(t, n.AddLink(pt+"-ext", pt+":ext1", fmt.Sprintf("s%d:p1", i+1), lc))
	}
	must(t, n.AddTeam("b", network.TeamConfig{Members: []string{"eth0", "eth1"}, GratuitousARPs: 1}))
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "b", RateBps: 87200, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(5))
	if p := f.Path(); len(p) != 12 || p[6] != "s1:p1" || p[8] != "pt1:ext1" {
		t.Fatalf("path %v should run core → s1 → pt1 → b", p)
	}
	s.At(sec(10), func() { must(t, n.FailLink("pt1-ext")) })
	s.RunUntil(sec(20))
	near(t, "outage", outage(t, f, sec(10)).Duration(s.Now()), ms(10), 0)
	if n.ActiveMember("b") != "b:eth1" {
		t.Errorf("active %s", n.ActiveMember("b"))
	}
}

// One-way delay per link = propagation + serialization + M/M/1 waiting ρ/(1−ρ) × S.
// Two 1 Gbit/s links (1 µs each), 1250-byte packets: S = 10 µs.
//
//	f 500 Mbit/s + g 400 Mbit/s: ρ = 0.9, wait 90 µs, per link 101 µs → 202 µs
//	g stopped:                   ρ = 0.5, wait 10 µs, per link  21 µs →  42 µs
func TestFlowDelay(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{})
	must(t, n.AddSwitch("sw", network.SwitchConfig{}))
	for _, h := range []string{"a", "b"} {
		must(t, n.AddHost(h, network.HostConfig{}))
		must(t, n.AddLink(h, h+":eth0", "sw:"+h, network.LinkConfig{Speed: 1e9, Latency: sim.Microsecond}))
	}
	f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "a", To: "b", RateBps: 500e6, PacketBytes: 1250})
	must(t, err)
	g, err := n.AddFlow(network.FlowConfig{Name: "g", From: "a", To: "b", RateBps: 400e6, PacketBytes: 1250})
	must(t, err)
	s.RunUntil(sec(1))
	near(t, "delay at ρ=0.9", f.Delay(), 202*sim.Microsecond, 2)
	if l := n.Load("a", "a:eth0"); math.Abs(l-900e6) > 1 {
		t.Errorf("load %v, want 900e6", l)
	}
	g.Stop()
	near(t, "delay at ρ=0.5", f.Delay(), 42*sim.Microsecond, 2)
}

// Same seed, same record stream: a generated fabric with drawn phases and random
// failures, run twice.
func TestDeterminism(t *testing.T) {
	run := func(seed uint64) []string {
		s := sim.New(seed)
		tr := observe(s)
		fab := newFabric(t, s, fabricSpec{access: 6, hosts: 24, flows: 80})
		fab.randomFailures(s, 30*sim.Second, 5*sim.Minute)
		s.RunUntil(5 * sim.Minute)
		return tr.lines
	}
	a, b := run(7), run(7)
	if len(a) != len(b) {
		t.Fatalf("record streams differ in length: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("record %d differs:\n%s\n%s", i, a[i], b[i])
		}
	}
	c := run(8)
	same := len(a) == len(c)
	for i := 0; same && i < len(a); i++ {
		same = a[i] == c[i]
	}
	if same {
		t.Error("seeds 7 and 8 gave identical streams: randomness is not used")
	}
	t.Logf("%d records, identical for the same seed", len(a))
}

// Packet tracing reports one record per packet: 87.2 kbit/s in 200-byte packets is one
// packet every 200·8/87200 s = 18.349 ms, at the flow's phase φ. One second of tracing
// holds 1/0.018349 = 54.5 intervals, so 54 or 55 packets as φ falls; a carrier-detected
// NIC failover at 1.5 s with PHY delay 50 ms loses the packets sent in [1.5 s, 1.55 s):
// 50/18.349 = 2.72 intervals, so 2 or 3 packets. The trace loses exactly the packets the
// flow's books count.
func TestPacketTrace(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, ms(50), network.TeamConfig{GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200})
	must(t, err)
	s.At(sec(1), func() { f.TracePackets(true) })
	s.At(sec(2), func() { f.TracePackets(false) })
	s.At(ms(1500), func() { must(t, n.FailNIC("srv:eth0")) })
	s.RunUntil(sec(3))
	var got, lost int64
	for _, r := range tr.recs {
		if p, ok := r.r.(network.PacketTraced); ok {
			got++
			if !p.Delivered {
				lost++
				if r.at < ms(1500) || r.at >= ms(1550) {
					t.Errorf("packet %d lost at %v, outside the 50 ms outage", p.Seq, r.at)
				}
			}
		}
	}
	d := f.Direction(0)
	wantGot, wantLost := sends(d, sec(1), sec(2)), sends(d, ms(1500), ms(1550))
	if got != wantGot || lost != wantLost || got < 54 || got > 55 || lost < 2 || lost > 3 {
		t.Errorf("%d packets traced in 1 s with %d lost, want %d and %d (54 or 55, 2 or 3)", got, lost, wantGot, wantLost)
	}
	if d.Lost() != lost {
		t.Errorf("the books count %d packets lost, the trace %d", d.Lost(), lost)
	}
	t.Logf("phase %v: %d packets traced, %d lost in the failover", d.PacketPhase(), got, lost)
}

// An access switch dual-homed to an MC-LAG pair. With two separate uplinks the
// spanning tree sees two links to one bridge and blocks one; with a port channel over
// both chassis the two links are one logical port that forwards on both. c1 fails at
// 10 s (PHY delay 10 ms), 802.1D everywhere:
//
//	separate uplinks: a's alternate uplink must listen and learn: 10 ms + 2 × 15 s = 30.01 s
//	port channel:     the bundle loses a member and carries on: 10 ms
func TestPortChannelToCluster(t *testing.T) {
	for _, c := range []struct {
		bundle bool
		want   sim.Time
	}{
		{false, ms(30010)},
		{true, ms(10)},
	} {
		s := sim.New(1)
		n := network.New(s, network.Options{})
		lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(10)}
		stp := network.SwitchConfig{SpanningTree: topology.STP}
		must(t, n.AddSwitch("c1", network.SwitchConfig{SpanningTree: topology.STP, Priority: 4096}))
		must(t, n.AddSwitch("c2", network.SwitchConfig{SpanningTree: topology.STP, Priority: 4096}))
		must(t, n.AddSwitch("a", stp))
		must(t, n.AddCluster("core", "c1", "c2"))
		must(t, n.AddLink("peer", "c1:peer", "c2:peer", lc))
		must(t, n.AddLink("a-c1", "a:u1", "c1:a", lc))
		must(t, n.AddLink("a-c2", "a:u2", "c2:a", lc))
		if c.bundle {
			must(t, n.AddAggregate("po1", []string{"a:u1", "a:u2"}, network.AggregateConfig{LACP: true, Rate: network.LACPFast}))
		}
		must(t, n.AddHost("srv", network.HostConfig{}))
		must(t, n.AddHost("cli", network.HostConfig{}))
		must(t, n.AddLink("srv", "srv:eth0", "c2:p1", lc))
		must(t, n.AddLink("cli", "cli:eth0", "a:p1", lc))
		var flows []*network.Flow
		for i := range 8 {
			f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("f%d", i), From: "cli", To: "srv", RateBps: 1e6, Bidirectional: true})
			must(t, err)
			flows = append(flows, f)
		}
		s.RunUntil(sec(5))
		l1, l2 := n.Load("a-c1", "a"), n.Load("a-c2", "a")
		if c.bundle && (l1 == 0 || l2 == 0) {
			t.Errorf("port channel: uplink loads %v and %v, want both used", l1, l2)
		}
		if !c.bundle && l2 != 0 {
			t.Errorf("separate uplinks: the blocked uplink carries %v", l2)
		}
		s.At(sec(10), func() { must(t, n.FailSwitch("c1")) })
		s.RunUntil(sec(60))
		var worst sim.Time
		for _, f := range flows {
			for _, iv := range f.Outages() {
				worst = max(worst, iv.Duration(s.Now()))
			}
			if !f.Delivering() {
				t.Errorf("%s not delivering: %s", f.Name(), f.Reason())
			}
		}
		near(t, fmt.Sprintf("bundle=%v worst outage", c.bundle), worst, c.want, 0)
	}
}

// Components failed before the simulation starts are simply down at the start: the
// network converges around them, and repairing them later works as at any time.
func TestFailedBeforeStart(t *testing.T) {
	s := sim.New(1)
	n := routed(t, s)
	must(t, n.FailSwitch("c1"))
	must(t, n.FailLink("c2-a"))
	must(t, n.FailNIC("h:eth0"))
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "h", To: "srv", RateBps: 1e6, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(5))
	if f.Delivering() {
		t.Fatal("delivering with the host's NIC down")
	}
	if n.Master("gw") != "c2" {
		t.Errorf("master %q, want c2 (c1 is down)", n.Master("gw"))
	}
	must(t, n.RepairNIC("h:eth0"))
	must(t, n.RepairLink("c2-a"))
	s.RunUntil(sec(10))
	if !f.Delivering() {
		t.Fatalf("not delivering after repairs: %s", f.Reason())
	}
}

// A switch's forwarding latency is added per switch crossed, a virtual switch's at
// each end. Two 1 Gbit/s links of 1 µs, 1250-byte packets (S = 10 µs), a negligible
// load, a switch of 5 µs and 15 µs per end:
//
//	2 × (1 + 10) µs + 5 µs + 2 × 15 µs = 57 µs
//
// Half duplex shares a link's capacity between its directions: 300 Mbit/s each way
// gives ρ = 0.6 on each link for both directions, a wait of 0.6/0.4 × 10 µs = 15 µs,
// so 2 × (1 + 10 + 15) µs + 5 µs = 57 µs without end delays (full duplex: ρ = 0.3,
// wait 4.2857 µs, 2 × 15.2857 + 5 = 35.571 µs).
func TestFlowDelaySwitchesAndDuplex(t *testing.T) {
	build := func(half bool) (*sim.Simulation, *network.Network) {
		s := sim.New(1)
		n := network.New(s, network.Options{})
		must(t, n.AddSwitch("sw", network.SwitchConfig{Latency: 5 * sim.Microsecond}))
		for _, h := range []string{"a", "b"} {
			must(t, n.AddHost(h, network.HostConfig{}))
			must(t, n.AddLink(h, h+":eth0", "sw:"+h, network.LinkConfig{Speed: 1e9, Latency: sim.Microsecond, HalfDuplex: half}))
		}
		return s, n
	}
	s, n := build(false)
	f, err := n.AddFlow(network.FlowConfig{Name: "vm", From: "a", To: "b", RateBps: 1, PacketBytes: 1250, FromDelay: 15 * sim.Microsecond, ToDelay: 15 * sim.Microsecond})
	must(t, err)
	s.RunUntil(sec(1))
	near(t, "delay with switch and vswitches", f.Delay(), 57*sim.Microsecond, 1)

	for _, c := range []struct {
		half bool
		want sim.Time
	}{{true, 57 * sim.Microsecond}, {false, 35571 * sim.Nanosecond}} {
		s, n := build(c.half)
		f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "a", To: "b", RateBps: 300e6, PacketBytes: 1250, Bidirectional: true})
		must(t, err)
		s.RunUntil(sec(1))
		near(t, fmt.Sprintf("half duplex %v", c.half), f.Delay(), c.want, 2)
	}
}
