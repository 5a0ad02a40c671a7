package uctest_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc/uctest"
)

// Outages nest per node, streams hear about every change at its instant, and closed
// streams neither load the network nor hear anything.
func TestFakeNetwork(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	n := uctest.New(s, 3*sim.Millisecond)
	st, err := n.OpenMedia("a>b", "a", "b", 1000, 100)
	if err != nil {
		t.Fatal(err)
	}
	var changes []sim.Time
	st.OnChange(func(bool) { changes = append(changes, s.Now()) })
	n.Outage("b", sim.Second, 2*sim.Second)
	n.Outage("b", 2*sim.Second, 2*sim.Second) // overlaps: b is down from 1 s to 4 s
	n.Outage("c", sim.Second, sim.Second)     // not on the stream
	s.RunUntil(5 * sim.Second)
	if len(changes) != 2 || changes[0] != sim.Second || changes[1] != 4*sim.Second {
		t.Fatalf("changes at %v, want [1s 4s]", changes)
	}
	if !st.Delivering() || st.OneWayDelay() != 3*sim.Millisecond || n.LoadBps() != 1000 || !n.Reachable("a", "b") {
		t.Fatal("stream state after the outage")
	}
	st.Close()
	n.Down("a")
	if n.LoadBps() != 0 || n.Open() != 0 || len(changes) != 2 || n.Reachable("a", "b") {
		t.Fatal("closed stream still counted or notified")
	}
	n.Refuse("x")
	if _, err := n.OpenMedia("x>a", "x", "a", 1, 1); err == nil {
		t.Fatal("refused node accepted")
	}
}
