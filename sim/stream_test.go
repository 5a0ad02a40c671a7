package sim_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"dctwin/sim"
)

func TestStreamsAreReproducibleAndIndependentOfEachOther(t *testing.T) {
	draw := func(r *rand.Rand) [4]uint64 { return [4]uint64{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()} }
	a := sim.New(42)
	x := draw(a.Rand("switch-1"))

	b := sim.New(42)
	b.Rand("host-7").Uint64() // another component drawing first must not shift switch-1
	if draw(b.Rand("switch-1")) != x {
		t.Fatal("stream depends on other streams' use")
	}
	if draw(sim.New(43).Rand("switch-1")) == x {
		t.Fatal("different seeds give the same stream")
	}
	if draw(sim.New(42).Rand("switch-2")) == x {
		t.Fatal("different names give the same stream")
	}
	if sim.New(42).Rand("a") == nil || a.Rand("switch-1") != a.Rand("switch-1") {
		t.Fatal("a stream is not cached per name")
	}
}

// traced is a small model with random timers, processes, a resource and interrupts
// whose whole trace must be the same for the same seed.
type note struct{ who, what string }

func (n note) Subject() string { return n.who }
func (n note) String() string  { return n.who + " " + n.what }

func tracedRun(seed uint64) string {
	s := sim.New(seed)
	defer s.Close()
	var b strings.Builder
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		fmt.Fprintf(&b, "%d %s\n", at, r)
	}))
	link := s.NewResource(2)
	for i := range 20 {
		name := fmt.Sprintf("host-%d", i)
		r := s.Rand(name)
		p := s.Process(func(p *sim.Proc) error {
			for k := 0; ; k++ {
				if err := p.Sleep(sim.Time(r.IntN(1000)) * sim.Millisecond); err != nil {
					s.Report(note{name, "interrupted"})
					return nil
				}
				req := link.Request()
				if _, err := p.Wait(&req.Event); err != nil {
					link.Release(req)
					s.Report(note{name, "interrupted in queue"})
					return nil
				}
				s.Report(note{name, fmt.Sprint("sends ", k)})
				err := p.Sleep(sim.Time(r.IntN(300)) * sim.Millisecond)
				link.Release(req)
				if err != nil {
					return nil
				}
			}
		})
		fail := s.Rand("failures-" + name)
		s.After(sim.Time(fail.IntN(20))*sim.Second, func() { p.Interrupt("failed") })
	}
	s.RunUntil(30 * sim.Second)
	return b.String()
}

func TestSameSeedGivesIdenticalTrace(t *testing.T) {
	a, b := tracedRun(9), tracedRun(9)
	if a != b {
		t.Fatal("two runs with the same seed differ")
	}
	if strings.Count(a, "\n") < 100 {
		t.Fatalf("trace too short to mean anything: %d lines", strings.Count(a, "\n"))
	}
	if tracedRun(10) == a {
		t.Fatal("a different seed gives the same trace")
	}
}
