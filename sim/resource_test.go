package sim_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
)

func TestResourceServesFirstComeFirstServed(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	r := s.NewResource(2)
	var l log
	maxInUse := 0
	for i := range 5 {
		s.Process(func(p *sim.Proc) error {
			if err := p.Sleep(sim.Time(i) * sim.Millisecond); err != nil { // arrive in order
				return err
			}
			req := r.Request()
			if _, err := p.Wait(&req.Event); err != nil {
				return err
			}
			maxInUse = max(maxInUse, r.InUse())
			l.add(s, fmt.Sprint("got ", i))
			err := p.Sleep(sim.Second)
			r.Release(req)
			return err
		})
	}
	s.Run()
	equal(t, l, []string{"0s:got 0", "1ms:got 1", "1s:got 2", "1.001s:got 3", "2s:got 4"})
	if maxInUse != 2 {
		t.Fatalf("max in use %d, want the capacity 2", maxInUse)
	}
}

func TestResourcePrioritiesAndWithdrawal(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	r := s.NewResource(1)
	holder := r.Request()
	var order []string
	reqs := map[string]*sim.Request{}
	for _, c := range []struct {
		name string
		prio int
	}{{"low", 5}, {"high", 1}, {"withdrawn", 0}, {"high2", 1}, {"mid", 3}} {
		req := r.RequestPriority(c.prio)
		reqs[c.name] = req
		req.OnDone(func(*sim.Event) { order = append(order, c.name); s.After(sim.Second, func() { r.Release(req) }) })
	}
	r.Release(reqs["withdrawn"])
	if r.Queued() != 4 {
		t.Fatalf("%d queued after withdrawal, want 4", r.Queued())
	}
	s.After(sim.Second, func() { r.Release(holder) })
	s.Run()
	equal(t, order, []string{"high", "high2", "mid", "low"})
	if reqs["withdrawn"].Triggered() {
		t.Fatal("withdrawn request was granted")
	}
}

func TestTryRequestIsALossSystem(t *testing.T) {
	s := sim.New(1)
	r := s.NewResource(1)
	a := r.TryRequest()
	if a == nil || r.TryRequest() != nil {
		t.Fatal("TryRequest did not grant once then refuse")
	}
	r.Release(a)
	if r.TryRequest() == nil {
		t.Fatal("TryRequest refused a free server")
	}
}

func TestStoreBlocksGetWhenEmptyAndPutWhenFull(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	st := s.NewStore(1)
	var l log
	s.Process(func(p *sim.Proc) error {
		for _, item := range []string{"a", "b", "c"} {
			if _, err := p.Wait(st.Put(item)); err != nil {
				return err
			}
			l.add(s, "put "+item)
		}
		return nil
	})
	s.Process(func(p *sim.Proc) error {
		for range 3 {
			if err := p.Sleep(sim.Second); err != nil {
				return err
			}
			v, err := p.Wait(st.Get())
			if err != nil {
				return err
			}
			l.add(s, "got "+v.(string))
		}
		return nil
	})
	s.Run()
	equal(t, l, []string{"0s:put a", "1s:got a", "1s:put b", "2s:got b", "2s:put c", "3s:got c"})
}

func TestContainerLevels(t *testing.T) {
	s := sim.New(1)
	defer s.Close()
	c := s.NewContainer(10, 2)
	var l log
	s.Process(func(p *sim.Proc) error {
		if _, err := p.Wait(c.Get(5)); err != nil { // waits until level reaches 5
			return err
		}
		l.add(s, fmt.Sprintf("got 5, level %g", c.Level()))
		return nil
	})
	s.Process(func(p *sim.Proc) error {
		for range 3 {
			if err := p.Sleep(sim.Second); err != nil {
				return err
			}
			if _, err := p.Wait(c.Put(2)); err != nil {
				return err
			}
			l.add(s, fmt.Sprintf("put 2, level %g", c.Level()))
		}
		if _, err := p.Wait(c.Put(9)); err != nil { // 3 + 9 > 10: blocks until a get
			return err
		}
		l.add(s, fmt.Sprintf("put 9, level %g", c.Level()))
		return nil
	})
	s.After(10*sim.Second, func() { c.Get(3) })
	s.Run()
	// At 2 s the put is granted first and makes room for the get, so the putter resumes
	// first and both see level 1.
	equal(t, l, []string{"1s:put 2, level 4", "2s:put 2, level 1", "2s:got 5, level 1",
		"3s:put 2, level 3", "10s:put 9, level 9"})
}
