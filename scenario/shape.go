package scenario

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
)

// The shape check walks a document together with the Go type it decodes into, before
// the YAML library decodes it. It is the one place that turns what the library would
// report in Go terms, or silently bend, into positioned messages for a scenario author:
//
//   - an unknown key, with the keys that item accepts;
//   - a list where a mapping belongs, an empty list item, a mapping where a value
//     belongs;
//   - a fraction where a whole number belongs (the library truncates 24.5 to 24), an
//     integer out of range (it clamps a seed above 2^63), a negative count, NaN or an
//     infinity;
//   - aliases that expand beyond a bound (a "billion laughs" file), that refer to an
//     anchor they are inside of, or to none.
//
// It also drops YAML tags (!!str, !custom): a scenario has no use for them and the
// library (v1.19.2) dereferences nil on some tagged values.

// maxShapeErrors bounds the mistakes reported at once.
const maxShapeErrors = 20

var unmarshalerType = reflect.TypeOf((*interface {
	UnmarshalYAML(context.Context, ast.Node) error
})(nil)).Elem()

// shaper checks chunks of one document; anchors and the alias budget carry over from
// one chunk to the next, as they do in the YAML library's decoder.
type shaper struct {
	file     string
	anchors  map[string]anchor
	open     map[string]bool
	written  int // values the document writes, so far
	expanded int // values after alias expansion, so far
	budget   int // how far expansion may go beyond twice what is written
	errs     Errors

	overBudget bool
}

type anchor struct {
	node ast.Node
	size int
	seen map[reflect.Type]bool // types the value was checked as
}

func newShaper(file string, budget int) *shaper {
	return &shaper{file: file, anchors: map[string]anchor{}, open: map[string]bool{}, budget: budget}
}

func (s *shaper) fail(n ast.Node, format string, args ...any) {
	if len(s.errs) < maxShapeErrors {
		s.errs = append(s.errs, &PosError{nodePos(s.file, n), fmt.Sprintf(format, args...)})
	}
}

// check walks node as a value of type t and returns the node with tags dropped (the
// caller puts it back where it was). It returns the value's expanded size.
func (s *shaper) check(n ast.Node, t reflect.Type) (ast.Node, int) {
	if n == nil {
		return n, 0
	}
	for {
		tn, ok := n.(*ast.TagNode)
		if !ok || tn.Value == nil {
			break
		}
		n = tn.Value
	}
	switch v := n.(type) {
	case *ast.TagNode:
		s.fail(n, "a tag without a value")
		return n, 1
	case *ast.AnchorNode:
		name := v.Name.GetToken().Value
		s.open[name] = true
		val, size := s.check(v.Value, t)
		v.Value = val
		delete(s.open, name)
		s.anchors[name] = anchor{node: val, size: size, seen: map[reflect.Type]bool{t: true}}
		return n, size
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.GetToken().Value
		}
		if s.open[name] {
			s.fail(n, "alias *%s refers to the anchor it is inside of: an endless structure", name)
			return n, 1
		}
		a, ok := s.anchors[name]
		if !ok {
			s.fail(n, "alias *%s has no anchor &%s before it", name, name)
			return n, 1
		}
		if !a.seen[t] {
			// Used as another type than where it was written: check it as that too,
			// once per type, without counting its size again.
			a.seen[t] = true
			saved := s.expanded
			s.check(a.node, t)
			s.expanded = saved
		}
		s.grow(n, a.size)
		return n, a.size
	}
	s.written++
	s.grow(n, 1)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Type() == ast.NullType {
		return n, 1
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) && t.Kind() != reflect.Struct {
		return n, 1 // a value type that parses its own scalar (durations, bit rates)
	}
	switch t.Kind() {
	case reflect.Struct:
		return n, s.mapping(n, t)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			s.fail(n, "expected a list, got %s", describe(n))
			return n, 1
		}
		size := 1
		for i, item := range seq.Values {
			if item == nil || item.Type() == ast.NullType {
				if elem(t.Elem()).Kind() == reflect.Struct {
					s.fail(seq, "empty list item %d: expected a mapping of keys", i+1)
				}
				continue
			}
			val, k := s.check(item, t.Elem())
			seq.Values[i] = val
			size += k
		}
		return n, size
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.wholeNumber(n, t.Bits(), true)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s.wholeNumber(n, t.Bits(), false)
	case reflect.Float32, reflect.Float64:
		s.finite(n)
	case reflect.String, reflect.Bool:
		if !isScalar(n) {
			s.fail(n, "expected %s, got %s", kindName(t), describe(n))
		}
	}
	return n, 1
}

