package emodel_test

import (
	"math"
	"testing"

	"dctwin/workloads/emodel"
)

// FuzzMonotone checks properties that hold for any permitted inputs: R does not rise
// with more absolute delay Ta or more packet loss Ppl, MOS stays in [1, 4.5], and the
// breakdown adds up to R. The fuzzer varies the inputs a call's network changes.
func FuzzMonotone(f *testing.F) {
	f.Add(0.0, 0.0, 0.0, 1.0, 0.0, 4.3, 1.0, 1.0, 100.0)
	f.Add(120.0, 250.0, 1.0, 2.0, 11.0, 19.0, 3.5, 1.0, 100.0)
	f.Add(400.0, 90.0, 7.0, 8.0, 40.0, 1.0, 0.5, 0.4, 200.0)
	f.Add(50.0, 499.0, 19.5, 1.5, 15.0, 16.1, 10.0, 2.0, 60.0)
	f.Fuzz(func(t *testing.T, ta, dta, ppl, burstR, ie, bpl, dppl, sT, mT float64) {
		p := emodel.Defaults()
		p.Ta, p.T, p.Tr = ta, ta, 2*ta
		p.Ppl, p.BurstR, p.Ie, p.Bpl, p.ST, p.MT = ppl, burstR, ie, bpl, sT, mT
		if p.Validate() != nil || !(dta >= 0) || !(dppl >= 0) {
			t.Skip()
		}
		base := emodel.R(p)
		checkRating(t, p, base)

		later := p
		later.Ta = min(p.Ta+dta, 500)
		if r := emodel.R(later); r.R > base.R+1e-9 {
			t.Errorf("R rose from %.6f to %.6f as Ta went %g → %g", base.R, r.R, p.Ta, later.Ta)
		}
		lossier := p
		lossier.Ppl = min(p.Ppl+dppl, 20)
		if r := emodel.R(lossier); r.R > base.R+1e-9 {
			t.Errorf("R rose from %.6f to %.6f as Ppl went %g → %g", base.R, r.R, p.Ppl, lossier.Ppl)
		}
	})
}

func checkRating(t *testing.T, p emodel.Params, r emodel.Rating) {
	t.Helper()
	if math.IsNaN(r.R) || r.MOS < 1 || r.MOS > 4.5 {
		t.Fatalf("%+v: R %g, MOS %g", p, r.R, r.MOS)
	}
	if d := r.Ro - r.Is - r.Id - r.IeEff + r.A - r.R; math.Abs(d) > 1e-9 {
		t.Fatalf("breakdown off by %g", d)
	}
}

// A sweep over the whole Ta and Ppl ranges, so that the property is checked on every
// plain `go test` run and not only when fuzzing.
func TestMonotoneSweep(t *testing.T) {
	for _, c := range []string{"g711", "g711-plc", "g729a", "g723.1"} {
		codec, _ := emodel.LookupCodec(c)
		p := emodel.Defaults()
		p.Ie, p.Bpl = codec.Ie, codec.Bpl
		prev := math.Inf(1)
		for ta := 0.0; ta <= 500; ta += 0.5 {
			p.Ta = ta
			r := emodel.R(p)
			checkRating(t, p, r)
			if r.R > prev+1e-9 {
				t.Fatalf("%s: R rose at Ta = %g", c, ta)
			}
			prev = r.R
		}
		p.Ta = 0
		prev = math.Inf(1)
		for ppl := 0.0; ppl <= 20; ppl += 0.05 {
			p.Ppl = ppl
			r := emodel.R(p)
			checkRating(t, p, r)
			if r.R > prev+1e-9 {
				t.Fatalf("%s: R rose at Ppl = %g", c, ppl)
			}
			prev = r.R
		}
	}
}
