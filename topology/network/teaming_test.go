package network_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// NIC failure on the active member of an NFT team, detected by carrier or by miimon.
//
// Carrier: the driver reports loss after the PHY delay (10 ms), the team switches and
// announces at once: outage = 10 ms.
//
// miimon 100 ms, downdelay 200 ms: the loss is seen by the first poll after the PHY
// delay, then must last downdelay:
//
//	phase 30 ms: polls at …, 10.030 s; failure 10.000 s, carrier lost 10.010 s,
//	             first poll 10.030 s, + 200 ms downdelay = 10.230 s → outage 230 ms
//	phase 95 ms: first poll 10.095 s + 200 ms = 10.295 s → outage 295 ms
func TestCarrierVersusMIIMon(t *testing.T) {
	cases := []struct {
		name string
		cfg  network.TeamConfig
		want sim.Time
		mech network.Mechanism
	}{
		{"carrier", network.TeamConfig{Detection: topology.Carrier, GratuitousARPs: 1}, ms(10), network.ByCarrier},
		{"miimon phase 30ms", network.TeamConfig{Detection: topology.MIIMon, MIIMonInterval: ms(100), DownDelay: ms(200), PollPhase: ms(30), GratuitousARPs: 1}, ms(230), network.ByMIIMon},
		{"miimon phase 95ms", network.TeamConfig{Detection: topology.MIIMon, MIIMonInterval: ms(100), DownDelay: ms(200), PollPhase: ms(95), GratuitousARPs: 1}, ms(295), network.ByMIIMon},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := dc(t, s, ms(10), c.cfg)
			f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
			must(t, err)
			s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
			s.RunUntil(sec(20))
			iv := outage(t, f, sec(10))
			near(t, "outage", iv.Duration(s.Now()), c.want, 0)
			at, ok := tr.first(sec(10), func(r sim.Record) bool {
				d, ok := r.(network.Detected)
				return ok && !d.Up && d.Mechanism == c.mech && d.Member == "srv:eth0"
			})
			if !ok {
				tr.dump(t, sec(10))
				t.Fatal("no detection record")
			}
			near(t, "detection", at-sec(10), c.want, 0)
			if got := n.ActiveMember("srv"); got != "srv:eth1" {
				t.Errorf("active member %q, want srv:eth1", got)
			}
			if !f.Delivering() || len(f.Path()) == 0 {
				t.Errorf("flow not delivering after failover: %s", f.Reason())
			}
			// 87.2 kbit/s in 200-byte packets: one every 1600/87200 s = 18.349 ms per
			// direction, at the direction's phase. Each direction is out for the same
			// span and loses the packets it sends in it (0 or 1 in 10 ms, 12 or 13 in
			// 230 ms, 16 or 17 in 295 ms, as the phase falls).
			var lost, sent int64
			for i := range f.Directions() {
				d := f.Direction(i)
				if len(d.Outages()) != 1 || d.Outages()[0] != iv {
					t.Errorf("%s: outages %v, want the flow's %v", d.Name(), d.Outages(), iv)
				}
				want := sends(d, sec(10), sec(10)+c.want)
				if got := d.Lost(); got != want || got < int64(c.want.Seconds()/0.018349) {
					t.Errorf("%s lost %d packets, want %d", d.Name(), got, want)
				}
				lost += want
				sent += sends(d, 0, sec(20))
			}
			if f.Lost() != lost || f.Delivered() != sent-lost {
				t.Errorf("lost %d and delivered %d packets, want %d and %d", f.Lost(), f.Delivered(), lost, sent-lost)
			}
		})
	}
}

// A switchover without gratuitous ARP. The client's flow reaches the server through
// the core's MAC entry for the server, which points at a1 and stays valid (the
// core-a1 link is up) after the server's eth0 fails.
//
//   - server talks (a flow srv→cli runs): its first frame over eth1 re-teaches the
//     core at once, outage = carrier detection = PHY delay 20 ms;
//   - server silent since 5 s: the entry was last refreshed at 5 s and ages out at
//     5 + 300 s (MAC aging) = 305 s; then the core floods and a2 delivers on eth1:
//     outage 305 − 10 = 295 s;
//   - server silent but one gratuitous ARP: outage = detection = 20 ms.
func TestSwitchoverWithoutGratuitousARP(t *testing.T) {
	cases := []struct {
		name  string
		garps int
		talks bool
		want  sim.Time
	}{
		{"server talks", 0, true, ms(20)},
		{"server silent", 0, false, sec(295)},
		{"silent with GARP", 1, false, ms(20)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := dc(t, s, ms(20), network.TeamConfig{GratuitousARPs: c.garps})
			in, err := n.AddFlow(network.FlowConfig{Name: "to-srv", From: "cli", To: "srv", RateBps: 1e6})
			must(t, err)
			out, err := n.AddFlow(network.FlowConfig{Name: "from-srv", From: "srv", To: "cli", RateBps: 1e6})
			must(t, err)
			if !c.talks {
				s.At(sec(5), out.Stop)
			}
			s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
			s.RunUntil(sec(400))
			iv := outage(t, in, sec(10))
			if iv.End == sim.Never {
				tr.dump(t, sec(10))
				t.Fatal("outage never ended")
			}
			near(t, "outage", iv.Duration(s.Now()), c.want, 0)
			if !c.talks && c.garps == 0 {
				at, ok := tr.first(sec(10), func(r sim.Record) bool {
					m, ok := r.(network.MACChanged)
					return ok && m.Change == network.MACAged && m.MAC == "srv" && m.Switch == "core"
				})
				if !ok || at != sec(305) {
					t.Errorf("core aged srv at %v (found %v), want 305s", at, ok)
				}
			}
		})
	}
}

