package network_test

import (
	"fmt"
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// star is one switch "sw" with hosts h1 and h3 on 10 Gbit/s links and h2 on a 100 Mbit/s
// link "l2" (half duplex if asked).
func star(tb testing.TB, s *sim.Simulation, halfDuplex bool) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	must(tb, n.AddSwitch("sw", network.SwitchConfig{Layer: topology.L2}))
	for _, h := range []string{"h1", "h2", "h3"} {
		must(tb, n.AddHost(h, network.HostConfig{}))
	}
	must(tb, n.AddLink("l1", "h1:eth0", "sw:p1", network.LinkConfig{Speed: 10e9}))
	must(tb, n.AddLink("l2", "h2:eth0", "sw:p2", network.LinkConfig{Speed: 100e6, HalfDuplex: halfDuplex}))
	must(tb, n.AddLink("l3", "h3:eth0", "sw:p3", network.LinkConfig{Speed: 10e9}))
	return n
}

// congestion returns the LinkCongested records of a link in the order they came.
func (t *trace) congestion(link string) []stamped {
	var out []stamped
	for _, r := range t.recs {
		if c, ok := r.r.(network.LinkCongested); ok && c.Link == link {
			out = append(out, r)
		}
	}
	return out
}

// within1 fails unless a whole packet count is the expected (fractional) one rounded
// down or up: the books drop a packet each time the expected loss passes a whole
// number, and floating-point sums may land either side of one.
func within1(tb testing.TB, what string, got int64, want float64) {
	tb.Helper()
	if math.Abs(float64(got)-want) > 1 {
		tb.Errorf("%s = %d, want %.3f ± 1", what, got, want)
	}
}

// A 4 Tbit/s flow over a 100 Mbit/s link: the link carries 1e8 of the 4e12 bits offered
// and drops the fraction 1 − 1e8/4e12 = 0.999975 of the packets. Its 10 Gbit/s access
// link is over capacity too (it drops 1 − 1e10/4e12 = 0.9975), but the flow loses at its
// bottleneck: 0.999975 of what it sends. In 1200-byte packets it sends one every
// 9600/4e12 s = 2.4 ns, 1 s / 2.4 ns = 416,666,666.7 packets in a second (416,666,666
// or 416,666,667 as the phase falls), of which N·0.999975 ≈ 416,656,250 are lost and
// N/40,000 ≈ 10,416.7 delivered.
func TestFlowOverCapacityLosesWhatDoesNotFit(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := star(t, s, false)
	f, err := n.AddFlow(network.FlowConfig{Name: "big", From: "h1", To: "h2", RateBps: 4e12, PacketBytes: 1200})
	must(t, err)
	s.RunUntil(sec(1))
	d := f.Direction(0)
	sent := d.Sent()
	if sent < 416_666_666 || sent > 416_666_667 {
		t.Fatalf("sent %d packets in 1 s, want 416,666,666 or 416,666,667", sent)
	}
	within1(t, "packets lost to congestion", d.CongestionLost(), float64(sent)*(1-1e8/4e12))
	within1(t, "packets delivered", d.Delivered(), float64(sent)/40_000)
	if d.Lost() != 0 || len(d.Outages()) != 0 {
		t.Errorf("outages %v with %d packets lost, want none: congestion is no outage", d.Outages(), d.Lost())
	}
	recs := tr.congestion("l2")
	if len(recs) != 1 {
		t.Fatalf("l2 congestion records %v, want one", recs)
	}
	if c := recs[0].r.(network.LinkCongested); !c.Over || c.From != "sw:p2" || c.Load != 4e12 || c.Capacity != 1e8 || recs[0].at != 0 {
		t.Errorf("l2 record %+v at %v, want over capacity from sw:p2 at 0 s, 4e12 offered, 1e8 carried", c, recs[0].at)
	}
}

