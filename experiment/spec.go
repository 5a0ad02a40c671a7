package experiment

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology"
)

// Version is the experiment file format version (`version: 1`).
const Version = 1

// Limits that keep a mistyped range or a huge grid from running away.
const (
	MaxFileBytes      = 1 << 20 // an experiment file
	MaxValues         = 10_000  // values of one parameter
	MaxConfigurations = 100_000 // configurations of the grid
	MaxReplications   = 1_000_000
	maxSeriesPoints   = 10_000
)

// Spec is an experiment file as loaded: a base scenario, the parameters swept over it
// (scenario paths, as `dctwin run --set` takes them) whose product is the grid, the
// replications (seeds), the metrics collected per run and the plots drawn from them.
// Every part remembers where it was written, so that a mistake found later (a value
// the scenario refuses, a configuration that fails its check) points at the file.
type Spec struct {
	File string // the name positions refer to
	Text []byte // the file as written

	Name        string // experiment:
	Description string
	// ScenarioRef is the scenario as written (a built-in name or a path next to the
	// file); Scenario is it loaded.
	ScenarioRef string
	Scenario    *scenario.Scenario
	// Sets are overrides applied to every configuration before the parameters.
	Sets []Set
	// Duration replaces the scenario's run duration when positive.
	Duration time.Duration
	// FirstSeed is the seed of replication 1; replication k runs with FirstSeed+k-1 in
	// every configuration (common random numbers).
	FirstSeed    uint64
	Replications int
	// Force runs configurations that `dctwin check` finds errors in.
	Force bool

	Parameters []*Parameter
	Excludes   []Exclusion
	// Baseline names, per parameter, the value paired differences are taken against,
	// all other parameters equal. Without baseline: in the file, it is the first value
	// of the first parameter (Results.BaselineOf).
	Baseline map[string]string
	Metrics  []MetricSpec
	Series   []SeriesSpec
	// Precision, when set, adds replications until the named metric's 95 % confidence
	// interval is narrow enough (see Precision).
	Precision *Precision
	Plots     []PlotSpec

	// Warnings are what the file allows but likely does not mean (a range that ends
	// below its to:, a metric no run can have), each at its position; the commands
	// print them before they run.
	Warnings scenario.Errors

	pos map[string]topology.Pos // where each top-level key was written
	// withSets is the base scenario with Sets applied, which configurations copy.
	withSets *scenario.Scenario
}

// Set is one fixed override of the base scenario.
type Set struct {
	Path, Value string
	Pos         topology.Pos // of the value
	PathPos     topology.Pos
}

// Exclusion removes the configurations whose parameters have all the given values.
type Exclusion struct {
	Values map[string]string // parameter name → value label
	Pos    topology.Pos
}

// MetricSpec is one figure collected per run: a named metric of the run report
// (twin.Metric) or one the experiment measures itself (see Metrics).
type MetricSpec struct {
	Name string
	// IfAbsent is the value recorded when a run's report has no such figure (a failure
	// that interrupted no flow has no longest outage: 0 is the truth there); without it
	// the value is left empty and the run does not count for that metric.
	IfAbsent *float64
	Pos      topology.Pos
}

// SeriesSpec samples a quantity over simulated time: from From to To every Step.
type SeriesSpec struct {
	Metric         string
	From, To, Step time.Duration
	Pos            topology.Pos
}

// Times lists the sampling instants.
func (s SeriesSpec) Times() []time.Duration {
	var out []time.Duration
	for t := s.From; t <= s.To && s.Step > 0; t += s.Step {
		out = append(out, t)
	}
	return out
}

// Precision is sequential stopping: replications are added per configuration, in
// rounds, until the 95 % confidence interval of Metric has a half-width of at most
// HalfWidth times its mean, or MaxReplications are done.
type Precision struct {
	Metric          string
	HalfWidth       float64 // a share of the mean: 0.05 for 5 %
	MaxReplications int
	Pos             topology.Pos
}

