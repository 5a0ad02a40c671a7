package twin

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/network"
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
	Calls *uc.Stats `json:"calls,omitempty"`
	// Energy is what the hosts with a power model used; absent when none has one.
	Energy  *EnergyResult `json:"energy,omitempty"`
	Summary Summary       `json:"summary"`
	// NotBuilt lists what a forced run (--force) left out because the runtime cannot
	// place it (a second cable on one port, a team of NICs without links), each with
	// its position and reason.
	NotBuilt []string `json:"not_built,omitempty"`
	// NotInjected lists failures (and scheduled migrations and maintenance) that did not
	// happen, with the reason (a component that does not exist or cannot fail that way,
	// one already down, a migration the target cannot take).
	NotInjected []string `json:"not_injected,omitempty"`
	// Summarized condenses, per kind, the failures after the first SummarizedAfter,
	// which Failures lists one by one; both are absent unless a run had that many.
	Summarized      []ClassResult `json:"summarized,omitempty"`
	SummarizedAfter int           `json:"summarized_after,omitempty"`
	// Mistakes lists a forced run's configuration errors and warnings, each with what
	// it cost in the run or why it cost nothing (mistakes.go).
	Mistakes []Mistake `json:"mistakes,omitempty"`
	// Migrations lists the live migrations (by hand, scheduled, for maintenance) with
	// their rounds and the VM's downtime (vmotionreport.go).
	Migrations []MigrationResult `json:"migrations,omitempty"`
	// Resources is what DRS and DPM did (nil if nothing).
	Resources *ResourcesResult `json:"resources,omitempty"`
	// vmClusters names the scenario's VM-level clusters, whose service downtime
	// Metrics gives even when it is 0.
	vmClusters []string
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
	// CutOff lists the hosts, VMs and endpoints the failure cut off from their default
	// gateway, with how long (FlowOutage.Flow names the node), used by flows or not.
	CutOff []FlowOutage `json:"cut_off,omitempty"`
	// CallsDropped and CallsDegraded count the calls dropped, and the calls whose
	// interval MOS (over the last calls.mos_interval_s) fell under calls.degraded_mos,
	// while the failure was in force.
	CallsDropped  *int `json:"calls_dropped,omitempty"`
	CallsDegraded *int `json:"calls_degraded,omitempty"`
	// CallsFailedSetup counts the calls that failed their setup while it was in force.
	CallsFailedSetup *int `json:"calls_failed_setup,omitempty"`
	// VMs lists the VMs that stopped running with the failure, each with its downtime
	// and what brought it back.
	VMs []VMOutageResult `json:"vms,omitempty"`
	// Isolated lists the hosts that declared themselves isolated with it.
	Isolated []IsolationResult `json:"isolated,omitempty"`
	// VMClusters lists the VM-level clusters' service outages that began with it.
	VMClusters []ServiceOutageResult `json:"vm_clusters,omitempty"`
	Timeline   []TraceLine           `json:"-"`
	// TimelineOmitted counts the records of the failure's window beyond Timeline.
	TimelineOmitted int `json:"-"`
}

// DetectionResult is one mechanism noticing the failure.
type DetectionResult struct {
	Mechanism string  `json:"mechanism"`
	By        string  `json:"by"`
	AfterMs   float64 `json:"after_ms"`
	// AfterRepair is set on a detection after the repair: what the component did
	// then ("was still booting": HA declared a host dead while it booted).
	AfterRepair string `json:"after_repair,omitempty"`
}

// FlowOutage is what a failure did to one direction of a flow: the outage from the
// failure until that direction was delivered again (null if not restored while the
// component was down).
type FlowOutage struct {
	Flow string `json:"flow"`
	// Direction is the direction's ends, "client-1 → srv-1": the two directions of a
	// flow stop and resume on their own, and each has its own entry.
	Direction   string   `json:"direction"`
	OutageMs    *float64 `json:"outage_ms"`
	StoppedMs   float64  `json:"stopped_after_ms"`
	AfterRepair bool     `json:"after_repair,omitempty"`
	Note        string   `json:"note,omitempty"`
}

