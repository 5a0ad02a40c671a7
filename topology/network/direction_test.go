package network_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/network"
)

// A 2 Mbit/s flow in 1200-byte packets sends one packet every 8·1200/2e6 s = 4.8 ms in
// each direction, at the direction's phase φ (drawn per seed). The server's active NIC
// fails at 10 s with a 90 ms PHY delay and carrier detection: both directions are out
// for [10 s, 10.090 s) (teaming_test: outage = PHY delay).
//
// The packets a direction loses are its send instants in that span. 10 s is 2083
// intervals and 1.6 ms (2083 · 4.8 = 9998.4 ms), so the first packet in the span comes
// δ = (φ − 1.6 ms) mod 4.8 ms after 10 s, and the packets at 10 s + δ + j·4.8 ms with
// δ + j·4.8 < 90, i.e. j < (90 − δ)/4.8 ∈ (17.75, 18.75], are lost: 19 packets when
// δ < 3.6 ms, else 18. For example φ = 2.0 ms gives δ = 0.4 ms and 19 packets (10.0004 s
// … 10.0868 s); φ = 0.5 ms gives δ = 3.7 ms and 18 (10.0037 s … 10.0853 s).
func TestDirectionsLoseThePacketsSentInTheirOutages(t *testing.T) {
	seen := map[int64]bool{}
	for seed := uint64(1); seed <= 8; seed++ {
		s := sim.New(seed)
		n := dc(t, s, ms(90), network.TeamConfig{GratuitousARPs: 1})
		f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "cli", To: "srv", RateBps: 2e6, PacketBytes: 1200, Bidirectional: true})
		must(t, err)
		s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
		s.RunUntil(sec(20))
		if f.Directions() != 2 {
			t.Fatalf("%d directions, want 2", f.Directions())
		}
		var total int64
		for i, name := range []string{"cli → srv", "srv → cli"} {
			d := f.Direction(i)
			if d.Name() != name {
				t.Errorf("direction %d is %q, want %q", i, d.Name(), name)
			}
			if iv := d.Outages(); len(iv) != 1 || iv[0] != (network.Interval{Start: sec(10), End: ms(10090)}) {
				t.Fatalf("seed %d %s: outages %v, want [10 s, 10.090 s)", seed, name, iv)
			}
			if got := d.PacketInterval(); got != 0.0048 {
				t.Errorf("packet interval %v s, want 0.0048", got)
			}
			phase := d.PacketPhase()
			if phase < 0 || phase >= ms(4.8) {
				t.Fatalf("phase %v outside [0, 4.8 ms)", phase)
			}
			delta := ((phase-ms(1.6))%ms(4.8) + ms(4.8)) % ms(4.8)
			want := int64(18)
			if delta < ms(3.6) {
				want = 19
			}
			if got := d.Lost(); got != want {
				t.Errorf("seed %d %s: phase %v, δ %v: lost %d packets, want %d", seed, name, phase, delta, got, want)
			}
			// 20 s hold 20/0.0048 = 4166.67 intervals: 4166 or 4167 packets sent.
			if got := d.Sent(); got != sends(d, 0, sec(20)) || got < 4166 || got > 4167 {
				t.Errorf("seed %d %s: sent %d packets, want %d", seed, name, got, sends(d, 0, sec(20)))
			}
			if d.Delivered() != d.Sent()-want || d.CongestionLost() != 0 {
				t.Errorf("seed %d %s: delivered %d, congestion %d; want %d and 0", seed, name, d.Delivered(), d.CongestionLost(), d.Sent()-want)
			}
			seen[want] = true
			total += want
		}
		if f.Lost() != total {
			t.Errorf("the flow lost %d packets, its directions %d", f.Lost(), total)
		}
	}
	if !seen[18] || !seen[19] {
		t.Errorf("counts seen %v: the phases should give both 18 and 19", seen)
	}
}

// A fibre cut from a1 towards the server's eth0: the server loses light and, with
// carrier detection, fails over to eth1 after the 90 ms PHY delay. Until then its own
// packets still leave through eth0 and arrive (that direction of the fibre is whole):
// only cli → srv is out, and the flow (which needs both) with it. The reverse
// direction loses nothing, which a whole-flow count of both directions would not show.
func TestOneWayCutDarkensOneDirection(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, ms(90), network.TeamConfig{GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "cli", To: "srv", RateBps: 2e6, PacketBytes: 1200, Bidirectional: true})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailLinkOneWay("srv-eth0", "a1:p1")) })
	s.RunUntil(sec(20))
	out := network.Interval{Start: sec(10), End: ms(10090)}
	in, back := f.Direction(0), f.Direction(1)
	if iv := in.Outages(); len(iv) != 1 || iv[0] != out {
		tr.dump(t, sec(10))
		t.Fatalf("cli → srv outages %v, want [10 s, 10.090 s)", iv)
	}
	if len(back.Outages()) != 0 || back.Lost() != 0 {
		t.Errorf("srv → cli outages %v with %d packets lost, want none", back.Outages(), back.Lost())
	}
	if iv := f.Outages(); len(iv) != 1 || iv[0] != out {
		t.Errorf("flow outages %v, want cli → srv's", iv)
	}
	if want := sends(in, sec(10), ms(10090)); in.Lost() != want || f.Lost() != want || want < 18 {
		t.Errorf("lost %d (flow %d), want %d (18 or 19, see above)", in.Lost(), f.Lost(), want)
	}
	var downs, ups []string
	for _, r := range tr.recs {
		switch r := r.r.(type) {
		case network.FlowDown:
			downs = append(downs, r.Direction)
		case network.FlowUp:
			ups = append(ups, r.Direction)
			if r.Lost != in.Lost() || r.Outage != ms(90) {
				t.Errorf("FlowUp %+v, want %d packets lost in 90 ms", r, in.Lost())
			}
		}
	}
	if strings.Join(downs, ",") != "cli → srv" || strings.Join(ups, ",") != "cli → srv" {
		t.Errorf("FlowDown for %v, FlowUp for %v; want cli → srv's only", downs, ups)
	}
}

// Packet tracing follows both directions, each at its own send instants, and loses in
// each exactly the packets its books count: the failover of the first test, traced.
func TestPacketTraceFollowsBothDirections(t *testing.T) {
	s := sim.New(3)
	tr := observe(s)
	n := dc(t, s, ms(90), network.TeamConfig{GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "cli", To: "srv", RateBps: 2e6, PacketBytes: 1200, Bidirectional: true})
	must(t, err)
	f.TracePackets(true)
	s.At(sec(1), func() { must(t, n.FailNIC("srv:eth0")) })
	s.RunUntil(sec(2))
	traced, lost := map[string]int64{}, map[string]int64{}
	for _, r := range tr.recs {
		if p, ok := r.r.(network.PacketTraced); ok {
			traced[p.Direction]++
			if !p.Delivered {
				lost[p.Direction]++
			}
		}
	}
	for i := range f.Directions() {
		d := f.Direction(i)
		if traced[d.Name()] != d.Sent() || lost[d.Name()] != d.Lost() || d.Lost() < 18 {
			t.Errorf("%s: traced %d packets, %d lost; the books: sent %d, lost %d", d.Name(),
				traced[d.Name()], lost[d.Name()], d.Sent(), d.Lost())
		}
	}
}
