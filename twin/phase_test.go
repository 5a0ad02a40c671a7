package twin_test

import (
	"math/rand/v2"

	"dctwin/sim"
)

// phaseOf is when in each period a heartbeat sender of the named random stream sends:
// a whole number of milliseconds in [0, period), drawn from the run's seed as the twin
// draws it (vmcluster.go's heartbeatPhase, the same rule as topology/ha's hosts).
func phaseOf(seed uint64, stream string, period sim.Time) sim.Time {
	return sim.Time(rand.New(sim.NewStream(seed, stream)).Int64N(int64(period/sim.Millisecond))) * sim.Millisecond
}

// beatBefore is a sender's last heartbeat at or before t, for t a whole multiple of its
// period: t itself at phase 0, else one period back plus the phase.
func beatBefore(t, phase, period sim.Time) sim.Time {
	if phase == 0 {
		return t
	}
	return t - period + phase
}
