package sim

import (
	"fmt"
	"math/rand/v2"
)

// Priority orders events that fall due at the same time: lower runs first, then by
// insertion order.
type Priority int8

// Standard priorities. Urgent is used for process starts and interrupts, so that what a
// model set in motion at time t happens before ordinary events at t; Late suits
// measurements that must see every state change of their instant.
// Last runs after everything else of its instant: what a user does between two steps
// (a failure injected by hand at time t, after the twin ran to t) is replayed as an
// event of priority Last at t.
const (
	Urgent Priority = -64
	Normal Priority = 0
	Late   Priority = 64
	Last   Priority = 127
)

// Simulation is one simulated world: a clock, a queue of pending events, the processes
// and the random streams. It is not safe for concurrent use; run independent
// replications as independent Simulations.
type Simulation struct {
	now     Time
	seq     uint64
	q       queue
	free    []*node
	stopped bool
	closing bool
	seed    uint64

	current *Proc     // the process whose coroutine is running, nil in callbacks
	idle    []*worker // parked coroutines, reused for new processes
	workers []*worker // every coroutine created, for Close

	streams   map[string]*rand.Rand
	observers []Observer
	steps     uint64
}

// New returns an empty simulation at time 0 whose random streams derive from seed.
func New(seed uint64) *Simulation {
	return &Simulation{seed: seed, streams: make(map[string]*rand.Rand)}
}

// Now returns the current simulated time.
func (s *Simulation) Now() Time { return s.now }

// Seed returns the master seed the random streams derive from.
func (s *Simulation) Seed() uint64 { return s.seed }

// Steps returns how many events have been processed so far.
func (s *Simulation) Steps() uint64 { return s.steps }

// Pending returns how many events are scheduled.
func (s *Simulation) Pending() int { return s.q.live() }

func (s *Simulation) enqueue(n *node, at Time, prio Priority) {
	if at < s.now {
		panic(fmt.Sprintf("sim: scheduling at %v, before now (%v)", at, s.now))
	}
	s.seq++
	s.q.push(entry{at: at, key: makeKey(prio, s.seq), n: n})
}

func (s *Simulation) pooledNode() *node {
	if k := len(s.free); k > 0 {
		n := s.free[k-1]
		s.free = s.free[:k-1]
		return n
	}
	return &node{pooled: true}
}

// After schedules fn to run once, delay from now. Use a Timer when the call may have to
// be cancelled or moved.
func (s *Simulation) After(delay Time, fn func()) {
	s.AfterPriority(delay, Normal, fn)
}

// AfterPriority is After with an explicit priority for ties.
func (s *Simulation) AfterPriority(delay Time, prio Priority, fn func()) {
	if delay < 0 {
		panic(fmt.Sprintf("sim: negative delay %v", delay))
	}
	n := s.pooledNode()
	n.kind, n.fn = kindFunc, fn
	s.enqueue(n, s.now+delay, prio)
}

// At schedules fn to run once at the absolute time at, which must not be in the past.
func (s *Simulation) At(at Time, fn func()) {
	n := s.pooledNode()
	n.kind, n.fn = kindFunc, fn
	s.enqueue(n, at, Normal)
}

// Peek returns the time of the next scheduled event, or Never when there is none.
func (s *Simulation) Peek() Time {
	e, ok := s.q.peek()
	if !ok {
		return Never
	}
	return e.at
}

// Step processes the next event and reports whether there was one.
func (s *Simulation) Step() bool {
	if _, ok := s.q.peek(); !ok {
		return false
	}
	e := s.q.pop()
	s.now = e.at
	s.steps++
	n := e.n
	switch n.kind {
	case kindFunc:
		fn := n.fn
		if n.pooled {
			n.fn = nil
			s.free = append(s.free, n)
		}
		fn()
	case kindEvent:
		n.ev.fire()
	case kindResume:
		n.p.resume()
	}
	return true
}

// RunUntil processes every event scheduled at or before t, then sets the clock to t
// (unless Stop was called first). A TUI steps the twin frame by frame with it.
func (s *Simulation) RunUntil(t Time) {
	s.stopped = false
	for !s.stopped {
		e, ok := s.q.peek()
		if !ok || e.at > t {
			break
		}
		s.Step()
	}
	if !s.stopped && t > s.now {
		s.now = t
	}
}

// Run processes events until none are left or Stop is called.
func (s *Simulation) Run() {
	s.stopped = false
	for !s.stopped && s.Step() {
	}
}

// Stop makes the running Run or RunUntil return after the current event.
func (s *Simulation) Stop() { s.stopped = true }

// Close ends every process coroutine, running or parked, so that their goroutines are
// released. The simulation must not be used afterwards.
func (s *Simulation) Close() {
	// Resuming a coroutine with closing set unwinds it (see suspend); keeping iter.Pull's
	// stop function instead would cost every process another closure.
	s.closing = true
	for _, w := range s.workers {
		w.next()
	}
	s.workers, s.idle = nil, nil
	s.q = queue{}
}

// Timer is a reusable, cancellable callback. Detection timers (miimon polls, heartbeat
// and HA timeouts) are re-armed constantly; Reset and Stop cost O(1) amortized and do
// not allocate.
type Timer struct {
	n    node
	s    *Simulation
	at   Time
	prio Priority
}

// NewTimer returns an unarmed timer that calls fn when it expires.
func (s *Simulation) NewTimer(fn func()) *Timer {
	t := &Timer{s: s}
	t.n = node{kind: kindFunc, fn: fn}
	return t
}

// SetPriority sets the tie-breaking priority used from the next Reset on.
func (t *Timer) SetPriority(p Priority) { t.prio = p }

// Reset arms the timer to fire delay from now, moving it if it is already armed.
func (t *Timer) Reset(delay Time) {
	if delay < 0 {
		panic(fmt.Sprintf("sim: negative delay %v", delay))
	}
	t.ResetAt(t.s.now + delay)
}

// ResetAt arms the timer to fire at the absolute time at.
func (t *Timer) ResetAt(at Time) {
	s := t.s
	if at < s.now {
		panic(fmt.Sprintf("sim: timer set to %v, before now (%v)", at, s.now))
	}
	t.at = at
	s.q.cancel(&t.n) // an armed timer's old entry goes stale
	s.enqueue(&t.n, at, t.prio)
}

// Stop disarms the timer and reports whether it was armed.
func (t *Timer) Stop() bool {
	if !t.n.queued() {
		return false
	}
	t.s.q.cancel(&t.n)
	return true
}

// Armed reports whether the timer is waiting to fire.
func (t *Timer) Armed() bool { return t.n.queued() }

// When returns the time the timer fires (meaningful while Armed).
func (t *Timer) When() Time { return t.at }