// Failback with preference order: NFT, primary eth0, miimon 100 ms phase 50 ms,
// updelay 2 s. eth0 fails at 10 s (PHY delay 0): first poll 10.05 s → switch to eth1.
// eth0 returns at 20 s: the first poll that sees it is 20.05 s, then updelay 2 s of
// polls: up at 22.05 s, and with failback the team returns to eth0 then. Without
// failback it stays on eth1. The announcement makes both switchovers hitless beyond
// detection: one outage of 50 ms.
func TestFailbackAfterUpdelay(t *testing.T) {
	for _, failback := range []bool{true, false} {
		s := sim.New(1)
		tr := observe(s)
		n := dc(t, s, 0, network.TeamConfig{Detection: topology.MIIMon, Primary: "eth0", Failback: failback,
			MIIMonInterval: ms(100), PollPhase: ms(50), UpDelay: sec(2), GratuitousARPs: 1})
		f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
		must(t, err)
		s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
		s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth0")) })
		s.RunUntil(sec(40))
		if len(f.Outages()) != 1 {
			t.Fatalf("failback=%v: outages %v, want one", failback, f.Outages())
		}
		near(t, "failover outage", f.Outages()[0].Duration(s.Now()), ms(50), 0)
		up, ok := tr.first(sec(20), func(r sim.Record) bool {
			d, ok := r.(network.Detected)
			return ok && d.Up && d.Member == "srv:eth0"
		})
		if !ok {
			t.Fatal("eth0 never came back")
		}
		near(t, "member up after repair", up-sec(20), ms(2050), 0)
		back, ok := tr.first(sec(20), func(r sim.Record) bool {
			sw, ok := r.(network.TeamSwitchover)
			return ok && sw.To == "srv:eth0"
		})
		if failback {
			if !ok {
				t.Fatal("no failback")
			}
			near(t, "failback", back-sec(20), ms(2050), 0)
			if n.ActiveMember("srv") != "srv:eth0" {
				t.Errorf("active %s", n.ActiveMember("srv"))
			}
		} else if ok || n.ActiveMember("srv") != "srv:eth1" {
			t.Errorf("failed back without failback (active %s)", n.ActiveMember("srv"))
		}
	}
}

