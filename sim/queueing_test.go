package sim_test

import (
	"math"
	"testing"

	"dctwin/sim"
)

// erlangB is the blocking probability of an M/M/m/m loss system, by the stable recursion
// B(A,0) = 1, B(A,m) = A·B(A,m−1) / (m + A·B(A,m−1)) (reference-facts §9).
func erlangB(a float64, m int) float64 {
	b := 1.0
	for k := 1; k <= m; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// erlangCWait is the mean queueing delay Wq of M/M/c: C(c,A) / (cμ − λ), with
// C = B / (1 − ρ(1 − B)).
func erlangCWait(c int, lambda, mu float64) float64 {
	a := lambda / mu
	b := erlangB(a, c)
	rho := a / float64(c)
	return b / (1 - rho*(1-b)) / (float64(c)*mu - lambda)
}

func exp(r interface{ ExpFloat64() float64 }, rate float64) sim.Time {
	return sim.Seconds(r.ExpFloat64() / rate)
}

// mmc simulates an M/M/c queue with one process per customer on a Resource and returns
// the mean wait in queue.
func mmc(seed uint64, c int, lambda, mu float64, customers int) float64 {
	s := sim.New(seed)
	defer s.Close()
	servers := s.NewResource(c)
	arrive, serve := s.Rand("arrivals"), s.Rand("service")
	var waited sim.Time
	s.Process(func(p *sim.Proc) error {
		for range customers {
			if err := p.Sleep(exp(arrive, lambda)); err != nil {
				return err
			}
			s.Process(func(cust *sim.Proc) error {
				t0 := cust.Now()
				req := servers.Request()
				if _, err := cust.Wait(&req.Event); err != nil {
					return err
				}
				waited += cust.Now() - t0
				err := cust.Sleep(exp(serve, mu))
				servers.Release(req)
				return err
			})
		}
		return nil
	})
	s.Run()
	return waited.Seconds() / float64(customers)
}

func TestMMcMeanWaitMatchesErlangC(t *testing.T) {
	// c = 3, λ = 2, μ = 1 (ρ = 2/3): Wq = 0.4444. With 100,000 customers the run-to-run
	// spread of the mean is about 1.5 %; each seed must be within 6 %, and the mean over
	// five seeds within 3 %.
	const c, lambda, mu = 3, 2.0, 1.0
	want := erlangCWait(c, lambda, mu)
	if math.Abs(want-0.44444) > 1e-4 {
		t.Fatalf("Erlang C formula gives %.5f, want 0.44444", want)
	}
	var sum float64
	for seed := uint64(1); seed <= 5; seed++ {
		got := mmc(seed, c, lambda, mu, 100_000)
		if math.Abs(got-want)/want > 0.06 {
			t.Errorf("seed %d: Wq = %.4f, Erlang C %.4f", seed, got, want)
		}
		sum += got
	}
	if mean := sum / 5; math.Abs(mean-want)/want > 0.03 {
		t.Errorf("mean over seeds Wq = %.4f, Erlang C %.4f", mean, want)
	}
}

func TestLossSystemBlockingMatchesErlangB(t *testing.T) {
	// m = 10 trunks offered A = 7 erlangs: B = 0.07874. 100,000 calls give a standard
	// error of about 0.001; each seed must be within 0.006.
	const m, lambda, mu = 10, 7.0, 1.0
	want := erlangB(lambda/mu, m)
	if math.Abs(want-0.07874) > 1e-4 {
		t.Fatalf("Erlang B formula gives %.5f, want 0.07874", want)
	}
	for seed := uint64(1); seed <= 4; seed++ {
		s := sim.New(seed)
		trunks := s.NewResource(m)
		arrive, hold := s.Rand("calls"), s.Rand("holding")
		const calls = 100_000
		blocked, offered := 0, 0
		var next func()
		next = func() {
			offered++
			if req := trunks.TryRequest(); req == nil {
				blocked++
			} else {
				s.After(exp(hold, mu), func() { trunks.Release(req) })
			}
			if offered < calls {
				s.After(exp(arrive, lambda), next)
			}
		}
		s.After(exp(arrive, lambda), next)
		s.Run()
		if got := float64(blocked) / calls; math.Abs(got-want) > 0.006 {
			t.Errorf("seed %d: blocking %.4f, Erlang B %.4f", seed, got, want)
		}
	}
}
