package twin

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// Report is the outcome of a run: every failure with what noticed it and how long each
// flow it hit was out, the service view, and a summary. Its JSON form is what batch
// users parse; its text form is what `dctwin run` prints.
type Report struct {
	Scenario  string          `json:"scenario"`
	Seed      uint64          `json:"seed"`
	DurationS float64         `json:"duration_s"`
	Failures  []FailureResult `json:"failures"`
	Services  []ServiceResult `json:"services"`
	Flows     []FlowResult    `json:"flows"`
	// Calls summarizes the call load; absent when the scenario has no calls.
	Calls   *uc.Stats `json:"calls,omitempty"`
	Summary Summary   `json:"summary"`
	// NotBuilt lists what a forced run (--force) left out because the runtime cannot
	// place it (a second cable on one port, a team of NICs without links), each with
	// its position and reason.
	NotBuilt []string `json:"not_built,omitempty"`
	// NotInjected lists failures that did not happen, with the reason (a component that
	// does not exist or cannot fail that way, or one already down).
	NotInjected []string `json:"not_injected,omitempty"`
	// Summarized condenses, per kind, the failures after the first SummarizedAfter,
	// which Failures lists one by one; both are absent unless a run had that many.
	Summarized      []ClassResult `json:"summarized,omitempty"`
	SummarizedAfter int           `json:"summarized_after,omitempty"`
}

// FailureResult is one failure. Times are from the start of the run (at_s) or from the
// failure (…_ms); null means "never" (not detected, not restored).
type FailureResult struct {
	Component       string            `json:"component"`
	Kind            string            `json:"kind"`
	Cause           string            `json:"cause"`
	AtS             float64           `json:"at_s"`
	RepairedAtS     *float64          `json:"repaired_at_s"`
	DetectedAfterMs *float64          `json:"detected_after_ms"`
	Detections      []DetectionResult `json:"detections"`
	Flows           []FlowOutage      `json:"flows"`
	// CallsDropped and CallsDegraded count the calls dropped, and the calls whose MOS
	// fell below 3.6 for a second or more, while the failure was in force.
	CallsDropped  *int        `json:"calls_dropped,omitempty"`
	CallsDegraded *int        `json:"calls_degraded,omitempty"`
	Timeline      []TraceLine `json:"-"`
	// TimelineOmitted counts the records of the failure's window beyond Timeline.
	TimelineOmitted int `json:"-"`
}

// DetectionResult is one mechanism noticing the failure.
type DetectionResult struct {
	Mechanism string  `json:"mechanism"`
	By        string  `json:"by"`
	AfterMs   float64 `json:"after_ms"`
}

// FlowOutage is what a failure did to one flow: the outage from the failure until the
// flow was delivered again (null if not restored while the component was down).
type FlowOutage struct {
	Flow        string   `json:"flow"`
	OutageMs    *float64 `json:"outage_ms"`
	StoppedMs   float64  `json:"stopped_after_ms"`
	AfterRepair bool     `json:"after_repair,omitempty"`
	Note        string   `json:"note,omitempty"`
}

// ServiceResult is how long a host, VM or endpoint was cut off.
type ServiceResult struct {
	Node          string  `json:"node"`
	UnreachableMs float64 `json:"unreachable_ms"`
	ImpairedMs    float64 `json:"impaired_ms"`
}

// FlowResult is one flow over the whole run.
type FlowResult struct {
	Flow        string   `json:"flow"`
	From        string   `json:"from"`
	To          string   `json:"to"`
	Outages     int      `json:"outages"`
	DownMs      float64  `json:"down_ms"`
	LostPackets float64  `json:"lost_packets"`
	DelayMs     float64  `json:"delay_ms"`
	Path        []string `json:"path"`
}

// Summary condenses the run.
type Summary struct {
	Failures         int      `json:"failures"`
	Undetected       int      `json:"undetected"`
	FlowOutages      int      `json:"flow_outages"`
	Unrestored       int      `json:"unrestored"`
	MaxOutageMs      *float64 `json:"max_outage_ms"`
	FlowAvailability float64  `json:"flow_availability"`
}

func ms(t sim.Time) float64 { return t.Milliseconds() }

func msPtr(t sim.Time) *float64 { v := ms(t); return &v }

