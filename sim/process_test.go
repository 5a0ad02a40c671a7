package sim_test

import (
	"errors"
	"runtime"
	"testing"

	"dctwin/sim"
)

func TestProcessesSleepAndInterleave(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	var l log
	for _, name := range []string{"a", "b"} {
		period := sim.Second
		if name == "b" {
			period = 2 * sim.Second
		}
		s.Process(func(p *sim.Proc) error {
			for range 3 {
				if err := p.Sleep(period); err != nil {
					return err
				}
				l.add(s, name)
			}
			return nil
		})
	}
	s.Run()
	// At 2 s both wake: b queued its wake-up at 0 s, a at 1 s, so b comes first.
	equal(t, l, []string{"1s:a", "2s:b", "2s:a", "3s:a", "4s:b", "6s:b"})
}

func TestWaitReturnsValueAndFailure(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	ok, bad := s.NewEvent(), s.NewEvent()
	boom := errors.New("boom")
	s.After(sim.Second, func() { ok.Succeed(42) })
	s.After(2*sim.Second, func() { bad.Fail(boom) })
	var got []any
	s.Process(func(p *sim.Proc) error {
		v, err := p.Wait(ok)
		got = append(got, v, err, p.Now())
		v, err = p.Wait(bad)
		got = append(got, v, err, p.Now())
		v, err = p.Wait(ok) // already processed: returns at once
		got = append(got, v, err, p.Now())
		return nil
	})
	s.Run()
	want := []any{42, nil, sim.Second, nil, boom, 2 * sim.Second, 42, nil, 2 * sim.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("item %d: got %v, want %v (all %v)", i, got[i], want[i], got)
		}
	}
}

func TestProcessIsAnEventOthersWaitFor(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	fail := errors.New("disk full")
	worker := s.Process(func(p *sim.Proc) error { return p.Sleep(3 * sim.Second) })
	failing := s.Process(func(p *sim.Proc) error {
		if err := p.Sleep(sim.Second); err != nil {
			return err
		}
		return fail
	})
	var l log
	s.Process(func(p *sim.Proc) error {
		_, err := p.Wait(&failing.Event)
		if !errors.Is(err, fail) {
			t.Errorf("waiting on a failed process: %v, want %v", err, fail)
		}
		l.add(s, "failure seen")
		if _, err := p.Wait(&worker.Event); err != nil {
			t.Errorf("worker: %v", err)
		}
		l.add(s, "worker done")
		return nil
	})
	s.Run()
	equal(t, l, []string{"1s:failure seen", "3s:worker done"})
	if worker.Alive() || !worker.Processed() {
		t.Error("finished process still alive or unprocessed")
	}
}

func TestAnyOfAndAllOf(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	var l log
	s.Process(func(p *sim.Proc) error {
		slow, fast := s.Timeout(5*sim.Second), s.Timeout(2*sim.Second)
		v, err := p.Wait(s.AnyOf(slow, fast))
		if err != nil || v != fast {
			t.Errorf("AnyOf gave %v, %v; want the fast timeout", v, err)
		}
		l.add(s, "any")
		if _, err := p.Wait(s.AllOf(slow, fast, s.Timeout(sim.Second))); err != nil {
			t.Error(err)
		}
		l.add(s, "all")
		broken := s.NewEvent()
		s.After(sim.Second, func() { broken.Fail(errors.New("link down")) })
		_, err = p.Wait(s.AllOf(s.Timeout(10*sim.Second), broken))
		if err == nil || err.Error() != "link down" {
			t.Errorf("AllOf with a failure gave %v", err)
		}
		l.add(s, "all-failed")
		if _, err := p.Wait(s.AnyOf()); err != nil {
			t.Error(err)
		}
		l.add(s, "empty")
		return nil
	})
	s.Run()
	equal(t, l, []string{"2s:any", "5s:all", "6s:all-failed", "6s:empty"})
}

