package kernelbench

import "testing"

func TestQuick(t *testing.T) {
	for _, c := range []struct {
		p int
		h int64
	}{{1000, 27000}, {100000, 270}} {
		r := Measure(Result{}, func() uint64 { return ClocksCallback(c.p, c.h) })
		t.Logf("callback clocks P=%d: %d in %.2fs = %.2fM/s", c.p, r.Count, r.Seconds, r.PerS/1e6)
		var bpp float64
		r = Measure(Result{}, func() uint64 { n, b := ClocksProcess(c.p, c.h); bpp = b; return n })
		t.Logf("process clocks P=%d: %d in %.2fs = %.2fM/s, %.0f B/proc", c.p, r.Count, r.Seconds, r.PerS/1e6, bpp)
	}
	var w float64
	r := Measure(Result{}, func() uint64 { w = BankProcess(DefaultBank); return 1e6 })
	t.Logf("bank process: %.2fM/s wait %.4f (erlang %.5f)", r.PerS/1e6, w, ErlangCWait(5, 4.5, 1))
	r = Measure(Result{}, func() uint64 { w = BankCallback(DefaultBank); return 1e6 })
	t.Logf("bank callback: %.2fM/s wait %.4f", r.PerS/1e6, w)
	r = Measure(Result{}, func() uint64 { return PingPong(5_000_000) })
	t.Logf("pingpong: %.2fM/s", r.PerS/1e6)
}