// Report measures the run so far (normally called when Done).
func (tw *Twin) Report() *Report {
	now := tw.Sim.Now()
	tw.measure.Finish(now)
	r := &Report{Scenario: tw.Scenario.Name, Seed: tw.Seed, DurationS: now.Seconds(), NotBuilt: tw.skipped, NotInjected: tw.refused}
	for _, fr := range tw.measure.Reports() {
		f := fr.Failure
		res := FailureResult{Component: f.Component, Kind: string(f.Kind), Cause: string(f.Cause), AtS: f.At.Seconds()}
		if f.RepairAt != sim.Never {
			v := f.RepairAt.Seconds()
			res.RepairedAtS = &v
		}
		if d, ok := fr.DetectedAfter(); ok {
			res.DetectedAfterMs = msPtr(d)
		}
		for _, d := range fr.Detections {
			res.Detections = append(res.Detections, DetectionResult{d.Mechanism, d.Subject, ms(d.After)})
		}
		for _, fo := range fr.Flows {
			out := FlowOutage{Flow: fo.Flow, StoppedMs: ms(fo.Stopped), AfterRepair: fo.AfterRepair}
			switch {
			case fo.Restored:
				out.OutageMs = msPtr(fo.Outage)
			case fo.Gap != sim.Never:
				out.Note = fmt.Sprintf("not restored before repair; delivered again %s after the repair",
					fmtMs(fo.Stopped+fo.Gap-(f.RepairAt-f.At)))
			case f.RepairAt != sim.Never:
				out.Note = "not restored before repair, nor by the end of the run"
			default:
				out.Note = "not restored by the end of the run"
			}
			res.Flows = append(res.Flows, out)
		}
		res.Timeline, res.TimelineOmitted = tw.timelines.timelineOf(f.ID)
		if tw.Calls != nil {
			dropped, degraded := tw.callsOf(f, now)
			res.CallsDropped, res.CallsDegraded = &dropped, &degraded
		}
		r.Failures = append(r.Failures, res)
	}
	if r.Summarized = classResults(tw.measure.Summaries()); r.Summarized != nil {
		r.SummarizedAfter = len(r.Failures)
	}
	for _, s := range tw.measure.Services() {
		r.Services = append(r.Services, ServiceResult{s.Node, ms(s.Unreachable), ms(s.Impaired)})
	}
	if tw.Calls != nil {
		st := tw.Calls.Stats()
		r.Calls = &st
	}
	var up, total float64
	for _, fl := range tw.Net.Flows() {
		ends, ok := tw.flowEnds[fl.Name()]
		if !ok {
			continue // the twin's own signalling and media flows; calls report on those
		}
		res := FlowResult{Flow: fl.Name(), From: ends[0], To: ends[1], LostPackets: fl.Lost(),
			DelayMs: ms(fl.Delay()), Path: fl.Path()}
		totals := fl.OutageTotals() // every outage, also those a long run folded
		res.Outages = totals.Count
		down := totals.Down
		res.DownMs = ms(down)
		up += (now - down).Seconds()
		total += now.Seconds()
		r.Flows = append(r.Flows, res)
	}
	r.Summary = summarize(r, up, total)
	return r
}

func summarize(r *Report, up, total float64) Summary {
	s := Summary{Failures: len(r.Failures), FlowAvailability: 1}
	if total > 0 {
		s.FlowAvailability = up / total
	}
	addSummarized(&s, r.Summarized)
	for _, f := range r.Failures {
		if f.DetectedAfterMs == nil {
			s.Undetected++
		}
		for _, fo := range f.Flows {
			s.FlowOutages++
			if fo.OutageMs == nil {
				s.Unrestored++
			} else if s.MaxOutageMs == nil || *fo.OutageMs > *s.MaxOutageMs {
				v := *fo.OutageMs
				s.MaxOutageMs = &v
			}
		}
	}
	return s
}

// fmtMs prints a duration in milliseconds with three decimals, the resolution the
// timers work at.
func fmtMs(t sim.Time) string { return fmt.Sprintf("%.3f ms", t.Milliseconds()) }

// fmtOffset prints a time since a failure: milliseconds while they matter, seconds
// once the interesting part (detection, switchover) is over.
func fmtOffset(t sim.Time) string {
	if t < 10*sim.Second {
		return fmtMs(t)
	}
	return fmt.Sprintf("%.3f s", t.Seconds())
}

func optMs(v *float64, none string) string {
	if v == nil {
		return none
	}
	return fmt.Sprintf("%.3f ms", *v)
}

// Bounds on what the text report prints per failure; --json and --trace have it all.
const (
	maxTimeline   = 40
	maxDetections = 8
	subjectWidth  = 18
)

