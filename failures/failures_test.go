package failures_test

import (
	"fmt"
	"math"
	"testing"

	"dctwin/failures"
	"dctwin/sim"
)

// fakeTarget records what the injector asks for and tracks which components are down.
type fakeTarget struct {
	s      *sim.Simulation
	calls  []string
	down   map[string]bool
	upTime map[string]sim.Time // accumulated time up, for availability
	since  map[string]sim.Time
	refuse string
}

func newFake(s *sim.Simulation) *fakeTarget {
	return &fakeTarget{s: s, down: map[string]bool{}, upTime: map[string]sim.Time{}, since: map[string]sim.Time{}}
}

func (f *fakeTarget) Fail(c string, k failures.Kind) error {
	if c == f.refuse {
		return fmt.Errorf("no such component")
	}
	f.calls = append(f.calls, fmt.Sprintf("%v fail %s %s", f.s.Now(), c, k))
	f.upTime[c] += f.s.Now() - f.since[c]
	f.down[c] = true
	return nil
}

func (f *fakeTarget) Repair(c string, k failures.Kind) error {
	f.calls = append(f.calls, fmt.Sprintf("%v repair %s %s", f.s.Now(), c, k))
	f.down[c] = false
	f.since[c] = f.s.Now()
	return nil
}

func TestScheduledFailureAndRepair(t *testing.T) {
	s := sim.New(1)
	target := newFake(s)
	in := failures.NewInjector(s, target)
	var records []string
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) { records = append(records, at.String()+" "+r.String()) }))
	in.Schedule(10*sim.Second, "srv-1:eth0", failures.NIC, 60*sim.Second)
	in.Schedule(20*sim.Second, "sw-a", failures.Switch, 0)    // never repaired
	in.Schedule(30*sim.Second, "srv-1:eth0", failures.NIC, 0) // already down: refused, said in the trace
	s.Run()
	want := []string{"10s fail srv-1:eth0 nic", "20s fail sw-a switch", "1m10s repair srv-1:eth0 nic"}
	if fmt.Sprint(target.calls) != fmt.Sprint(want) {
		t.Fatalf("calls %q, want %q", target.calls, want)
	}
	wantRec := []string{"10s nic failure of srv-1:eth0 (scheduled, #1)", "20s switch failure of sw-a (scheduled, #2)",
		"30s failure refused: already down since 10.000 s (#1)", "1m10s srv-1:eth0 repaired after 1m0s (#1)"}
	if fmt.Sprint(records) != fmt.Sprint(wantRec) {
		t.Fatalf("records %q, want %q", records, wantRec)
	}
	fs := in.Failures()
	if len(fs) != 2 || fs[0].RepairAt != 70*sim.Second || fs[1].RepairAt != sim.Never {
		t.Fatalf("failures %+v", fs)
	}
	if !in.Down("sw-a") || in.Down("srv-1:eth0") {
		t.Fatal("Down does not reflect the state")
	}
}

