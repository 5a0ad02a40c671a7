package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"dctwin/scenario"
	"dctwin/topology"
)

// reader walks the syntax tree of an experiment file (goccy/go-yaml's parser) and
// collects every mistake with its position, so that a file with three typos gets three
// errors at once. It is strict as the scenario decoder is: an unknown key, a list where
// a value belongs, a fraction where a whole number belongs are errors, each saying what
// was expected.
type reader struct {
	file  string
	errs  scenario.Errors
	warns scenario.Errors // what is allowed but likely not meant
}

// field is one key of a mapping with its value.
type field struct {
	key   string
	keyAt ast.Node
	value ast.Node
}

func (r *reader) pos(n ast.Node) topology.Pos {
	if n == nil {
		return topology.Pos{File: r.file, Line: 1, Col: 1}
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		n = m.Values[0].Key
	}
	if mv, ok := n.(*ast.MappingValueNode); ok && !mv.IsFlowStyle {
		n = mv.Key
	}
	return tokenPos(r.file, n.GetToken())
}

func tokenPos(file string, tk *token.Token) topology.Pos {
	if tk == nil || tk.Position == nil {
		return topology.Pos{File: file, Line: 1, Col: 1}
	}
	return topology.Pos{File: file, Line: tk.Position.Line, Col: tk.Position.Column}
}

func (r *reader) errorf(n ast.Node, format string, args ...any) {
	r.errs = append(r.errs, &scenario.PosError{Pos: r.pos(n), Msg: fmt.Sprintf(format, args...)})
}

func (r *reader) warnf(n ast.Node, format string, args ...any) {
	r.warns = append(r.warns, &scenario.PosError{Pos: r.pos(n), Msg: fmt.Sprintf(format, args...)})
}

// unwrap looks through anchors and tags; aliases are refused (an experiment file is
// short enough to write out, and refusing them keeps expansion bounded).
func (r *reader) unwrap(n ast.Node) ast.Node {
	for n != nil {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			r.errorf(n, "aliases (*name) are not supported in experiment files: write the value out")
			return nil
		default:
			return n
		}
	}
	return nil
}

func isNull(n ast.Node) bool { return n == nil || n.Type() == ast.NullType }

// fields returns the keys of a mapping in the order written, reporting keys not in
// allowed and keys written twice.
func (r *reader) fields(n ast.Node, what string, allowed ...string) []field {
	n = r.unwrap(n)
	var pairs []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		pairs = m.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{m}
	case nil:
		return nil
	default:
		r.errorf(n, "%s: expected a mapping (key: value lines), got %s", what, describe(n))
		return nil
	}
	var out []field
	seen := map[string]bool{}
	for _, p := range pairs {
		key := strings.TrimSpace(p.Key.GetToken().Value)
		if _, merge := p.Key.(*ast.MergeKeyNode); merge {
			r.errorf(p.Key, "merge keys (<<) are not supported in experiment files")
			continue
		}
		if allowed != nil && !slices.Contains(allowed, key) {
			r.errorf(p.Key, "unknown key %q in %s (expected one of: %s)", key, what, strings.Join(sorted(allowed), ", "))
			continue
		}
		if seen[key] {
			r.errorf(p.Key, "%q is written twice in %s", key, what)
			continue
		}
		seen[key] = true
		out = append(out, field{key: key, keyAt: p.Key, value: p.Value})
	}
	return out
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// list returns the items of a sequence.
func (r *reader) list(n ast.Node, what string) []ast.Node {
	n = r.unwrap(n)
	if n == nil {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		r.errorf(n, "%s: expected a list, got %s", what, describe(n))
		return nil
	}
	return seq.Values
}

