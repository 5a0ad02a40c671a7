// Package kernelbench holds the standard models that measure the sim kernel: clocks
// (many processes waiting on timeouts), bank (an M/M/c queue on a Resource) and
// pingpong (two processes triggering each other). `dctwin bench kernel` and the
// benchmarks in sim/ run them: RunAll measures them all at a scale (clocks and bank
// in both styles), and Table prints the results. The same models written in SimPy are
// in simpy/, with compare.sh to run both on one machine, one after the other (it needs
// Python and SimPy; neither the tests nor CI call it).
package kernelbench

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"dctwin/sim"
)

// Style says whether a model is written with callbacks or with processes.
type Style string

// The two modelling styles the kernel supports.
const (
	Callback Style = "callback"
	Process  Style = "process"
)

// Result is one measured run.
type Result struct {
	Model           string  `json:"model"`
	Style           Style   `json:"style"`
	Params          string  `json:"params"`
	Count           uint64  `json:"count"`
	Unit            string  `json:"unit"`
	Seconds         float64 `json:"seconds"`
	PerS            float64 `json:"per_s"`
	MeanWait        float64 `json:"mean_wait,omitempty"`
	ErlangCWait     float64 `json:"erlang_c_wait,omitempty"`
	BytesPerProcess float64 `json:"bytes_per_process,omitempty"`
}

// ClockPeriod is the wait of clock i in the clocks model: 1 + (i mod 7) time units.
func ClockPeriod(i int) int64 { return 1 + int64(i%7) }

// unit is one model time unit; the models count in whole units of simulated time.
const unit = sim.Second

// ClocksCallback runs p clocks as self-re-arming timers until time horizon and returns
// the number of timeouts.
func ClocksCallback(p int, horizon int64) uint64 {
	s := sim.New(1)
	var n uint64
	for i := range p {
		period := sim.Time(ClockPeriod(i)) * unit
		var t *sim.Timer
		t = s.NewTimer(func() {
			n++
			t.Reset(period)
		})
		t.Reset(period)
	}
	s.RunUntil(sim.Time(horizon) * unit)
	return n
}

// ClocksProcess runs p clock processes until time horizon and returns the number of
// timeouts and the heap bytes held per process while they all exist.
func ClocksProcess(p int, horizon int64) (timeouts uint64, bytesPerProcess float64) {
	s := sim.New(1)
	defer s.Close()
	var n uint64
	before := heapInUse()
	for i := range p {
		period := sim.Time(ClockPeriod(i)) * unit
		s.Process(func(pr *sim.Proc) error {
			for {
				if err := pr.Sleep(period); err != nil {
					return err
				}
				n++
			}
		})
	}
	s.RunUntil(0) // start them all, so their coroutines exist
	after := heapInUse()
	bytesPerProcess = float64(after-before) / float64(p)
	s.RunUntil(sim.Time(horizon) * unit)
	return n, bytesPerProcess
}

// heapInUse returns the bytes of heap objects and goroutine stacks in use after a GC.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// BankParams describe an M/M/c bank: c tellers, arrival rate Lambda, service rate Mu.
type BankParams struct {
	Servers   int
	Lambda    float64
	Mu        float64
	Customers int
	Seed      uint64
}

// DefaultBank is the model of `dctwin bench kernel`: c = 5, λ = 4.5, μ = 1, a million
// customers.
var DefaultBank = BankParams{Servers: 5, Lambda: 4.5, Mu: 1, Customers: 1_000_000, Seed: 42}

// BankProcess runs the bank with one process per customer and returns the mean wait in
// the queue (in model time units).
func BankProcess(bp BankParams) float64 {
	s := sim.New(bp.Seed)
	defer s.Close()
	tellers := s.NewResource(bp.Servers)
	arrivals := s.Rand("arrivals")
	service := s.Rand("service")
	var waited sim.Time
	s.Process(func(p *sim.Proc) error {
		for range bp.Customers {
			if err := p.Sleep(expTime(arrivals.ExpFloat64() / bp.Lambda)); err != nil {
				return err
			}
			s.Process(func(c *sim.Proc) error {
				arrived := c.Now()
				req := tellers.Request()
				if _, err := c.Wait(&req.Event); err != nil {
					return err
				}
				waited += c.Now() - arrived
				err := c.Sleep(expTime(service.ExpFloat64() / bp.Mu))
				tellers.Release(req)
				return err
			})
		}
		return nil
	})
	s.Run()
	return waited.Seconds() / float64(bp.Customers)
}

