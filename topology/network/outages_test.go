package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology/network"
)

// A flow that fails 600 times keeps at most 2·MaxOutageIntervals outages one by one;
// its totals (count, downtime, longest) still match the FlowDown/FlowUp records of
// every outage, and so does the packet count lost in them.
func TestFlowFoldsOldOutagesIntoTotals(t *testing.T) {
	s := sim.New(1)
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 1e9}
	must(t, n.AddSwitch("sw", network.SwitchConfig{}))
	must(t, n.AddHost("a", network.HostConfig{}))
	must(t, n.AddHost("b", network.HostConfig{}))
	must(t, n.AddLink("la", "a:eth0", "sw:p1", lc))
	must(t, n.AddLink("lb", "b:eth0", "sw:p2", lc))
	f, err := n.AddFlow(network.FlowConfig{Name: "ab", From: "a", To: "b", RateBps: 80_000, PacketBytes: 200, Bidirectional: true})
	must(t, err)

	var want network.OutageTotals
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		if up, ok := r.(network.FlowUp); ok && up.Flow == "ab" && up.Direction == "a → b" {
			want.Count++
			want.Down += up.Outage
			want.Longest = max(want.Longest, up.Outage)
		}
	}))
	const cycles = 600
	for i := range cycles {
		at := sim.Time(i)*10*sim.Second + sim.Second
		down := sim.Time(1+i%7) * sim.Second // 1 … 7 s
		s.At(at, func() { must(t, n.FailLink("la")) })
		s.At(at+down, func() { must(t, n.RepairLink("la")) })
	}
	s.RunUntil(cycles * 10 * sim.Second)

	got := f.OutageTotals()
	if want.Count != cycles || got != want {
		t.Fatalf("totals %+v, from the records %+v (%d cycles)", got, want, cycles)
	}
	for i := range f.Directions() {
		d := f.Direction(i)
		if got := d.OutageTotals(); got != want {
			t.Errorf("direction %s: totals %+v, want %+v", d.Name(), got, want)
		}
		if k := len(d.Outages()); k > 2*network.MaxOutageIntervals {
			t.Errorf("direction %s: %d outages kept one by one, want at most %d", d.Name(), k, 2*network.MaxOutageIntervals)
		}
	}
	if k := len(f.Outages()); k > 2*network.MaxOutageIntervals {
		t.Errorf("%d outages kept one by one, want at most %d", k, 2*network.MaxOutageIntervals)
	}
	// 80 kbit/s of 200-byte packets is 50 packets/s each way; the 20 ms interval
	// divides every whole-second outage, so each direction loses 50 per second down.
	if lost, wantLost := f.Lost(), int64(2*50*want.Down.Seconds()); lost != wantLost {
		t.Errorf("lost %v packets, want %v", lost, wantLost)
	}
}