// scalar is the text of a scalar value (unquoted), and false (with an error) for a list
// or a mapping.
func (r *reader) scalar(n ast.Node, what string) (string, bool) {
	n = r.unwrap(n)
	if n == nil {
		return "", false
	}
	switch v := n.(type) {
	case *ast.SequenceNode, *ast.MappingNode, *ast.MappingValueNode:
		r.errorf(n, "%s: expected a single value, got %s", what, describe(n))
		return "", false
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.NullNode:
		return "", true
	}
	return n.GetToken().Value, true
}

func (r *reader) str(n ast.Node, what string) string {
	s, _ := r.scalar(n, what)
	return s
}

// name is a non-empty string without spaces, as parameter names and metric names are.
func (r *reader) name(n ast.Node, what string) string {
	s, ok := r.scalar(n, what)
	if !ok {
		return ""
	}
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, " \t\n,=") {
		r.errorf(n, "%s: expected a name without spaces, commas or '=', got %q", what, s)
		return ""
	}
	return s
}

func (r *reader) integer(n ast.Node, what string, low, high int) int {
	s, ok := r.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		r.errorf(n, "%s: expected a whole number, got %q", what, s)
		return 0
	}
	if v < low || v > high {
		r.errorf(n, "%s: %d is out of range (%d to %d)", what, v, low, high)
		return 0
	}
	return v
}

func (r *reader) number(n ast.Node, what string) (float64, bool) {
	s, ok := r.scalar(n, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		r.errorf(n, "%s: expected a number, got %q", what, s)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(n ast.Node, what string) bool {
	s, ok := r.scalar(n, what)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	r.errorf(n, "%s: expected true or false, got %q", what, s)
	return false
}

func (r *reader) duration(n ast.Node, what string) time.Duration {
	s, ok := r.scalar(n, what)
	if !ok {
		return 0
	}
	d, err := parseDuration(s)
	if err != nil {
		r.errorf(n, "%s: invalid duration %q: expected a number with a unit (ms, s, m, h), e.g. 250ms, 10s, 5m", what, s)
	}
	return d
}

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative")
	}
	return d, err
}

// share reads "5%" or 0.05 as 0.05.
func (r *reader) share(n ast.Node, what string) float64 {
	s, ok := r.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := parseShare(s)
	if err != nil {
		r.errorf(n, "%s: %v", what, err)
	}
	return v
}

func parseShare(s string) (float64, error) {
	text := strings.TrimSpace(s)
	scale := 1.0
	if t, pct := strings.CutSuffix(text, "%"); pct {
		text, scale = strings.TrimSpace(t), 0.01
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || !(v*scale > 0) || v*scale >= 1 {
		return 0, fmt.Errorf("expected a share of the mean such as 5%% or 0.05 (above 0, under 100%%), got %q", s)
	}
	return v * scale, nil
}

// flowText is a value as one line of YAML as written, for labels.
func flowText(n ast.Node) string {
	if n == nil {
		return "null"
	}
	return strings.Join(strings.Fields(n.String()), " ")
}

// yamlText renders a value as one line of YAML in flow style, whatever style it was
// written in, for scenario.Set: strings double-quoted (JSON strings are YAML), other
// scalars as written.
func (r *reader) yamlText(n ast.Node) string {
	n = r.unwrap(n)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "null"
	case *ast.StringNode:
		q, _ := json.Marshal(v.Value)
		return string(q)
	case *ast.LiteralNode:
		q, _ := json.Marshal(v.Value.Value)
		return string(q)
	case *ast.SequenceNode:
		parts := make([]string, len(v.Values))
		for i, item := range v.Values {
			parts[i] = r.yamlText(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *ast.MappingNode, *ast.MappingValueNode:
		var parts []string
		for _, fl := range r.fields(v, "a value") {
			k, _ := json.Marshal(fl.key)
			parts = append(parts, string(k)+": "+r.yamlText(fl.value))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return n.GetToken().Value
}

func describe(n ast.Node) string {
	switch n.Type() {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.NullType:
		return "nothing"
	}
	return strconv.Quote(n.GetToken().Value)
}
