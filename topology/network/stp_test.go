package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// triangle builds three bridges r (priority 4096, root), s2 (8192) and s3 (32768)
// with links r–s2 and s2–s3 at 10 Gbit/s and r–s3 at rs3 bit/s, PHY delay 50 ms, and
// hosts h1 on r, h2 on s2, h3 on s3. Every bridge sends its BPDUs at 0.5 s in each 2 s
// hello period.
func triangle(tb testing.TB, s *sim.Simulation, proto topology.SpanningTree, rs3 float64) *network.Network {
	tb.Helper()
	return triangleWith(tb, s, proto, rs3, ms(500))
}

// triangleWith is triangle with the bridges' hello phase.
func triangleWith(tb testing.TB, s *sim.Simulation, proto topology.SpanningTree, rs3 float64, hello sim.Time) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	for i, name := range []string{"r", "s2", "s3"} {
		prio := []int{4096, 8192, 32768}[i]
		must(tb, n.AddSwitch(name, network.SwitchConfig{SpanningTree: proto, Priority: prio, HelloPhase: hello}))
	}
	fast := network.LinkConfig{Speed: 10e9, PHYDelay: ms(50)}
	must(tb, n.AddLink("r-s2", "r:p2", "s2:p1", fast))
	must(tb, n.AddLink("s2-s3", "s2:p3", "s3:p2", fast))
	must(tb, n.AddLink("r-s3", "r:p3", "s3:p1", network.LinkConfig{Speed: rs3, PHYDelay: ms(50)}))
	for i, sw := range []string{"r", "s2", "s3"} {
		h := []string{"h1", "h2", "h3"}[i]
		must(tb, n.AddHost(h, network.HostConfig{}))
		must(tb, n.AddLink(h, h+":eth0", sw+":host", fast))
	}
	return n
}

// A switch failure in a looped L2, 802.1D against RSTP. Carrier loss is noticed after
// the 50 ms PHY delay in every case.
//
// Non-root switch s2 fails. s3's root port (via s2; r–s3 is 100 Mbit/s, cost 200000
// against 2 × 2000) dies, its alternate port towards r must forward. s3 saw the
// change itself and the root is unchanged:
//
//	STP:  50 ms + listening 15 s + learning 15 s = 30.05 s
//	RSTP: 50 ms (the alternate port becomes root port and forwards at once)
//
// Root r fails (all links 10 Gbit/s; s3's port to s2 is the alternate). The root
// changes, so s3 must let the old root's information expire first:
//
//	STP:  50 ms + max age 20 s + 15 s + 15 s = 50.05 s
//	RSTP: 50 ms
func TestSpanningTreeReconvergence(t *testing.T) {
	cases := []struct {
		name   string
		proto  topology.SpanningTree
		fail   string
		rs3    float64
		flowAB [2]string
		want   sim.Time
	}{
		{"stp non-root", topology.STP, "s2", 100e6, [2]string{"h1", "h3"}, ms(30050)},
		{"rstp non-root", topology.RSTP, "s2", 100e6, [2]string{"h1", "h3"}, ms(50)},
		{"stp root", topology.STP, "r", 10e9, [2]string{"h2", "h3"}, ms(50050)},
		{"rstp root", topology.RSTP, "r", 10e9, [2]string{"h2", "h3"}, ms(50)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := triangle(t, s, c.proto, c.rs3)
			f, err := n.AddFlow(network.FlowConfig{Name: "call", From: c.flowAB[0], To: c.flowAB[1], RateBps: 87200, Bidirectional: true})
			must(t, err)
			s.RunUntil(sec(5))
			if !f.Delivering() {
				t.Fatalf("not delivering before the failure: %s", f.Reason())
			}
			if st := n.Port("s3:p2").State(); c.fail == "r" && st != network.Discarding {
				t.Fatalf("s3:p2 is %v before the failure, want discarding (alternate)", st)
			}
			if st := n.Port("s3:p1").State(); c.fail == "s2" && st != network.Discarding {
				t.Fatalf("s3:p1 is %v before the failure, want discarding (alternate)", st)
			}
			s.At(sec(10), func() { must(t, n.FailSwitch(c.fail)) })
			s.RunUntil(sec(120))
			iv := outage(t, f, sec(10))
			if iv.End == sim.Never {
				tr.dump(t, sec(10))
				t.Fatal("never restored")
			}
			near(t, "outage", iv.Duration(s.Now()), c.want, 0)
			if !f.Delivering() {
				t.Errorf("not delivering at the end: %s", f.Reason())
			}
		})
	}
}

// A port that comes up on an 802.1D bridge passes listening and learning before it
// forwards; an edge (PortFast) port forwards at once. A host on a non-edge port whose
// link is repaired waits 2 × 15 s = 30 s (reference-facts §4.3, "PortFast might save
// about 30 seconds"); with RSTP and no BPDU partner the fallback is the same 30 s.
func TestHostPortWithoutPortFast(t *testing.T) {
	for _, c := range []struct {
		proto topology.SpanningTree
		edge  bool
		want  sim.Time
	}{
		{topology.STP, false, sec(30)},
		{topology.RSTP, false, sec(30)},
		{topology.STP, true, 0},
	} {
		s := sim.New(1)
		n := network.New(s, network.Options{})
		must(t, n.AddSwitch("sw", network.SwitchConfig{SpanningTree: c.proto, HostPortsSTP: !c.edge}))
		must(t, n.AddHost("a", network.HostConfig{}))
		must(t, n.AddHost("b", network.HostConfig{}))
		must(t, n.AddLink("a", "a:eth0", "sw:p1", network.LinkConfig{}))
		must(t, n.AddLink("b", "b:eth0", "sw:p2", network.LinkConfig{}))
		f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "a", To: "b", RateBps: 1e6})
		must(t, err)
		s.At(sec(10), func() { must(t, n.FailLink("a")) })
		s.At(sec(20), func() { must(t, n.RepairLink("a")) })
		s.RunUntil(sec(100))
		iv := outage(t, f, sec(10))
		near(t, string(c.proto)+" outage after repair", iv.End-sec(20), c.want, 0)
	}
}

// RSTP proposal/agreement travels outward one handshake (default 10 ms) per hop. In
// the triangle (all links 10 Gbit/s, PHY delay 50 ms) s3's port towards s2 is the
// alternate. Link r–s2 fails: r and s2 notice it after 50 ms; s2 now reaches the root
// through s3, whose alternate port must become designated: s3 is one hop from the
// bridges that noticed, so the port forwards after (1 + 1) × 10 ms.
// Outage of h1 (on r) ↔ h2 (on s2) = 50 ms + 20 ms = 70 ms.
func TestRSTPHandshakePerHop(t *testing.T) {
	s := sim.New(1)
	n := triangle(t, s, topology.RSTP, 10e9)
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "h1", To: "h2", RateBps: 87200, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(5))
	if st := n.Port("s3:p2").State(); st != network.Discarding {
		t.Fatalf("s3:p2 is %v, want discarding", st)
	}
	s.At(sec(10), func() { must(t, n.FailLink("r-s2")) })
	s.RunUntil(sec(20))
	near(t, "outage", outage(t, f, sec(10)).Duration(s.Now()), ms(70), 0)
	if !f.Delivering() {
		t.Errorf("not delivering: %s", f.Reason())
	}
}