// WriteText prints the report for a person: each failure with its timeline, the flows
// it interrupted, the service view and a summary.
func (r *Report) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "dctwin run %s (seed %d, %.0f s simulated)\n", r.Scenario, r.Seed, r.DurationS)
	if len(r.NotBuilt) > 0 {
		b.WriteString("\nLeft out of this forced run (the runtime cannot place them; see dctwin check):\n")
		for _, s := range r.NotBuilt {
			fmt.Fprintf(b, "  %s\n", s)
		}
	}
	if len(r.NotInjected) > 0 {
		b.WriteString("\nFailures that did not happen:\n")
		for _, s := range r.NotInjected {
			fmt.Fprintf(b, "  %s\n", s)
		}
	}
	if len(r.Failures) == 0 && len(r.NotInjected) == 0 {
		b.WriteString("\nNo failures happened; add a failures: section to the scenario.\n")
	}
	for i, f := range r.Failures {
		fmt.Fprintf(b, "\nFailure %d: %s %s at %.3f s (%s)", i+1, f.Kind, f.Component, f.AtS, f.Cause)
		if f.RepairedAtS != nil {
			fmt.Fprintf(b, ", repaired at %.3f s", *f.RepairedAtS)
		}
		b.WriteString("\n")
		if len(f.Detections) == 0 {
			b.WriteString("  detected:   never — no failover mechanism in the network reacted\n")
		}
		for k, d := range f.Detections {
			if k == maxDetections {
				fmt.Fprintf(b, "  detected:   … by %d more (see --json)\n", len(f.Detections)-k)
				break
			}
			fmt.Fprintf(b, "  detected:   after %.3f ms by %s at %s\n", d.AfterMs, d.Mechanism, d.By)
		}
		if len(f.Flows) == 0 {
			b.WriteString("  flows:      none interrupted\n")
		}
		if f.CallsDropped != nil {
			fmt.Fprintf(b, "  calls:      %d dropped, %d degraded (MOS under 3.6 for a second or more)\n",
				*f.CallsDropped, *f.CallsDegraded)
		}
		for _, fo := range f.Flows {
			what := "outage " + optMs(fo.OutageMs, "")
			if fo.OutageMs == nil {
				what = fo.Note
			}
			if fo.AfterRepair {
				what += " (caused by the repair)"
			}
			fmt.Fprintf(b, "  flow %-12s %s\n", fo.Flow+":", what)
		}
		if len(f.Timeline) > 0 {
			b.WriteString("  timeline (from the failure):\n")
			for _, l := range f.Timeline[:min(len(f.Timeline), maxTimeline)] {
				fmt.Fprintf(b, "    +%-12s %-*s %s\n", fmtOffset(l.At-sim.Seconds(f.AtS)), subjectWidth, l.Subject, l.What)
			}
			if more := len(f.Timeline) - min(len(f.Timeline), maxTimeline) + f.TimelineOmitted; more > 0 {
				fmt.Fprintf(b, "    … %d more events (dctwin run --trace shows all)\n", more)
			}
		}
	}
	writeSummarized(b, r.Summarized)
	if len(r.Services) > 0 {
		b.WriteString("\nService view (time cut off / time with some traffic lost):\n")
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, s := range r.Services {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", s.Node, fmtOffset(sim.Milliseconds(s.UnreachableMs)),
				fmtOffset(sim.Milliseconds(s.ImpairedMs)))
		}
		tw.Flush()
	}
	if len(r.Flows) > 0 {
		b.WriteString("\nFlows over the whole run:\n")
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  flow\tfrom → to\toutages\tdown\tlost packets\tone-way delay\n")
		flows := append([]FlowResult(nil), r.Flows...)
		sort.SliceStable(flows, func(i, j int) bool { return flows[i].DownMs > flows[j].DownMs })
		for _, f := range flows {
			delay := "-" // a flow that does not deliver has no delay
			if f.DelayMs > 0 {
				delay = fmt.Sprintf("%.3f ms", f.DelayMs)
			}
			fmt.Fprintf(tw, "  %s\t%s → %s\t%d\t%s\t%.0f\t%s\n", f.Flow, f.From, f.To, f.Outages,
				fmtOffset(sim.Milliseconds(f.DownMs)), f.LostPackets, delay)
		}
		tw.Flush()
	}
	if c := r.Calls; c != nil {
		fmt.Fprintf(b, "\nCalls: %d attempted, %d completed, %d blocked, %d failed to set up, %d dropped, "+
			"%d degraded, %d still active; MOS mean %.2f, lowest %.2f\n",
			c.Attempted, c.Completed, c.Blocked, c.FailedSetup, c.Dropped, c.Degraded, c.Active, c.MeanMOS, c.MinMOS)
	}
	s := r.Summary
	fmt.Fprintf(b, "\nSummary: %d failures (%d never detected), %d flow outages (%d not restored before repair), "+
		"longest restored outage %s, flow availability %.5f%%\n",
		s.Failures, s.Undetected, s.FlowOutages, s.Unrestored, optMs(s.MaxOutageMs, "-"), 100*s.FlowAvailability)
	_, err := io.WriteString(w, b.String())
	return err
}
