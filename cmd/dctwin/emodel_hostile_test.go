package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"dctwin/workloads/emodel"
)

// Every numeric flag of `dctwin emodel` meets hostile values: NaN, infinities, the
// largest floats, and its range ends and just beyond them. Each must give either a
// usage error (exit 2) that names the flag, the value and the range, or a rating whose
// every number is finite with MOS in [1, 4.5] (G.107 Annex B), in text and in JSON.
func TestEmodelHostileValues(t *testing.T) {
	ranges := map[string]emodel.Range{"delay": {Symbol: "delay", Min: 0, Max: 500, Unit: "ms"}}
	for _, r := range emodel.Ranges() {
		ranges[strings.ToLower(r.Symbol)] = r
	}
	var flags []string
	cmd, _, err := NewRootCmd().Find([]string{"emodel"})
	if err != nil {
		t.Fatal(err)
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "float64" {
			flags = append(flags, f.Name)
		}
	})
	if len(flags) != 24 {
		t.Fatalf("emodel has %d numeric flags, want the 23 G.107 inputs and --delay: %v", len(flags), flags)
	}
	for _, name := range flags {
		rg, ok := ranges[name]
		if !ok {
			t.Fatalf("--%s has no permitted range", name)
		}
		span := rg.Max - rg.Min
		values := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
			1e308, -1e308, rg.Min, rg.Max, rg.Min - 1e-9*span, rg.Max + 1e-9*span, rg.Min - 1, rg.Max + 1,
			(rg.Min + rg.Max) / 2, math.SmallestNonzeroFloat64, 0}
		for _, v := range values {
			inRange := v >= rg.Min && v <= rg.Max
			arg := fmt.Sprintf("--%s=%v", name, v) // "=" so that "-Inf" is not read as a flag
			for _, asJSON := range []bool{false, true} {
				args := []string{arg}
				if asJSON {
					args = append(args, "--json")
				}
				out, err := runEmodel(t, args...)
				if !inRange {
					var ue usageError
					if !errors.As(err, &ue) {
						t.Errorf("emodel %v: want a usage error, got %v\n%s", args, err, out)
						continue
					}
					msg := err.Error()
					for _, want := range []string{"--" + name, fmt.Sprintf("%g", v), fmt.Sprintf("%g … %g", rg.Min, rg.Max)} {
						if !strings.Contains(msg, want) {
							t.Errorf("emodel %v: error %q does not say %q", args, msg, want)
						}
					}
					continue
				}
				if err != nil {
					t.Errorf("emodel %v: %v\n%s", args, err, out)
					continue
				}
				if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
					t.Errorf("emodel %v prints a non-number:\n%s", args, out)
				}
				if asJSON {
					checkFiniteJSON(t, args, out)
				}
			}
		}
	}
}

// checkFiniteJSON decodes the emodel JSON and checks that R is finite and MOS in [1, 4.5].
func checkFiniteJSON(t *testing.T, args []string, out string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Errorf("emodel %v: not JSON: %v\n%s", args, err, out)
		return
	}
	r, okR := m["R"].(float64)
	mos, okM := m["MOS"].(float64)
	if !okR || !okM || math.IsNaN(r) || math.IsInf(r, 0) || !(mos >= 1 && mos <= 4.5) {
		t.Errorf("emodel %v: R %v, MOS %v", args, m["R"], m["MOS"])
	}
}
