package network_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A state tells what the records told: after srv's eth0 fails, carrier detection moves
// the team to eth1 at once, the flow cli → srv runs core:p2 → a2:up → a2:p1 → srv:eth1,
// and eth0's port shows no carrier.
func TestStateShowsTheFailover(t *testing.T) {
	s := sim.New(1)
	n := dc(t, s, 0, network.TeamConfig{Mode: topology.NFT, Detection: topology.Carrier, GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "web", From: "cli", To: "srv", RateBps: 1e6})
	must(t, err)
	s.RunUntil(sec(1))
	lay := n.Layout()
	path := func(st *network.State) string {
		for _, fs := range st.Flows {
			if fs.Name == "web" {
				out := ""
				for _, h := range fs.Path {
					l := lay.Links[h.Link]
					out += fmt.Sprintf(" %s>%s", lay.Ports[l.Ends[h.From]].Name, lay.Ports[l.Ends[1-h.From]].Name)
				}
				return out
			}
		}
		return "missing"
	}
	team := func(st *network.State) string {
		for _, ts := range st.Teams {
			if lay.Devices[ts.Host].Name == "srv" {
				return lay.Ports[ts.Active].Name
			}
		}
		return ""
	}
	before := n.State(false)
	if got, want := path(before), " cli:eth0>core:p9 core:p1>a1:up a1:p1>srv:eth0"; got != want {
		t.Errorf("path before %q, want %q", got, want)
	}
	if team(before) != "srv:eth0" || !before.Ports[lay.Port["srv:eth0"]].Carrier {
		t.Errorf("before: active %s", team(before))
	}
	must(t, n.FailNIC("srv:eth0"))
	s.RunUntil(sec(2))
	after := n.State(false)
	if got, want := path(after), " cli:eth0>core:p9 core:p2>a2:up a2:p1>srv:eth1"; got != want {
		t.Errorf("path after %q, want %q", got, want)
	}
	if team(after) != "srv:eth1" || after.Ports[lay.Port["a1:p1"]].Carrier || !after.Ports[lay.Port["srv:eth0"]].Failed {
		t.Errorf("after: active %s, a1:p1 %+v", team(after), after.Ports[lay.Port["a1:p1"]])
	}
	if !f.Delivering() || len(after.Flows) != 1 {
		t.Errorf("flows %+v", after.Flows)
	}
	// The earlier state is a copy: it did not change.
	if team(before) != "srv:eth0" {
		t.Errorf("the first state changed with the network")
	}
}
