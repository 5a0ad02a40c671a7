package uc

import (
	"math"

	"dctwin/sim"
	"dctwin/workloads/emodel"
)

// mediaPath is one direction of a call's voice: the stream, what it has lost, the
// receiving endpoint's jitter buffer and the mouth-to-ear delay the listener hears.
//
// Loss is counted from gaps, the intervals in which the stream does not deliver: a gap
// of g at p packets per second loses round(g·p) packets in one burst. The whole-call
// counts (sent, lost, bursts) give Ppl and BurstR by emodel.LossFromCounts; the same
// counts over the last MOS interval (the part of each gap that falls into it) give the
// interval MOS.
type mediaPath struct {
	c      *Call
	stream Stream
	pps    float64
	opened sim.Time

	up       bool
	gapStart sim.Time
	lost     int
	bursts   int
	maxGap   sim.Time

	// gaps are the gaps that may still overlap the MOS interval, in order; the last
	// one's end is sim.Never while it is open.
	gaps []span

	rtp *sim.Timer // RTP inactivity timeout while the stream does not deliver

	jb    jitterState
	taNow float64  // current mouth-to-ear delay, ms
	taInt float64  // ∫ mouth-to-ear delay dt since opened, ms·s
	taAt  sim.Time // time taInt was last brought up to
}

// span is a time interval [start, end).
type span struct{ start, end sim.Time }

func newMediaPath(c *Call, st Stream, now sim.Time) *mediaPath {
	p := &mediaPath{
		c: c, stream: st, pps: c.g.pps, opened: now, taAt: now,
		jb: newJitterState(c.g.cfg.JitterBuffer),
	}
	p.up = st.Delivering()
	if p.up {
		p.jb.observe(now, st.OneWayDelay())
	}
	p.setMouthToEar()
	return p
}

// setMouthToEar brings the current mouth-to-ear delay up to date and, once the call
// talks, keeps its highest, which the delay budget is judged by.
func (p *mediaPath) setMouthToEar() {
	p.taNow = p.mouthToEar()
	if p.c.state == Talking {
		p.c.sawMouthToEar(p.taNow)
	}
}

// watch starts following the stream once the call talks. A stream that does not
// deliver yet (its path not evaluated, or broken from the start) is in a gap from now.
func (p *mediaPath) watch() {
	if !p.up {
		p.gapStart = p.opened
		p.gaps = append(p.gaps, span{p.opened, sim.Never})
		p.armTimeout()
	}
	p.stream.OnChange(p.change)
	if dn, ok := p.stream.(DelayNotifier); ok {
		dn.OnDelayChange(p.c.unsteady)
	} else {
		p.c.polled = true
	}
}

// mouthToEar is the one-way mouth-to-ear delay in ms: the network delay plus
// packetization, the codec's own delay and the jitter buffer (reference-facts 3).
func (p *mediaPath) mouthToEar() float64 {
	net := p.jb.last
	if net < 0 {
		net = 0
	}
	return net.Milliseconds() + p.c.g.packetMs + p.c.g.codec.DelayMs + p.jb.current.Milliseconds()
}

// advance brings the delay integral up to now.
func (p *mediaPath) advance(now sim.Time) {
	p.taInt += p.taNow * (now - p.taAt).Seconds()
	p.taAt = now
}

// observe samples the network delay of a delivering stream.
func (p *mediaPath) observe(now sim.Time) {
	p.advance(now)
	if p.up {
		p.jb.observe(now, p.stream.OneWayDelay())
		p.setMouthToEar()
	}
}

// change is the stream's OnChange callback.
func (p *mediaPath) change(delivering bool) {
	c := p.c
	if c.state != Talking || delivering == p.up {
		return
	}
	c.unsteady()
	now := c.m.s.Now()
	if !delivering {
		p.advance(now)
		p.up = false
		p.gapStart = now
		p.gaps = append(p.gaps, span{now, sim.Never})
		p.armTimeout()
		return
	}
	p.closeGap(now)
	p.up = true
	if p.rtp != nil {
		p.rtp.Stop()
	}
	p.observe(now)
}

// armTimeout starts the PBX's RTP inactivity timer: if the gap lasts the timeout, the
// call is hung up (Asterisk rtptimeout, reference-facts 9).
func (p *mediaPath) armTimeout() {
	timeout := p.c.m.cfg.RTPTimeout
	if timeout < 0 {
		return
	}
	if p.rtp == nil {
		p.rtp = p.c.m.s.NewTimer(func() { p.c.drop(ReasonRTPTimeout) })
	}
	p.rtp.Reset(timeout)
}

// packets is the number of packets sent in d.
func (p *mediaPath) packets(d sim.Time) int {
	return int(math.Round(d.Seconds() * p.pps))
}

