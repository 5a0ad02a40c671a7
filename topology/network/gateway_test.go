package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// routed builds two L3 core switches c1 (bridge root) and c2, an access switch a with
// links to both, host h (subnet a) on the access switch and server srv (subnet b) on
// c2, and gateway gw with c1 (priority 200) and c2 (100), hello 1 s, adverts at phase
// 0.25 s.
func routed(tb testing.TB, s *sim.Simulation) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	must(tb, n.AddSwitch("c1", network.SwitchConfig{Layer: topology.L3, Priority: 4096}))
	must(tb, n.AddSwitch("c2", network.SwitchConfig{Layer: topology.L3, Priority: 8192}))
	must(tb, n.AddSwitch("a", network.SwitchConfig{Layer: topology.L2}))
	lc := network.LinkConfig{Speed: 10e9}
	must(tb, n.AddLink("c1-c2", "c1:p2", "c2:p1", lc))
	must(tb, n.AddLink("c1-a", "c1:p3", "a:u1", lc))
	must(tb, n.AddLink("c2-a", "c2:p3", "a:u2", lc))
	must(tb, n.AddGateway("gw", network.GatewayConfig{Members: []string{"c1", "c2"}, Hello: sec(1), Phase: ms(250)}))
	must(tb, n.AddHost("h", network.HostConfig{Subnet: "a", Gateway: "gw"}))
	must(tb, n.AddHost("srv", network.HostConfig{Subnet: "b", Gateway: "gw"}))
	must(tb, n.AddLink("h", "h:eth0", "a:p1", lc))
	must(tb, n.AddLink("srv", "srv:eth0", "c2:p9", lc))
	return n
}

// The gateway master fails. RSTP moves a's alternate port at once; the backup c2
// takes over when its master-down timer runs out after the last advert it heard:
//
//	last advert 9.25 s + 3 × 1 s + skew (256 − 100)/256 × 1 s = 12.859375 s
//	→ outage of the routed flow 2.859375 s,
//
// and announces the virtual MAC so a re-learns it towards c2.
func TestGatewayMasterFailure(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := routed(t, s)
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "h", To: "srv", RateBps: 1e6, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(5))
	if !f.Delivering() || n.Master("gw") != "c1" {
		t.Fatalf("before failure: delivering %v (%s), master %q", f.Delivering(), f.Reason(), n.Master("gw"))
	}
	if p := f.Path(); len(p) < 6 || p[3] != "a:u1" {
		t.Fatalf("routed path should leave a towards c1: %v", p)
	}
	s.At(sec(10), func() { must(t, n.FailSwitch("c1")) })
	s.RunUntil(sec(30))
	iv := outage(t, f, sec(10))
	if iv.End == sim.Never {
		tr.dump(t, sec(10))
		t.Fatal("never restored")
	}
	near(t, "outage", iv.Duration(s.Now()), sec(2.859375), 0)
	at, ok := tr.first(sec(10), func(r sim.Record) bool {
		g, ok := r.(network.GatewayStateChanged)
		return ok && g.Master && g.Switch == "c2"
	})
	if !ok {
		t.Fatal("c2 never became master")
	}
	near(t, "takeover", at, sec(12.859375), 0)
	if n.Master("gw") != "c2" {
		t.Errorf("master %q", n.Master("gw"))
	}

	// c1 returns; with preemption it takes over again once its own master-down timer
	// (3 × 1 s + 56/256 s after the last advert from c2 it ignored) runs out, and the
	// traffic follows its announcement without an outage.
	s.At(sec(40), func() { must(t, n.RepairSwitch("c1")) })
	s.RunUntil(sec(80))
	back, ok := tr.first(sec(40), func(r sim.Record) bool {
		g, ok := r.(network.GatewayStateChanged)
		return ok && g.Master && g.Switch == "c1"
	})
	if !ok {
		tr.dump(t, sec(40))
		t.Fatal("c1 never preempted")
	}
	near(t, "preemption", back, sec(39.25+3+56.0/256), 0)
	if !f.Delivering() {
		t.Errorf("not delivering after preemption: %s", f.Reason())
	}
}
