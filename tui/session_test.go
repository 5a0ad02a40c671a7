package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

func newSession(t *testing.T, name string) *Session {
	t.Helper()
	return newSessionWith(t, name, twin.Options{})
}

func newSessionWith(t *testing.T, name string, opt twin.Options) *Session {
	t.Helper()
	sc, err := twin.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRewindIsTheSameRun: going back and forward again gives the state the run had,
// because the rewound twin replays the same journal with the same seed; the snapshot
// at 40 s is the same whether reached directly or after a rewind from 90 s.
func TestRewindIsTheSameRun(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, "classic-dc")
	if err := s.Goto(ctx, 40*sim.Second, nil); err != nil {
		t.Fatal(err)
	}
	direct := s.Frame("core-1", false)
	s.Goto(ctx, 90*sim.Second, nil)
	s.Goto(ctx, 40*sim.Second, nil)
	again := s.Frame("core-1", false)
	if !again.Reset {
		t.Error("a rewind does not reset the event log")
	}
	if direct.Snap.Events != again.Snap.Events || direct.Snap.FlowsDown != again.Snap.FlowsDown ||
		len(direct.Snap.Failovers) != len(again.Snap.Failovers) {
		t.Errorf("40 s directly: %d events, %d flows down, %d failovers; after a rewind: %d, %d, %d",
			direct.Snap.Events, direct.Snap.FlowsDown, len(direct.Snap.Failovers),
			again.Snap.Events, again.Snap.FlowsDown, len(again.Snap.Failovers))
	}
	if !slices.EqualFunc(direct.Snap.Network.Flows, again.Snap.Network.Flows, func(a, b network.FlowState) bool {
		return a.Name == b.Name && a.Delivering == b.Delivering && a.Delay == b.Delay && slices.Equal(a.Path, b.Path)
	}) {
		t.Error("the flows differ after a rewind")
	}
}

// TestBranching: after a rewind the journal's later actions are a recording that
// running forward repeats; an action taken then starts a new branch and drops them.
func TestBranching(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, "teaming-lab")
	s.Goto(ctx, 3*sim.Second, nil)
	if err := s.Fail("srv-1:eth1", "nic", 0); err != nil {
		t.Fatal(err)
	}
	s.Goto(ctx, 4*sim.Second, nil)
	if err := s.Repair("srv-1:eth1"); err != nil {
		t.Fatal(err)
	}
	s.Goto(ctx, 6*sim.Second, nil)
	if n := s.Actions(); n != 2 {
		t.Fatalf("%d actions, want 2", n)
	}
	// Back to 3.5 s: both actions stay; forward again repeats the repair at 4 s.
	s.Goto(ctx, 3500*sim.Millisecond, nil)
	if n := s.Actions(); n != 2 {
		t.Fatalf("after a rewind %d actions, want 2 (the recording)", n)
	}
	if st := s.Frame("", false).Snap.State("srv-1:eth1"); st != twin.StateFailed {
		t.Errorf("at 3.5 s srv-1:eth1 is %s, want failed", st)
	}
	// Acting at 3.5 s drops the repair at 4 s.
	if err := s.Fail("srv-1:eth0", "nic", 0); err != nil {
		t.Fatal(err)
	}
	j := s.tw.Journal()
	if len(j) != 2 || j[1].Component != "srv-1:eth0" || j[1].At != 3500*sim.Millisecond {
		t.Errorf("journal after branching: %+v", j)
	}
	s.Goto(ctx, 5*sim.Second, nil)
	if st := s.Frame("", false).Snap.State("srv-1:eth1"); st != twin.StateFailed {
		t.Errorf("the dropped repair happened: srv-1:eth1 is %s at 5 s", st)
	}
	for _, ev := range s.timeline {
		if ev.Kind == "repair" {
			t.Errorf("the timeline keeps an event of the dropped future: %v %s", ev.At, ev.Text)
		}
	}
}

// TestBack steps back over the notable instants, one at a time.
func TestBack(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, "teaming-lab")
	s.Goto(ctx, 12*sim.Second, nil) // past the scheduled NIC failure at 10 s and its failover
	var times []sim.Time
	for range 20 {
		ev, ok, err := s.Back(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		now := s.Now()
		if now >= ev.At || now < ev.At-sim.Millisecond || now%sim.Millisecond != 0 {
			t.Errorf("back over %v: at %v, want the last whole millisecond before", ev.At, now)
		}
		times = append(times, ev.At)
	}
	if len(times) < 2 || !slices.IsSortedFunc(times, func(a, b sim.Time) int { return int(b - a) }) {
		t.Errorf("back went over %v: want at least the failover and the failure, latest first", times)
	}
	if s.Now() >= 10*sim.Second {
		t.Errorf("after going back over everything, at %v: still after the failure at 10 s", s.Now())
	}
}

// TestFrameEvents: a frame carries the events since the previous one, and the
// timeline the notable ones not sent before.
func TestFrameEvents(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, "teaming-lab")
	s.Frame("", false)
	s.Goto(ctx, 11*sim.Second, nil)
	f := s.Frame("", false)
	var texts []string
	for _, ev := range f.Events {
		texts = append(texts, ev.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"carrier down", "team switchover"} {
		if !strings.Contains(all, want) {
			t.Errorf("the frame's events lack %q", want)
		}
	}
	if f.TimelineFrom != 0 || len(f.Timeline) == 0 {
		t.Errorf("timeline from %d, %d events", f.TimelineFrom, len(f.Timeline))
	}
	g := s.Frame("", false)
	if len(g.Events) != 0 || len(g.Timeline) != 0 || g.TimelineFrom != len(f.Timeline) {
		t.Errorf("a second frame repeats: %d events, %d timeline from %d", len(g.Events), len(g.Timeline), g.TimelineFrom)
	}
}

// TestExplainEveryNotableKind: every notable event a run produces has a line for
// learners in the chain of events (classic-dc has switch, link, NIC failures with
// STP, VRRP and calls).
func TestExplainEveryNotableKind(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc", "blade-lab", "misconfigured-dc"} {
		s := newSessionWith(t, name, twin.Options{Force: true})
		s.tw.Run()
		for _, ev := range s.timeline {
			if explain(ev.Record) == "" {
				t.Errorf("%s: no explanation for %s (%T): %s", name, ev.Kind, ev.Record, ev.Text)
			}
		}
	}
}

// TestBackBeforeFailure: B goes back before the latest failure in one step, over the
// failover's events.
func TestBackBeforeFailure(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, "teaming-lab")
	s.Goto(ctx, 12*sim.Second, nil)
	ev, ok, err := s.BackBeforeFailure(ctx, nil)
	if err != nil || !ok || ev.Kind != "failure" || ev.At != 10*sim.Second {
		t.Fatalf("B went back over %+v (%v, %v), want the failure at 10 s", ev, ok, err)
	}
	if s.Now() != 10*sim.Second-sim.Millisecond {
		t.Errorf("after B at %v, want 9.999 s", s.Now())
	}
	if _, ok, _ := s.BackBeforeFailure(ctx, nil); ok {
		t.Error("B before the first failure went somewhere")
	}
}