func TestManualFailuresReportErrors(t *testing.T) {
	s := sim.New(1)
	target := newFake(s)
	target.refuse = "ghost"
	in := failures.NewInjector(s, target)
	if err := in.FailNow("ghost", failures.Host); err == nil {
		t.Fatal("failing a component the target refuses gave no error")
	}
	if err := in.FailNow("h1", failures.Host); err != nil {
		t.Fatal(err)
	}
	if err := in.FailNow("h1", failures.Host); err == nil {
		t.Fatal("failing a component twice gave no error")
	}
	if err := in.RepairNow("h2"); err == nil {
		t.Fatal("repairing a component that is up gave no error")
	}
	if err := in.RepairNow("h1"); err != nil || in.Down("h1") {
		t.Fatalf("repair: %v, down %v", err, in.Down("h1"))
	}
	if _, err := failures.ParseKind("toaster"); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

func TestRandomFailuresHaveTheConfiguredMeans(t *testing.T) {
	// Over many cycles, the mean up time must approach MTBF and the mean repair time
	// MTTR, whatever the family (this checks the shape conversions: Weibull λ = m/Γ(1+1/k),
	// lognormal μ = ln m − σ²/2), and availability MTBF/(MTBF+MTTR).
	const mtbf, mttr = 1000 * sim.Second, 100 * sim.Second
	for _, d := range []failures.Distribution{failures.Exponential, failures.Weibull, failures.LogNormal} {
		s := sim.New(3)
		target := newFake(s)
		in := failures.NewInjector(s, target)
		comps := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
		if err := in.Random(comps, failures.Host, mtbf, mttr, d); err != nil {
			t.Fatal(err)
		}
		// The injector lists only its first failures: count them all from the trace.
		var downTotal, repairs sim.Time
		var n int
		inForce := map[int]sim.Time{}
		s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
			switch r := r.(type) {
			case failures.Injected:
				inForce[r.Failure.ID] = r.Failure.At
			case failures.Repaired:
				delete(inForce, r.Failure.ID)
				downTotal += r.Failure.RepairAt - r.Failure.At
				repairs += r.Failure.RepairAt - r.Failure.At
				n++
			}
		}))
		horizon := 2_000_000 * sim.Second // ~1,800 cycles per component
		s.RunUntil(horizon)
		for _, at := range inForce {
			downTotal += horizon - at
		}
		if in.Count() != n+len(inForce) {
			t.Fatalf("%s: Count %d, the trace has %d", d, in.Count(), n+len(inForce))
		}
		meanRepair := repairs.Seconds() / float64(n)
		avail := 1 - downTotal.Seconds()/(horizon.Seconds()*float64(len(comps)))
		wantAvail := mtbf.Seconds() / (mtbf + mttr).Seconds()
		cycles := float64(n) / float64(len(comps))
		meanCycle := horizon.Seconds() / cycles
		if math.Abs(meanRepair-100)/100 > 0.08 {
			t.Errorf("%s: mean repair %.1f s, want 100 s", d, meanRepair)
		}
		if math.Abs(meanCycle-1100)/1100 > 0.05 {
			t.Errorf("%s: mean cycle %.1f s, want MTBF+MTTR = 1100 s", d, meanCycle)
		}
		if math.Abs(avail-wantAvail) > 0.01 {
			t.Errorf("%s: availability %.4f, want %.4f", d, avail, wantAvail)
		}
	}
}

func TestRandomFailuresUseCommonRandomNumbers(t *testing.T) {
	times := func(comps []string) map[string]sim.Time {
		s := sim.New(5)
		in := failures.NewInjector(s, newFake(s))
		if err := in.Random(comps, failures.Link, sim.Hour, sim.Minute, failures.Exponential); err != nil {
			t.Fatal(err)
		}
		s.RunUntil(10 * sim.Hour)
		first := map[string]sim.Time{}
		for _, f := range in.Failures() {
			if _, ok := first[f.Component]; !ok {
				first[f.Component] = f.At
			}
		}
		return first
	}
	a := times([]string{"l1", "l2"})
	b := times([]string{"l0", "l1", "l2", "l3"})
	if a["l1"] != b["l1"] || a["l2"] != b["l2"] {
		t.Fatalf("adding components shifted others' failures: %v vs %v", a, b)
	}
	if err := failures.NewInjector(sim.New(1), nil).Random([]string{"x"}, failures.Link, 0, sim.Minute, ""); err == nil {
		t.Fatal("zero MTBF accepted")
	}
}

func TestRefusedFailureLeavesNoTrace(t *testing.T) {
	s := sim.New(1)
	target := newFake(s)
	target.refuse = "ghost"
	in := failures.NewInjector(s, target)
	m := failures.NewMeasurement()
	s.AddObserver(m)
	var lines []string
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) { lines = append(lines, r.String()) }))
	in.Schedule(sim.Second, "ghost", failures.Host, 0)
	in.Schedule(2*sim.Second, "h1", failures.Host, 0)
	s.Run()
	m.Finish(3 * sim.Second)
	if len(in.Failures()) != 1 || len(m.Reports()) != 1 || m.Reports()[0].Failure.Component != "h1" {
		t.Fatalf("failures %+v, reports %+v: want only h1", in.Failures(), m.Reports())
	}
	want := []string{"host failure of ghost (scheduled, #1)", "failure refused: cannot fail ghost (host): no such component",
		"host failure of h1 (scheduled, #2)"}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("trace %q, want %q", lines, want)
	}
}
