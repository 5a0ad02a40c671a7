package sim

import (
	"errors"
	"fmt"
	"iter"
)

// Proc is a SimPy-style process: a function that runs in simulated time, waiting on
// timeouts and events. It is itself an event that succeeds when the function returns nil
// and fails with the error it returns, so other processes can wait for it.
//
// Processes run as coroutines (iter.Pull): switching to and from one is a direct
// hand-off without the Go scheduler, and a finished process's coroutine is reused for
// the next one.
type Proc struct {
	Event
	body func(*Proc) error
	w    *worker

	waiting *Event     // what the process waits on; &sleepMark while sleeping
	wake    node       // resumes the process: first start, end of a Sleep
	intr    *Interrupt // set when an interrupt, not the awaited event, resumed it
}

// sleepMark marks a process that waits on its own wake node rather than an event.
var sleepMark Event

// Interrupt is the error Wait and Sleep return when another part of the model interrupts
// the process, e.g. a host failure interrupting the work that ran on it.
type Interrupt struct {
	Cause any
}

// Error describes the interruption and its cause.
func (i *Interrupt) Error() string { return fmt.Sprintf("interrupted: %v", i.Cause) }

// IsInterrupt reports whether err is an interruption and returns its cause.
func IsInterrupt(err error) (cause any, ok bool) {
	var i *Interrupt
	if errors.As(err, &i) {
		return i.Cause, true
	}
	return nil, false
}

// errClosed unwinds a parked coroutine when the simulation is closed.
var errClosed = errors.New("sim: simulation closed")

// Process starts body as a new process at the current time (before ordinary events of
// this instant) and returns it.
func (s *Simulation) Process(body func(p *Proc) error) *Proc {
	p := &Proc{body: body}
	p.init(s)
	p.wake = node{kind: kindResume, p: p}
	s.enqueue(&p.wake, s.now, Urgent)
	return p
}

// Sim returns the simulation the process belongs to.
func (p *Proc) Sim() *Simulation { return p.s }

// Now returns the current simulated time.
func (p *Proc) Now() Time { return p.s.now }

// Alive reports whether the process has not finished yet.
func (p *Proc) Alive() bool { return p.state == pending }

// Sleep suspends the process for delay. It returns nil, or an *Interrupt if the process
// was interrupted first. Sleeping does not allocate.
func (p *Proc) Sleep(delay Time) error {
	p.mustBeCurrent()
	if delay < 0 {
		panic(fmt.Sprintf("sim: negative delay %v", delay))
	}
	p.waiting = &sleepMark
	p.s.enqueue(&p.wake, p.s.now+delay, Normal)
	p.suspend()
	if p.intr != nil {
		return p.intr
	}
	return nil
}

// Wait suspends the process until e is processed and returns e's value and failure, or
// an *Interrupt if the process was interrupted first. An already processed event returns
// at once.
func (p *Proc) Wait(e *Event) (any, error) {
	p.mustBeCurrent()
	p.s.checkOwn(e)
	if e.state == processed {
		return e.value, e.err
	}
	p.waiting = e
	e.addWaiter(waiter{p: p})
	p.suspend()
	if p.intr != nil {
		return nil, p.intr
	}
	return e.value, e.err
}

// Interrupt makes the process's current Wait or Sleep return an *Interrupt with cause,
// at the current time before ordinary events. It reports false if the process has
// already finished.
func (p *Proc) Interrupt(cause any) bool {
	if !p.Alive() {
		return false
	}
	// Interrupts are rare, so each is a pooled callback rather than a node in every Proc.
	p.s.AfterPriority(0, Urgent, func() { p.deliverInterrupt(cause) })
	return true
}

func (p *Proc) mustBeCurrent() {
	if p.s.current != p {
		panic("sim: Wait or Sleep called outside the process's own function")
	}
}

func (p *Proc) suspend() {
	p.intr = nil
	if !p.w.yield(struct{}{}) || p.s.closing {
		panic(errClosed)
	}
}

func (p *Proc) deliverInterrupt(cause any) {
	if !p.Alive() {
		return
	}
	s := p.s
	if p.w == nil {
		// Not started yet: let it run to its first wait, then deliver.
		s.AfterPriority(0, Urgent, func() { p.deliverInterrupt(cause) })
		return
	}
	if p.waiting == &sleepMark {
		s.q.cancel(&p.wake)
	} else if p.waiting != nil {
		p.waiting.removeWaiter(p)
	}
	p.waiting = nil
	p.intr = &Interrupt{Cause: cause}
	p.resume()
}

func (p *Proc) resume() {
	s := p.s
	if !p.Alive() {
		return
	}
	p.waiting = nil
	if p.w == nil {
		var w *worker
		if k := len(s.idle); k > 0 {
			w = s.idle[k-1]
			s.idle = s.idle[:k-1]
		} else {
			w = s.newWorker()
		}
		w.p, p.w = p, w
	}
	prev := s.current
	s.current = p
	p.w.next()
	s.current = prev
}

func (p *Proc) finish(err error) {
	if err != nil {
		p.Fail(err)
	} else {
		p.Succeed(nil)
	}
}

// worker is one coroutine. It runs process bodies one after another, parking between
// them, so a model that starts a million short processes creates only as many
// goroutines as run at once.
type worker struct {
	next  func() (struct{}, bool)
	yield func(struct{}) bool
	p     *Proc
}

func (s *Simulation) newWorker() *worker {
	w := &worker{}
	w.next, _ = iter.Pull(func(yield func(struct{}) bool) {
		w.yield = yield
		defer func() {
			if r := recover(); r != nil && r != errClosed {
				panic(r)
			}
		}()
		for {
			p := w.p
			err := p.body(p)
			w.p, p.w = nil, nil
			p.finish(err)
			s.idle = append(s.idle, w)
			if !yield(struct{}{}) || s.closing {
				return
			}
		}
	})
	s.workers = append(s.workers, w)
	return w
}
