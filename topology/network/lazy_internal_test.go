package network

import (
	"math/rand/v2"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
)

// Lazy aging (bridge.agingFrom) must say, at any instant, what the per-entry timer
// would: the instant the timer is armed for while the entry lives, and that it has
// aged out once it has. The reference is the timer itself, run by the simulation on a
// real entry of a real bridge: armed when the entry is learned (armAging), re-armed by
// every 802.1D topology change (shortenAging), re-armed when it fires early and aged
// when it fires late (expire), over random learning instants and topology changes.
func TestLazyAgingEqualsTimerAging(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		s := sim.New(seed)
		n := New(s, Options{})
		cfg := SwitchConfig{Layer: topology.L2, SpanningTree: topology.STP}
		if rng.IntN(2) == 0 {
			cfg.MACAging = sim.Time(10+rng.IntN(60)) * sim.Second // shorter than the topology-change window, sometimes
		}
		must(t, n.AddSwitch("sw", cfg))
		must(t, n.AddHost("h", HostConfig{}))
		must(t, n.AddLink("l", "h:eth0", "sw:p1", LinkConfig{}))
		s.RunUntil(0)
		b := n.devices["sw"].br
		lp := n.ports["sw:p1"].lp
		ms := func(v int) sim.Time { return sim.Time(v)*sim.Millisecond + sim.Time(rng.IntN(1000)) }
		last := ms(rng.IntN(200000))
		e := b.entry(1, 999)
		s.At(last, func() {
			e.setPort(lp)
			e.last = s.Now()
			b.armAging(e)
		})
		// 802.1D topology changes: the bridge ages with the forward delay for max age +
		// forward delay from each.
		for range rng.IntN(6) {
			at := ms(rng.IntN(600000))
			s.At(at, func() {
				b.tcUntil = s.Now() + b.cfg.MaxAge + b.cfg.ForwardDelay
				b.tcHist = append(b.tcHist, tcWindow{s.Now(), b.tcUntil})
				b.shortenAging()
			})
		}
		type probe struct {
			at      sim.Time
			fire    sim.Time
			expired bool
		}
		var probes []probe
		for range 40 {
			at := ms(rng.IntN(700000))
			s.At(at, func() {
				if s.Now() < last {
					return
				}
				p := probe{at: s.Now(), expired: e.lp == nil}
				if !p.expired {
					p.fire = e.age.When()
				}
				probes = append(probes, p)
			})
		}
		s.RunUntil(800 * sim.Second)
		for _, p := range probes {
			fire, expired := b.agingFrom(last, p.at)
			if expired != p.expired || !expired && fire != p.fire {
				t.Fatalf("seed %d: learned at %v, TCs %v, at %v: lazy says fire %v expired %v, the timer %v expired %v",
					seed, last, b.tcHist, p.at, fire, expired, p.fire, p.expired)
			}
		}
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
