package twin_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/network"
)

// A failover onto a thinner link congests it. In the correlated lab, rack-1's standby
// NIC eth1 runs at 100 Mbit/s, and the flow to-rack-1 comes from lacp-1 (both servers
// on core-a with 1 Gbit/s NICs) and offers 800 Mbit/s each way. When eth0 fails at
// 10 s the team moves to eth1, and both directions of to-rack-1 and of acc-rack-1
// (1 Mbit/s) cross the 100 Mbit/s link: 801 Mbit/s offered, so it drops
// 1 − 100/801 = 87.516 % of every packet that crosses it, until the team fails back to
// eth0 after the repair. to-rack-1's 1000-byte packets go every 8000/800e6 s = 10 µs,
// acc-rack-1's every 8 ms, so each direction loses 87.516 % of the
// (t_back − t_over)/10 µs, respectively /8 ms, packets it sends meanwhile. The
// failure's timeline shows the link going over capacity and fitting again. (For the
// 5 ms until the switchover, core-a floods to-rack-1 after flushing rack-1's MAC
// entry, and client-1's 100 Mbit/s port is over capacity too.)
func TestFailoverOntoAThinnerLinkLosesWhatDoesNotFit(t *testing.T) {
	lr := runLab(t, 1, `    - {at: 10s, component: "rack-1:eth0", kind: nic, repair_after: 30s}`,
		`{name: eth1, speed: 1G, vlans: [servers], connect: "core-b:5"}`, `{name: eth1, speed: 100M, vlans: [servers], connect: "core-b:5"}`,
		`{name: to-rack-1,  from: client-1, to: rack-1,  rate: 1M, packet_size: 1000}`, `{name: to-rack-1,  from: lacp-1, to: rack-1,  rate: 800M, packet_size: 1000}`)
	over := lr.when(t, sim.Seconds(10), "team on eth1", func(r sim.Record) bool {
		s, ok := r.(network.TeamSwitchover)
		return ok && s.Host == "rack-1" && s.To == "rack-1:eth1"
	})
	back := lr.when(t, sim.Seconds(40), "team back on eth0", func(r sim.Record) bool {
		s, ok := r.(network.TeamSwitchover)
		return ok && s.Host == "rack-1" && s.To == "rack-1:eth0"
	})
	dropped := 1 - 100.0/801
	interval := map[string]sim.Time{"to-rack-1": 10 * sim.Microsecond, "acc-rack-1": 8 * sim.Millisecond}
	rows := 0
	for _, f := range lr.r.Flows {
		iv, ok := interval[f.Flow]
		if !ok {
			continue
		}
		rows++
		sent := float64(back-over) / float64(iv)
		if want := sent * dropped; math.Abs(float64(f.CongestionLostPackets)-want) > 2 {
			t.Errorf("%s %s lost %d packets to congestion in %v on eth1, want 87.516 %% of %.0f = %.1f ± 2",
				f.Flow, f.Direction, f.CongestionLostPackets, back-over, sent, want)
		}
	}
	if rows != 4 {
		t.Errorf("to-rack-1 and acc-rack-1 have %d rows in the flow table, want one per direction", rows)
	}
	var events []string
	for _, l := range lr.r.Failures[0].Timeline {
		c, ok := l.Record.(network.LinkCongested)
		if !ok || c.Link != "rack-1:eth1--core-b:5" {
			continue
		}
		events = append(events, fmt.Sprintf("%s %v at %v", c.From, c.Over, l.At))
		if c.Over && (l.At != over || c.Load != 801e6) || !c.Over && l.At != back {
			t.Errorf("%+v at %v, want over capacity (801 Mbit/s) at the switchover %v, fitting at the failback %v", c, l.At, over, back)
		}
	}
	if len(events) != 4 {
		t.Errorf("the thin link in the failure's timeline: %v, want both directions over and back", events)
	}
	var text strings.Builder
	if err := lr.r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "lost to congestion") {
		t.Errorf("the flow table has no congestion column:\n%s", text.String())
	}
}
