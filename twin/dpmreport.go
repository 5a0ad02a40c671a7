package twin

import (
	"fmt"
	"strings"

	"dctwin/sim"
)

// ResourcesResult is what DRS and DPM did over a run: DPM's power actions, the
// migrations fully automated DRS started (listed with the other live migrations,
// reason "DRS load balancing"), the moves manual or partially automated DRS only
// recommended, and the hosts' time in standby.
type ResourcesResult struct {
	PowerActions    []PowerActionResult    `json:"power_actions,omitempty"`
	DRSMigrations   int                    `json:"drs_migrations"`
	Recommendations []RecommendationResult `json:"recommendations,omitempty"`
	// HostOffHours is the hosts' total time powered off by DPM, in hours.
	HostOffHours float64 `json:"host_off_hours"`
}

// PowerActionResult is one DPM power action; done_s is null if it did not complete.
type PowerActionResult struct {
	Host   string   `json:"host"`
	Action string   `json:"action"`
	AtS    float64  `json:"at_s"`
	DoneS  *float64 `json:"done_s"`
	Reason string   `json:"reason"`
	Failed string   `json:"failed,omitempty"`
}

// RecommendationResult is one move DRS recommended without carrying it out.
type RecommendationResult struct {
	AtS  float64 `json:"at_s"`
	VM   string  `json:"vm"`
	From string  `json:"from"`
	To   string  `json:"to"`
}

// resourcesResult is nil for a run in which DRS and DPM did nothing.
func (tw *Twin) resourcesResult() *ResourcesResult {
	r := tw.res
	if r == nil || len(r.actions) == 0 && r.drsMoves == 0 && len(r.recs) == 0 {
		return nil
	}
	out := &ResourcesResult{DRSMigrations: r.drsMoves, HostOffHours: r.standbyTime(tw.Sim.Now()).Seconds() / 3600}
	for _, a := range r.actions {
		res := PowerActionResult{Host: a.Host, Action: a.Action, AtS: a.At.Seconds(), Reason: a.Reason, Failed: a.Failed}
		if a.Done != sim.Never {
			d := a.Done.Seconds()
			res.DoneS = &d
		}
		out.PowerActions = append(out.PowerActions, res)
	}
	for _, rc := range r.recs {
		out.Recommendations = append(out.Recommendations, RecommendationResult{AtS: rc.At.Seconds(), VM: rc.VM, From: rc.From, To: rc.To})
	}
	return out
}

// maxRecommendationsListed bounds the recommendations the text report lists.
const maxRecommendationsListed = 20

// writeResources prints DPM's power actions and DRS's recommendations.
func writeResources(b *strings.Builder, r *ResourcesResult) {
	if r == nil {
		return
	}
	fmt.Fprintf(b, "\nDRS and DPM: %s by DRS, hosts powered off by DPM for %.2f h in all\n", plural(r.DRSMigrations, "migration"), r.HostOffHours)
	for _, a := range r.PowerActions {
		fmt.Fprintf(b, "  %.3f s  DPM %s %s (%s): ", a.AtS, a.Action, a.Host, a.Reason)
		switch {
		case a.Failed != "":
			fmt.Fprintf(b, "failed: %s\n", a.Failed)
		case a.DoneS == nil:
			b.WriteString("under way at the end\n")
		case a.Action == "power on":
			fmt.Fprintf(b, "booted at %.3f s\n", *a.DoneS)
		default:
			fmt.Fprintf(b, "empty and off at %.3f s\n", *a.DoneS)
		}
	}
	for i, rc := range r.Recommendations {
		if i == maxRecommendationsListed {
			fmt.Fprintf(b, "  … %d more recommendations\n", len(r.Recommendations)-i)
			break
		}
		fmt.Fprintf(b, "  %.3f s  DRS recommends %s %s → %s (not automated)\n", rc.AtS, rc.VM, rc.From, rc.To)
	}
}