func TestInterruptWakesSleeperAndWaiterWithCause(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	var l log
	never := s.NewEvent()
	sleeper := s.Process(func(p *sim.Proc) error {
		err := p.Sleep(10 * sim.Second)
		cause, ok := sim.IsInterrupt(err)
		l.add(s, "sleeper woke: "+cause.(string))
		if !ok {
			t.Error("not an interrupt")
		}
		// The original 10 s wake-up must not resume this process a second time.
		return p.Sleep(20 * sim.Second)
	})
	waiter := s.Process(func(p *sim.Proc) error {
		_, err := p.Wait(never)
		cause, _ := sim.IsInterrupt(err)
		l.add(s, "waiter woke: "+cause.(string))
		_, err = p.Wait(s.Timeout(sim.Second))
		l.add(s, "waiter slept")
		return err
	})
	s.After(3*sim.Second, func() {
		sleeper.Interrupt("host failed")
		waiter.Interrupt("host failed")
	})
	s.After(3500*sim.Millisecond, func() { never.Succeed(nil) }) // too late: must not resume
	s.Run()
	equal(t, l, []string{"3s:sleeper woke: host failed", "3s:waiter woke: host failed", "4s:waiter slept"})
	if s.Now() != 23*sim.Second {
		t.Errorf("sleeper's second sleep ended at %v, want 23s", s.Now())
	}
	if sleeper.Interrupt("again") {
		t.Error("interrupting a finished process returned true")
	}
}

func TestWaitOutsideTheProcessPanics(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	p := s.Process(func(p *sim.Proc) error { return p.Sleep(sim.Second) })
	mustPanic(t, "Sleep from a callback", func() { _ = p.Sleep(sim.Second) })
}

func TestProcessPanicReachesTheCaller(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	s.Process(func(p *sim.Proc) error { panic("model bug") })
	mustPanic(t, "panic in a process", func() { s.Run() })
}

func TestCloseReleasesCoroutines(t *testing.T) {
	// Goroutines of other tests may start or end meanwhile, so the counts allow for a
	// few that are not ours.
	const parked, slack = 100, 5
	before := runtime.NumGoroutine()
	s := sim.New(1)
	for range parked {
		s.Process(func(p *sim.Proc) error { _, err := p.Wait(s.NewEvent()); return err })
	}
	s.RunUntil(sim.Second)
	during := runtime.NumGoroutine()
	if during < before+parked-slack {
		t.Fatalf("%d goroutines for %d parked processes", during-before, parked)
	}
	s.Close()
	for range 1000 {
		if runtime.NumGoroutine() <= during-parked+slack {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("%d goroutines before Close, %d after: Close released fewer than %d", during,
		runtime.NumGoroutine(), parked-slack)
}

func TestSleepingProcessesDoNotAllocate(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	s.Process(func(p *sim.Proc) error {
		for {
			if err := p.Sleep(sim.Millisecond); err != nil {
				return err
			}
		}
	})
	s.RunUntil(sim.Second)
	allocs := testing.AllocsPerRun(1000, func() { s.Step() })
	if allocs != 0 {
		t.Fatalf("%v allocations per sleep, want 0", allocs)
	}
}

func TestFinishedCoroutinesAreReused(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	before := runtime.NumGoroutine()
	var started int
	s.Process(func(p *sim.Proc) error {
		for range 1000 {
			s.Process(func(c *sim.Proc) error { started++; return c.Sleep(sim.Millisecond) })
			if err := p.Sleep(10 * sim.Millisecond); err != nil {
				return err
			}
		}
		return nil
	})
	s.Run()
	if started != 1000 {
		t.Fatalf("%d processes ran, want 1000", started)
	}
	if n := runtime.NumGoroutine() - before; n > 10 { // 1,000 without reuse; a few may be other tests'
		t.Fatalf("%d coroutines for processes that never overlap, want a handful", n)
	}
}
