package emodel_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"dctwin/workloads/emodel"
)

// setInput sets the i-th input of p, in the order of Ranges (the order of Params' fields).
func setInput(p *emodel.Params, i int, v float64) {
	reflect.ValueOf(p).Elem().Field(i).SetFloat(v)
}

// Anywhere inside the permitted ranges, together, every term of the rating is a finite
// number and MOS stays in [1, 4.5]: Validate is the only guard the calculator and the
// call model need. Corners (every input at one of its range ends) and random points.
func TestRatingFiniteInsideTheRanges(t *testing.T) {
	ranges := emodel.Ranges()
	if n := reflect.TypeFor[emodel.Params]().NumField(); n != len(ranges) {
		t.Fatalf("Params has %d fields, Ranges %d", n, len(ranges))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 20000 {
		p := emodel.Defaults()
		for i, r := range ranges {
			var v float64
			switch {
			case k%2 == 0: // a corner
				v = r.Min
				if rng.IntN(2) == 1 {
					v = r.Max
				}
			default:
				v = r.Min + rng.Float64()*(r.Max-r.Min)
			}
			setInput(&p, i, v)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("a point inside the ranges fails Validate: %v", err)
		}
		r := emodel.R(p)
		terms := reflect.ValueOf(r)
		for i := range terms.NumField() {
			if v := terms.Field(i).Float(); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%+v: %s = %g", p, terms.Type().Field(i).Name, v)
			}
		}
		if r.MOS < 1 || r.MOS > 4.5 {
			t.Fatalf("%+v: MOS %g", p, r.MOS)
		}
	}
}

// Just outside each range end, and at NaN and the infinities, Validate refuses the
// input by its symbol.
func TestValidateRefusesEveryRangeEnd(t *testing.T) {
	for i, r := range emodel.Ranges() {
		eps := 1e-9 * (r.Max - r.Min)
		for _, v := range []float64{r.Min - eps, r.Max + eps, math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308} {
			p := emodel.Defaults()
			setInput(&p, i, v)
			err := p.Validate()
			re, ok := err.(*emodel.RangeError)
			if !ok || re.Symbol != r.Symbol {
				t.Errorf("%s = %g: want a range error for %s, got %v", r.Symbol, v, r.Symbol, err)
			}
		}
	}
}
