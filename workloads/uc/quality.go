package uc

import (
	"math"
	"slices"

	"dctwin/sim"
)

// Sample is one point of the MOS time series: at each sample (every second by default),
// the number of talking calls and the mean of their interval MOS, the MOS over the last
// Config.MOSInterval (0 when no call talks).
type Sample struct {
	At      sim.Time `json:"at"`
	Active  int      `json:"active"`
	MeanMOS float64  `json:"mean_mos"`
}

// Series returns the MOS time series so far, one sample per interval (one second by
// default), at most the last MaxSeriesSamples of it. The slice is the model's own; do
// not modify it.
func (m *Model) Series() []Sample { return m.series[max(0, len(m.series)-MaxSeriesSamples):] }

// measure rates the call over its life so far. Each direction has its own listener;
// the call is as good as its worse direction.
func (c *Call) measure() CallQuality {
	now := c.m.s.Now()
	q := CallQuality{MOS: math.Inf(1)}
	for _, p := range c.audio {
		mos, loss, gap := p.whole(now)
		if mos < q.MOS {
			q.MOS, q.LossPct, q.BurstR = mos, loss.Ppl, loss.BurstR
		}
		q.MaxGap = max(q.MaxGap, gap)
	}
	if math.IsInf(q.MOS, 1) {
		return CallQuality{}
	}
	q.MinMOS = min(c.sampleLo, q.MOS)
	q.MaxMouthToEar = sim.Milliseconds(c.maxTa)
	return q
}

// sawMouthToEar notes a mouth-to-ear delay of one of the call's directions, ms: the
// first time it exceeds the delay budget (G.114's 150 ms), the call counts as over it.
func (c *Call) sawMouthToEar(ta float64) {
	c.maxTa = max(c.maxTa, ta)
	if !c.overBudget && ta > c.m.cfg.DelayBudget.Milliseconds() {
		c.overBudget = true
		c.m.tally.overBudget++
	}
}

// sample rates every talking call: it samples its network delay and is rated over its
// MOS interval (the last 8 s by default); a call under the degraded threshold opens a
// degraded episode (and reports CallDegraded), one back over it closes the episode. Then
// the series gains a point.
func (m *Model) sample() {
	now := m.s.Now()
	var sum float64
	n := 0
	var settled []*Call
	kept := m.rated[:0]
	m.sampling = true
	for _, c := range m.rated {
		if c.state != Talking || c.steady {
			continue // ended since the last sample
		}
		kept = append(kept, c)
		mos, since, ok := c.sampleInterval(now)
		if !ok {
			continue
		}
		sum += mos
		n++
		c.sampleLo = min(c.sampleLo, mos)
		c.lastMOS = mos
		switch {
		case mos < m.cfg.DegradedMOS && !c.degraded:
			c.degraded = true
			m.tally.openEpisode(c, since)
			m.s.Report(CallDegraded{CallInfo: c.info, MOS: mos, Since: since})
		case mos >= m.cfg.DegradedMOS && c.degraded:
			m.tally.closeEpisode(c, now)
		}
		if c.settles() {
			c.steadyMOS = mos
			settled = append(settled, c)
		}
	}
	// The steady calls keep the interval MOS they had when they settled.
	sum += m.steadySum
	n += m.steadyN
	s := Sample{At: now, Active: n}
	if n > 0 {
		s.MeanMOS = sum / float64(n)
	}
	clear(m.rated[len(kept):])
	m.rated = kept
	m.sampling = false
	for _, c := range settled {
		c.steady = true
		m.steadySum += c.steadyMOS
		m.steadyN++
	}
	if len(settled) > 0 {
		m.rated = slices.DeleteFunc(m.rated, func(c *Call) bool { return c.steady })
	}
	for _, c := range m.pending {
		if c.state == Talking && !c.steady && !slices.Contains(m.rated, c) {
			m.rate(c)
		}
	}
	clear(m.pending)
	m.pending = m.pending[:0]
	m.series = keepRecent(m.series, s)
	m.ticker.Reset(m.cfg.SampleInterval)
}

// sampleInterval rates the call over the MOS interval ending now (its worse direction)
// and says when the trouble began: the first gap in the interval, or its start.
func (c *Call) sampleInterval(now sim.Time) (mos float64, since sim.Time, ok bool) {
	iv := c.m.cfg.MOSInterval
	mos, since = math.Inf(1), now-iv
	since = max(since, c.answered)
	firstGap := sim.Never
	for _, p := range c.audio {
		p.observe(now)
		pm, gap, pok := p.interval(now, iv)
		if !pok {
			continue
		}
		ok = true
		mos = min(mos, pm)
		firstGap = min(firstGap, gap)
	}
	if firstGap != sim.Never {
		since = max(firstGap, c.answered)
	}
	return mos, since, ok
}

// settles reports whether the call's interval MOS is now what it will be at every
// sample until one of its streams reports a change: every stream delivers, none had a
// gap within the interval (so none is lost in it, and a loss-free interval rates the
// same whatever its length), no adaptive jitter buffer still remembers a delay step
// (it shrinks when the step leaves its memory), and every stream reports changes of
// its delay.
func (c *Call) settles() bool {
	if c.polled {
		return false
	}
	for _, p := range c.audio {
		if !p.up || len(p.gaps) > 0 || len(p.jb.peaks) > 0 {
			return false
		}
	}
	return true
}

// unsteady takes a steady call back to being rated every second: one of its streams
// changed.
func (c *Call) unsteady() {
	if !c.steady {
		return
	}
	c.steady = false
	c.m.steadySum -= c.steadyMOS
	c.m.steadyN--
	if c.state == Talking {
		c.m.rate(c)
	}
}
