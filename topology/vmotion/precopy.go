package vmotion

import (
	"fmt"
	"math"

	"dctwin/sim"
)

// Precopy is a migration carried out round by round, for a copy whose bandwidth
// changes between rounds or within one (the twin's vMotion over a network that
// changes under it): the caller sends Pending bytes however long that takes and says
// when the round is done. With a constant bandwidth it gives Migrate's timeline
// (Migrate is this loop).
type Precopy struct {
	p      Params
	r      Result
	toSend float64
	done   bool
}

// NewPrecopy starts a migration: round 1 sends all of memory. p.Bandwidth is not used
// (each round says its own).
func NewPrecopy(p Params) (*Precopy, error) {
	if p.MemoryBytes <= 0 || p.DirtyRate < 0 || math.IsNaN(p.DirtyRate+p.MemoryBytes) {
		return nil, fmt.Errorf("vmotion: need memory > 0, bandwidth > 0, dirty rate ≥ 0")
	}
	if p.PageBytes <= 0 {
		p.PageBytes = 4096
	}
	if p.WWSBytes <= 0 || p.WWSBytes > p.MemoryBytes {
		p.WWSBytes = p.MemoryBytes
	}
	if p.SwitchoverGoal <= 0 {
		p.SwitchoverGoal = defaultGoal
	}
	if p.DeviceState <= 0 {
		p.DeviceState = defaultDevice
	}
	if p.MaxRounds <= 0 {
		p.MaxRounds = xenMaxRounds
	}
	return &Precopy{p: p, toSend: p.MemoryBytes}, nil
}

// Duration is how long bytes take at bandwidth bits per second.
func Duration(bytes, bandwidth float64) sim.Time { return sim.Seconds(bytes * 8 / bandwidth) }

// Pending is the bytes of the round in progress: all of memory in round 1, then what
// the guest dirtied during the round before.
func (c *Precopy) Pending() float64 { return c.toSend }

// Round is the number of the round in progress (1 for the first).
func (c *Precopy) Round() int { return len(c.r.Rounds) + 1 }

// Done reports whether pre-copy has ended (Result holds the stun).
func (c *Precopy) Done() bool { return c.done }

// RoundDone ends the round in progress, which took d, and reports whether pre-copy
// stops there. bandwidth (bits per second) is what the copy gets now: the stop rule
// asks whether the dirty set fits the switchover goal at it, and the stun sends the
// last dirty set at it.
func (c *Precopy) RoundDone(d sim.Time, bandwidth float64) bool {
	if c.done {
		return true
	}
	p := &c.p
	r := &c.r
	r.Rounds = append(r.Rounds, Round{Bytes: c.toSend, Duration: d})
	r.PreCopy += d
	r.SentBytes += c.toSend
	// The guest writes within its working set: a page written twice is sent once.
	dirty := math.Min(p.WWSBytes, p.DirtyRate*d.Seconds())
	send := func(b float64) sim.Time { return Duration(b, bandwidth) }
	switch {
	case send(dirty) <= p.SwitchoverGoal:
		r.Converged, r.Reason = true, "the dirty set fits the switchover goal"
	case len(r.Rounds) >= p.MaxRounds:
		r.Reason = fmt.Sprintf("%d rounds", len(r.Rounds))
	case p.Rules == Xen && dirty < xenMinPages*p.PageBytes:
		r.Converged, r.Reason = true, "fewer than 50 pages dirty"
	case p.Rules == Xen && r.SentBytes > xenMaxFactor*p.MemoryBytes:
		r.Reason = "three times the memory sent"
	default:
		c.toSend = dirty
		return false
	}
	r.Stun = send(dirty) + p.DeviceState
	r.SentBytes += dirty
	r.Total = r.PreCopy + r.Stun
	c.toSend, c.done = dirty, true
	return true
}

// Result is the timeline so far; complete once Done.
func (c *Precopy) Result() Result {
	r := c.r
	r.Rounds = append([]Round(nil), r.Rounds...)
	return r
}