// PlotSpec is one plot of the report (see PlotKinds).
type PlotSpec struct {
	Kind   string
	Metric string
	// X is the parameter along the x axis, Group the one that tells lines or boxes
	// apart, Facet the one that gets a plot per value.
	X, Group, Facet string
	Title           string
	Pos             topology.Pos
}

// Opener loads the scenario an experiment names: a built-in name or a path relative to
// the experiment file.
type Opener func(ref string) (*scenario.Scenario, error)

// FileOpener loads scenarios the way an experiment file on disk refers to them: a
// built-in name (no path separator, no .yaml), or a path relative to dir.
func FileOpener(dir string) Opener {
	return func(ref string) (*scenario.Scenario, error) {
		if scenarios.IsBuiltinName(ref) {
			return scenarios.Load(ref)
		}
		if !filepath.IsAbs(ref) {
			ref = filepath.Join(dir, ref)
		}
		return scenario.LoadFile(ref)
	}
}

// LoadFile reads an experiment file; its scenario is looked up next to it.
func LoadFile(path string) (*Spec, error) {
	data, err := readLimited(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, FileOpener(filepath.Dir(path)))
}

var topKeys = []string{"version", "experiment", "description", "scenario", "set", "duration", "seed",
	"replications", "force", "parameters", "exclude", "baseline", "metrics", "series", "precision", "plots"}

