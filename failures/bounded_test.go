package failures_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"dctwin/failures"
	"dctwin/sim"
)

// chaos drives an injector and random records on one simulation for both measurements:
// failures of six components (one the target refuses) on a one-second grid, so that
// injections, repairs, refusals, detections and flow changes meet at one instant, with
// overlapping failures ("already down") and failures never repaired.
func chaos(seed uint64, n int, observers ...sim.Observer) (*sim.Simulation, func(...func())) {
	s := sim.New(seed)
	for _, o := range observers {
		s.AddObserver(o)
	}
	target := newFake(s)
	target.refuse = "c5"
	in := failures.NewInjector(s, target)
	rng := rand.New(rand.NewPCG(seed, 7))
	kinds := []failures.Kind{failures.Link, failures.NIC, failures.Switch}
	at := func() sim.Time { return sim.Time(rng.IntN(n)) * sim.Second }
	for range n / 2 {
		repair := sim.Time(rng.IntN(20)) * sim.Second // 0: never repaired
		in.Schedule(at(), fmt.Sprintf("c%d", rng.IntN(6)), kinds[rng.IntN(len(kinds))], repair)
	}
	for range n {
		d := detected{fmt.Sprintf("dev-%d", rng.IntN(3)), "miimon", rng.IntN(4) > 0}
		t := at()
		s.At(t, func() { s.Report(d) })
	}
	for range 3 * n {
		fc := flowChange{fmt.Sprintf("f%d", rng.IntN(8)), rng.IntN(2) == 0}
		t := at() + sim.Time(rng.IntN(3))*sim.Millisecond
		s.At(t, func() { s.Report(fc) })
	}
	// Also between the steps of a run, callers may fold.
	return s, func(fns ...func()) {
		for step := sim.Time(0); step <= sim.Time(n)*sim.Second; step += 97 * sim.Second {
			s.RunUntil(step)
			for _, fn := range fns {
				fn()
			}
		}
		s.Run()
	}
}

func setEnds(set func(flow, a, b string)) {
	for i := range 8 {
		a, b := fmt.Sprintf("n%d", i%5), fmt.Sprintf("n%d", (i*3+1)%5)
		if i == 7 {
			b = a // a flow with one node at both ends
		}
		set(fmt.Sprintf("f%d", i), a, b)
	}
}

func visible(r failures.FailureReport) failures.FailureReport {
	return failures.FailureReport{Failure: r.Failure, Detections: r.Detections, Flows: r.Flows}
}

// With every failure in detail, the bounded measurement reports exactly what the
// reference (the measurement that kept everything, reference_test.go) reports: the
// same failures, detections, flow outages and service view, on random streams.
func TestMeasurementMatchesTheReference(t *testing.T) {
	for seed := range uint64(20) {
		m := failures.NewMeasurement()
		m.Detailed = 1 << 30
		ref := newRefMeasurement()
		setEnds(m.SetFlowEndpoints)
		setEnds(ref.SetFlowEndpoints)
		s, run := chaos(seed, 3000, m, ref)
		run(m.Compact)
		m.Finish(s.Now())
		ref.Finish(s.Now())
		got, want := m.Reports(), ref.Reports()
		if len(got) != len(want) || len(want) < 100 {
			t.Fatalf("seed %d: %d reports, reference %d", seed, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(visible(got[i]), visible(want[i])) {
				t.Fatalf("seed %d, failure %d:\n got %+v\nwant %+v", seed, i, visible(got[i]), visible(want[i]))
			}
		}
		if g, w := m.Services(), ref.Services(); !reflect.DeepEqual(g, w) || len(w) == 0 {
			t.Fatalf("seed %d: services\n got %+v\nwant %+v", seed, g, w)
		}
		if m.Count() != len(want) {
			t.Errorf("seed %d: Count %d, want %d", seed, m.Count(), len(want))
		}
	}
}

// With the first 25 failures in detail, those 25 match the reference and the rest are
// summarized per kind: the sums of the reference's reports, worked out here.
func TestMeasurementSummarizesBeyondDetailed(t *testing.T) {
	const detailed = 25
	for seed := range uint64(10) {
		m := failures.NewMeasurement()
		m.Detailed = detailed
		ref := newRefMeasurement()
		s, run := chaos(seed, 3000, m, ref)
		compacts := 0
		run(func() { m.Compact(); compacts++ })
		m.Finish(s.Now())
		got, want := m.Reports(), ref.Reports()
		if len(got) != detailed {
			t.Fatalf("seed %d: %d detailed reports, want %d", seed, len(got), detailed)
		}
		for i := range got {
			if !reflect.DeepEqual(visible(got[i]), visible(want[i])) {
				t.Fatalf("seed %d, failure %d:\n got %+v\nwant %+v", seed, i, visible(got[i]), visible(want[i]))
			}
		}
		sums := map[failures.Kind]*failures.ClassSummary{}
		for _, r := range want[detailed:] {
			c := sums[r.Failure.Kind]
			if c == nil {
				c = &failures.ClassSummary{Kind: r.Failure.Kind}
				sums[r.Failure.Kind] = c
			}
			c.Failures++
			if d, ok := r.DetectedAfter(); ok {
				c.Detected++
				c.DetectionTotal += d
				c.DetectionMax = max(c.DetectionMax, d)
			}
			// A flow counts once per failure and cause (failure or repair), and is
			// unrestored if any of its outages was; every outage counts as a direction's.
			type hit struct {
				flow        string
				afterRepair bool
			}
			bad := map[hit]bool{}
			for _, fo := range r.Flows {
				c.FlowDirectionOutages++
				h := hit{fo.Flow, fo.AfterRepair}
				if _, seen := bad[h]; !seen {
					c.FlowOutages++
					bad[h] = false
				}
				if fo.Restored {
					c.RestoredDirections++
					c.OutageTotal += fo.Outage
					c.OutageMax = max(c.OutageMax, fo.Outage)
				} else if !bad[h] {
					bad[h] = true
					c.Unrestored++
				}
			}
		}
		summaries := m.Summaries()
		if len(summaries) != len(sums) {
			t.Fatalf("seed %d: %d summaries, want %d", seed, len(summaries), len(sums))
		}
		total := detailed
		for _, c := range summaries {
			if w := sums[c.Kind]; *w != c {
				t.Errorf("seed %d, %s:\n got %+v\nwant %+v", seed, c.Kind, c, *w)
			}
			total += c.Failures
		}
		if total != len(want) || m.Count() != len(want) {
			t.Errorf("seed %d: %d failures counted (Count %d), reference %d", seed, total, m.Count(), len(want))
		}
	}
}

// An injector lists the first MaxListed failures and counts them all.
func TestInjectorListsTheFirstFailures(t *testing.T) {
	s := sim.New(1)
	in := failures.NewInjector(s, newFake(s))
	const n = failures.MaxListed + 500
	for i := range n {
		in.Schedule(sim.Time(i)*sim.Second, "sw", failures.Switch, sim.Second/2)
	}
	s.Run()
	list := in.Failures()
	if in.Count() != n || len(list) != failures.MaxListed {
		t.Fatalf("Count %d, %d listed; want %d and %d", in.Count(), len(list), n, failures.MaxListed)
	}
	if last := list[len(list)-1]; last.At != sim.Time(failures.MaxListed-1)*sim.Second || last.RepairAt != last.At+sim.Second/2 {
		t.Errorf("last listed failure %+v", last)
	}
}