// Two 75 Mbit/s flows into h2's 100 Mbit/s link offer 150 %: the link drops
// (150 − 100)/150 = 1/3 of each flow's packets. After h3's flow stops at 1 s, 75 Mbit/s
// fit and h1's flow loses nothing more. In 1200-byte packets each flow sends one packet
// every 9600/75e6 s = 128 µs: 1 s / 128 µs = 7812.5, so 7812 or 7813 packets in the
// congested second, of which a third (2604 or 2604.33) are lost.
func TestSharedLinkOverCapacityLosesAThirdOfEach(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := star(t, s, false)
	f1, err := n.AddFlow(network.FlowConfig{Name: "f1", From: "h1", To: "h2", RateBps: 75e6, PacketBytes: 1200})
	must(t, err)
	f3, err := n.AddFlow(network.FlowConfig{Name: "f3", From: "h3", To: "h2", RateBps: 75e6, PacketBytes: 1200})
	must(t, err)
	f1.TracePackets(true)
	var atStop int64
	s.At(sec(1), func() {
		f3.Stop()
		atStop = f1.Direction(0).CongestionLost()
	})
	s.RunUntil(sec(2))
	d1, d3 := f1.Direction(0), f3.Direction(0)
	congested1 := sends(d1, 0, sec(1))
	if congested1 < 7812 || congested1 > 7813 || d3.Sent() != sends(d3, 0, sec(1)) {
		t.Fatalf("sent %d and %d packets in the congested second, want 7812 or 7813", congested1, d3.Sent())
	}
	within1(t, "f1 lost to congestion by 1 s", atStop, float64(congested1)/3)
	within1(t, "f3 lost to congestion", d3.CongestionLost(), float64(d3.Sent())/3)
	if got := d1.CongestionLost(); got != atStop {
		t.Errorf("f1 lost %d packets to congestion by 2 s, %d by 1 s: after f3 stopped 75 Mbit/s fit", got, atStop)
	}
	if d1.Delivered() != d1.Sent()-atStop {
		t.Errorf("f1 delivered %d of %d packets, want all but the %d congestion dropped", d1.Delivered(), d1.Sent(), atStop)
	}
	// The trace drops the very packets the books count, all in the congested second.
	var dropped int64
	for _, r := range tr.recs {
		if p, ok := r.r.(network.PacketTraced); ok && !p.Delivered {
			dropped++
			if p.Lost != "congestion" || r.at >= sec(1) {
				t.Errorf("packet %d lost at %v (%s), want only congestion before 1 s", p.Seq, r.at, p.Lost)
			}
		}
	}
	if dropped != atStop {
		t.Errorf("the trace dropped %d packets, the books %d", dropped, atStop)
	}
	recs := tr.congestion("l2")
	if len(recs) != 2 || recs[0].at != 0 || recs[1].at != sec(1) {
		t.Fatalf("l2 congestion records %v, want over at 0 s and fitting again at 1 s", recs)
	}
	if over, fits := recs[0].r.(network.LinkCongested), recs[1].r.(network.LinkCongested); !over.Over || over.Load != 150e6 || fits.Over || fits.Load != 75e6 {
		t.Errorf("records %+v, %+v; want 150 Mbit/s over, then 75 Mbit/s fitting", over, fits)
	}
}

// A half-duplex link shares its 100 Mbit/s between both directions: a bidirectional
// 75 Mbit/s flow offers 150 Mbit/s to the shared medium, and each direction loses a
// third (7812.5 packets a second each way, as above).
func TestHalfDuplexDirectionsShareTheCapacity(t *testing.T) {
	s := sim.New(2)
	tr := observe(s)
	n := star(t, s, true)
	f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h1", To: "h2", RateBps: 75e6, PacketBytes: 1200, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(1))
	for i := range f.Directions() {
		d := f.Direction(i)
		within1(t, d.Name()+" lost to congestion", d.CongestionLost(), float64(d.Sent())/3)
	}
	recs := tr.congestion("l2")
	if len(recs) != 1 {
		t.Fatalf("l2 congestion records %v, want one for the shared medium", recs)
	}
	if c := recs[0].r.(network.LinkCongested); !c.Over || c.From != "" || c.Load != 150e6 {
		t.Errorf("record %+v, want the half-duplex link over capacity at 150 Mbit/s", c)
	}
}

