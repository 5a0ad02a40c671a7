package twin_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

// churn is teaming-lab with the NICs failing at random too (mean up 30 min, down 5 min,
// on top of the scheduled failure), over duration.
func churn(t *testing.T) *scenario.Scenario {
	t.Helper()
	return teamingLab(t, "  scheduled:\n", "  random:\n    - {class: nic, mtbf: 30m, mttr: 5m}\n  scheduled:\n")
}

func newTwin(t *testing.T, sc *scenario.Scenario, opt twin.Options) *twin.Twin {
	t.Helper()
	tw, err := twin.New(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

// The twin runs in steps of its own (housekeeping) and of its caller's (progress, the
// TUI): the report is the same byte for byte whatever the steps.
func TestReportDoesNotDependOnTheStep(t *testing.T) {
	opt := twin.Options{Duration: sim.Time(6 * time.Hour)}
	sc := churn(t)
	_, whole := run(t, sc, opt)
	wantText, wantJSON := reportBytes(t, whole)
	if len(whole.Failures) < 10 {
		t.Fatalf("only %d failures; the test wants several", len(whole.Failures))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	steppers := map[string]func() sim.Time{
		"7.3 s":  func() sim.Time { return 7300 * sim.Millisecond },
		"random": func() sim.Time { return sim.Time(rng.Int64N(int64(20 * sim.Minute))) },
	}
	for name, step := range steppers {
		tw := newTwin(t, sc, opt)
		for !tw.Done() {
			tw.RunUntil(tw.Sim.Now() + step())
		}
		text, js := reportBytes(t, tw.Report())
		if !bytes.Equal(text, wantText) || !bytes.Equal(js, wantJSON) {
			t.Errorf("steps of %s change the report:\n%s", name, firstDiff(string(text), string(wantText)))
		}
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + al[i] + "\nwant " + bl[i]
		}
	}
	return "lengths differ"
}

// wholeTrace keeps every notable record and every failure, as the twin did before it
// bounded its timelines: the reference for what each failure's timeline must hold.
type wholeTrace struct {
	lines    []twin.TraceLine
	failures []failures.Failure
	injected map[int]bool
}

func (w *wholeTrace) observe(at sim.Time, r sim.Record) {
	switch r := r.(type) {
	case failures.Injected:
		w.failures = append(w.failures, r.Failure)
	case failures.Refused:
		for i, f := range w.failures {
			if f.ID == r.Failure.ID {
				w.failures = append(w.failures[:i], w.failures[i+1:]...)
				break
			}
		}
	case failures.Repaired:
		for i := range w.failures {
			if w.failures[i].ID == r.Failure.ID {
				w.failures[i].RepairAt = at
			}
		}
	}
	if !twin.Notable(r) {
		return
	}
	w.lines = append(w.lines, twin.TraceLine{At: at, Subject: r.Subject(), What: r.String(), Record: r})
}

// window returns the records from failure i until the next failure, or until a minute
// after its repair and the boots it started.
func (w *wholeTrace) window(i int) []twin.TraceLine {
	f := w.failures[i]
	end := sim.Never
	if f.RepairAt != sim.Never {
		boots := f.RepairAt
		for _, l := range w.lines {
			if l.At != f.RepairAt {
				continue
			}
			switch r := l.Record.(type) {
			case twin.HostBooting:
				boots = max(boots, l.At+r.For)
			case network.SwitchBooting:
				boots = max(boots, l.At+r.For)
			}
		}
		end = boots + sim.Minute
	}
	for _, o := range w.failures {
		if o.At > f.At {
			end = min(end, o.At)
			break
		}
	}
	var out []twin.TraceLine
	for _, l := range w.lines {
		if l.At >= f.At && l.At < end {
			out = append(out, l)
		}
	}
	return out
}

// Each failure's timeline in the report is the start of its window in the whole trace,
// and the report counts the rest.
func TestTimelinesMatchTheWholeTrace(t *testing.T) {
	tw := newTwin(t, churn(t), twin.Options{Duration: sim.Time(8 * time.Hour)})
	whole := &wholeTrace{}
	tw.Observe(sim.ObserverFunc(whole.observe))
	tw.Run()
	rep := tw.Report()
	if len(rep.Failures) != len(whole.failures) || len(rep.Failures) < 10 {
		t.Fatalf("%d failures reported, %d in the trace", len(rep.Failures), len(whole.failures))
	}
	long := 0
	for i, f := range rep.Failures {
		want := whole.window(i)
		if len(want) > 40 {
			long++
		}
		if got := len(f.Timeline) + f.TimelineOmitted; got != len(want) {
			t.Fatalf("failure %d: %d records in its window, the trace has %d", i+1, got, len(want))
		}
		for k, l := range f.Timeline {
			if l.At != want[k].At || l.What != want[k].What {
				t.Fatalf("failure %d, record %d: %v %s, want %v %s", i+1, k, l.At, l.What, want[k].At, want[k].What)
			}
		}
	}
	t.Logf("%d failures, %d with more than 40 records", len(rep.Failures), long)
}

// With Detailed 5, the first five failures are reported as with every failure in
// detail, and the others are summarized per kind with the figures that the full report
// gives (worked out here from its failures); the text and the JSON say so.
func TestSummaryReplacesDetailBeyondTheLimit(t *testing.T) {
	sc := churn(t)
	opt := twin.Options{Duration: sim.Time(8 * time.Hour)}
	_, full := run(t, sc, opt)
	opt.Detailed = 5
	_, short := run(t, sc, opt)

	if len(short.Failures) != 5 || short.SummarizedAfter != 5 || len(short.Summarized) != 1 {
		t.Fatalf("%d failures listed, summarized after %d: %+v", len(short.Failures), short.SummarizedAfter, short.Summarized)
	}
	for i := range short.Failures {
		a, _ := json.Marshal(short.Failures[i])
		b, _ := json.Marshal(full.Failures[i])
		if !bytes.Equal(a, b) {
			t.Fatalf("failure %d differs:\n%s\n%s", i+1, a, b)
		}
	}
	rest := full.Failures[5:]
	c := short.Summarized[0]
	var detected, outages, unrestored, restoredDirs int
	var detSum, detMax, outSum, outMax float64
	for _, f := range rest {
		if f.DetectedAfterMs != nil {
			detected++
			detSum += *f.DetectedAfterMs
			detMax = max(detMax, *f.DetectedAfterMs)
		}
		// A flow counts once per failure and cause, unrestored if any direction was.
		type hit struct {
			flow        string
			afterRepair bool
		}
		bad := map[hit]bool{}
		for _, fo := range f.Flows {
			h := hit{fo.Flow, fo.AfterRepair}
			if _, seen := bad[h]; !seen {
				outages++
				bad[h] = false
			}
			if fo.OutageMs == nil {
				if !bad[h] {
					bad[h] = true
					unrestored++
				}
				continue
			}
			restoredDirs++
			outSum += *fo.OutageMs
			outMax = max(outMax, *fo.OutageMs)
		}
	}
	if c.Kind != "nic" || c.Failures != len(rest) || c.Detected != detected || c.FlowOutages != outages || c.Unrestored != unrestored {
		t.Errorf("summary %+v; the full report has %d failures, %d detected, %d flow outages, %d unrestored",
			c, len(rest), detected, outages, unrestored)
	}
	near := func(what string, got *float64, want float64) {
		if got == nil || math.Abs(*got-want) > 1e-6 {
			t.Errorf("%s %v, want %.6f", what, got, want)
		}
	}
	near("mean detection", c.MeanDetectionMs, detSum/float64(detected))
	near("longest detection", c.MaxDetectionMs, detMax)
	near("mean outage", c.MeanOutageMs, outSum/float64(restoredDirs))
	near("longest outage", c.MaxOutageMs, outMax)
	if s, f := short.Summary, full.Summary; s.Failures != f.Failures || s.Undetected != f.Undetected ||
		s.FlowOutages != f.FlowOutages || s.Unrestored != f.Unrestored || *s.MaxOutageMs != *f.MaxOutageMs ||
		s.FlowAvailability != f.FlowAvailability {
		t.Errorf("summary %+v, full %+v", s, f)
	}
	text, js := reportBytes(t, short)
	if !strings.Contains(string(text), "more failures, summarized per kind instead of listed") ||
		!strings.Contains(string(js), `"summarized_after":5`) {
		t.Errorf("the report does not say that a summary replaces the details:\n%s", text)
	}
	if fullText, fullJSON := reportBytes(t, full); strings.Contains(string(fullText), "summarized") ||
		strings.Contains(string(fullJSON), "summarized") {
		t.Error("a report with every failure in detail mentions a summary")
	}
}

// Taking each failure's calls once its window has closed, and then forgetting the call
// history before it, gives the counts that the whole history gives at the end.
func TestCallCountsWithABoundedHistory(t *testing.T) {
	sc := churn(t)
	opt := twin.Options{Duration: sim.Time(8 * time.Hour)}
	_, bounded := run(t, sc, opt)
	tw := newTwin(t, sc, opt)
	twin.KeepCallHistory(tw)
	tw.Run()
	whole := tw.Report()
	_, a := reportBytes(t, bounded)
	_, b := reportBytes(t, whole)
	if !bytes.Equal(a, b) {
		t.Fatalf("the reports differ:\n%s", firstDiff(string(a), string(b)))
	}
	hit := 0
	for _, f := range whole.Failures {
		if *f.CallsDegraded > 0 || *f.CallsDropped > 0 {
			hit++
		}
	}
	if hit < 5 {
		t.Errorf("only %d failures touched calls; the test wants several", hit)
	}
}