// closeGap counts the gap that ends now as one burst of lost packets.
func (p *mediaPath) closeGap(now sim.Time) {
	gap := now - p.gapStart
	if n := p.packets(gap); n > 0 {
		p.lost += n
		p.bursts++
	}
	p.maxGap = max(p.maxGap, gap)
	p.gaps[len(p.gaps)-1].end = now
}

// rate computes the E-model rating of the listener at the end of this path for loss
// counts and a mouth-to-ear delay ta (ms). The connection is taken as echo-controlled
// with T = Ta and Tr = 2·Ta (reference-facts 1.9; the same assumption as
// `dctwin emodel --delay`).
func (p *mediaPath) rate(sent, lost, bursts int, ta float64) (mos float64, loss emodel.Loss) {
	loss = lossOf(sent, lost, bursts)
	return p.c.m.ratings.mos(p.c.g.codec.Ie, p.c.g.codec.Bpl, loss, ta), loss
}

// ratingCache remembers E-model results. Nearly every sample interval of a busy hour
// is loss-free at an unchanged delay, and the E-model's powers and logarithms were
// nearly all of the model's run time; the inputs repeat, so the result is looked up.
type ratingCache struct {
	known map[ratingKey]float64
}

type ratingKey struct {
	ie, bpl, ppl, burstR, ta float64
}

// ratingCacheSize bounds the cache; it is emptied when full (losses make keys unique).
const ratingCacheSize = 4096

func (rc *ratingCache) mos(ie, bpl float64, loss emodel.Loss, ta float64) float64 {
	k := ratingKey{ie, bpl, loss.Ppl, loss.BurstR, ta}
	if v, ok := rc.known[k]; ok {
		return v
	}
	prm := emodel.Defaults()
	prm.Ie, prm.Bpl = ie, bpl
	prm.Ppl, prm.BurstR = loss.Ppl, loss.BurstR
	prm.Ta, prm.T, prm.Tr = emodel.DelayInputs(ta)
	v := emodel.R(prm).MOS
	if rc.known == nil || len(rc.known) >= ratingCacheSize {
		rc.known = make(map[ratingKey]float64)
	}
	rc.known[k] = v
	return v
}

// lossOf is emodel.LossFromCounts made total: rounding at the edges of an interval can
// give counts that no packet trace has (more bursts than room between them); those are
// clamped to the nearest possible trace.
func lossOf(sent, lost, bursts int) emodel.Loss {
	if sent <= 0 {
		return emodel.Loss{Ppl: 0, BurstR: 1}
	}
	lost = min(lost, sent)
	bursts = min(bursts, lost, sent-lost+1)
	if lost > 0 && bursts == 0 {
		bursts = 1
	}
	l, err := emodel.LossFromCounts(sent, lost, bursts)
	if err != nil {
		return emodel.Loss{Ppl: 100 * float64(lost) / float64(sent), BurstR: 1}
	}
	return l
}

// whole rates the path over the call so far, counting an open gap up to now.
func (p *mediaPath) whole(now sim.Time) (mos float64, loss emodel.Loss, maxGap sim.Time) {
	lost, bursts, maxGap := p.lost, p.bursts, p.maxGap
	if !p.up {
		gap := now - p.gapStart
		if n := p.packets(gap); n > 0 {
			lost += n
			bursts++
		}
		maxGap = max(maxGap, gap)
	}
	ta := p.taNow
	if d := (now - p.opened).Seconds(); d > 0 {
		ta = (p.taInt + p.taNow*(now-p.taAt).Seconds()) / d
	}
	mos, loss = p.rate(p.packets(now-p.opened), lost, bursts, ta)
	return mos, loss, maxGap
}

// interval rates the MOS interval that ends now, [now − iv, now) or from the stream's
// opening if that is later: the packets sent in it, and of each gap the part that falls
// into it as one burst. firstGap is the start of the earliest gap overlapping it
// (sim.Never for none). ok is false when the interval held no packet. Gaps that ended
// before the interval are forgotten: intervals only move forward.
func (p *mediaPath) interval(now, iv sim.Time) (mos float64, firstGap sim.Time, ok bool) {
	from := max(now-iv, p.opened)
	firstGap = sim.Never
	lost, bursts, keep := 0, 0, 0
	for _, g := range p.gaps {
		end := min(g.end, now)
		if end < from {
			continue
		}
		p.gaps[keep] = g
		keep++
		if n := p.packets(end - max(g.start, from)); n > 0 {
			lost += n
			bursts++
			firstGap = min(firstGap, g.start)
		}
	}
	clear(p.gaps[keep:])
	p.gaps = p.gaps[:keep]
	sent := p.packets(now - from)
	if sent == 0 {
		return 0, firstGap, false
	}
	mos, _ = p.rate(sent, lost, bursts, p.taNow)
	return mos, firstGap, true
}

// close stops the stream and its timer.
func (p *mediaPath) close() {
	if p.rtp != nil {
		p.rtp.Stop()
	}
	p.stream.Close()
}
