package sim_test

import (
	"cmp"
	"math/rand/v2"
	"testing"

	"dctwin/sim"
)

// scheduled is an entry of the reference model of the event queue: at every firing, the
// fired entry must be the least pending one by (time, priority, order of scheduling).
type scheduled struct {
	at   sim.Time
	prio sim.Priority
	seq  int
}

func (a scheduled) compare(b scheduled) int {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.prio, b.prio), cmp.Compare(a.seq, b.seq))
}

func TestQueueOrderMatchesAReferenceModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		s := sim.New(seed)
		pending := map[int]scheduled{}
		fired, seq := 0, 0
		timers := map[int]*sim.Timer{}
		prios := []sim.Priority{sim.Urgent, sim.Normal, sim.Normal, sim.Late}
		var schedule func(depth int)
		schedule = func(depth int) {
			seq++
			id := seq
			// Many ties: times on a coarse grid, some at the current instant.
			at := s.Now() + sim.Time(r.IntN(4))*sim.Time(r.IntN(3))*sim.Second
			prio := prios[r.IntN(len(prios))]
			fire := func() {
				least := -1
				for k, v := range pending {
					if least < 0 || v.compare(pending[least]) < 0 {
						least = k
					}
				}
				if least != id {
					t.Fatalf("seed %d: fired #%d %+v at %v, but #%d %+v is due first",
						seed, id, pending[id], s.Now(), least, pending[least])
				}
				if pending[id].at != s.Now() {
					t.Fatalf("seed %d: #%d fired at %v, due at %v", seed, id, s.Now(), pending[id].at)
				}
				delete(pending, id)
				fired++
				if depth < 3 && r.IntN(2) == 0 {
					schedule(depth + 1)
				}
			}
			if r.IntN(3) == 0 { // as a timer, maybe cancelled or moved later on
				tm := s.NewTimer(fire)
				tm.SetPriority(prio)
				tm.ResetAt(at)
				timers[id] = tm
			} else {
				s.AfterPriority(at-s.Now(), prio, fire)
			}
			pending[id] = scheduled{at, prio, seq}
		}
		for range 300 {
			schedule(0)
		}
		for id, tm := range timers {
			switch r.IntN(3) {
			case 0:
				tm.Stop()
				delete(pending, id)
			case 1:
				seq++
				at := sim.Time(r.IntN(8)) * sim.Second
				tm.ResetAt(at)
				pending[id] = scheduled{at, pending[id].prio, seq}
			}
		}
		// Step through in frames, as the TUI does, scheduling at the frame boundary after
		// the queue has peeked ahead.
		for frame := sim.Time(0); frame < 20*sim.Second; frame += 1500 * sim.Millisecond {
			s.RunUntil(frame)
			if r.IntN(2) == 0 {
				schedule(3)
			}
		}
		s.Run()
		if len(pending) != 0 || fired < 300 {
			t.Fatalf("seed %d: %d fired, %d never fired", seed, fired, len(pending))
		}
	}
}

func TestManyCancelledTimersAreCompactedAway(t *testing.T) {
	s := sim.New(1)
	fired := 0
	var keep []*sim.Timer
	for i := range 10_000 {
		tm := s.NewTimer(func() { fired++ })
		tm.Reset(sim.Time(i+1) * sim.Millisecond)
		if i%10 != 0 {
			tm.Stop()
		} else {
			keep = append(keep, tm)
		}
	}
	if s.Pending() != len(keep) {
		t.Fatalf("%d pending, want %d", s.Pending(), len(keep))
	}
	s.Run()
	if fired != len(keep) {
		t.Fatalf("%d fired, want %d", fired, len(keep))
	}
}
