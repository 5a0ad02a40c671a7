package twin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/twin"
)

func builtinTwin(t *testing.T, name string, sets ...[2]string) *twin.Twin {
	t.Helper()
	sc, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		if err := sc.Set(s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

func textOf(t *testing.T, r *twin.Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Taking snapshots, stepping event by event and running to notable records change
// nothing: the report is the same, byte for byte, as that of a plain run.
func TestSnapshotsAndSteppingChangeNothing(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		plain := builtinTwin(t, name)
		plain.Run()
		want := reportOf(t, plain)

		tw := builtinTwin(t, name)
		for i := 0; !tw.Done(); i++ {
			tw.Snapshot()
			switch i % 3 {
			case 0:
				tw.Step()
			case 1:
				tw.RunToNotable(tw.Now() + 5*sim.Second)
			default:
				tw.RunUntil(tw.Now() + 700*sim.Millisecond)
			}
		}
		if got := reportOf(t, tw); got != want {
			t.Errorf("%s: the stepped run with snapshots reports differently", name)
		}
	}
}

// reportOf is the report of a twin already run, as JSON and text.
func reportOf(t *testing.T, tw *twin.Twin) string {
	t.Helper()
	r := tw.Report()
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(j) + "\n" + textOf(t, r)
}

// The path view of teaming-lab: before the NIC failure web-1 reaches srv-1 through
// edge-a:10 and eth0; at 10.05 s eth0 is failed and the flow is down; miimon notices
// at 10.09 s, after which the path runs through edge-b:10 and eth1.
func TestSnapshotFollowsTheFailover(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	last := func(s *twin.Snapshot) twin.Hop {
		p := s.Path("web-1")
		if len(p) == 0 {
			return twin.Hop{}
		}
		return p[len(p)-1]
	}
	tw.RunUntil(9 * sim.Second)
	s := tw.Snapshot()
	if h := last(s); h.From != "edge-a:10" || h.To != "srv-1:eth0" || s.State("srv-1:eth0") != twin.StateActive ||
		s.State("srv-1:eth1") != twin.StateStandby {
		t.Errorf("before: last hop %+v, eth0 %s, eth1 %s", h, s.State("srv-1:eth0"), s.State("srv-1:eth1"))
	}
	tw.RunUntil(10*sim.Second + 50*sim.Millisecond)
	s = tw.Snapshot()
	if f, _ := s.Flow("web-1"); f.Delivering || s.State("srv-1:eth0") != twin.StateFailed || s.FlowsDown != 2 {
		t.Errorf("during: web-1 %+v, eth0 %s, %d flows down", f, s.State("srv-1:eth0"), s.FlowsDown)
	}
	tw.RunUntil(10*sim.Second + 200*sim.Millisecond)
	s = tw.Snapshot()
	if h := last(s); h.From != "edge-b:10" || h.To != "srv-1:eth1" || s.State("srv-1:eth1") != twin.StateActive {
		t.Errorf("after: last hop %+v, eth1 %s", h, s.State("srv-1:eth1"))
	}
	if len(s.Failovers) != 1 || s.Failovers[0].DetectedAfterMs == nil || *s.Failovers[0].DetectedAfterMs != 90 {
		t.Errorf("failovers so far %+v, want the NIC failure detected after 90 ms", s.Failovers)
	}
}

// A failure made by hand goes through the injector and is measured like a scheduled
// one: failing srv-1:eth0 at 10 s and repairing it at 70 s reports what the scheduled
// failure of teaming-lab reports, but for its cause.
func TestFailNowIsMeasuredLikeAScheduledFailure(t *testing.T) {
	scheduled := builtinTwin(t, "teaming-lab")
	scheduled.Run()
	want := textOf(t, scheduled.Report())

	tw := builtinTwin(t, "teaming-lab", [2]string{"failures.scheduled", "[]"})
	if kinds := tw.FailureKinds("srv-1:eth0"); !reflect.DeepEqual(kinds, []failures.Kind{failures.NIC}) {
		t.Errorf("srv-1:eth0 can fail as %v", kinds)
	}
	if err := tw.FailNow("srv-1:eth0", failures.Switch); err == nil {
		t.Error("a NIC failed as a switch")
	}
	tw.RunUntil(10 * sim.Second)
	if err := tw.FailNow("srv-1:eth0", failures.NIC); err != nil {
		t.Fatal(err)
	}
	tw.RunUntil(70 * sim.Second)
	if err := tw.RepairNow("srv-1:eth0"); err != nil {
		t.Fatal(err)
	}
	tw.Run()
	got := strings.ReplaceAll(textOf(t, tw.Report()), "(manual", "(scheduled")
	if got != want {
		t.Errorf("the failure by hand is reported differently:\n%s\nwant:\n%s", got, want)
	}
}

// A session replayed from its journal is the same session: the same snapshots at the
// same times and the same report; saved as a scenario, it runs to the same report,
// byte for byte.
func TestReplayAndSavedSessionReproduceTheSession(t *testing.T) {
	session := builtinTwin(t, "teaming-lab")
	var snaps []*twin.Snapshot
	// Actions at 5, 12, 20 and 45 s, snapshots at other times (right after an action,
	// the rest of its instant is still to run in the session).
	steps := []struct {
		at  sim.Time
		act func()
	}{
		{5 * sim.Second, func() { must(t, session.FailNow("up-a", failures.Link)) }},
		{6 * sim.Second, nil},
		{12 * sim.Second, func() { must(t, session.ScheduleFailure(3*sim.Second, "core-a", failures.Switch, 10*sim.Second)) }},
		{16 * sim.Second, nil},
		{20 * sim.Second, func() { must(t, session.RepairNow("up-a")) }},
		{21 * sim.Second, nil},
		{45 * sim.Second, func() { must(t, session.FailNow("srv-1", failures.Host)) }},
		{90 * sim.Second, nil},
	}
	var times []sim.Time
	for _, s := range steps {
		session.RunUntil(s.at)
		if s.act != nil {
			s.act()
			continue
		}
		times = append(times, s.at)
		snaps = append(snaps, session.Snapshot())
	}
	session.Run()
	want := textOf(t, session.Report())

	replay, err := twin.Replay(session.Scenario, twin.Options{}, session.Journal())
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range times {
		replay.RunUntil(at)
		got := replay.Snapshot()
		if !reflect.DeepEqual(got.Network, snaps[i].Network) || !reflect.DeepEqual(got.Failovers, snaps[i].Failovers) ||
			!reflect.DeepEqual(got.Failures, snaps[i].Failures) {
			t.Errorf("replay at %v: the snapshot differs from the session's", at)
		}
	}
	replay.Run()
	if got := textOf(t, replay.Report()); got != want {
		t.Errorf("the replay reports differently:\n%s\nwant:\n%s", got, want)
	}

	savedSessionReports(t, session, want)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Subscriptions see the events they ask for, from now on, until cancelled; Recent
// keeps the latest notable ones.
func TestSubscriptionsFilterAndCancel(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	var mine, notable []twin.Event
	sub := tw.Subscribe(twin.Filter{Kinds: []twin.EventKind{"detected", "switchover"}, Subject: "srv-1"},
		func(e twin.Event) { mine = append(mine, e) })
	tw.Subscribe(twin.Filter{NotableOnly: true}, func(e twin.Event) { notable = append(notable, e) })
	tw.RunUntil(11 * sim.Second)
	if len(mine) != 2 || mine[0].Kind != "detected" || mine[1].Kind != "switchover" || mine[0].At != 10*sim.Second+90*sim.Millisecond {
		t.Errorf("events %+v, want the detection and the switchover of srv-1 at 10.09 s", mine)
	}
	sub.Cancel()
	tw.Run()
	if len(mine) != 2 {
		t.Errorf("%d events after Cancel", len(mine)-2)
	}
	recent, total := tw.Recent()
	if total != len(notable) || len(recent) != len(notable) || !reflect.DeepEqual(recent[len(recent)-1].Text, notable[len(notable)-1].Text) {
		t.Errorf("recent %d of %d, the subscriber saw %d", len(recent), total, len(notable))
	}
	for _, e := range notable {
		if !e.Notable {
			t.Errorf("%+v is not notable", e)
		}
	}
}

// Running to the next notable record stops at the NIC failure at 10 s, then at the
// instant of its detection, 90 ms later.
func TestRunToNotableStopsAtTheFailover(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	var seen []twin.Event
	tw.Subscribe(twin.Filter{NotableOnly: true}, func(e twin.Event) { seen = append(seen, e) })
	if !tw.RunToNotable(15*sim.Second) || tw.Now() != 10*sim.Second || seen[len(seen)-1].Kind != "failure" {
		t.Fatalf("first stop at %v: %+v", tw.Now(), seen)
	}
	detected := sim.Never
	for tw.RunToNotable(15*sim.Second) && detected == sim.Never {
		for _, e := range seen {
			if e.Kind == "detected" {
				detected = e.At
			}
		}
	}
	if detected != 10*sim.Second+90*sim.Millisecond {
		t.Errorf("detection at %v, want 10.09 s", detected)
	}
}

// A cancelled run stops early and goes on where it stopped, to the same report.
func TestRunCanBeCancelled(t *testing.T) {
	tw := builtinTwin(t, "classic-dc")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tw.RunContext(ctx); err == nil || tw.Done() {
		t.Fatalf("a cancelled run went on: %v, done %v", err, tw.Done())
	}
	tw.RunUntil(100 * sim.Second) // past agg-1's failure at 30 s; hv-1 fails at 300 s
	ctx, cancel = context.WithCancel(context.Background())
	tw.Subscribe(twin.Filter{Kinds: []twin.EventKind{"failure"}}, func(twin.Event) { cancel() })
	if err := tw.RunContext(ctx); err == nil || tw.Now() < 300*sim.Second || tw.Done() {
		t.Fatalf("cancelled at the first failure: %v at %v", err, tw.Now())
	}
	tw.Run()
	plain := builtinTwin(t, "classic-dc")
	plain.Run()
	if got, want := reportOf(t, tw), reportOf(t, plain); got != want {
		t.Errorf("the resumed run reports differently")
	}
}

// Named metrics are the report's figures.
func TestMetricsNameTheReportsFigures(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	tw.Run()
	r := tw.Report()
	for name, want := range map[string]float64{
		"failure[0].detected_after_ms":  90,
		"failure[0].max_flow_outage_ms": 90,
		"failure[0].flow_outages":       4,
		"summary.failures":              1,
		"flow[web-1].down_ms":           90,
		"service[srv-1].unreachable_ms": 90,
	} {
		if got, ok := r.Metric(name); !ok || got != want {
			t.Errorf("%s = %v (%v), want %v", name, got, ok, want)
		}
	}
	if _, ok := r.Metric("failure[1].detected_after_ms"); ok {
		t.Error("a metric of a failure that did not happen")
	}
}

// TestCannotFailAsListsKinds: failing a VM as a host names the kinds it can fail
// as the way a user writes them ("vm, vm-hang"), not as a Go slice ("[vm vm-hang]").
func TestCannotFailAsListsKinds(t *testing.T) {
	tw := builtinTwin(t, "classic-dc", [2]string{"failures.scheduled", "[]"})
	err := tw.FailNow("web-1", failures.Host)
	want := `web-1 cannot fail as "host" (it can fail as: vm, vm-hang)`
	if err == nil || err.Error() != want {
		t.Errorf("web-1 failed as a host: %v, want %q", err, want)
	}
}

// TestSavedSessionKeepsARepairAtItsFailure: a failure repaired at its own instant
// (the TUI paused, f then r on web-1) is saved with its repair as an entry of its
// own; as repair_after 0 it was written as no repair at all, and the saved session
// ran with web-1 hung to the end instead of the session's report.
func TestSavedSessionKeepsARepairAtItsFailure(t *testing.T) {
	session := builtinTwin(t, "classic-dc", [2]string{"failures.scheduled", "[]"}, [2]string{"run.duration", "30s"})
	session.RunUntil(2 * sim.Second)
	must(t, session.FailNow("web-1", failures.VMHang))
	must(t, session.RepairNow("web-1"))
	session.Run()
	want := textOf(t, session.Report())

	savedSessionReports(t, session, want)
}

// savedSessionReports saves a session's scenario (SessionSpec), loads the file and
// runs it: its report must be want, the session's own.
func savedSessionReports(t *testing.T, session *twin.Twin, want string) {
	t.Helper()
	spec := session.SessionSpec()
	var b bytes.Buffer
	if err := scenario.Write(&b, &spec); err != nil {
		t.Fatal(err)
	}
	saved, err := scenario.Parse(session.Scenario.Name, b.Bytes())
	if err != nil {
		t.Fatalf("the saved session does not load: %v\n%s", err, b.String())
	}
	saved.Name = session.Scenario.Name
	tw, err := twin.New(saved, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	if got := textOf(t, tw.Report()); got != want {
		t.Errorf("the saved session reports differently:\n%s\nwant:\n%s\nscenario:\n%s", got, want, b.String())
	}
}
