package experiment

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"dctwin/topology"
)

// Parameter is one scenario setting the experiment varies: a path as `dctwin run --set`
// takes it and the values it takes. Parameters zipped together vary in step (the i-th
// value of each goes together) instead of being crossed.
type Parameter struct {
	Name   string
	Path   string
	Zip    string // the parameter this one varies together with ("" if none)
	Values []Value
	Pos    topology.Pos
	// PathPos is where path: was written.
	PathPos topology.Pos
	// group is the index of the zip group (parameters that vary together).
	group int
}

// Value is one value of a parameter.
type Value struct {
	// Text is the value as YAML, given to scenario.Set; Label is how runs.csv, the
	// summary and the plots name it (the scalar itself, or the flow-style collection).
	Text, Label string
	// Number is the value as a number when it is one (durations in seconds), for plots
	// that put the parameter on a numeric axis.
	Number   float64
	IsNumber bool
	Pos      topology.Pos
}

// Labels lists the parameter's value labels in order.
func (p *Parameter) Labels() []string {
	out := make([]string, len(p.Values))
	for i, v := range p.Values {
		out[i] = v.Label
	}
	return out
}

// Numeric reports whether every value is a number or a duration.
func (p *Parameter) Numeric() bool {
	for _, v := range p.Values {
		if !v.IsNumber {
			return false
		}
	}
	return len(p.Values) > 0
}

func (p *Parameter) index(label string) int {
	for i, v := range p.Values {
		if v.Label == label {
			return i
		}
	}
	return -1
}

// valueOf builds a Value from a node: Text for scenario.Set, Label as written (on one
// line).
func (r *reader) valueOf(n ast.Node) Value {
	u := r.unwrap(n)
	v := Value{Text: r.yamlText(u), Pos: r.pos(n)}
	switch u.(type) {
	case nil, *ast.NullNode:
		v.Text, v.Label = "null", "null"
	case *ast.SequenceNode, *ast.MappingNode, *ast.MappingValueNode:
		v.Label = flowText(u)
	default:
		v.Label = r.str(u, "value")
		v.Number, v.IsNumber = numberOf(v.Label)
	}
	return v
}

// values reads a list of values, or a mapping of labels to values (a label names a
// value that would make a long or unclear label: `nft-preference: {mode: nft, ...}`).
func (r *reader) values(n ast.Node, name string) []Value {
	var out []Value
	if u := r.unwrap(n); u != nil && (u.Type() == ast.MappingType || u.Type() == ast.MappingValueType) {
		fields := r.fields(u, "values of "+name)
		if len(fields) > MaxValues {
			r.errorf(n, "parameter %s: %d values; at most %d", name, len(fields), MaxValues)
			return nil
		}
		for _, fl := range fields {
			if !r.valueNode(fl.value, "parameter "+name+" value "+fl.key) {
				continue
			}
			v := r.valueOf(fl.value)
			v.Label, v.Pos = fl.key, r.pos(fl.keyAt)
			v.Number, v.IsNumber = numberOf(fl.key)
			out = append(out, v)
		}
		return out
	}
	items := r.list(n, "values")
	if len(items) > MaxValues {
		r.errorf(n, "parameter %s: %d values; at most %d", name, len(items), MaxValues)
		return nil
	}
	for _, item := range items {
		if r.valueNode(item, "parameter "+name) {
			out = append(out, r.valueOf(item))
		}
	}
	return out
}

// numberOf reads a number or a duration (in seconds).
func numberOf(s string) (float64, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, true
	}
	if d, err := parseDuration(s); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}

