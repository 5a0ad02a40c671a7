package sim_test

import (
	"testing"

	"dctwin/sim"
)

// Micro-benchmarks of the kernel's primitives; the standard models are in
// sim/kernelbench and behind `dctwin bench kernel`.

// BenchmarkTimerRearm re-arms a pending timer among 10,000 others, as a heartbeat or
// HA timeout is on every message.
func BenchmarkTimerRearm(b *testing.B) {
	s := sim.New(1)
	for i := range 10_000 {
		s.NewTimer(func() {}).Reset(sim.Time(i+1) * sim.Second)
	}
	t := s.NewTimer(func() {})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		t.Reset(sim.Time(i%5000+1) * sim.Millisecond)
	}
}

// BenchmarkAfterAndStep schedules a one-shot callback and processes it.
func BenchmarkAfterAndStep(b *testing.B) {
	s := sim.New(1)
	fn := func() {}
	b.ReportAllocs()
	for b.Loop() {
		s.After(sim.Millisecond, fn)
		s.Step()
	}
}

// BenchmarkProcessSleep is one process switch: resume, sleep, suspend.
func BenchmarkProcessSleep(b *testing.B) {
	s := sim.New(1)
	defer s.Close()
	s.Process(func(p *sim.Proc) error {
		for {
			if err := p.Sleep(sim.Millisecond); err != nil {
				return err
			}
		}
	})
	b.ReportAllocs()
	for b.Loop() {
		s.Step()
	}
}

// BenchmarkEventWait is an event triggered by one process and awaited by another.
func BenchmarkEventWait(b *testing.B) {
	s := sim.New(1)
	defer s.Close()
	var ev *sim.Event
	s.Process(func(p *sim.Proc) error {
		for {
			ev = s.NewEvent()
			if _, err := p.Wait(ev); err != nil {
				return err
			}
		}
	})
	s.Step()
	b.ReportAllocs()
	for b.Loop() {
		ev.Succeed(nil)
		s.Step()
	}
}

// BenchmarkResourceRequest is a request granted at once and released.
func BenchmarkResourceRequest(b *testing.B) {
	s := sim.New(1)
	r := s.NewResource(1)
	b.ReportAllocs()
	for b.Loop() {
		req := r.Request()
		s.Step()
		r.Release(req)
	}
}
