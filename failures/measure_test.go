package failures_test

import (
	"testing"

	"dctwin/failures"
	"dctwin/sim"
)

type detected struct {
	who, mech string
	down      bool
}

func (d detected) Subject() string            { return d.who }
func (d detected) String() string             { return d.who + " detected by " + d.mech }
func (d detected) DetectionMechanism() string { return d.mech }
func (d detected) DetectedDown() bool         { return d.down }

type flowChange struct {
	flow string
	up   bool
}

func (f flowChange) Subject() string      { return f.flow }
func (f flowChange) String() string       { return f.flow }
func (f flowChange) FlowName() string     { return f.flow }
func (f flowChange) FlowDelivering() bool { return f.up }

func ms(v float64) sim.Time { return sim.Milliseconds(v) }

func TestMeasurementAttributesDetectionsAndOutages(t *testing.T) {
	s := sim.New(1)
	in := failures.NewInjector(s, newFake(s))
	m := failures.NewMeasurement()
	s.AddObserver(m)
	m.SetFlowEndpoints("rtp-1", "phone-1", "srv-1")
	m.SetFlowEndpoints("web-1", "client-1", "srv-1")
	in.Schedule(10*sim.Second, "srv-1:eth0", failures.NIC, 60*sim.Second)
	at := func(t sim.Time, r sim.Record) { s.AfterPriority(t, sim.Last, func() { s.Report(r) }) } // after the failures of their instant, as their effects come
	// NIC fails at 10 s; miimon notices at +150 ms; both flows stop at once; rtp-1 is
	// delivered again after the switchover and gratuitous ARP at +151 ms; web-1 only
	// when the MAC entry ages out, after the repair at 70 s.
	at(10*sim.Second, flowChange{"rtp-1", false})
	at(10*sim.Second, flowChange{"web-1", false})
	at(10*sim.Second+ms(150), detected{"srv-1", "miimon", true})
	at(10*sim.Second+ms(151), flowChange{"rtp-1", true})
	at(75*sim.Second, flowChange{"web-1", true})
	// Failback at the repair interrupts rtp-1 for 2 ms.
	at(70*sim.Second+ms(100), flowChange{"rtp-1", false})
	at(70*sim.Second+ms(102), flowChange{"rtp-1", true})
	s.Run()
	m.Finish(100 * sim.Second)

	reps := m.Reports()
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	r := reps[0]
	if d, ok := r.DetectedAfter(); !ok || d != ms(150) || r.Detections[0].Mechanism != "miimon" {
		t.Fatalf("detection %+v, want miimon after 150ms", r.Detections)
	}
	if len(r.Flows) != 3 {
		t.Fatalf("flows %+v, want rtp-1, web-1 and rtp-1 after repair", r.Flows)
	}
	rtp, web, failback := r.Flows[0], r.Flows[1], r.Flows[2]
	if !rtp.Restored || rtp.Outage != ms(151) || rtp.AfterRepair {
		t.Errorf("rtp-1: %+v, want restored after 151ms", rtp)
	}
	if web.Restored || web.Gap != 65*sim.Second {
		t.Errorf("web-1: %+v, want not restored before repair, gap 65s", web)
	}
	if !failback.AfterRepair || failback.Outage != ms(2) {
		t.Errorf("failback: %+v, want a 2ms outage after the repair", failback)
	}
	// Service view: srv-1 is impaired while either flow is down (10 s → 75 s), and
	// unreachable while both are: 10 s → 10.151 s, and the failback's 2 ms at 70.1 s,
	// which falls inside web-1's outage.
	svc := m.Services()
	got := map[string]failures.ServiceDowntime{}
	for _, sd := range svc {
		got[sd.Node] = sd
	}
	if sd := got["srv-1"]; sd.Impaired != 65*sim.Second || sd.Unreachable != ms(153) {
		t.Errorf("srv-1 %+v, want impaired 65s, unreachable 153ms", sd)
	}
	if sd := got["client-1"]; sd.Unreachable != 65*sim.Second {
		t.Errorf("client-1 %+v, want unreachable 65s", sd)
	}
	if sd := got["phone-1"]; sd.Unreachable != ms(153) {
		t.Errorf("phone-1 %+v, want unreachable 151ms + 2ms", sd)
	}
}

func TestOutageStillOpenAtTheEndIsNotRestored(t *testing.T) {
	s := sim.New(1)
	in := failures.NewInjector(s, newFake(s))
	m := failures.NewMeasurement()
	s.AddObserver(m)
	m.SetFlowEndpoints("f", "a", "b")
	in.Schedule(sim.Second, "sw", failures.Switch, 0)
	s.AfterPriority(sim.Second, sim.Last, func() { s.Report(flowChange{"f", false}) })
	s.Run()
	m.Finish(10 * sim.Second)
	r := m.Reports()[0]
	if _, ok := r.DetectedAfter(); ok {
		t.Error("a detection appeared from nowhere")
	}
	if len(r.Flows) != 1 || r.Flows[0].Restored || r.Flows[0].Gap != sim.Never {
		t.Errorf("flows %+v, want one unrestored outage", r.Flows)
	}
	if svc := m.Services(); len(svc) != 2 || svc[0].Unreachable != 9*sim.Second {
		t.Errorf("services %+v, want a and b unreachable 9s", svc)
	}
}