// Parse decodes an experiment file strictly and checks it: names, paths and values of
// parameters (each value is applied to the base scenario, so a path the scenario does
// not have is an error here, at the value), zip groups, exclusions, metrics and plots.
// Errors are scenario.PosError or scenario.Errors ("file:line:col: message").
func Parse(file string, data []byte, open Opener) (spec *Spec, err error) {
	defer func() {
		// The YAML library is third-party code fed with user input: a bad file ends in
		// an error, never a crash.
		if rec := recover(); rec != nil {
			spec, err = nil, &scenario.PosError{Pos: topology.Pos{File: file, Line: 1, Col: 1},
				Msg: fmt.Sprintf("internal error while reading this file (%v); please report it", rec)}
		}
	}()
	r := &reader{file: file}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) > MaxFileBytes {
		return nil, &scenario.PosError{Pos: r.pos(nil), Msg: fmt.Sprintf("the file is larger than %d KiB, the most an experiment file may have", MaxFileBytes>>10)}
	}
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return nil, syntaxError(file, data, perr)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, &scenario.PosError{Pos: r.pos(nil), Msg: "expected one YAML document with `version: 1` and `scenario:` (see 'dctwin experiment show teaming-modes')"}
	}
	body := f.Docs[0].Body
	s := &Spec{File: file, Text: data, FirstSeed: 1, Replications: 1, pos: map[string]topology.Pos{}}
	nodes := map[string]ast.Node{}
	for _, fl := range r.fields(body, "the experiment", topKeys...) {
		nodes[fl.key] = fl.value
		s.pos[fl.key] = r.pos(fl.keyAt)
	}
	if len(r.errs) > 0 {
		return nil, r.result()
	}
	if n, ok := nodes["version"]; !ok {
		r.errorf(body, "missing `version: 1` (the experiment format version) at the top of the file")
	} else if v := r.integer(n, "version", 0, 1<<30); v != Version && len(r.errs) == 0 {
		r.errorf(n, "unsupported version %d: expected %d", v, Version)
	}
	s.Name = r.str(nodes["experiment"], "experiment")
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	s.Description = r.str(nodes["description"], "description")
	if n, ok := nodes["scenario"]; ok {
		s.ScenarioRef = r.str(n, "scenario")
	}
	if s.ScenarioRef == "" {
		r.errorf(body, "missing `scenario:` (a built-in scenario such as teaming-lab, or a file next to this one)")
		return nil, r.result()
	}
	if n, ok := nodes["duration"]; ok {
		if s.Duration = r.duration(n, "duration"); s.Duration <= 0 && len(r.errs) == 0 {
			r.errorf(n, "duration: expected a positive duration")
		}
	}
	if n, ok := nodes["seed"]; ok {
		s.FirstSeed = uint64(r.integer(n, "seed", 0, 1<<62))
	}
	if n, ok := nodes["replications"]; ok {
		s.Replications = r.integer(n, "replications", 1, MaxReplications)
	}
	if n, ok := nodes["force"]; ok {
		s.Force = r.boolean(n, "force")
	}
	for _, fl := range r.fields(nodes["set"], "set") {
		if !r.valueNode(fl.value, "set."+fl.key) {
			continue
		}
		s.Sets = append(s.Sets, Set{Path: fl.key, Value: r.yamlText(fl.value), Pos: r.pos(fl.value), PathPos: r.pos(fl.keyAt)})
	}
	s.readParameters(r, nodes["parameters"])
	s.readExcludes(r, nodes["exclude"])
	s.readBaseline(r, nodes["baseline"])
	s.readMetrics(r, nodes["metrics"])
	s.readSeries(r, nodes["series"])
	s.readPrecision(r, nodes["precision"])
	s.readPlots(r, nodes["plots"])
	if len(r.errs) > 0 {
		return nil, r.result()
	}
	sc, err := open(s.ScenarioRef)
	if err != nil {
		if es := scenario.AsErrors(err); es != nil {
			return nil, err
		}
		return nil, &scenario.PosError{Pos: r.pos(nodes["scenario"]), Msg: fmt.Sprintf("scenario %s: %v", s.ScenarioRef, err)}
	}
	s.Scenario = sc
	s.Warnings = r.warns
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// result is the mistakes found, in the order of the file.
func (r *reader) result() error {
	if len(r.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(r.errs, func(a, b *scenario.PosError) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	if len(r.errs) == 1 {
		return r.errs[0]
	}
	return r.errs
}

// syntaxError turns the parser's error into a positioned one that says what to
// write. Two mistakes get words of their own: a key without its colon, for which the
// parser says "non-map value is specified" or "unexpected key name"; and metric names
// such as failure[0].detected_after_ms in flow style ({...}, [...]), whose brackets
// YAML takes for its own: the message says to quote them.
func syntaxError(file string, data []byte, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &scenario.PosError{Pos: topology.Pos{File: file, Line: 1, Col: 1}, Msg: err.Error()}
	}
	pos := tokenPos(file, ye.GetToken())
	msg := ye.GetMessage()
	lines := bytes.Split(data, []byte("\n"))
	if pos.Line < 1 || pos.Line > len(lines) {
		return &scenario.PosError{Pos: pos, Msg: msg}
	}
	line := strings.TrimRight(string(lines[pos.Line-1]), "\r")
	rest := ""
	if pos.Col >= 1 && pos.Col <= len(line) {
		rest = strings.TrimSpace(line[pos.Col-1:])
	}
	if i := strings.Index(rest, " #"); i >= 0 {
		rest = strings.TrimSpace(rest[:i])
	}
	switch {
	case (msg == "non-map value is specified" || msg == "unexpected key name") && rest != "" &&
		!strings.Contains(rest, ": ") && !strings.HasSuffix(rest, ":"):
		key, value, _ := strings.Cut(rest, " ")
		if value = strings.TrimSpace(value); value != "" {
			msg = fmt.Sprintf("missing ':' after %q: write \"%s: %s\"", key, key, value)
		} else {
			msg = fmt.Sprintf("missing ':' after %q: write \"%s: VALUE\" (or \"%s:\" with the value on the lines below)", key, key, key)
		}
	case flowStart.MatchString(line) && strings.Contains(line, "]."):
		msg += ` (inside { } or [ ], write names with brackets in quotes: metric: "failure[0].detected_after_ms")`
	}
	return &scenario.PosError{Pos: pos, Msg: msg}
}

// flowStart matches a line with a flow-style collection: a value or list item that
// begins with { or [.
var flowStart = regexp.MustCompile(`(^|:\s|^\s*-\s)\s*[\[{]`)

// valueNode accepts any value but aliases (see unwrap).
func (r *reader) valueNode(n ast.Node, what string) bool {
	return n == nil || r.unwrap(n) != nil || isNull(n)
}

func (s *Spec) readExcludes(r *reader, n ast.Node) {
	for _, item := range r.list(n, "exclude") {
		ex := Exclusion{Values: map[string]string{}, Pos: r.pos(item)}
		for _, fl := range r.fields(item, "an exclude entry") {
			p := s.Parameter(fl.key)
			if p == nil {
				r.errorf(fl.keyAt, "exclude: no parameter %q (parameters: %s)", fl.key, strings.Join(s.parameterNames(), ", "))
				continue
			}
			label := r.str(fl.value, "exclude."+fl.key)
			if len(p.Values) == 0 {
				continue // its own mistake is reported at the parameter
			}
			if p.index(label) < 0 {
				r.errorf(fl.value, "exclude: parameter %s has no value %q (values: %s)", fl.key, label, strings.Join(p.Labels(), ", "))
				continue
			}
			ex.Values[fl.key] = label
		}
		if len(ex.Values) > 0 {
			s.Excludes = append(s.Excludes, ex)
		}
	}
}

func (s *Spec) readBaseline(r *reader, n ast.Node) {
	s.Baseline = map[string]string{}
	for _, fl := range r.fields(n, "baseline") {
		p := s.Parameter(fl.key)
		if p == nil {
			r.errorf(fl.keyAt, "baseline: no parameter %q (parameters: %s)", fl.key, strings.Join(s.parameterNames(), ", "))
			continue
		}
		label := r.str(fl.value, "baseline."+fl.key)
		if len(p.Values) == 0 {
			continue // its own mistake is reported at the parameter
		}
		if p.index(label) < 0 {
			r.errorf(fl.value, "baseline: parameter %s has no value %q (values: %s)", fl.key, label, strings.Join(p.Labels(), ", "))
			continue
		}
		s.Baseline[fl.key] = label
	}
}

func (s *Spec) readMetrics(r *reader, n ast.Node) {
	if n == nil {
		r.errorf(nil, "missing `metrics:` (the named metrics of the run report to collect, e.g. failure[0].detected_after_ms)")
		return
	}
	seen := map[string]bool{}
	for _, item := range r.list(n, "metrics") {
		var m MetricSpec
		m.Pos = r.pos(item)
		if u := r.unwrap(item); u != nil && (u.Type() == ast.MappingType || u.Type() == ast.MappingValueType) {
			for _, fl := range r.fields(u, "a metric", "name", "if_absent") {
				switch fl.key {
				case "name":
					m.Name = r.name(fl.value, "metrics.name")
				case "if_absent":
					if v, ok := r.number(fl.value, "metrics.if_absent"); ok {
						m.IfAbsent = &v
					}
				}
			}
			if m.Name == "" {
				r.errorf(item, "a metric needs a name")
				continue
			}
		} else {
			m.Name = r.name(item, "metrics")
		}
		if m.Name == "" {
			continue
		}
		if err := checkMetricName(m.Name); err != nil {
			r.errorf(item, "%v", err)
			continue
		}
		if seen[m.Name] {
			r.errorf(item, "metric %s is listed twice", m.Name)
			continue
		}
		seen[m.Name] = true
		s.Metrics = append(s.Metrics, m)
	}
}

func (s *Spec) readSeries(r *reader, n ast.Node) {
	for _, item := range r.list(n, "series") {
		sr := SeriesSpec{Pos: r.pos(item)}
		given := map[string]bool{}
		for _, fl := range r.fields(item, "a series", "metric", "from", "to", "step") {
			given[fl.key] = true
			switch fl.key {
			case "metric":
				sr.Metric = r.name(fl.value, "series.metric")
				if sr.Metric != "" && !slices.Contains(SeriesMetrics, sr.Metric) {
					r.errorf(fl.value, "series.metric: unknown %q (expected one of: %s)", sr.Metric, strings.Join(SeriesMetrics, ", "))
				}
			case "from":
				sr.From = r.duration(fl.value, "series.from")
			case "to":
				sr.To = r.duration(fl.value, "series.to")
			case "step":
				sr.Step = r.duration(fl.value, "series.step")
			}
		}
		for _, k := range []string{"metric", "to", "step"} {
			if !given[k] {
				r.errorf(item, "a series needs %s (e.g. {metric: calls.mos, from: 5s, to: 40s, step: 500ms})", k)
			}
		}
		switch {
		case !given["to"] || !given["step"]:
		case sr.Step <= 0:
			r.errorf(item, "series: step must be positive")
		case sr.To < sr.From:
			r.errorf(item, "series: to (%v) is before from (%v)", sr.To, sr.From)
		case (sr.To-sr.From)/sr.Step >= maxSeriesPoints:
			r.errorf(item, "series: %d points; at most %d", (sr.To-sr.From)/sr.Step+1, maxSeriesPoints)
		}
		s.Series = append(s.Series, sr)
	}
}

func (s *Spec) readPrecision(r *reader, n ast.Node) {
	if isNull(r.unwrap(n)) {
		return
	}
	p := &Precision{Pos: r.pos(n)}
	given := map[string]bool{}
	for _, fl := range r.fields(n, "precision", "metric", "half_width", "max_replications") {
		given[fl.key] = true
		switch fl.key {
		case "metric":
			p.Metric = r.name(fl.value, "precision.metric")
		case "half_width":
			p.HalfWidth = r.share(fl.value, "precision.half_width")
		case "max_replications":
			p.MaxReplications = r.integer(fl.value, "precision.max_replications", 2, MaxReplications)
		}
	}
	if !given["metric"] || !given["half_width"] {
		r.errorf(n, "precision needs metric and half_width, e.g. {metric: failure[0].detected_after_ms, half_width: 5%%, max_replications: 200}")
	}
	s.Precision = p
}

func (s *Spec) readPlots(r *reader, n ast.Node) {
	for _, item := range r.list(n, "plots") {
		p := PlotSpec{Pos: r.pos(item)}
		for _, fl := range r.fields(item, "a plot", "kind", "metric", "x", "group", "facet", "title") {
			switch fl.key {
			case "kind":
				p.Kind = r.str(fl.value, "plots.kind")
				if !slices.Contains(PlotKinds, p.Kind) {
					r.errorf(fl.value, "plots.kind: unknown %q (expected one of: %s)", p.Kind, strings.Join(PlotKinds, ", "))
				}
			case "metric":
				p.Metric = r.name(fl.value, "plots.metric")
			case "x", "group", "facet":
				name := r.str(fl.value, "plots."+fl.key)
				if s.Parameter(name) == nil {
					r.errorf(fl.value, "plots.%s: no parameter %q (parameters: %s)", fl.key, name, strings.Join(s.parameterNames(), ", "))
				}
				switch fl.key {
				case "x":
					p.X = name
				case "group":
					p.Group = name
				default:
					p.Facet = name
				}
			case "title":
				p.Title = r.str(fl.value, "plots.title")
			}
		}
		if p.Kind == "" || p.Metric == "" {
			r.errorf(item, "a plot needs kind and metric, e.g. {kind: box, metric: failure[0].detected_after_ms, x: mode}")
			continue
		}
		s.Plots = append(s.Plots, p)
	}
}

// Parameter returns the parameter of that name, or nil.
func (s *Spec) Parameter(name string) *Parameter {
	for _, p := range s.Parameters {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (s *Spec) parameterNames() []string {
	names := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		names[i] = p.Name
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

// PosOf is where a top-level key was written (the file's start if it was not).
func (s *Spec) PosOf(key string) topology.Pos {
	if p, ok := s.pos[key]; ok {
		return p
	}
	return topology.Pos{File: s.File, Line: 1, Col: 1}
}
