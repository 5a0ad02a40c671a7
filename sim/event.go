package sim

import "fmt"

const (
	pending   uint8 = iota // not yet triggered
	triggered              // has a value or failure, processing is scheduled
	processed              // callbacks and waiting processes have run
)

// Event is something that happens once, with a value or a failure. Processes wait on
// events; callbacks run when the event is processed. Timeouts, processes and any-of /
// all-of groups are all events, so they compose.
type Event struct {
	n     node
	s     *Simulation
	value any
	err   error
	state uint8
	nw    int32 // number of waiters

	// The first waiter lives inline: most events have exactly one, and it then costs no
	// allocation.
	w0    waiter
	wmore *[]waiter // further waiters, rare; a pointer keeps Event small
}

type waiter struct {
	fn func(*Event)
	p  *Proc
}

// NewEvent returns a pending event that a model triggers with Succeed or Fail.
func (s *Simulation) NewEvent() *Event {
	e := &Event{s: s}
	e.init(s)
	return e
}

func (e *Event) init(s *Simulation) {
	e.s = s
	e.n = node{kind: kindEvent, ev: e}
}

// Timeout returns an event that succeeds with value nil after delay.
func (s *Simulation) Timeout(delay Time) *Event {
	if delay < 0 {
		panic(fmt.Sprintf("sim: negative delay %v", delay))
	}
	e := s.NewEvent()
	e.state = triggered
	s.enqueue(&e.n, s.now+delay, Normal)
	return e
}

// Succeed triggers the event with a value; waiters resume at the current time.
func (e *Event) Succeed(v any) {
	e.trigger()
	e.value = v
}

// Fail triggers the event with a failure; waiting processes get err from Wait.
func (e *Event) Fail(err error) {
	if err == nil {
		panic("sim: Fail with nil error")
	}
	e.trigger()
	e.err = err
}

func (e *Event) trigger() {
	if e.state != pending {
		panic("sim: event triggered twice")
	}
	e.state = triggered
	e.s.enqueue(&e.n, e.s.now, Normal)
}

// Triggered reports whether the event has a value or failure (processed or not).
func (e *Event) Triggered() bool { return e.state != pending }

// Processed reports whether the event's callbacks have run.
func (e *Event) Processed() bool { return e.state == processed }

// Value returns the value the event succeeded with.
func (e *Event) Value() any { return e.value }

// Err returns the failure the event carries, or nil.
func (e *Event) Err() error { return e.err }

// OnDone registers fn to run when the event is processed; if it already was, fn runs now.
func (e *Event) OnDone(fn func(*Event)) {
	if e.state == processed {
		fn(e)
		return
	}
	e.addWaiter(waiter{fn: fn})
}

func (e *Event) addWaiter(w waiter) {
	if e.nw == 0 {
		e.w0 = w
	} else {
		if e.wmore == nil {
			e.wmore = new([]waiter)
		}
		*e.wmore = append(*e.wmore, w)
	}
	e.nw++
}

// removeWaiter blanks p's entry, for a process interrupted while it waited on e.
func (e *Event) removeWaiter(p *Proc) {
	if e.nw > 0 && e.w0.p == p {
		e.w0.p = nil
		return
	}
	if e.wmore != nil {
		for i := range *e.wmore {
			if (*e.wmore)[i].p == p {
				(*e.wmore)[i].p = nil
				return
			}
		}
	}
}

func (e *Event) fire() {
	e.state = processed
	n := e.nw
	if n == 0 {
		return
	}
	e.nw = 0
	first := e.w0
	e.w0 = waiter{}
	e.notify(first)
	if n > 1 {
		more := e.wmore
		e.wmore = nil
		for _, w := range *more {
			e.notify(w)
		}
	}
}

func (e *Event) notify(w waiter) {
	if w.fn != nil {
		w.fn(e)
		return
	}
	if p := w.p; p != nil {
		p.waiting = nil
		p.resume()
	}
}

// AnyOf returns an event that is processed when the first of evs is, with that event as
// its value, or with its failure. With no events it succeeds at once.
func (s *Simulation) AnyOf(evs ...*Event) *Event {
	c := s.NewEvent()
	if len(evs) == 0 {
		c.Succeed(nil)
		return c
	}
	for _, e := range evs {
		s.checkOwn(e)
		e.OnDone(func(e *Event) {
			if c.state != pending {
				return
			}
			if e.err != nil {
				c.Fail(e.err)
			} else {
				c.Succeed(e)
			}
		})
	}
	return c
}

// AllOf returns an event that succeeds when all of evs have succeeded, or fails with the
// first failure among them.
func (s *Simulation) AllOf(evs ...*Event) *Event {
	c := s.NewEvent()
	left := len(evs)
	if left == 0 {
		c.Succeed(nil)
		return c
	}
	for _, e := range evs {
		s.checkOwn(e)
		e.OnDone(func(e *Event) {
			if c.state != pending {
				return
			}
			if e.err != nil {
				c.Fail(e.err)
				return
			}
			left--
			if left == 0 {
				c.Succeed(nil)
			}
		})
	}
	return c
}

func (s *Simulation) checkOwn(e *Event) {
	if e.s != s {
		panic("sim: event belongs to another simulation")
	}
}