// mapping checks a mapping as struct type t: every key must be one of t's.
func (s *shaper) mapping(n ast.Node, t reflect.Type) int {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		s.fail(n, "expected a mapping (key: value lines), got %s", describe(n))
		return 1
	}
	size := 1
	for _, mv := range values {
		key := mv.Key.GetToken().Value
		if key == "<<" { // a merge key: its value holds keys of this same item
			val, k := s.check(mv.Value, t)
			mv.Value = val
			size += k
			continue
		}
		f, ok := fieldByKey(t, key)
		if !ok {
			s.fail(mv.Key, "unknown field %q (expected one of: %s)", key, strings.Join(yamlKeys(t), ", "))
			continue
		}
		val, k := s.check(mv.Value, f.Type)
		mv.Value = val
		size += k
	}
	return size
}

// grow counts k more values; aliases may expand a document to twice what it writes
// plus the budget, and no further.
func (s *shaper) grow(n ast.Node, k int) {
	s.expanded += k
	if limit := 2*s.written + s.budget; s.expanded > limit && !s.overBudget {
		s.overBudget = true
		s.fail(n, "the aliases expand to more than %d values", limit)
	}
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// fieldByKey finds the field of struct type t written as key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	fields, ok := keysOf.Load(t)
	if !ok {
		m := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); yamlKey(f) != "" {
				m[yamlKey(f)] = f
			}
		}
		fields, _ = keysOf.LoadOrStore(t, m)
	}
	f, ok := fields.(map[string]reflect.StructField)[key]
	return f, ok
}

// keysOf caches each schema type's fields by key: the loader looks one up per key of
// every item.
var keysOf sync.Map

func isScalar(n ast.Node) bool {
	switch n.Type() {
	case ast.StringType, ast.IntegerType, ast.FloatType, ast.BoolType, ast.InfinityType, ast.NanType, ast.LiteralType, ast.NullType:
		return true
	}
	return false
}

// wholeNumber checks that an integer scalar fits the field. Integers too long for the
// library arrive as strings (and would be clamped), so strings are parsed too.
func (s *shaper) wholeNumber(n ast.Node, bits int, signed bool) {
	text := n.GetToken().Value
	switch n.Type() {
	case ast.FloatType, ast.InfinityType, ast.NanType:
		s.fail(n, "expected a whole number, got %s", text)
		return
	case ast.IntegerType, ast.StringType:
	default:
		if !isScalar(n) {
			s.fail(n, "expected a whole number, got %s", describe(n))
		}
		return
	}
	clean := strings.TrimPrefix(strings.ReplaceAll(text, "_", ""), "+")
	if signed {
		if _, err := strconv.ParseInt(clean, 0, bits); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				s.fail(n, "%s is out of range for this setting (a %d-bit whole number)", text, bits)
			} else {
				s.fail(n, "expected a whole number, got %s", strconv.Quote(text))
			}
		}
		return
	}
	if strings.HasPrefix(clean, "-") {
		s.fail(n, "expected a number of 0 or more, got %s", text)
		return
	}
	if _, err := strconv.ParseUint(clean, 0, bits); err != nil {
		if errors.Is(err, strconv.ErrRange) {
			s.fail(n, "%s is out of range for this setting (0 to %d)", text, uint64(1<<(bits-1))*2-1)
		} else {
			s.fail(n, "expected a whole number, got %s", strconv.Quote(text))
		}
	}
}

// finite checks that a number scalar is a finite number.
func (s *shaper) finite(n ast.Node) {
	switch n.Type() {
	case ast.InfinityType, ast.NanType:
		s.fail(n, "expected a finite number, got %s", n.GetToken().Value)
	case ast.IntegerType, ast.FloatType, ast.StringType:
		text := n.GetToken().Value
		if f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			s.fail(n, "expected a finite number, got %s", text)
		}
	default:
		if !isScalar(n) {
			s.fail(n, "expected a number, got %s", describe(n))
		}
	}
}
