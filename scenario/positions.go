package scenario

import (
	"fmt"
	"reflect"

	"github.com/goccy/go-yaml/ast"

	"dctwin/topology"
)

var sourceType = reflect.TypeOf(topology.Source{})

// resolve follows anchors and aliases (through the shaper's anchors) to the node that
// holds the value.
func (s *shaper) resolve(n ast.Node) ast.Node {
	for i := 0; n != nil && i < 64; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return nil
			}
			a, ok := s.anchors[v.Value.GetToken().Value]
			if !ok {
				return nil
			}
			n = a.node
		default:
			return n
		}
	}
	return n
}

// record fills the Source of every item in v (a decoded value) from its node: where
// the item is, and where each of its keys is ("detection.interval", "members[1]"), so
// that findings point at the exact value and written() can tell a written 0 from a
// key left out.
func (s *shaper) record(n ast.Node, v reflect.Value) {
	n = s.resolve(n)
	if n == nil || n.Type() == ast.NullType {
		return
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if src := sourceField(v); src != nil {
			src.Pos = nodePos(s.file, n)
			src.Fields = nil
			s.fields("", n, v.Type(), &src.Fields)
		}
		for _, mv := range s.mappingValues(n) {
			if f, ok := fieldByKey(v.Type(), mv.Key.GetToken().Value); ok {
				s.record(mv.Value, v.FieldByIndex(f.Index))
			}
		}
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return
		}
		for i := 0; i < v.Len() && i < len(seq.Values); i++ {
			s.record(seq.Values[i], v.Index(i))
		}
	}
}

// mappingValues lists a mapping's key/value pairs, merge keys (<<) expanded in place.
func (s *shaper) mappingValues(n ast.Node) []*ast.MappingValueNode {
	var values []*ast.MappingValueNode
	switch m := s.resolve(n).(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	}
	var out []*ast.MappingValueNode
	for _, mv := range values {
		if mv.Key.GetToken().Value == "<<" {
			if merged := s.resolve(mv.Value); merged != nil && merged != n {
				out = append(out, s.mappingValues(merged)...)
			}
			continue
		}
		out = append(out, mv)
	}
	return out
}

// fields notes the position of every key's value under prefix, for an item of type
// t. Blocks without a Source of their own (detection:, stp:) are the item's keys too
// ("detection.interval"), as are the elements of plain lists ("members[1]"); items
// with a Source of their own (list items, calls:) record their own keys.
func (s *shaper) fields(prefix string, n ast.Node, t reflect.Type, into *topology.Fields) {
	t = elem(t)
	switch v := s.resolve(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		if t.Kind() != reflect.Struct {
			return
		}
		for _, mv := range s.mappingValues(v) {
			name := mv.Key.GetToken().Value
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			val := s.resolve(mv.Value)
			into.Add(key, nodePos(s.file, mv.Value))
			f, ok := fieldByKey(t, name)
			if !ok || val == nil {
				continue
			}
			// a list or block is pointed at by its key, on the line the reader sees
			if val.Type() == ast.SequenceType || val.Type() == ast.MappingType {
				(*into)[len(*into)-1].Pos = nodePos(s.file, mv.Key)
				if ft := elem(f.Type); ft.Kind() == reflect.Slice || (ft.Kind() == reflect.Struct && !hasSource(ft)) {
					s.fields(key, val, ft, into)
				}
			}
		}
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice || elem(t.Elem()).Kind() == reflect.Struct {
			return
		}
		for i, item := range v.Values {
			into.Add(fmt.Sprintf("%s[%d]", prefix, i), nodePos(s.file, item))
		}
	}
}

// hasSource reports whether struct type t records its own position.
func hasSource(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.Anonymous && f.Type == sourceType {
			return true
		}
	}
	return false
}

// sourceField returns the Source embedded in struct v, or nil.
func sourceField(v reflect.Value) *topology.Source {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.Anonymous && f.Type == sourceType {
			return v.Field(i).Addr().Interface().(*topology.Source)
		}
	}
	return nil
}