// BankCallback runs the same bank with callbacks only.
func BankCallback(bp BankParams) float64 {
	s := sim.New(bp.Seed)
	arrivals := s.Rand("arrivals")
	service := s.Rand("service")
	busy := 0
	var queue []sim.Time // arrival times of waiting customers
	var waited sim.Time
	var depart func()
	startService := func() {
		busy++
		s.After(expTime(service.ExpFloat64()/bp.Mu), depart)
	}
	depart = func() {
		busy--
		if len(queue) > 0 {
			waited += s.Now() - queue[0]
			queue = queue[1:]
			startService()
		}
	}
	left := bp.Customers
	var arrive func()
	arrive = func() {
		if busy < bp.Servers {
			startService()
		} else {
			queue = append(queue, s.Now())
		}
		left--
		if left > 0 {
			s.After(expTime(arrivals.ExpFloat64()/bp.Lambda), arrive)
		}
	}
	s.After(expTime(arrivals.ExpFloat64()/bp.Lambda), arrive)
	s.Run()
	return waited.Seconds() / float64(bp.Customers)
}

func expTime(units float64) sim.Time { return sim.Time(math.Round(units * float64(unit))) }

// ErlangCWait is the mean wait in queue Wq of an M/M/c system (Erlang C formula).
func ErlangCWait(c int, lambda, mu float64) float64 {
	a := lambda / mu
	// Erlang B by the stable recursion, then C from B.
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	pw := b / (1 - rho + rho*b)
	return pw / (float64(c)*mu - lambda)
}

// PingPong runs two processes that trigger each other's events n times in all and
// returns the number of switches.
func PingPong(n int) uint64 {
	s := sim.New(1)
	defer s.Close()
	var count uint64
	ping, pong := s.NewEvent(), s.NewEvent()
	player := func(mine **sim.Event, theirs **sim.Event, serve bool) func(*sim.Proc) error {
		return func(p *sim.Proc) error {
			if serve {
				count++
				(*theirs).Succeed(nil)
			}
			for count < uint64(n) {
				if _, err := p.Wait(*mine); err != nil {
					return err
				}
				*mine = s.NewEvent()
				count++
				(*theirs).Succeed(nil)
			}
			return nil
		}
	}
	s.Process(player(&ping, &pong, true))
	s.Process(player(&pong, &ping, false))
	s.Run()
	return count
}

// Measure times fn and fills Seconds and PerS of r from the count fn returns.
func Measure(r Result, fn func() uint64) Result {
	start := time.Now()
	r.Count = fn()
	r.Seconds = time.Since(start).Seconds()
	if r.Seconds > 0 {
		r.PerS = float64(r.Count) / r.Seconds
	}
	return r
}

// RunAll runs every standard model, dividing the work by scale (1 for the full runs),
// and hands each result to emit as soon as it is measured.
func RunAll(scale int, emit func(Result)) {
	clocks := []struct {
		p       int
		horizon int64
	}{{1000, 27000}, {100000, 270}}
	for _, c := range clocks {
		p, h := c.p, max(1, c.horizon/int64(scale))
		params := fmt.Sprintf("P=%d T=%d", p, h)
		emit(Measure(Result{Model: "clocks", Style: Callback, Params: params, Unit: "timeouts"},
			func() uint64 { return ClocksCallback(p, h) }))
		var bpp float64
		r := Measure(Result{Model: "clocks", Style: Process, Params: params, Unit: "timeouts"},
			func() uint64 { n, b := ClocksProcess(p, h); bpp = b; return n })
		r.BytesPerProcess = bpp
		emit(r)
	}
	bp := DefaultBank
	bp.Customers = max(1, bp.Customers/scale)
	params := fmt.Sprintf("c=%d λ=%g μ=%g N=%d", bp.Servers, bp.Lambda, bp.Mu, bp.Customers)
	wq := ErlangCWait(bp.Servers, bp.Lambda, bp.Mu)
	for _, style := range []Style{Process, Callback} {
		run := BankProcess
		if style == Callback {
			run = BankCallback
		}
		var wait float64
		r := Measure(Result{Model: "bank", Style: style, Params: params, Unit: "customers"},
			func() uint64 { wait = run(bp); return uint64(bp.Customers) })
		r.MeanWait, r.ErlangCWait = wait, wq
		emit(r)
	}
	n := max(1, 5_000_000/scale)
	emit(Measure(Result{Model: "pingpong", Style: Process, Params: fmt.Sprintf("N=%d", n), Unit: "switches"},
		func() uint64 { return PingPong(n) }))
}