// Congestion follows the flows when they move. Two 75 Mbit/s flows reach a server
// whose NFT team has two 100 Mbit/s NICs on one switch: both cross eth0's link at
// 150 % and lose a third of their packets. eth0 fails at 1 s (carrier seen at once);
// the team moves to eth1 and both flows with it: eth0's link fits again, eth1's is
// over capacity, and the flows keep losing a third of what they deliver (7812.5
// packets a second each, as above). Flow b stops at 1.5 s: eth1's link fits, and a
// loses nothing more; by then it lost a third of what it delivered in [0, 1.5 s).
func TestCongestionMovesWithTheFlows(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := network.New(s, network.Options{})
	must(t, n.AddSwitch("sw", network.SwitchConfig{Layer: topology.L2}))
	must(t, n.AddHost("srv", network.HostConfig{}))
	must(t, n.AddHost("cli", network.HostConfig{}))
	must(t, n.AddLink("l0", "srv:eth0", "sw:p1", network.LinkConfig{Speed: 100e6}))
	must(t, n.AddLink("l1", "srv:eth1", "sw:p2", network.LinkConfig{Speed: 100e6}))
	must(t, n.AddLink("cli", "cli:eth0", "sw:p9", network.LinkConfig{Speed: 10e9}))
	must(t, n.AddTeam("srv", network.TeamConfig{Members: []string{"eth0", "eth1"}, GratuitousARPs: 1}))
	var flows []*network.Flow
	for _, name := range []string{"a", "b"} {
		f, err := n.AddFlow(network.FlowConfig{Name: name, From: "cli", To: "srv", RateBps: 75e6, PacketBytes: 1200})
		must(t, err)
		flows = append(flows, f)
	}
	s.At(sec(1), func() { must(t, n.FailNIC("srv:eth0")) })
	a, b := flows[0].Direction(0), flows[1].Direction(0)
	var sentA, lostA int64
	s.At(ms(1500), func() {
		flows[1].Stop()
		sentA, lostA = a.Sent(), a.Lost()
	})
	s.RunUntil(sec(2))
	within1(t, "a lost to congestion", a.CongestionLost(), float64(sentA-lostA)/3)
	within1(t, "b lost to congestion", b.CongestionLost(), float64(b.Sent()-b.Lost())/3)
	if a.Sent() <= sentA || a.Lost() != lostA {
		t.Errorf("a sent %d packets by 2 s (%d by 1.5 s), lost %d in outages (%d)", a.Sent(), sentA, a.Lost(), lostA)
	}
	var events []string
	for _, r := range tr.recs {
		if c, ok := r.r.(network.LinkCongested); ok {
			events = append(events, fmt.Sprintf("%s %v %v", c.From, c.Over, r.at))
		}
	}
	want := "[sw:p1 true 0s sw:p1 false 1s sw:p2 true 1s sw:p2 false 1.5s]"
	if fmt.Sprint(events) != want {
		t.Errorf("congestion records %v, want %s", events, want)
	}
}

// The fraction a link drops follows its load. Into h2's 100 Mbit/s link: x and y
// (75 Mbit/s each) from 0 s, z from 1 s, x stops at 2 s. The link is offered 150, then
// 225, then 150 Mbit/s and drops 1/3, then (225 − 100)/225 = 5/9, then 1/3 of every
// packet: y loses a third of what it sends in [0, 1 s) and [2 s, 3 s) and 5/9 of what it
// sends in [1 s, 2 s); z, which joined a link already over capacity, 5/9 and then 1/3.
func TestLossFractionFollowsTheLoad(t *testing.T) {
	s := sim.New(1)
	n := star(t, s, false)
	add := func(name, from string) *network.Flow {
		f, err := n.AddFlow(network.FlowConfig{Name: name, From: from, To: "h2", RateBps: 75e6, PacketBytes: 1200, Stopped: true})
		must(t, err)
		return f
	}
	x, y, z := add("x", "h1"), add("y", "h3"), add("z", "h1")
	x.Start()
	y.Start()
	s.At(sec(1), z.Start)
	s.At(sec(2), x.Stop)
	s.RunUntil(sec(3))
	third, fiveNinths := 1.0/3, 5.0/9
	dy, dz := y.Direction(0), z.Direction(0)
	within1(t, "y lost to congestion", dy.CongestionLost(),
		third*float64(sends(dy, 0, sec(1))+sends(dy, sec(2), sec(3)))+fiveNinths*float64(sends(dy, sec(1), sec(2))))
	within1(t, "z lost to congestion", dz.CongestionLost(),
		fiveNinths*float64(sends(dz, sec(1), sec(2)))+third*float64(sends(dz, sec(2), sec(3))))
}

