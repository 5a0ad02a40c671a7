package twin

import (
	"fmt"
	"strings"

	"dctwin/sim"
)

// MigrationResult is one live migration in the report. Times are from the start of
// the run (…_s) or lengths (…_ms); end_s is null for a migration still running.
type MigrationResult struct {
	VM     string   `json:"vm"`
	From   string   `json:"from"`
	To     string   `json:"to"`
	Reason string   `json:"reason"`
	AtS    float64  `json:"at_s"`
	EndS   *float64 `json:"end_s"`
	Rounds int      `json:"rounds"`
	// SentMB is what crossed the vMotion network; BandwidthMbps what the network gave
	// the copy at the end, MeanBandwidthMbps what it gave on average: all that was sent
	// over the pre-copy and stun time (the stun sends the last pages; dividing by the
	// pre-copy time alone would count them in a time they were not sent in).
	SentMB            float64 `json:"sent_mb"`
	BandwidthMbps     float64 `json:"bandwidth_mbps"`
	MeanBandwidthMbps float64 `json:"mean_bandwidth_mbps"`
	PreCopyMs         float64 `json:"pre_copy_ms"`
	StunMs            float64 `json:"stun_ms"`
	// DowntimeMs is the VM's outage as measured from its states.
	DowntimeMs float64 `json:"downtime_ms"`
	Converged  bool    `json:"converged"`
	StopRule   string  `json:"stop_rule,omitempty"`
	Aborted    string  `json:"aborted,omitempty"`
}

func (tw *Twin) migrationResults() []MigrationResult {
	var out []MigrationResult
	for _, m := range tw.Migrations() {
		res := MigrationResult{VM: m.VM, From: m.From, To: m.To, Reason: m.Reason, AtS: m.Start.Seconds(), Rounds: m.Rounds,
			SentMB: m.SentBytes / 1e6, BandwidthMbps: m.Bandwidth / 1e6, PreCopyMs: ms(m.PreCopy), StunMs: ms(m.Stun),
			DowntimeMs: ms(m.Downtime), Converged: m.Converged, StopRule: m.StopRule, Aborted: m.Aborted}
		if copying := m.PreCopy + m.Stun; copying > 0 {
			res.MeanBandwidthMbps = m.SentBytes * 8 / copying.Seconds() / 1e6
		}
		if m.End != sim.Never {
			end := m.End.Seconds()
			res.EndS = &end
		}
		out = append(out, res)
	}
	return out
}

// writeMigrations prints one line per live migration.
func writeMigrations(b *strings.Builder, ms []MigrationResult) {
	if len(ms) == 0 {
		return
	}
	b.WriteString("\nLive migrations (vMotion):\n")
	for _, m := range ms {
		fmt.Fprintf(b, "  %.3f s  %s %s → %s (%s): ", m.AtS, m.VM, m.From, m.To, m.Reason)
		switch {
		case m.Aborted != "":
			fmt.Fprintf(b, "aborted after %s: %s\n", plural(m.Rounds, "round"), m.Aborted)
		case m.EndS == nil:
			b.WriteString("still running at the end\n")
		default:
			fmt.Fprintf(b, "%s in %s at %.0f Mbit/s on average (%.0f at the end), %.0f MB sent, VM down %s (stun %s)\n", plural(m.Rounds, "round"),
				fmtOffset(sim.Milliseconds(m.PreCopyMs)), m.MeanBandwidthMbps, m.BandwidthMbps, m.SentMB,
				fmtOffset(sim.Milliseconds(m.DowntimeMs)), fmtOffset(sim.Milliseconds(m.StunMs)))
		}
	}
}
