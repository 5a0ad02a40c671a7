package emodel_test

import (
	"errors"
	"math"
	"testing"

	"dctwin/workloads/emodel"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %g", what, got, want, tol)
	}
}

// With every input at its G.107 Table 3 default, G.107 §7.7 gives R = 93.2; the
// intermediate values are those of reference-facts 1.9 (independently computed, and the
// Go implementation manucorporat/e-model prints R = 93.206208).
func TestDefaultsReferenceResult(t *testing.T) {
	r := emodel.R(emodel.Defaults())
	near(t, "No", r.No, -61.18, 0.005)
	near(t, "Ro", r.Ro, 94.77, 0.005)
	near(t, "Iolr", r.Iolr, 0.44, 0.005)
	near(t, "Ist", r.Ist, 0, 0.005)
	near(t, "Iq", r.Iq, 0.97, 0.005)
	near(t, "Is", r.Is, 1.41, 0.005)
	near(t, "Idte", r.Idte, 0, 0)
	near(t, "Idle", r.Idle, 0.15, 0.005)
	near(t, "Idd", r.Idd, 0, 0)
	near(t, "Id", r.Id, 0.15, 0.005)
	near(t, "Ie,eff", r.IeEff, 0, 0)
	near(t, "R", r.R, 93.21, 0.01)
	near(t, "MOS", r.MOS, 4.41, 0.005)
	near(t, "R (Go implementation)", r.R, 93.206208, 1e-5)
	// The breakdown adds up (G.107 eq. 7-1).
	near(t, "Ro − Is − Id − Ie,eff + A", r.Ro-r.Is-r.Id-r.IeEff+r.A, r.R, 1e-12)
}

// Every row of reference-facts 1.9 "Useful derived examples" (defaults otherwise).
func TestDerivedExamples(t *testing.T) {
	type row struct {
		name   string
		set    func(*emodel.Params)
		r, mos float64
	}
	var rows []row
	echoFree := []struct{ ta, r, mos float64 }{
		{150, 93.04, 4.41}, {200, 90.16, 4.34}, {250, 84.29, 4.18},
		{300, 78.45, 3.96}, {400, 69.14, 3.56}, {500, 62.57, 3.23},
	}
	for _, c := range echoFree {
		rows = append(rows, row{"echo-free Ta", func(p *emodel.Params) { p.Ta = c.ta }, c.r, c.mos})
	}
	echo := []struct{ ta, r, mos float64 }{
		{150, 89.54, 4.33}, {200, 85.80, 4.22}, {300, 72.67, 3.72}, {400, 62.25, 3.22},
	}
	for _, c := range echo {
		rows = append(rows, row{"T = Ta, Tr = 2·Ta", func(p *emodel.Params) { p.Ta, p.T, p.Tr = c.ta, c.ta, 2*c.ta }, c.r, c.mos})
	}
	codecs := []struct {
		name    string
		ie, bpl float64
		ppl     []float64
		r, mos  []float64
	}{
		{"G.711+PLC", 0, 25.1, []float64{1, 2, 5}, []float64{89.57, 86.20, 77.43}, []float64{4.33, 4.24, 3.92}},
		{"G.711 no PLC", 0, 4.3, []float64{1, 2, 5}, []float64{75.28, 63.05, 42.13}, []float64{3.83, 3.26, 2.17}},
		{"G.729A+VAD", 11, 19, []float64{0, 1, 2, 5}, []float64{82.21, 78.01, 74.21, 64.71}, []float64{4.10, 3.95, 3.79, 3.34}},
		{"G.723.1 6.3k", 15, 16.1, []float64{0, 1, 2, 5}, []float64{78.21, 73.53, 69.37, 59.25}, []float64{3.95, 3.76, 3.57, 3.06}},
	}
	for _, c := range codecs {
		for i, ppl := range c.ppl {
			rows = append(rows, row{c.name, func(p *emodel.Params) { p.Ie, p.Bpl, p.Ppl = c.ie, c.bpl, ppl }, c.r[i], c.mos[i]})
		}
	}
	rows = append(rows, row{"G.711 no PLC, 2 %, BurstR 2",
		func(p *emodel.Params) { p.Ie, p.Bpl, p.Ppl, p.BurstR = 0, 4.3, 2, 2 }, 57.36, 2.96})

	for _, c := range rows {
		p := emodel.Defaults()
		c.set(&p)
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		r := emodel.R(p)
		if math.Abs(r.R-c.r) > 0.02 || math.Abs(r.MOS-c.mos) > 0.006 {
			t.Errorf("%s %+v: R %.3f MOS %.3f, want %.2f / %.2f", c.name, p, r.R, r.MOS, c.r, c.mos)
		}
	}
}

