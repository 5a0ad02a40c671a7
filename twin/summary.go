package twin

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"dctwin/failures"
	"dctwin/sim"
)

// ClassResult condenses the failures of one kind that a report does not list one by
// one: those after the first failures.DefaultDetailed (Options.Detailed) of a long run
// with random failures. Times in ms, from each failure; null when there is none.
type ClassResult struct {
	Kind     string `json:"kind"`
	Failures int    `json:"failures"`
	// Detected counts the failures some mechanism noticed, DetectedShare their share;
	// the detection times are each failure's earliest.
	Detected        int      `json:"detected"`
	DetectedShare   float64  `json:"detected_share"`
	MeanDetectionMs *float64 `json:"mean_detection_ms"`
	MaxDetectionMs  *float64 `json:"max_detection_ms"`
	// FlowOutages counts the flow outages these failures caused (a flow once per failure,
	// whichever directions), Unrestored those not restored before the repair; the
	// outage times are over the restored directions.
	FlowOutages          int      `json:"flow_outages"`
	FlowDirectionOutages int      `json:"flow_direction_outages"`
	Unrestored           int      `json:"unrestored"`
	MeanOutageMs         *float64 `json:"mean_outage_ms"`
	MaxOutageMs          *float64 `json:"max_outage_ms"`
}

func classResults(cs []failures.ClassSummary) []ClassResult {
	var out []ClassResult
	for _, c := range cs {
		r := ClassResult{Kind: string(c.Kind), Failures: c.Failures, Detected: c.Detected,
			FlowOutages: c.FlowOutages, FlowDirectionOutages: c.FlowDirectionOutages, Unrestored: c.Unrestored}
		if c.Failures > 0 {
			r.DetectedShare = float64(c.Detected) / float64(c.Failures)
		}
		if c.Detected > 0 {
			r.MeanDetectionMs = msPtr(c.DetectionTotal / sim.Time(c.Detected))
			r.MaxDetectionMs = msPtr(c.DetectionMax)
		}
		if c.RestoredDirections > 0 {
			r.MeanOutageMs = msPtr(c.MeanOutage())
			r.MaxOutageMs = msPtr(c.OutageMax)
		}
		out = append(out, r)
	}
	return out
}

// addSummarized counts the summarized failures into the run's summary.
func addSummarized(s *Summary, cs []ClassResult) {
	for _, c := range cs {
		s.Failures += c.Failures
		s.Undetected += c.Failures - c.Detected
		s.FlowOutages += c.FlowOutages
		s.FlowDirectionOutages += c.FlowDirectionOutages
		s.Unrestored += c.Unrestored
		if c.MaxOutageMs != nil && (s.MaxOutageMs == nil || *c.MaxOutageMs > *s.MaxOutageMs) {
			v := *c.MaxOutageMs
			s.MaxOutageMs = &v
		}
	}
}

// writeSummarized prints the summarized failures as a table, saying that they replace
// the failures' details.
func writeSummarized(b *strings.Builder, cs []ClassResult) {
	if len(cs) == 0 {
		return
	}
	n := 0
	for _, c := range cs {
		n += c.Failures
	}
	fmt.Fprintf(b, "\n%d more failures, summarized per kind instead of listed (detection and outage: mean / longest):\n", n)
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  kind\tfailures\tdetected\tdetection\tflow outages\tnot restored\toutage\n")
	for _, c := range cs {
		fmt.Fprintf(tw, "  %s\t%d\t%.1f%%\t%s\t%d\t%d\t%s\n", c.Kind, c.Failures, 100*c.DetectedShare,
			meanMax(c.MeanDetectionMs, c.MaxDetectionMs), c.FlowOutages, c.Unrestored, meanMax(c.MeanOutageMs, c.MaxOutageMs))
	}
	tw.Flush()
}

func meanMax(mean, longest *float64) string {
	if mean == nil {
		return "-"
	}
	return optMs(mean, "") + " / " + optMs(longest, "")
}
