package power

import (
	"math"
	"testing"

	"dctwin/sim"
)

// TestModels: the linear model at the SPECpower figures of reference-facts §8.
func TestModels(t *testing.T) {
	g4 := Models["hp-ml110-g4"]
	for u, want := range map[float64]float64{0: 86, 1: 117, 0.5: 101.5, -1: 86, 2: 117} {
		if got := g4.Watts(u); math.Abs(got-want) > 1e-9 {
			t.Errorf("ML110 G4 at u=%v: %v W, want %v", u, got, want)
		}
	}
	// The IBM x3550 idles at 26 % of its peak, the ML110 G4 at 73 % (reference-facts §8).
	if r := Models["ibm-x3550"].Idle / Models["ibm-x3550"].Max; math.Abs(r-0.263) > 0.001 {
		t.Errorf("x3550 idle share %.3f", r)
	}
	for _, n := range ModelNames() {
		if err := Models[n].Check(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if (Model{Idle: 200, Max: 100}).Check() == nil {
		t.Error("idle above full load accepted")
	}
}

// TestMeter: a day of an ML110 G5 at 30 % for 8 h, idle for 14 h, off for 2 h:
// (93.7 + 41.3·0.3)·8 h + 93.7·14 h = 106.09·8 + 93.7·14 = 848.72 + 1311.8 = 2160.52 Wh.
func TestMeter(t *testing.T) {
	s := sim.New(1)
	m := NewMeter(s)
	g5 := Models["hp-ml110-g5"]
	m.Set(g5.Watts(0.3))
	s.At(8*sim.Hour, func() { m.Set(g5.Watts(0)) })
	s.At(22*sim.Hour, func() { m.Set(0) })
	s.RunUntil(24 * sim.Hour)
	if got := m.KWh(); math.Abs(got-2.16052) > 1e-6 {
		t.Errorf("%.6f kWh, want 2.160520", got)
	}
}
