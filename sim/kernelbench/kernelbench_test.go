package kernelbench

import (
	"math"
	"testing"
)

// clocksArithmetic counts the timeouts of the clocks model by hand: clock i fires at
// every multiple of its period up to the horizon.
func clocksArithmetic(p int, horizon int64) uint64 {
	var n uint64
	for i := range p {
		n += uint64(horizon / ClockPeriod(i))
	}
	return n
}

func TestClocksCountTimeoutsExactly(t *testing.T) {
	for _, c := range []struct {
		p int
		h int64
	}{{1, 10}, {7, 100}, {1000, 270}} {
		want := clocksArithmetic(c.p, c.h)
		if got := ClocksCallback(c.p, c.h); got != want {
			t.Errorf("callback P=%d T=%d: %d timeouts, want %d", c.p, c.h, got, want)
		}
		if got, _ := ClocksProcess(c.p, c.h); got != want {
			t.Errorf("process P=%d T=%d: %d timeouts, want %d", c.p, c.h, got, want)
		}
	}
}

func TestBankStylesAgreeWithEachOtherAndErlangC(t *testing.T) {
	// Both styles draw the same streams in the same order, so they must give the very
	// same customers' waits; the mean must agree with Erlang C (Wq = 1.52499 for c = 5,
	// λ = 4.5, μ = 1) within the spread of a 200,000-customer run at ρ = 0.9 (about ±0.2).
	bp := DefaultBank
	bp.Customers = 200_000
	proc, call := BankProcess(bp), BankCallback(bp)
	if proc != call {
		t.Fatalf("process style Wq %.6f, callback style %.6f: the same model differs", proc, call)
	}
	want := ErlangCWait(bp.Servers, bp.Lambda, bp.Mu)
	if math.Abs(want-1.52499) > 1e-4 {
		t.Fatalf("Erlang C gives %.5f, want 1.52499", want)
	}
	if math.Abs(proc-want) > 0.2 {
		t.Fatalf("Wq = %.4f, Erlang C %.4f", proc, want)
	}
}

func TestPingPongSwitchesExactly(t *testing.T) {
	if got := PingPong(1001); got != 1001 && got != 1002 {
		t.Fatalf("%d switches, want 1001 (or one more to finish the round)", got)
	}
}

func TestRunAllReportsEveryModel(t *testing.T) {
	seen := map[string]int{}
	RunAll(1000, func(r Result) {
		seen[r.Model+"/"+string(r.Style)]++
		if r.Count == 0 || r.Unit == "" {
			t.Errorf("%s/%s: empty result %+v", r.Model, r.Style, r)
		}
	})
	for _, k := range []string{"clocks/callback", "clocks/process", "bank/process", "bank/callback", "pingpong/process"} {
		if seen[k] == 0 {
			t.Errorf("no %s result", k)
		}
	}
}
