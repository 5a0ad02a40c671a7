package experiment

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// mismatch explains why the runs of a directory (its experiment.json, old) are not
// those of spec s: another experiment, by name and file, or the parts of the same
// experiment's spec that differ, with the values where they are short. Two sha256
// hashes tell a user nothing.
func mismatch(old *Meta, s *Spec) string {
	if old.Experiment != s.Name {
		return fmt.Sprintf("it holds the runs of experiment %s (%s), not of %s (%s)", old.Experiment, old.Spec.File, s.Name, filepath.Base(s.File))
	}
	return fmt.Sprintf("it holds runs of %s from another spec: %s", s.Name, specDifferences(old, s))
}

// specDifferences says how the spec old's runs were made from differs from s
// ("there" is old's, "here" s's), and which command-line settings made them.
func specDifferences(old *Meta, s *Spec) string {
	prev, err := SpecOf(old)
	if err != nil {
		return fmt.Sprintf("%s there, %s here", old.Hash, s.Hash())
	}
	msg := strings.Join(differences(prev, s), "; ")
	if o := old.Spec.Overrides; o != (Overrides{}) {
		var flags []string
		if o.Replications > 0 {
			flags = append(flags, fmt.Sprintf("--replications %d", o.Replications))
		}
		if o.Precision != "" {
			flags = append(flags, "--precision "+o.Precision)
		}
		if o.MaxReplications > 0 {
			flags = append(flags, fmt.Sprintf("--max-replications %d", o.MaxReplications))
		}
		msg += " (those runs were made with " + strings.Join(flags, " ") + ")"
	}
	return msg
}

// specMismatch is a directory whose runs are another spec's: its message says how,
// and errors.Is finds errMismatch in it.
type specMismatch struct{ msg string }

func (e *specMismatch) Error() string { return e.msg }
func (e *specMismatch) Unwrap() error { return errMismatch }

func mismatchf(format string, args ...any) error {
	return &specMismatch{fmt.Sprintf(format, args...)}
}

// differences names the parts of two specs that decide different runs, "there"
// being a's and "here" b's.
func differences(a, b *Spec) []string {
	ca, cb := a.canonical(), b.canonical()
	var out []string
	part := func(name string, x, y any, short bool) {
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		if string(jx) == string(jy) {
			return
		}
		if short {
			out = append(out, fmt.Sprintf("%s %v there, %v here", name, x, y))
		} else {
			out = append(out, name+" differ")
		}
	}
	part("the scenario texts", ca.Scenario, cb.Scenario, false)
	part("the set: overrides", ca.Sets, cb.Sets, false)
	part("duration", ca.Duration, cb.Duration, true)
	part("seed", ca.FirstSeed, cb.FirstSeed, true)
	part("replications", ca.Replications, cb.Replications, true)
	part("force", ca.Force, cb.Force, true)
	part("the parameters", ca.Parameters, cb.Parameters, false)
	part("the exclusions", ca.Excludes, cb.Excludes, false)
	part("the metrics", ca.Metrics, cb.Metrics, false)
	part("the series", ca.Series, cb.Series, false)
	part("the precision settings", ca.Precision, cb.Precision, false)
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("%s there, %s here", a.Hash(), b.Hash()))
	}
	return out
}
