package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// TestInspectTeam: the details pane's view of a miimon team. Polls at phase 30 ms
// every 100 ms; downdelay 200 ms (two polls). At 10.000 s eth0 fails; the carrier goes
// at 10.010 s (PHY delay); the first poll to see it is 10.030 s, the down-delay counts
// polls at 10.130 s and 10.230 s (TestCarrierVersusMIIMon's arithmetic).
//
//	at 10.050 s: next poll 10.130 s, pending on eth0 "miimon poll (down-delay counting)"
//	at 10.300 s: eth0 down, nothing pending; next poll 10.330 s
func TestInspectTeam(t *testing.T) {
	s := sim.New(1)
	n := dc(t, s, ms(10), network.TeamConfig{Detection: topology.MIIMon, MIIMonInterval: ms(100), DownDelay: ms(200), PollPhase: ms(30)})
	_, err := n.AddFlow(network.FlowConfig{Name: "f", From: "cli", To: "srv", RateBps: 1e6, Bidirectional: true})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })

	s.RunUntil(ms(10050))
	in, ok := n.Inspect("srv", 8)
	if !ok || in.Team == nil || in.Bridge != nil {
		t.Fatalf("Inspect(srv) = %+v, %v", in, ok)
	}
	ti := in.Team
	if ti.Detection != "miimon" || ti.MIIMon != ms(100) || ti.DownDelay != ms(200) {
		t.Errorf("team config %+v", ti)
	}
	if ti.NextPoll != ms(10130) {
		t.Errorf("next poll %v, want 10.130 s", ti.NextPoll)
	}
	if len(ti.Members) != 2 || ti.Members[0].Port != "srv:eth0" {
		t.Fatalf("members %+v", ti.Members)
	}
	p := ti.Members[0].Pending
	if len(p) != 1 || p[0].At != ms(10130) || p[0].What != "miimon poll (down-delay counting)" {
		t.Errorf("pending on eth0 at 10.050 s: %+v", p)
	}

	s.RunUntil(ms(10300))
	in, _ = n.Inspect("srv", 8)
	if m := in.Team.Members[0]; m.Up || len(m.Pending) != 0 {
		t.Errorf("eth0 at 10.300 s: %+v", m)
	}
	if in.Team.NextPoll != ms(10330) {
		t.Errorf("next poll %v, want 10.330 s", in.Team.NextPoll)
	}
	if _, ok := n.Inspect("nosuch", 8); ok {
		t.Error("Inspect of an unknown device")
	}
}

// TestInspectBridge: a switch's MAC table. The flow cli ↔ srv keeps both MACs in use
// on the core; the entries point at the ports towards them.
func TestInspectBridge(t *testing.T) {
	s := sim.New(1)
	n := dc(t, s, ms(10), network.TeamConfig{})
	_, err := n.AddFlow(network.FlowConfig{Name: "f", From: "cli", To: "srv", RateBps: 1e6, Bidirectional: true})
	must(t, err)
	s.RunUntil(sec(1))
	in, ok := n.Inspect("core", 8)
	if !ok || in.Bridge == nil || in.Team != nil {
		t.Fatalf("Inspect(core) = %+v", in)
	}
	got := map[string]network.MACEntry{}
	for _, e := range in.Bridge.Entries {
		got[e.MAC] = e
	}
	if e := got["cli"]; e.Port != "core:p9" || !e.InUse {
		t.Errorf("cli entry %+v, want core:p9 in use", e)
	}
	if e := got["srv"]; e.Port != "core:p1" || !e.InUse {
		t.Errorf("srv entry %+v, want core:p1 (towards a1, eth0 active) in use", e)
	}
	if in.Bridge.Total < 2 || len(in.Bridge.Entries) > 8 {
		t.Errorf("total %d, %d shown", in.Bridge.Total, len(in.Bridge.Entries))
	}
	// At most the number asked for.
	in, _ = n.Inspect("core", 1)
	if len(in.Bridge.Entries) != 1 || !in.Bridge.Entries[0].InUse {
		t.Errorf("one entry asked: %+v", in.Bridge.Entries)
	}
}