// Idd written out for Ta = 200 ms with sT = 1, mT = 100: X = log2(2) = 1, so
// Idd = 25·((1 + 1)^(1/6) − 3·(1 + 3^−6)^(1/6) + 2).
func TestIddClosedForm(t *testing.T) {
	want := 25 * (math.Pow(2, 1.0/6) - 3*math.Pow(1+math.Pow(3, -6), 1.0/6) + 2)
	near(t, "Idd(200)", emodel.Idd(200, 1, 100), want, 1e-12)
	near(t, "Idd(100)", emodel.Idd(100, 1, 100), 0, 0)
	// A less sensitive class (larger mT) hears no impairment at a delay the default does.
	near(t, "Idd(150, mT 150)", emodel.Idd(150, 1, 150), 0, 0)
	if emodel.Idd(300, 1, 100) <= emodel.Idd(300, 1, 150) {
		t.Error("a larger mT should lower Idd")
	}
	// X = 1 exactly when Ta = 2·mT, whatever mT: the curve shifts with mT.
	near(t, "Idd(400, mT 200)", emodel.Idd(400, 1, 200), want, 1e-12)
}

// Ie,eff (eq. 7-29) written out: G.729A (11, 19) at 2 % random loss is
// 11 + 84·2/(2 + 19) = 19; with Ppl = 0 it is the codec's Ie.
func TestIeEff(t *testing.T) {
	near(t, "G.729A 2 %", emodel.IeEff(11, 19, 2, 1), 11+84*2.0/21, 1e-12)
	near(t, "no loss", emodel.IeEff(15, 16.1, 0, 3), 15, 0)
}

// Talker echo: below 1 ms the echo is sidetone (Idte = 0); above it, a well-controlled
// echo (TELR 65) at long delay still costs something, and a poor one (TELR 25) far more.
func TestTalkerEcho(t *testing.T) {
	p := emodel.Defaults()
	p.T = 0.5
	if r := emodel.R(p); r.Idte != 0 {
		t.Errorf("T = 0.5 ms: Idte = %g, want 0", r.Idte)
	}
	p.T = 100
	good := emodel.R(p).Idte
	p.TELR = 25
	bad := emodel.R(p).Idte
	if !(good > 0 && bad > good+10) {
		t.Errorf("Idte with TELR 65 = %.2f, with TELR 25 = %.2f", good, bad)
	}
}

// The STMR special cases of §7.4 (outside the Table 3 range, so R computes them but
// Validate rejects them): STMR > 20 folds Ist into Idte as √(Idte² + Ist²); STMR < 9
// adds Ist/2 to TERV.
func TestTalkerEchoSidetoneSpecialCases(t *testing.T) {
	p := emodel.Defaults()
	p.T, p.TELR = 100, 45
	p.STMR = 20
	at20 := emodel.R(p)
	p.STMR = 25
	hi := emodel.R(p)
	// Recompute the plain Idte at STMR 25 from the value at 20: Idte does not depend on
	// STMR except through the special case, so √(Idte20² + Ist25²) is the expectation.
	near(t, "Idte at STMR 25", hi.Idte, math.Sqrt(at20.Idte*at20.Idte+hi.Ist*hi.Ist), 1e-9)
	if err := p.Validate(); err == nil {
		t.Error("STMR 25 should be outside the permitted range")
	}
	p.STMR = 5
	lo := emodel.R(p)
	if lo.Ist <= 0 || lo.Idte >= at20.Idte {
		// Ist/2 raises TERV (a better-masked echo) and so lowers Idte.
		t.Errorf("STMR 5: Ist %.2f, Idte %.2f (STMR 20: %.2f)", lo.Ist, lo.Idte, at20.Idte)
	}
}

func TestValidate(t *testing.T) {
	if err := emodel.Defaults().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	cases := []struct {
		set    func(*emodel.Params)
		symbol string
	}{
		{func(p *emodel.Params) { p.Ta = 501 }, "Ta"},
		{func(p *emodel.Params) { p.Ppl = -1 }, "Ppl"},
		{func(p *emodel.Params) { p.BurstR = 0.5 }, "BurstR"},
		{func(p *emodel.Params) { p.Qdu = 0 }, "qdu"},
		{func(p *emodel.Params) { p.Nfor = math.NaN() }, "Nfor"},
		{func(p *emodel.Params) { p.MT = 0 }, "mT"},
		{func(p *emodel.Params) { p.Ie = math.Inf(1) }, "Ie"},
	}
	for _, c := range cases {
		p := emodel.Defaults()
		c.set(&p)
		var re *emodel.RangeError
		if err := p.Validate(); !errors.As(err, &re) || re.Symbol != c.symbol {
			t.Errorf("want a range error for %s, got %v", c.symbol, err)
		}
	}
	if got := len(emodel.Ranges()); got != 23 {
		t.Errorf("Ranges has %d entries, Params has 23 inputs", got)
	}
}