// ServiceResult is how long a host, VM or endpoint was cut off.
type ServiceResult struct {
	Node string `json:"node"`
	// Role is what the server does, as the scenario says (`role:`), if it says.
	Role          string  `json:"role,omitempty"`
	UnreachableMs float64 `json:"unreachable_ms"`
	ImpairedMs    float64 `json:"impaired_ms"`
}

// FlowResult is one direction of a flow over the whole run (a flow from the scenario
// has two: from → to and back).
type FlowResult struct {
	Flow string `json:"flow"`
	// Direction is "from → to"; From and To are this direction's sender and receiver.
	Direction string  `json:"direction"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Outages   int     `json:"outages"`
	DownMs    float64 `json:"down_ms"`
	// SentPackets counts the packets this direction sent; LostPackets those it sent
	// during its outages; CongestionLostPackets those that links over capacity
	// dropped while it was delivering.
	SentPackets           int64 `json:"sent_packets"`
	LostPackets           int64 `json:"lost_packets"`
	CongestionLostPackets int64 `json:"congestion_lost_packets"`
	// FloodedPackets are the packets delivered only by flooding: a switch on the way
	// had no MAC entry for the receiver (aged out, or flushed) and sent a copy out of
	// every port of the domain.
	FloodedPackets int64    `json:"flooded_packets"`
	DelayMs        float64  `json:"delay_ms"`
	Path           []string `json:"path"`
}

// Summary condenses the run. A flow outage is a flow interrupted by a failure (and
// once more if the failure's repair interrupted it again), whichever of its directions
// were hit; it is unrestored if one of them was not restored before the repair, and
// the longest restored outage is the longest of any direction. FlowAvailability is
// the share of the flows' running time in which both directions delivered.
type Summary struct {
	Failures    int `json:"failures"`
	Undetected  int `json:"undetected"`
	FlowOutages int `json:"flow_outages"`
	// FlowDirectionOutages counts the outages of single directions, the entries of
	// the failures' flow lists.
	FlowDirectionOutages int      `json:"flow_direction_outages"`
	Unrestored           int      `json:"unrestored"`
	MaxOutageMs          *float64 `json:"max_outage_ms"`
	FlowAvailability     float64  `json:"flow_availability"`
}

func ms(t sim.Time) float64 { return t.Milliseconds() }

func msPtr(t sim.Time) *float64 { v := ms(t); return &v }

// Report measures the run so far (normally called when Done).
func (tw *Twin) Report() *Report {
	now := tw.Sim.Now()
	tw.measure.Finish(now)
	r := &Report{Scenario: tw.Scenario.Name, Seed: tw.Seed, DurationS: now.Seconds(), NotBuilt: tw.skipped, NotInjected: tw.refused}
	frs := tw.measure.Reports()
	for _, fr := range frs {
		res := failureResult(fr)
		res.Timeline, res.TimelineOmitted = tw.timelines.timelineOf(fr.Failure.ID)
		if tw.Calls != nil {
			dropped, degraded, failed := tw.callsOf(fr.Failure, now)
			res.CallsDropped, res.CallsDegraded, res.CallsFailedSetup = &dropped, &degraded, &failed
		}
		r.Failures = append(r.Failures, res)
	}
	tw.withVMOutages(frs, r.Failures)
	if r.Summarized = classResults(tw.measure.Summaries()); r.Summarized != nil {
		r.SummarizedAfter = len(r.Failures)
	}
	for _, s := range tw.measure.Services() {
		r.Services = append(r.Services, ServiceResult{s.Node, tw.roleOf(s.Node), ms(s.Unreachable), ms(s.Impaired)})
	}
	r.Energy = tw.energy.result()
	r.Migrations = tw.migrationResults()
	r.Resources = tw.resourcesResult()
	for _, c := range tw.Topology.VMClusters {
		r.vmClusters = append(r.vmClusters, c.Name)
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
		for i := range fl.Directions() {
			d := fl.Direction(i)
			res := FlowResult{Flow: fl.Name(), Direction: d.Name(), From: ends[i], To: ends[1-i],
				SentPackets: d.Sent(), LostPackets: d.Lost(), CongestionLostPackets: d.CongestionLost(), FloodedPackets: d.Flooded(),
				DelayMs: ms(d.Delay()), Path: d.Path()}
			totals := d.OutageTotals() // every outage, also those a long run folded
			res.Outages, res.DownMs = totals.Count, ms(totals.Down)
			r.Flows = append(r.Flows, res)
		}
		up += (now - fl.OutageTotals().Down).Seconds()
		total += now.Seconds()
	}
	r.Summary = summarize(r, up, total)
	r.Mistakes = tw.mistakes(r)
	return r
}

// failureResult presents one failure's measurement: what noticed it, whom it cut off,
// which flows it interrupted (not its timeline and calls, which the report adds).
func failureResult(fr failures.FailureReport) FailureResult {
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
		res.Detections = append(res.Detections, DetectionResult{d.Mechanism, d.Subject, ms(d.After), d.AfterRepair})
	}
	for _, fo := range fr.CutOff {
		res.CutOff = append(res.CutOff, outageOf(fo, f))
	}
	for _, fo := range fr.Flows {
		res.Flows = append(res.Flows, outageOf(fo, f))
	}
	return res
}

// outageOf presents one measured outage (of a flow, or a node cut off) of failure f.
func outageOf(fo failures.FlowOutage, f failures.Failure) FlowOutage {
	out := FlowOutage{Flow: fo.Flow, Direction: fo.Direction, StoppedMs: ms(fo.Stopped), AfterRepair: fo.AfterRepair}
	switch {
	case fo.Restored:
		out.OutageMs = msPtr(fo.Outage)
	case fo.Gap != sim.Never:
		out.Note = fmt.Sprintf("not restored before repair; back %s after the repair",
			fmtOffset(fo.Stopped+fo.Gap-(f.RepairAt-f.At)))
	case f.RepairAt != sim.Never:
		out.Note = "not restored before repair, nor by the end of the run"
	default:
		out.Note = "not restored by the end of the run"
	}
	return out
}

// roleOf is the role the scenario gives a host or VM ("" for none).
func (tw *Twin) roleOf(node string) string {
	if h := tw.Topology.Host(node); h != nil {
		return h.Role
	}
	if v := tw.Topology.VM(node); v != nil {
		return v.Role
	}
	return ""
}

// downTime is the total length of outage intervals up to now.
func downTime(ivs []network.Interval, now sim.Time) sim.Time {
	var down sim.Time
	for _, iv := range ivs {
		down += iv.Duration(now)
	}
	return down
}

func summarize(r *Report, up, total float64) Summary {
	s := Summary{Failures: len(r.Failures), FlowAvailability: 1}
	if total > 0 {
		s.FlowAvailability = up / total
	}
	type hit struct {
		flow        string
		afterRepair bool
	}
	addSummarized(&s, r.Summarized)
	for _, f := range r.Failures {
		if f.DetectedAfterMs == nil {
			s.Undetected++
		}
		unrestored := map[hit]bool{}
		for _, fo := range f.Flows {
			s.FlowDirectionOutages++
			h := hit{fo.Flow, fo.AfterRepair}
			if _, seen := unrestored[h]; !seen {
				s.FlowOutages++
				unrestored[h] = false
			}
			if fo.OutageMs == nil {
				if !unrestored[h] {
					s.Unrestored++
				}
				unrestored[h] = true
			} else if s.MaxOutageMs == nil || *fo.OutageMs > *s.MaxOutageMs {
				v := *fo.OutageMs
				s.MaxOutageMs = &v
			}
		}
	}
	return s
}

// maxNamesPerLine bounds the nodes a grouped text line names; --json lists them all.
const maxNamesPerLine = 6

// writeCutOff prints the nodes a failure cut off, one line per outcome ("for 65 ms",
// "caused by the repair"), so that a switch failure does not fill a screen.
func writeCutOff(b *strings.Builder, cut []FlowOutage) {
	var order []string
	names := map[string][]string{}
	for _, c := range cut {
		what := "for " + optMs(c.OutageMs, "")
		if late, ok := c.lateStart(); ok {
			what = late
		}
		if c.OutageMs == nil {
			what = c.Note
		}
		if c.AfterRepair {
			what += " (caused by the repair)"
		}
		if names[what] == nil {
			order = append(order, what)
		}
		names[what] = append(names[what], c.Flow)
	}
	for _, what := range order {
		ns := names[what]
		list := strings.Join(ns, ", ")
		if len(ns) > maxNamesPerLine {
			list = strings.Join(ns[:maxNamesPerLine], ", ") + fmt.Sprintf(" and %d more", len(ns)-maxNamesPerLine)
		}
		fmt.Fprintf(b, "  cut off:    %s %s\n", list, what)
	}
}

// fmtMs prints a duration in milliseconds with three decimals, the resolution the
// timers work at.
func fmtMs(t sim.Time) string { return fmt.Sprintf("%.3f ms", t.Milliseconds()) }

// plural writes a count with its noun, in the plural when it is not one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// fmtKWh prints energy with four significant digits below 10 kWh.
func fmtKWh(kwh float64) string {
	if kwh < 10 {
		return fmt.Sprintf("%.4g kWh", kwh)
	}
	return fmt.Sprintf("%.1f kWh", kwh)
}

// fmtOffset prints a time since a failure: milliseconds while they matter, seconds
// once the interesting part (detection, switchover) is over.
func fmtOffset(t sim.Time) string {
	if t < sim.Second && t > -sim.Second {
		return fmtMs(t)
	}
	return fmt.Sprintf("%.3f s", t.Seconds())
}

// lateStart words an outage that began a while after the failure (a VM powered
// off by an isolation response a minute in, a path given up after its failover
// time): "from +59.936 s for 60.000 s (back 119.936 s after the failure)", since
// OutageMs, counted from the failure, would overstate how long it was down.
// False for an outage that began within a millisecond of the failure, one the repair
// caused, or one not restored.
func (fo FlowOutage) lateStart() (string, bool) {
	if fo.OutageMs == nil || fo.AfterRepair || fo.StoppedMs < 1 {
		return "", false
	}
	return fmt.Sprintf("from +%s for %s (back %s after the failure)", fmtOffset(sim.Milliseconds(fo.StoppedMs)),
		fmtOffset(sim.Milliseconds(*fo.OutageMs-fo.StoppedMs)), optMs(fo.OutageMs, "")), true
}

// optMs prints a time the report keeps in milliseconds, as fmtOffset does: ms below a
// second, seconds above, so that one line never mixes 1826.000 ms and 11.826 s.
func optMs(v *float64, none string) string {
	if v == nil {
		return none
	}
	return fmtOffset(sim.Milliseconds(*v))
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
		b.WriteString("\nFailures and operations that did not happen:\n")
		for _, s := range r.NotInjected {
			fmt.Fprintf(b, "  %s\n", s)
		}
	}
	switch {
	case len(r.Failures) > 0 || len(r.NotInjected) > 0:
	case len(r.Migrations) > 0:
		b.WriteString("\nNo failures happened (the scenario's failures: section holds only operations).\n")
	default:
		b.WriteString("\nNo failures happened; add a failures: section to the scenario.\n")
	}
	for i, f := range r.Failures {
		fmt.Fprintf(b, "\nFailure %d: %s %s at %.3f s (%s)", i+1, f.Kind, f.Component, f.AtS, f.Cause)
		if f.RepairedAtS != nil {
			fmt.Fprintf(b, ", repaired at %.3f s", *f.RepairedAtS)
		}
		b.WriteString("\n")
		switch {
		case len(f.Detections) > 0:
		case f.Kind == string(failures.VM) || f.Kind == string(failures.VMHang):
			// A hung or halted guest is noticed by HA VM monitoring or by nothing.
			b.WriteString("  detected:   never — nothing watches the guest's heartbeats (no HA VM monitoring for it)\n")
		default:
			b.WriteString("  detected:   never — no failover mechanism in the network reacted\n")
		}
		for k, d := range f.Detections {
			if k == maxDetections {
				fmt.Fprintf(b, "  detected:   … by %d more (see --json)\n", len(f.Detections)-k)
				break
			}
			late := ""
			if d.AfterRepair != "" {
				late = fmt.Sprintf(", after the repair: %s %s", d.By, d.AfterRepair)
			}
			fmt.Fprintf(b, "  detected:   after %s by %s at %s%s\n", optMs(&d.AfterMs, ""), d.Mechanism, d.By, late)
		}
		writeIsolations(b, f.Isolated)
		writeCutOff(b, f.CutOff)
		writeVMOutages(b, f.VMs)
		writeServiceOutages(b, f.VMClusters)
		if len(f.Flows) == 0 {
			b.WriteString("  flows:      none interrupted\n")
		}
		if f.CallsDropped != nil {
			failed := ""
			if f.CallsFailedSetup != nil && *f.CallsFailedSetup > 0 {
				failed = fmt.Sprintf(", %d failed to set up", *f.CallsFailedSetup)
			}
			fmt.Fprintf(b, "  calls:      %d dropped, %d degraded%s%s\n", *f.CallsDropped, *f.CallsDegraded, failed,
				degradedLegend(r.Calls))
		}
		for _, fo := range f.Flows {
			what := "outage " + optMs(fo.OutageMs, "")
			if late, ok := fo.lateStart(); ok {
				what = "outage " + late
			}
			if fo.OutageMs == nil {
				what = fo.Note
			}
			if fo.AfterRepair {
				what += " (caused by the repair)"
			}
			fmt.Fprintf(b, "  flow %-12s %s\n", fo.Flow+" "+fo.Direction+":", what)
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
	writeMigrations(b, r.Migrations)
	writeResources(b, r.Resources)
	if len(r.Services) > 0 {
		b.WriteString("\nService view (time cut off / time with some traffic lost):\n")
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, s := range r.Services {
			node := s.Node
			if s.Role != "" {
				node += " (" + s.Role + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", node, fmtOffset(sim.Milliseconds(s.UnreachableMs)),
				fmtOffset(sim.Milliseconds(s.ImpairedMs)))
		}
		tw.Flush()
	}
	if len(r.Flows) > 0 {
		writeFlowTable(b, r.Flows)
	}
	writeMistakes(b, r.Mistakes)
	if c := r.Calls; c != nil {
		fmt.Fprintf(b, "\nCalls: %d in progress at the start, %d attempted, %d completed, %d blocked, %d busy, "+
			"%d failed to set up, %d dropped, %d degraded, %d over %g ms, %d still active\n",
			c.InProgressAtStart, c.Attempted, c.Completed, c.Blocked, c.Busy, c.FailedSetup, c.Dropped, c.Degraded,
			c.OverDelayBudget, c.DelayBudgetMs, c.Active)
		if c.Completed+c.Dropped > 0 {
			fmt.Fprintf(b, "  MOS of whole calls (ended ones): mean %.2f, worst call %.2f; worst %g s interval of any call %.2f\n",
				c.MeanMOS, c.MinMOS, c.MOSIntervalS, c.MinIntervalMOS)
		} else {
			b.WriteString("  MOS of whole calls: none ended in the run (the calls in progress are rated as they go)\n")
		}
		writeCallLegend(b, c)
	}
	s := r.Summary
	if e := r.Energy; e != nil {
		fmt.Fprintf(b, "\nEnergy of the hosts with a power model: %s over %g s\n", fmtKWh(e.TotalKWh), r.DurationS)
		for _, h := range e.Hosts {
			fmt.Fprintf(b, "    %-16s %12s, %7.1f W at the end\n", h.Host, fmtKWh(h.KWh), h.Watts)
		}
	}
	longest := optMs(s.MaxOutageMs, "-")
	if s.MaxOutageMs == nil && s.FlowOutages > 0 {
		longest = "none (none restored before its repair)"
	}
	// The flow table counts every outage of a direction; those beyond the failures'
	// (a migration's stun, an evacuation for maintenance) are counted apart, so that
	// the summary and the table agree.
	outside := ""
	total := 0
	for _, f := range r.Flows {
		total += f.Outages
	}
	if n := total - s.FlowDirectionOutages; n > 0 {
		outside = fmt.Sprintf(", %s outside failures (the flow table counts them all)", plural(n, "more direction outage"))
	}
	fmt.Fprintf(b, "\nSummary: %s (%d never detected), %s from failures in %s (%d not restored before repair)%s, "+
		"longest restored outage %s, flow availability %.5f%%\n",
		plural(s.Failures, "failure"), s.Undetected, plural(s.FlowOutages, "flow outage"),
		plural(s.FlowDirectionOutages, "direction"), s.Unrestored, outside, longest, 100*s.FlowAvailability)
	_, err := io.WriteString(w, b.String())
	return err
}

// degradedLegend says what "degraded" means in a failure's calls line.
func degradedLegend(c *uc.Stats) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" (MOS over the last %g s under %g)", c.MOSIntervalS, c.DegradedMOS)
}

// writeCallLegend explains the call figures whose definitions a reader cannot guess:
// calls in progress at the start, degraded, over the delay budget, and their sources.
func writeCallLegend(b *strings.Builder, c *uc.Stats) {
	fmt.Fprintf(b, "  in progress at the start: talking at t = 0 (the busy hour is under way); not attempts\n")
	why := fmt.Sprintf("%g s: the interval Cisco IP phones rate MOS LQK over", c.MOSIntervalS)
	if c.DegradedMOS == uc.DefaultDegradedMOS {
		why = "R under 70, where ITU-T G.109 has \"many users dissatisfied\"; " + why
	}
	fmt.Fprintf(b, "  degraded: MOS over the last %g s of voice under %g\n    (%s)\n", c.MOSIntervalS, c.DegradedMOS, why)
	fmt.Fprintf(b, "  over %g ms: one-way mouth-to-ear delay above %g ms, ITU-T G.114's limit for most applications\n",
		c.DelayBudgetMs, c.DelayBudgetMs)
}

// writeFlowTable prints one row per flow direction, the flows with the most time down
// first and the directions of a flow together. The congestion column appears only when
// a link ran over capacity, the flooded column only when a direction was flooded.
func writeFlowTable(b *strings.Builder, rows []FlowResult) {
	worst := map[string]float64{}
	congested, flooded := false, false
	for _, f := range rows {
		worst[f.Flow] = max(worst[f.Flow], f.DownMs)
		congested = congested || f.CongestionLostPackets > 0
		flooded = flooded || f.FloodedPackets > 0
	}
	rows = append([]FlowResult(nil), rows...)
	sort.SliceStable(rows, func(i, j int) bool { return worst[rows[i].Flow] > worst[rows[j].Flow] })
	b.WriteString("\nFlows over the whole run, per direction:\n")
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	head := "  flow\tfrom → to\toutages\tdown\tlost packets\t"
	if congested {
		head += "lost to congestion\t"
	}
	if flooded {
		head += "flooded\t"
	}
	fmt.Fprintf(tw, "%sone-way delay\n", head)
	for _, f := range rows {
		delay := "-" // a direction that does not deliver has no delay
		if f.DelayMs > 0 {
			delay = fmt.Sprintf("%.3f ms", f.DelayMs)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%d\t", f.Flow, f.Direction, f.Outages,
			fmtOffset(sim.Milliseconds(f.DownMs)), f.LostPackets)
		if congested {
			fmt.Fprintf(tw, "%d\t", f.CongestionLostPackets)
		}
		if flooded {
			fmt.Fprintf(tw, "%d\t", f.FloodedPackets)
		}
		fmt.Fprintf(tw, "%s\n", delay)
	}
	tw.Flush()
}
