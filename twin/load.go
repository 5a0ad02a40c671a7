// Package twin is the assembled twin: a scenario file (topology, workloads, failures,
// run settings) loaded with strict decoding and positioned errors, checked, and later
// built onto one simulation.
package twin

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"dctwin/scenarios"
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
	Spec File
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

// IsBuiltinName reports whether a command-line scenario argument names a built-in
// scenario: no path separator and no .yaml/.yml suffix.
func IsBuiltinName(arg string) bool {
	return !strings.ContainsAny(arg, `/\`) && !strings.HasSuffix(arg, ".yaml") && !strings.HasSuffix(arg, ".yml")
}

// Load reads a scenario from a file path, or from the built-in scenarios when arg is a
// built-in name (see IsBuiltinName).
func Load(arg string) (*Scenario, error) {
	if IsBuiltinName(arg) {
		data, err := scenarios.Read(arg)
		if err != nil {
			return nil, fmt.Errorf("%w (built-in scenarios: %s; a file needs a path or a .yaml suffix)",
				err, strings.Join(scenarios.Names(), ", "))
		}
		return Parse(arg+".yaml", data)
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, err
	}
	s, err := Parse(arg, data)
	if s != nil {
		s.Name = arg
	}
	return s, err
}

// Parse decodes scenario text strictly (unknown keys are errors) and builds its
// topology. Errors are PosError or Errors, each "file:line:col: message".
func Parse(file string, data []byte) (sc *Scenario, err error) {
	defer func() {
		// The YAML library is third-party code fed with user input: whatever it does,
		// a bad file must end in an error, never a crash.
		if r := recover(); r != nil {
			sc, err = nil, &PosError{topology.Pos{File: file, Line: 1, Col: 1}, fmt.Sprintf("%s while reading this file (%v); please report it", InternalErrorText, r)}
		}
	}()
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return nil, positioned(file, perr, nil)
	}
	var body ast.Node
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			return nil, &PosError{nodePos(file, doc.Body), fmt.Sprintf("a scenario file holds one YAML document; document %d is extra", i+1)}
		}
		body = doc.Body
	}
	if body == nil {
		return nil, &PosError{topology.Pos{File: file, Line: 1, Col: 1}, "empty scenario: expected at least `version: 1` and a `topology:` section"}
	}
	body = untag(body)
	if err := resolveAliases(file, body); err != nil {
		return nil, err
	}
	if errs := checkNumbers(file, body, reflect.TypeOf(File{})); len(errs) > 0 {
		return nil, errs
	}
	ctx := context.WithValue(context.Background(), fileKey{}, file)
	sc = &Scenario{Name: strings.TrimSuffix(file, ".yaml"), File: file, Text: data}
	if err := sc.Spec.UnmarshalYAML(ctx, body); err != nil {
		return nil, err
	}
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
		if _, err := topology.ParseClass(r.Class); err != nil {
			errs = append(errs, &PosError{r.PosOf("class"), err.Error()})
		}
		if r.Distribution != "" && !containsDist(r.Distribution) {
			errs = append(errs, &PosError{r.PosOf("distribution"),
				fmt.Sprintf("unknown distribution %q (expected one of exponential, weibull, lognormal)", r.Distribution)})
		}
	}
	return errs
}

func containsDist(d Distribution) bool {
	for _, x := range Distributions {
		if x == d {
			return true
		}
	}
	return false
}