func (s *Spec) readParameters(r *reader, n ast.Node) {
	for _, fl := range r.fields(n, "parameters") {
		p := &Parameter{Name: fl.key, Pos: r.pos(fl.keyAt)}
		if strings.ContainsAny(p.Name, " \t,=\"") || p.Name == "" {
			r.errorf(fl.keyAt, "parameter name %q: use letters, digits, '-', '_' or '.'", p.Name)
			continue
		}
		if reservedColumn(p.Name) {
			r.errorf(fl.keyAt, "parameter name %q is a column of runs.csv already; choose another", p.Name)
			continue
		}
		given := map[string]ast.Node{}
		for _, pf := range r.fields(fl.value, "parameter "+p.Name, "path", "values", "range", "zip") {
			given[pf.key] = pf.value
		}
		if n, ok := given["path"]; ok {
			p.Path, p.PathPos = r.str(n, "path"), r.pos(n)
		}
		if p.Path == "" {
			r.errorf(fl.keyAt, "parameter %s needs path: (a scenario path as --set takes it, e.g. topology.hosts[srv-1].teams[bond0].mode)", p.Name)
		}
		if n, ok := given["zip"]; ok {
			p.Zip = r.str(n, "zip")
		}
		vals, hasVals := given["values"]
		rng, hasRange := given["range"]
		before := len(r.errs)
		switch {
		case hasVals && hasRange:
			r.errorf(rng, "parameter %s: give values or range, not both", p.Name)
		case hasVals:
			p.Values = r.values(vals, p.Name)
		case hasRange:
			p.Values = r.rangeValues(rng, p.Name)
		default:
			r.errorf(fl.keyAt, "parameter %s needs values: [...] or range: {from, to, step}", p.Name)
		}
		if (hasVals || hasRange) && len(p.Values) == 0 && len(r.errs) == before {
			r.errorf(fl.value, "parameter %s has no values", p.Name)
		}
		seen := map[string]bool{}
		for _, v := range p.Values {
			if seen[v.Label] {
				r.errs = append(r.errs, posErr(v.Pos, "parameter %s: value %q is listed twice", p.Name, v.Label))
			}
			seen[v.Label] = true
		}
		s.Parameters = append(s.Parameters, p)
	}
	s.groupZips(r)
}

// rangeValues expands {from, to, step} (numbers or durations; step adds) or
// {from, to, factor} (multiplies). The values run from `from` up to `to`, which is the
// last value when the steps reach it (within a billionth of it); a range whose
// steps pass over `to` ends below it, which Parse warns about. A mistake in a range is
// one error at the key at fault.
func (r *reader) rangeValues(n ast.Node, name string) []Value {
	var from, to, step, factor ast.Node
	for _, fl := range r.fields(n, "range", "from", "to", "step", "factor") {
		switch fl.key {
		case "from":
			from = fl.value
		case "to":
			to = fl.value
		case "step":
			step = fl.value
		case "factor":
			factor = fl.value
		}
	}
	example := "e.g. {from: 10ms, to: 500ms, step: 10ms} or {from: 1s, to: 64s, factor: 2}"
	var missing []string
	for _, k := range []struct {
		key  string
		node ast.Node
	}{{"from", from}, {"to", to}} {
		if k.node == nil {
			missing = append(missing, k.key)
		}
	}
	switch {
	case len(missing) > 0:
		r.errorf(n, "parameter %s: the range has no %s (%s)", name, strings.Join(missing, " and no "), example)
		return nil
	case step == nil && factor == nil:
		r.errorf(n, "parameter %s: the range needs step: (added to from until to) or factor: (multiplied) (%s)", name, example)
		return nil
	case step != nil && factor != nil:
		r.errorf(factor, "parameter %s: give step or factor, not both", name)
		return nil
	}
	at := "parameter " + name + ": range."
	fs, ok := r.scalar(from, at+"from")
	if !ok {
		return nil
	}
	_, isDur := numberOfDuration(fs)
	// num reads a bound or step of the kind from is: a duration if from is one.
	num := func(x ast.Node, what string) (float64, bool) {
		text, ok := r.scalar(x, what)
		if !ok {
			return 0, false
		}
		if isDur {
			d, ok := numberOfDuration(text)
			if !ok {
				r.errorf(x, "%s: expected a duration like from (%s), got %q", what, fs, text)
			}
			return d, ok
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			if _, dur := numberOfDuration(text); dur {
				r.errorf(x, "%s: %q is a duration but from (%s) is a plain number: give both with a unit", what, text, fs)
			} else {
				r.errorf(x, "%s: expected a number or a duration, got %q", what, text)
			}
			return 0, false
		}
		return v, true
	}
	lo, ok1 := num(from, at+"from")
	hi, ok2 := num(to, at+"to")
	if !ok1 || !ok2 {
		return nil
	}
	if hi < lo {
		r.errorf(to, "%sto (%s) is below from (%s): a range counts up", at, r.str(to, ""), fs)
		return nil
	}
	next := func(x float64) float64 { return x }
	if step != nil {
		d, ok := num(step, at+"step")
		if !ok {
			return nil
		}
		if !(d > 0) {
			r.errorf(step, "%sstep must be above 0, got %s", at, r.str(step, ""))
			return nil
		}
		if (hi-lo)/d >= MaxValues {
			r.errorf(step, "parameter %s: the range has more than %d values", name, MaxValues)
			return nil
		}
		next = func(x float64) float64 { return x + d }
	} else {
		f, ok := r.number(factor, at+"factor")
		if !ok {
			return nil
		}
		if !(f > 1) || !(lo > 0) {
			r.errorf(factor, "%sfactor must be above 1 and from above 0", at)
			return nil
		}
		if math.Log(hi/lo)/math.Log(f) >= MaxValues {
			r.errorf(factor, "parameter %s: the range has more than %d values", name, MaxValues)
			return nil
		}
		next = func(x float64) float64 { return x * f }
	}
	if len(r.errs) > 0 {
		return nil
	}
	var out []Value
	pos := r.pos(n)
	// A value within a billionth of `to` counts as `to`, so that 0.1 steps that do not
	// add up exactly still end on it.
	x, last := lo, lo
	for i := 0; x <= hi*(1+1e-9)+1e-12 && i < MaxValues; i++ {
		out = append(out, rangeValue(x, isDur, pos))
		last = x
		x = next(x)
	}
	if !closeTo(last, hi) {
		r.warnf(to, "parameter %s: the range ends at %s, below to (%s): the steps from %s do not reach it",
			name, out[len(out)-1].Label, r.str(to, ""), fs)
	}
	return out
}