// An uplink failure behind a blade switch module. Blade "b" has eth0 on module m1 and
// eth1 on module m2; each module has one uplink to the core, where the client is.
// The uplink m1–core fails at 10 s; the blade's link to m1 stays up.
//
//   - miimon: never sees it; the blade keeps sending on eth0 → not restored;
//   - heartbeat 1 s, 3 missed, phase 0.5 s, probing the client: last answered probe at
//     9.5 s, failed at 9.5 + 3 × 1 = 12.5 s → outage 2.5 s;
//   - miimon with uplink failure detection on the modules, PHY delay 5 ms, poll phase
//     50 ms: the module sees the uplink go at 10.005 s and disables its blade ports, the
//     blade sees carrier loss at 10.010 s, the next poll is at 10.050 s → outage 50 ms.
func TestUplinkFailureBehindSwitchModule(t *testing.T) {
	cases := []struct {
		name     string
		tracking bool
		team     network.TeamConfig
		want     sim.Time // 0: never restored
	}{
		{"miimon", false, network.TeamConfig{Detection: topology.MIIMon, PollPhase: ms(50), GratuitousARPs: 1}, 0},
		{"heartbeat", false, network.TeamConfig{Detection: topology.Heartbeat, HeartbeatInterval: sec(1), HeartbeatMissed: 3, HeartbeatPhase: ms(500), HeartbeatTarget: "cli", GratuitousARPs: 1}, ms(2500)},
		{"miimon with uplink failure detection", true, network.TeamConfig{Detection: topology.MIIMon, PollPhase: ms(50), GratuitousARPs: 1}, ms(50)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := network.New(s, network.Options{})
			lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(5)}
			must(t, n.AddSwitch("core", network.SwitchConfig{}))
			for _, m := range []string{"m1", "m2"} {
				must(t, n.AddInterconnect(m, network.InterconnectConfig{Kind: topology.SwitchModule, UplinkFailureDetection: c.tracking}))
				must(t, n.AddLink(m+"-up", m+":x1", "core:"+m, lc))
			}
			must(t, n.AddHost("b", network.HostConfig{}))
			must(t, n.AddHost("cli", network.HostConfig{}))
			must(t, n.AddLink("b-eth0", "b:eth0", "m1:bay1", lc))
			must(t, n.AddLink("b-eth1", "b:eth1", "m2:bay1", lc))
			must(t, n.AddLink("cli", "cli:eth0", "core:p9", lc))
			c.team.Members = []string{"eth0", "eth1"}
			must(t, n.AddTeam("b", c.team))
			f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "b", RateBps: 87200, Bidirectional: true})
			must(t, err)
			s.RunUntil(sec(5))
			if !f.Delivering() {
				t.Fatalf("not delivering before the failure: %s", f.Reason())
			}
			s.At(sec(10), func() { must(t, n.FailLink("m1-up")) })
			s.RunUntil(sec(100))
			iv := outage(t, f, sec(10))
			if c.want == 0 {
				if iv.End != sim.Never {
					t.Errorf("restored after %v; miimon cannot see the uplink", iv.Duration(s.Now()))
				} else {
					t.Logf("not restored after %v: %s", iv.Duration(s.Now()), f.Reason())
				}
				return
			}
			if iv.End == sim.Never {
				tr.dump(t, sec(10))
				t.Fatal("never restored")
			}
			near(t, "outage", iv.Duration(s.Now()), c.want, 0)
		})
	}
}

// LACP on a one-way cut of member eth0 in the server→switch direction. The switch
// loses light at once and drops the member; the server keeps carrier and keeps
// hashing flows onto eth0 until its partner times out: the switch's port no longer
// sends LACPDUs. Both ends send at phase 0.3 s in each period; the cut is at 30.5 s.
//
//	fast (1 s):  last LACPDU 30.3 s + 3 × 1 s  = 33.3 s  → outage 2.8 s
//	slow (30 s): last LACPDU 30.3 s + 3 × 30 s = 120.3 s → outage 89.8 s
//
// A static SLB team with carrier detection never notices.
func TestLACPTimeoutOnOneWayFailure(t *testing.T) {
	cases := []struct {
		name string
		mode topology.TeamMode
		rate network.LACPRate
		want sim.Time // 0: never restored
	}{
		{"lacp fast", topology.LACP, network.LACPFast, ms(2800)},
		{"lacp slow", topology.LACP, network.LACPSlow, ms(89800)},
		{"slb", topology.SLB, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := oneSwitch(t, s, c.mode, c.rate)
			var flows []*network.Flow
			for _, name := range []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"} {
				f, err := n.AddFlow(network.FlowConfig{Name: name, From: "srv", To: "cli", RateBps: 1e6})
				must(t, err)
				flows = append(flows, f)
			}
			s.RunUntil(sec(30))
			var hit *network.Flow
			for _, f := range flows {
				if p := f.Path(); len(p) > 0 && p[0] == "srv:eth0" {
					hit = f
				}
			}
			if hit == nil {
				t.Fatal("no flow hashed onto eth0")
			}
			s.At(sec(30.5), func() { must(t, n.FailLinkOneWay("l0", "srv:eth0")) })
			s.RunUntil(sec(200))
			iv := outage(t, hit, sec(30.5))
			if c.want == 0 {
				if iv.End != sim.Never {
					t.Errorf("SLB restored after %v; nothing should notice", iv.Duration(s.Now()))
				}
				return
			}
			if iv.End == sim.Never {
				tr.dump(t, sec(30))
				t.Fatal("never restored")
			}
			near(t, "outage", iv.Duration(s.Now()), c.want, 0)
			if _, ok := tr.first(sec(30.5), func(r sim.Record) bool {
				d, ok := r.(network.Detected)
				return ok && d.Mechanism == network.ByLACP && !d.Up
			}); !ok {
				t.Error("no LACP detection record")
			}
		})
	}
}