func TestFlowChangeAtARepairBelongsToThatRepair(t *testing.T) {
	// Failure A (a NIC) is in force from 100 s on; failure B (a link) from 120 s to
	// 150 s. A flow stops just after B is repaired (re-convergence), for 10 ms. It belongs to B's repair (a 10 ms outage), not to A (which would make it a
	// 50 s outage counted from A's start).
	s := sim.New(1)
	in := failures.NewInjector(s, newFake(s))
	m := failures.NewMeasurement()
	s.AddObserver(m)
	in.Schedule(100*sim.Second, "srv:eth0", failures.NIC, 0)
	in.Schedule(120*sim.Second, "uplink", failures.Link, 30*sim.Second)
	// Re-convergence follows the repair: the flow stops 1 µs after it.
	s.At(150*sim.Second+sim.Microsecond, func() { s.Report(flowChange{"f", false}) })
	s.At(150*sim.Second+sim.Microsecond+ms(10), func() { s.Report(flowChange{"f", true}) })
	s.At(160*sim.Second, func() { s.Report(detected{"srv", "miimon", true}) })
	s.Run()
	m.Finish(200 * sim.Second)
	reps := m.Reports()
	a, b := reps[0], reps[1]
	if len(a.Flows) != 0 {
		t.Errorf("the NIC failure was charged with %+v", a.Flows)
	}
	if len(b.Flows) != 1 || !b.Flows[0].AfterRepair || b.Flows[0].Outage != ms(10) {
		t.Errorf("link failure flows %+v, want one 10ms outage after its repair", b.Flows)
	}
	// A detection at 160 s can only be of the failure still in force: the NIC.
	if len(a.Detections) != 1 || len(b.Detections) != 0 {
		t.Errorf("detections: NIC %+v, link %+v", a.Detections, b.Detections)
	}
}

// dirChange is a flow change of one direction of a flow.
type dirChange struct {
	flowChange
	dir string
}

func (d dirChange) FlowDirection() string { return d.dir }

// The two directions of a flow stop and resume on their own. The NIC fails at 10 s:
// a → b stops at once and is delivered again at +100 ms; b → a stops at +50 ms and
// resumes at +200 ms. Each direction gets its own entry, its outage counted from the
// failure (100 ms, 200 ms); the flow (needing both) is out from 10 s until the last
// direction resumes at 10.2 s, which is what the service view counts: 200 ms for a and
// b, not the 100 + 150 ms the directions' outages add up to.
func TestDirectionsOfAFlowAreMeasuredApart(t *testing.T) {
	s := sim.New(1)
	in := failures.NewInjector(s, newFake(s))
	m := failures.NewMeasurement()
	s.AddObserver(m)
	m.SetFlowEndpoints("f", "a", "b")
	in.Schedule(10*sim.Second, "srv:eth0", failures.NIC, 0)
	at := func(t sim.Time, dir string, up bool) {
		s.AfterPriority(t, sim.Last, func() { s.Report(dirChange{flowChange{"f", up}, dir}) })
	}
	at(10*sim.Second, "a → b", false)
	at(10*sim.Second+ms(50), "b → a", false)
	at(10*sim.Second+ms(60), "b → a", false) // already out: no second entry
	at(10*sim.Second+ms(100), "a → b", true)
	at(10*sim.Second+ms(200), "b → a", true)
	s.Run()
	m.Finish(20 * sim.Second)
	fl := m.Reports()[0].Flows
	if len(fl) != 2 {
		t.Fatalf("flows %+v, want one entry per direction", fl)
	}
	ab, ba := fl[0], fl[1]
	if ab.Direction != "a → b" || !ab.Restored || ab.Stopped != 0 || ab.Outage != ms(100) {
		t.Errorf("a → b: %+v, want stopped at once, restored after 100 ms", ab)
	}
	if ba.Direction != "b → a" || !ba.Restored || ba.Stopped != ms(50) || ba.Outage != ms(200) || ba.Gap != ms(150) {
		t.Errorf("b → a: %+v, want stopped after 50 ms, restored 200 ms after the failure", ba)
	}
	svc := m.Services()
	if len(svc) != 2 || svc[0].Unreachable != ms(200) || svc[0].Impaired != ms(200) || svc[1].Unreachable != ms(200) {
		t.Errorf("services %+v, want a and b cut off for 200 ms", svc)
	}
}
