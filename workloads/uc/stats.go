package uc

import (
	"sort"

	"dctwin/sim"
)

// Stats summarizes the calls of a run so far, for the run report's `calls` object.
// The counts add up: InProgressAtStart + Attempted = Completed + Blocked + Busy +
// FailedSetup + Dropped + Active.
type Stats struct {
	// InProgressAtStart counts the calls already talking at t = 0 (the warm start). They
	// are not attempts: the blocking ratio is over the attempts of the run alone.
	InProgressAtStart int `json:"in_progress_at_start"`
	Attempted         int `json:"attempted"`    // calls dialled during the run
	Completed         int `json:"completed"`    // calls that talked for their whole holding time
	Blocked           int `json:"blocked"`      // calls refused by a full PBX, trunk or server
	Busy              int `json:"busy"`         // calls refused because the callee was in a call
	FailedSetup       int `json:"failed_setup"` // calls whose setup failed (timer B, media, PBX lost)
	Dropped           int `json:"dropped"`      // calls cut off while talking
	// Degraded counts the calls whose interval MOS (over MOSIntervalS) fell under
	// DegradedMOS at some sample.
	Degraded int `json:"degraded"`
	// OverDelayBudget counts the calls whose one-way mouth-to-ear delay exceeded
	// DelayBudgetMs at some time (150 ms: ITU-T G.114).
	OverDelayBudget int `json:"over_delay_budget"`
	Active          int `json:"active"` // calls dialling, ringing or talking now
	// MeanMOS and MinMOS are over the completed and dropped calls, each call counted
	// with its whole-call MOS; both are 0 while there is none.
	MeanMOS float64 `json:"mean_mos"`
	MinMOS  float64 `json:"min_mos"`
	// MinIntervalMOS is the lowest interval MOS (over MOSIntervalS) any of those calls
	// had: a call can have a good whole-call MOS and one bad interval, and both are true.
	MinIntervalMOS float64 `json:"min_interval_mos"`
	// DegradedMOS, MOSIntervalS and DelayBudgetMs are the thresholds the counts used, so
	// that a report can state them.
	DegradedMOS   float64 `json:"degraded_mos"`
	MOSIntervalS  float64 `json:"mos_interval_s"`
	DelayBudgetMs float64 `json:"delay_budget_ms"`
}

// BlockingRatio is the share of attempted calls that were blocked (0 without attempts):
// the measured counterpart of Erlang B. Calls in progress at t = 0 are not attempts.
func (s Stats) BlockingRatio() float64 {
	if s.Attempted == 0 {
		return 0
	}
	return float64(s.Blocked) / float64(s.Attempted)
}

// tally keeps the counts and the time-stamped drops and degraded episodes.
type tally struct {
	attempted, blocked, failedSetup int
	busy, inProgressAtStart         int
	overBudget                      int
	live                            int // calls dialling, ringing or talking
	ended, dropCount                int
	mosSum, mosMin, intervalMin     float64
	rated                           int
	drops                           []sim.Time // drop times, in order
	setupFailures                   []sim.Time // failed setups' times, in order
	episodes                        []episode  // degraded episodes, in order of start
	degradedCalls                   int
}

// episode is a span in which a call's interval MOS stayed under the degraded threshold.
// It names its call by ID rather than holding it, so that a kept episode does not keep
// the call's media paths alive.
type episode struct {
	call       string
	start, end sim.Time // end is sim.Never while open
}

func (t *tally) rate(c *Call) {
	mos := c.quality.MOS
	if t.rated == 0 || mos < t.mosMin {
		t.mosMin = mos
	}
	if lo := c.quality.MinMOS; t.rated == 0 || lo < t.intervalMin {
		t.intervalMin = lo
	}
	t.mosSum += mos
	t.rated++
}

func (t *tally) completed(c *Call) {
	t.ended++
	t.rate(c)
}

func (t *tally) dropped(c *Call) {
	t.dropCount++
	t.drops = append(t.drops, c.finished)
	t.rate(c)
}

func (t *tally) openEpisode(c *Call, since sim.Time) {
	if !c.hadEpisode {
		c.hadEpisode = true
		t.degradedCalls++
	}
	c.episode = len(t.episodes)
	t.episodes = append(t.episodes, episode{call: c.info.ID, start: since, end: sim.Never})
}

func (t *tally) closeEpisode(c *Call, now sim.Time) {
	if !c.degraded {
		return
	}
	t.episodes[c.episode].end = now
	c.degraded = false
}

// Stats returns the summary so far.
func (m *Model) Stats() Stats {
	t := &m.tally
	s := Stats{
		InProgressAtStart: t.inProgressAtStart, Attempted: t.attempted, Completed: t.ended, Blocked: t.blocked,
		Busy: t.busy, FailedSetup: t.failedSetup, Dropped: t.dropCount, Degraded: t.degradedCalls,
		OverDelayBudget: t.overBudget,
		DegradedMOS:     m.cfg.DegradedMOS, MOSIntervalS: m.cfg.MOSInterval.Seconds(),
		DelayBudgetMs: m.cfg.DelayBudget.Milliseconds(),
	}
	s.Active = t.live
	if t.rated > 0 {
		s.MeanMOS = t.mosSum / float64(t.rated)
		s.MinMOS = t.mosMin
		s.MinIntervalMOS = t.intervalMin
	}
	return s
}

// CallsAffected counts the calls dropped in [from, to] and the calls degraded at some
// time in [from, to] (a degraded episode overlapping the window), so that a failure
// report can say what each failure did to calls. A call can count in both.
func (m *Model) CallsAffected(from, to sim.Time) (dropped, degraded int) {
	t := &m.tally
	lo := sort.Search(len(t.drops), func(i int) bool { return t.drops[i] >= from })
	for i := lo; i < len(t.drops) && t.drops[i] <= to; i++ {
		dropped++
	}
	seen := make(map[string]bool)
	for _, e := range t.episodes {
		if e.start <= to && e.end >= from && !seen[e.call] {
			seen[e.call] = true
			degraded++
		}
	}
	return dropped, degraded
}

// CallsFailedSetup counts the calls that failed their setup in [from, to].
func (m *Model) CallsFailedSetup(from, to sim.Time) int {
	t := &m.tally
	lo := sort.Search(len(t.setupFailures), func(i int) bool { return t.setupFailures[i] >= from })
	n := 0
	for i := lo; i < len(t.setupFailures) && t.setupFailures[i] <= to; i++ {
		n++
	}
	return n
}