// TLB transmits over all members and receives on the primary only. With eth0 (on a1)
// primary, outbound flows are hashed over eth0 and eth1, inbound ones all arrive on
// eth0. When eth0 fails (carrier, PHY delay 10 ms) eth1 takes over receiving and
// announces the team MAC: inbound flows are out for the 10 ms, outbound flows that
// were hashed onto eth1 are not interrupted.
func TestTLBReceivesOnPrimaryOnly(t *testing.T) {
	s := sim.New(1)
	n := dc(t, s, ms(10), network.TeamConfig{Mode: topology.TLB, GratuitousARPs: 1})
	var in, out []*network.Flow
	for i := range 8 {
		f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("in%d", i), From: "cli", To: "srv", RateBps: 1e6})
		must(t, err)
		in = append(in, f)
		g, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("out%d", i), From: "srv", To: "cli", RateBps: 1e6})
		must(t, err)
		out = append(out, g)
	}
	s.RunUntil(sec(5))
	onEth1 := map[*network.Flow]bool{}
	for _, g := range out {
		if g.Path()[0] == "srv:eth1" {
			onEth1[g] = true
		}
	}
	if len(onEth1) == 0 || len(onEth1) == len(out) {
		t.Fatalf("TLB sent %d of %d flows on eth1, want some", len(onEth1), len(out))
	}
	for _, f := range in {
		if p := f.Path(); p[len(p)-1] != "srv:eth0" {
			t.Errorf("%s received on %s, want the primary eth0", f.Name(), p[len(p)-1])
		}
	}
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
	s.RunUntil(sec(20))
	for _, f := range in {
		near(t, f.Name()+" outage", outage(t, f, sec(10)).Duration(s.Now()), ms(10), 0)
	}
	for _, g := range out {
		if onEth1[g] && len(g.Outages()) > 0 {
			t.Errorf("%s was on eth1 but had outages %v", g.Name(), g.Outages())
		}
		if !g.Delivering() {
			t.Errorf("%s not delivering: %s", g.Name(), g.Reason())
		}
	}
}

// A topology change shortens MAC aging under 802.1D. The silent-server case of
// TestSwitchoverWithoutGratuitousARP with host ports that run spanning tree (no
// PortFast): when eth0 fails, a1's port to it leaves forwarding, which is a topology
// change; every bridge ages with the forward delay (15 s) for max age + forward delay.
// The core's stale entry for srv, last refreshed at 5 s, expires at 5 + 15 = 20 s:
//
//	STP:  outage 20 − 10 = 10 s
//	RSTP: a port leaving forwarding is no topology change: 305 − 10 = 295 s
func TestTopologyChangeShortensAging(t *testing.T) {
	for _, c := range []struct {
		proto topology.SpanningTree
		want  sim.Time
	}{
		{topology.STP, sec(10)},
		{topology.RSTP, sec(295)},
	} {
		s := sim.New(1)
		n := dcWith(t, s, 0, network.TeamConfig{}, network.SwitchConfig{SpanningTree: c.proto, HostPortsSTP: true})
		in, err := n.AddFlow(network.FlowConfig{Name: "to-srv", From: "cli", To: "srv", RateBps: 1e6})
		must(t, err)
		out, err := n.AddFlow(network.FlowConfig{Name: "from-srv", From: "srv", To: "cli", RateBps: 1e6})
		must(t, err)
		s.At(sec(5), out.Stop)
		s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
		s.RunUntil(sec(400))
		near(t, string(c.proto)+" outage", outage(t, in, sec(10)).Duration(s.Now()), c.want, 0)
	}
}

// The other direction of TestLACPTimeoutOnOneWayFailure: the switch→server fibre of
// eth0 is cut at 30.5 s. The server loses light and drops eth0 at once; the switch
// keeps carrier and keeps hashing flows onto its port until it misses the server's
// LACPDUs (sent at phase 0.3 s, fast rate): 30.3 s + 3 × 1 s = 33.3 s → outage 2.8 s.
func TestLACPTimeoutSwitchSide(t *testing.T) {
	s := sim.New(1)
	n := oneSwitch(t, s, topology.LACP, network.LACPFast)
	var hit []*network.Flow
	for i := range 8 {
		f, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("in%d", i), From: "cli", To: "srv", RateBps: 1e6})
		must(t, err)
		hit = append(hit, f)
	}
	s.RunUntil(sec(30))
	k := 0
	for _, f := range hit {
		if p := f.Path(); p[len(p)-1] == "srv:eth0" {
			hit[k] = f
			k++
		}
	}
	hit = hit[:k]
	if k == 0 {
		t.Fatal("the switch hashed no flow onto eth0")
	}
	s.At(sec(30.5), func() { must(t, n.FailLinkOneWay("l0", "sw:p1")) })
	s.RunUntil(sec(60))
	for _, f := range hit {
		near(t, f.Name()+" outage", outage(t, f, sec(30.5)).Duration(s.Now()), ms(2800), 0)
	}
}
