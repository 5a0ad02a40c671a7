package twin

import (
	"fmt"

	"dctwin/sim"
)

// The trace records of live migration (vmotion.go).

// VMotionStarted is the trace record of a live migration beginning.
type VMotionStarted struct {
	VM, From, To string
	MemoryBytes  float64
	Reason       string
}

// Subject names the VM.
func (r VMotionStarted) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMotionStarted) String() string {
	return fmt.Sprintf("vMotion %s → %s: pre-copy of %s (%s)", r.From, r.To, bytesText(r.MemoryBytes), r.Reason)
}

// VMotionRound is the trace record of a pre-copy round done.
type VMotionRound struct {
	VM        string
	Round     int
	Bytes     float64
	Took      sim.Time
	Bandwidth float64
}

// Subject names the VM.
func (r VMotionRound) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMotionRound) String() string {
	return fmt.Sprintf("vMotion pre-copy round %d: %s in %s (%s now)", r.Round, bytesText(r.Bytes), fmtOffset(r.Took), bitRateText(r.Bandwidth))
}

// VMotionStalled is the trace record of a copy losing its path (Stalled) or finding it
// again.
type VMotionStalled struct {
	VM      string
	Stalled bool
}

// Subject names the VM.
func (r VMotionStalled) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMotionStalled) String() string {
	if r.Stalled {
		return fmt.Sprintf("vMotion copy stalled: its path over the vMotion network is down (aborts after %s)", fmtOffset(vmotionNetTimeout))
	}
	return "vMotion copy goes on: its path is back"
}

// VMotionDone is the trace record of a migration's end: switched over or aborted.
type VMotionDone struct {
	Migration
}

// Subject names the VM.
func (r VMotionDone) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMotionDone) String() string {
	if r.Aborted != "" {
		return fmt.Sprintf("vMotion %s → %s aborted: %s", r.From, r.To, r.Aborted)
	}
	return fmt.Sprintf("vMotion %s → %s done: %s, %s sent, down %s", r.From, r.To, plural(r.Rounds, "round"), bytesText(r.SentBytes), fmtOffset(r.Downtime))
}

// bytesText writes a size in GiB or MiB.
func bytesText(b float64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", b/(1<<30))
	}
	return fmt.Sprintf("%.1f MiB", b/(1<<20))
}

// bitRateText writes a bandwidth in Gbit/s or Mbit/s.
func bitRateText(bps float64) string {
	if bps >= 1e9 {
		return fmt.Sprintf("%.2f Gbit/s", bps/1e9)
	}
	return fmt.Sprintf("%.0f Mbit/s", bps/1e6)
}
