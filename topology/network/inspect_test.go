package network_test

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
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

// A switch of a network that learns broadcasts lazily shows the MAC table a walked
// network has: the entries nobody looked up are derived from the announcements, with
// the same ports and the same instants they age out at.
func TestInspectShowsLazilyLearnedEntries(t *testing.T) {
	tables := func(opt network.Options) map[string][]network.MACEntry {
		s := sim.New(3)
		n := network.New(s, opt)
		lc := network.LinkConfig{Speed: 10e9}
		must(t, n.AddSwitch("core", network.SwitchConfig{Priority: 4096}))
		for i := range 3 {
			a := fmt.Sprintf("a%d", i)
			must(t, n.AddSwitch(a, network.SwitchConfig{}))
			must(t, n.AddLink(a+"-up", a+":up", fmt.Sprintf("core:p%d", i), lc))
			for j := range 2 {
				h := fmt.Sprintf("h%d%d", i, j)
				must(t, n.AddHost(h, network.HostConfig{}))
				must(t, n.AddLink(h, h+":eth0", fmt.Sprintf("%s:p%d", a, j), lc))
			}
		}
		_, err := n.AddFlow(network.FlowConfig{Name: "f", From: "h00", To: "h21", RateBps: 1e6})
		must(t, err)
		s.At(sec(100), func() { must(t, n.FailLink("a1-up")) })
		s.RunUntil(sec(200))
		out := map[string][]network.MACEntry{}
		for _, sw := range n.Switches() {
			in, _ := n.Inspect(sw, 100)
			es := in.Bridge.Entries
			slices.SortFunc(es, func(x, y network.MACEntry) int { return cmp.Compare(x.MAC, y.MAC) })
			out[sw] = es
		}
		return out
	}
	walked, lazy := tables(network.Options{}), tables(network.Options{EagerBridges: -1})
	if !reflect.DeepEqual(walked, lazy) {
		t.Errorf("MAC tables differ:\n walked %v\n lazy   %v", walked, lazy)
	}
	// The core knows the four hosts of a0 and a2 (a1's uplink failed: its two were
	// flushed), each with its aging instant.
	if len(walked["core"]) != 4 {
		t.Errorf("the core knows %d MACs, want the 4 hosts of a0 and a2: %v", len(walked["core"]), walked["core"])
	}
}
