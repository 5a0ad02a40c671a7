package emodel_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"dctwin/workloads/emodel"
)

// The Gilbert identities of reference-facts 1.6: BurstR = 1/(p + q) = P/p = (1 − P)/q
// with P = p/(p + q), and p = 1 − q is random loss.
func TestBurstRGilbertIdentities(t *testing.T) {
	for _, pq := range [][2]float64{{0.01, 0.5}, {0.02, 0.98}, {0.1, 0.2}, {0.001, 0.05}, {0.3, 0.7}} {
		p, q := pq[0], pq[1]
		b := emodel.BurstRGilbert(p, q)
		P := p / (p + q)
		near(t, "1/(p+q)", b, 1/(p+q), 1e-12)
		near(t, "P/p", b, P/p, 1e-12)
		near(t, "(1−P)/q", b, (1-P)/q, 1e-12)
		l := emodel.GilbertLoss(p, q)
		near(t, "Ppl", l.Ppl, 100*P, 1e-9)
		near(t, "BurstR", l.BurstR, b, 0)
	}
	near(t, "random loss", emodel.BurstRGilbert(0.05, 0.95), 1, 1e-12)
	defer func() {
		if recover() == nil {
			t.Error("p = q = 0 must panic")
		}
	}()
	emodel.BurstRGilbert(0, 0)
}

// A simulated Gilbert chain measured by LossFromSequence gives back 1/(p + q): the
// measurement and the closed form are independent routes to the same number.
func TestLossFromSequenceMatchesGilbert(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p, q := 0.01, 0.25
	seq := make([]bool, 2_000_000)
	lost := false
	for i := range seq {
		if lost {
			lost = rng.Float64() >= q
		} else {
			lost = rng.Float64() < p
		}
		seq[i] = lost
	}
	got := emodel.LossFromSequence(seq)
	want := emodel.GilbertLoss(p, q)
	near(t, "Ppl", got.Ppl, want.Ppl, 0.1)
	near(t, "BurstR", got.BurstR, want.BurstR, 0.15)
}

func TestLossFromCounts(t *testing.T) {
	// 1 s outage (50 packets) in a 3-minute call at 50 pps: P = 50/9000, mean burst 50,
	// random mean burst 1/(1 − P); BurstR = 50·(1 − P).
	l, err := emodel.LossFromCounts(9000, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Ppl", l.Ppl, 100*50.0/9000, 1e-12)
	near(t, "BurstR", l.BurstR, 50*(1-50.0/9000), 1e-12)

	// Isolated single losses are less bursty than random: floored to 1.
	l, _ = emodel.LossFromCounts(1000, 100, 100)
	near(t, "BurstR floor", l.BurstR, 1, 0)
	l, _ = emodel.LossFromCounts(1000, 0, 0)
	if l != (emodel.Loss{Ppl: 0, BurstR: 1}) {
		t.Errorf("no loss: %+v", l)
	}
	for _, bad := range [][3]int{{10, 11, 1}, {10, 2, 0}, {10, 0, 1}, {10, 2, 3}, {-1, 0, 0}, {10, 8, 4}} {
		if _, err := emodel.LossFromCounts(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("LossFromCounts%v should be an error", bad)
		}
	}
	if _, err := emodel.LossFromCounts(10, 8, 3); err != nil {
		t.Errorf("8 lost in 3 bursts around 2 received is possible: %v", err)
	}
}

func TestLossFromSequence(t *testing.T) {
	x, o := true, false
	// 10 packets, 4 lost in 2 bursts (lengths 3 and 1): P = 0.4, mean burst 2, random
	// mean burst 1/0.6; BurstR = 2·0.6 = 1.2.
	l := emodel.LossFromSequence([]bool{o, x, x, x, o, o, x, o, o, o})
	near(t, "Ppl", l.Ppl, 40, 1e-12)
	near(t, "BurstR", l.BurstR, 1.2, 1e-12)
	l = emodel.LossFromSequence([]bool{x, x})
	if l.Ppl != 100 || l.BurstR != 1 {
		t.Errorf("all lost: %+v", l)
	}
	if l := emodel.LossFromSequence(nil); l.Ppl != 0 || l.BurstR != 1 || math.IsNaN(l.Ppl) {
		t.Errorf("empty: %+v", l)
	}
}