// Flooded copies load the links of every host they pass, not only the destination's.
// h3 never speaks (no gratuitous ARP, a one-way flow towards it), so sw never learns
// it and floods h1's two 75 Mbit/s flows to h3 out of p2 and p3 alike: h2's 100 Mbit/s
// link l2 is offered 2 × 75 = 150 Mbit/s it has no use for and is over capacity, while
// the flows, which do not cross it, lose nothing there. h2's NIC fails at 1 s: the
// port loses light, sw stops flooding out of it (carrier is lost after the PHY delay,
// 0 here) and l2 fits again with nothing offered; the NIC is repaired at 2 s and the
// copies come back. The same holds whether the switch's floods are walked port by port
// (a small network) or counted per bridge (a large one, floodload.go).
func TestFloodedCopiesLoadBystanderLinks(t *testing.T) {
	for _, mode := range []struct {
		name string
		opt  network.Options
	}{{"walked", network.Options{}}, {"counted", network.Options{EagerBridges: -1}}} {
		t.Run(mode.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := network.New(s, mode.opt)
			must(t, n.AddSwitch("sw", network.SwitchConfig{Layer: topology.L2}))
			for _, h := range []string{"h1", "h2", "h3"} {
				must(t, n.AddHost(h, network.HostConfig{}))
			}
			must(t, n.AddLink("l1", "h1:eth0", "sw:p1", network.LinkConfig{Speed: 10e9}))
			must(t, n.AddLink("l2", "h2:eth0", "sw:p2", network.LinkConfig{Speed: 100e6}))
			must(t, n.AddLink("l3", "h3:eth0", "sw:p3", network.LinkConfig{Speed: 10e9}))
			must(t, n.AddTeam("h3", network.TeamConfig{Members: []string{"eth0"}, GratuitousARPs: 0}))
			var flows []*network.Flow
			for _, name := range []string{"a", "b"} {
				f, err := n.AddFlow(network.FlowConfig{Name: name, From: "h1", To: "h3", RateBps: 75e6, PacketBytes: 1200})
				must(t, err)
				flows = append(flows, f)
			}
			var loads []float64
			sample := func() { loads = append(loads, n.Load("l2", "sw:p2"), n.Load("l3", "sw:p3")) }
			s.At(ms(500), sample)
			s.At(sec(1), func() { must(t, n.FailNIC("h2:eth0")) })
			s.At(ms(1500), sample)
			s.At(sec(2), func() { must(t, n.RepairNIC("h2:eth0")) })
			s.RunUntil(sec(3))
			sample()
			if want := []float64{150e6, 150e6, 0, 150e6, 150e6, 150e6}; fmt.Sprint(loads) != fmt.Sprint(want) {
				t.Errorf("loads of l2 and l3 towards the hosts at 0.5, 1.5 and 3 s: %v, want %v", loads, want)
			}
			var events []string
			for _, r := range tr.congestion("l2") {
				c := r.r.(network.LinkCongested)
				events = append(events, fmt.Sprintf("%s %v %g %v", c.From, c.Over, c.Load, r.at))
			}
			if want := "[sw:p2 true 1.5e+08 0s sw:p2 false 0 1s sw:p2 true 1.5e+08 2s]"; fmt.Sprint(events) != want {
				t.Errorf("l2 congestion records %v, want %s", events, want)
			}
			for _, f := range flows {
				if d := f.Direction(0); d.CongestionLost() != 0 || d.Lost() != 0 || d.Delivered() != d.Sent() {
					t.Errorf("flow %s lost %d to congestion and %d otherwise of %d sent: it does not cross l2", f.Name(), d.CongestionLost(), d.Lost(), d.Sent())
				}
			}
		})
	}
}
