package scenario

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"dctwin/topology"
)

// InternalErrorText starts the message of a load error that is a bug in dctwin (or the
// YAML library) rather than in the file; the fuzz test looks for it.
const InternalErrorText = "internal error"

// DefaultRunDuration is used when a scenario has no `run: duration`.
const DefaultRunDuration = 60 * time.Second

// Scenario is a loaded scenario: the file as written (Spec). Spec is the one source of
// truth: the topology model, the check and the twin are built from it when they are
// asked for, so an edit of Spec (or an override with Set) takes effect everywhere.
type Scenario struct {
	Name string // built-in name or the path given
	File string // the name positions refer to
	Text []byte
	Spec Spec
}

// Topology builds the static model of the scenario's topology section, with defaults
// applied. Vocabulary mistakes were reported when the scenario was loaded (or by Set);
// if Spec was edited since, call Validate to see them.
func (s *Scenario) Topology() *topology.Topology {
	t, _ := buildTopology(s.File, &s.Spec.Topology)
	return t
}

// Validate reports the mistakes in the scenario's vocabulary (modes, kinds, ports,
// classes) that make it unloadable, each with its position.
func (s *Scenario) Validate() error {
	switch v := s.Spec.Version; {
	case v == 0:
		return &PosError{s.Spec.Pos, "missing `version: 1` (the scenario format version) at the top of the file"}
	case v != SchemaVersion:
		return &PosError{s.Spec.PosOf("version"), fmt.Sprintf("unsupported version %d: expected %d", v, SchemaVersion)}
	}
	_, errs := buildTopology(s.File, &s.Spec.Topology)
	errs = append(errs, checkSectionValues(s)...)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Workloads is the scenario's `workloads:` section.
func (s *Scenario) Workloads() Workloads { return s.Spec.Workloads }

// Failures is the scenario's `failures:` section.
func (s *Scenario) Failures() Failures { return s.Spec.Failures }

// Run is the scenario's `run:` section with defaults applied.
func (s *Scenario) Run() Run {
	r := s.Spec.Run
	if r.Duration == 0 {
		r.Duration = Duration(DefaultRunDuration)
	}
	return r
}

// LoadFile reads a scenario file, at most MaxFileBytes of it: a larger file, or a
// device that never ends (/dev/zero), is refused without reading more.
func LoadFile(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a scenario file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &PosError{topology.Pos{File: path, Line: 1, Col: 1},
			fmt.Sprintf("the file is larger than %d MiB, the most a scenario may have", MaxFileBytes>>20)}
	}
	s, err := Parse(path, data)
	if s != nil {
		s.Name = path
	}
	return s, err
}

// Parse decodes scenario text strictly (unknown keys are errors) and validates its
// vocabulary. Errors are PosError or Errors, each "file:line:col: message".
func Parse(file string, data []byte) (sc *Scenario, err error) {
	defer func() {
		// The YAML library is third-party code fed with user input: whatever it does,
		// a bad file must end in an error, never a crash.
		if r := recover(); r != nil {
			sc, err = nil, &PosError{topology.Pos{File: file, Line: 1, Col: 1}, fmt.Sprintf("%s while reading this file (%v); please report it", InternalErrorText, r)}
		}
	}()
	spec, err := decodeDocument(file, data)
	if err != nil {
		return nil, err
	}
	sc = &Scenario{Name: strings.TrimSuffix(file, ".yaml"), File: file, Text: data, Spec: spec}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return sc, nil
}

// checkSectionValues rejects values of the workloads/failures sections that are not in
// their vocabulary (a class name, a distribution); names are checked by validation.
func checkSectionValues(sc *Scenario) Errors {
	var errs Errors
	for _, r := range sc.Spec.Failures.Random {
		class, err := topology.ParseClass(r.Class)
		if err != nil {
			errs = append(errs, &PosError{r.PosOf("class"), err.Error()})
		}
		if r.Kind != "" && err == nil && !slices.Contains(kindsOf(class), r.Kind) {
			errs = append(errs, &PosError{r.PosOf("kind"),
				fmt.Sprintf("random %s failures cannot be of kind %s (expected one of %s)", r.Class, r.Kind, strings.Join(kindsOf(class), ", "))})
		}
		if r.Distribution != "" && !containsDist(r.Distribution) {
			errs = append(errs, &PosError{r.PosOf("distribution"),
				fmt.Sprintf("unknown distribution %q (expected one of exponential, weibull, lognormal)", r.Distribution)})
		}
	}
	return errs
}

// kindsOf lists the failure kinds of a component class (no repair, no operation).
func kindsOf(c topology.Class) []string {
	var out []string
	for _, k := range FailureKinds {
		if k.Class() == c && k != RepairKind && !k.Operation() {
			out = append(out, string(k))
		}
	}
	return out
}

func containsDist(d Distribution) bool {
	for _, x := range Distributions {
		if x == d {
			return true
		}
	}
	return false
}