// rangeValue is the value x of a range, a duration (in seconds) or a number.
func rangeValue(x float64, isDur bool, pos topology.Pos) Value {
	if isDur {
		d := time.Duration(math.Round(x * 1e9))
		return Value{Text: d.String(), Label: d.String(), Number: d.Seconds(), IsNumber: true, Pos: pos}
	}
	t := strconv.FormatFloat(roundTo(x, 12), 'g', -1, 64)
	return Value{Text: t, Label: t, Number: roundTo(x, 12), IsNumber: true, Pos: pos}
}

// closeTo reports whether a range's last value is its end, within the tolerance the
// range allows for rounding.
func closeTo(last, end float64) bool {
	return math.Abs(last-end) <= math.Abs(end)*1e-9+1e-12
}

// numberOfDuration reads a duration in seconds; plain numbers are not durations.
func numberOfDuration(s string) (float64, bool) {
	if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return 0, false
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, false
	}
	return d.Seconds(), true
}

// roundTo rounds to n significant digits, so that 0.1+0.2 prints as 0.3.
func roundTo(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
	return v
}

// groupZips joins parameters that name each other in zip: into groups that vary in
// step; each group must have values of one length.
func (s *Spec) groupZips(r *reader) {
	parent := make([]int, len(s.Parameters))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	for i, p := range s.Parameters {
		if p.Zip == "" {
			continue
		}
		j := -1
		for k, q := range s.Parameters {
			if q.Name == p.Zip {
				j = k
			}
		}
		switch {
		case j < 0:
			r.errs = append(r.errs, posErr(p.Pos, "parameter %s: zip names no parameter %q (parameters: %s)", p.Name, p.Zip, strings.Join(s.parameterNames(), ", ")))
		case j == i:
			r.errs = append(r.errs, posErr(p.Pos, "parameter %s: zip names itself", p.Name))
		default:
			a, b := find(i), find(j)
			if a < b {
				parent[b] = a
			} else {
				parent[a] = b
			}
		}
	}
	groups := map[int]int{}
	for i, p := range s.Parameters {
		root := find(i)
		g, ok := groups[root]
		if !ok {
			g = len(groups)
			groups[root] = g
		}
		p.group = g
		first := s.Parameters[root]
		if len(p.Values) != len(first.Values) && len(p.Values) > 0 && len(first.Values) > 0 {
			r.errs = append(r.errs, posErr(p.Pos, "parameter %s has %d values but varies together (zip) with %s, which has %d",
				p.Name, len(p.Values), first.Name, len(first.Values)))
		}
	}
}
