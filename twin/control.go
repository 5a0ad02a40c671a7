package twin

import (
	"context"

	"dctwin/sim"
)

// Now returns the simulated time.
func (tw *Twin) Now() sim.Time { return tw.Sim.Now() }

// Step processes the next event of the run, if there is one before the end, and
// reports whether it did. A TUI's "next event" key is a Step.
func (tw *Twin) Step() bool {
	next := tw.Sim.Peek()
	if next == sim.Never || next > tw.Duration {
		tw.RunUntil(tw.Duration)
		return false
	}
	tw.Sim.Step()
	tw.stepped()
	return true
}

// stepped does what a step by hand owes the run: housekeeping once the instant is
// complete and a housekeeping step has passed, and the end of the run.
func (tw *Twin) stepped() {
	now, next := tw.Sim.Now(), tw.Sim.Peek()
	if next > now && now >= tw.lastHousekeep+housekeepingStep {
		tw.housekeep()
	}
	if now >= tw.Duration && next > tw.Duration {
		tw.finish()
	}
}

// RunToNotable runs until an event has produced a notable record (a failure, a
// detection, a switchover, a flow stopping or resuming, a call dropped: see Event),
// or until limit or the end of the run. It reports whether it stopped at a notable
// record; the record is the latest of Recent. The whole instant of the notable
// record is not necessarily done: the next Step or RunUntil continues it.
func (tw *Twin) RunToNotable(limit sim.Time) bool {
	limit = min(limit, tw.Duration)
	tw.sawNotable = false
	for !tw.sawNotable {
		next := tw.Sim.Peek()
		if next == sim.Never || next > limit {
			tw.RunUntil(limit)
			return false
		}
		tw.Step()
	}
	return true
}

// RunContext runs the twin to the end of its duration, or until ctx is cancelled; it
// returns ctx.Err() in that case. A cancelled run can go on with Run or RunUntil.
func (tw *Twin) RunContext(ctx context.Context) error { return tw.RunUntilContext(ctx, tw.Duration) }

// RunUntilContext runs the twin to time t as RunUntil does, checking ctx between
// steps of at most cancelCheckEvents events.
func (tw *Twin) RunUntilContext(ctx context.Context, t sim.Time) error {
	t = min(t, tw.Duration)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Run events one by one up to a bound, then hand the rest of the way to
		// RunUntil, which does the housekeeping on its schedule.
		steps := 0
		for steps < cancelCheckEvents {
			next := tw.Sim.Peek()
			if next == sim.Never || next > t {
				break
			}
			tw.Sim.Step()
			tw.stepped()
			steps++
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if steps < cancelCheckEvents {
			tw.RunUntil(t)
			return nil
		}
	}
}

// cancelCheckEvents is how many events a cancellable run processes between two looks
// at its context: tens of microseconds of work.
const cancelCheckEvents = 16
