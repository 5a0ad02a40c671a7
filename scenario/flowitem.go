package scenario

import (
	"encoding"
	"reflect"
	"strconv"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/token"

	"dctwin/topology"
)

// A generated data center writes each list item on one line in flow style
// (`- {name: f-1, from: srv-1, to: srv-2, rate: 2M}`), hundreds of thousands of them;
// the YAML library spends about 50 µs on each (lexer, parser, syntax tree, decoder by
// reflection). The flow-item reader decodes such a line directly, for the part of YAML
// where what the library makes of it is plain:
//
//   - one line: `- ` and a flow mapping, nothing after it but spaces; ASCII only, no
//     tabs; the lines up to the next item blank or comments;
//   - keys that are plain words followed by ": ", mappings and lists nested in
//     flow style ("{...}", "[...]", no trailing comma), values separated by ", ";
//   - scalars: plain words of letters, digits and . _ - / starting with a letter or a
//     digit, quoted strings without escapes ("..." without \, '...' without '');
//     typed as the library types them (token.New: null, true/false and numbers by its
//     own tables, everything else a string);
//   - into schema types the reader knows how to fill: strings from strings, whole
//     numbers from plain decimal integers, numbers from plain decimals, true/false,
//     pointers, lists, structs by their keys, and Duration and Bandwidth by the same
//     parser their UnmarshalYAML uses.
//
// Anything else — a key the item does not have, a key twice, an anchor, a tag, a
// comment after the item, an escape, a value of the wrong kind, a number the reader
// would have to round — and the item goes to the YAML library as before, which
// reports the mistake with its message and position. So the reader never decides
// about an error; it only takes the items that decode cleanly. Its result, values and
// every recorded position, equals the library's (TestFlowItemsMatchTheLibrary on the
// generated fabric and on random items, TestItemByItemReadingMatchesTheWholeFileParse).

// flowItems switches the flow-item reader (tests turn it off to compare).
var flowItems = true

// fnode is one value of a flow item: a mapping, a list or a scalar. Entries of a
// mapping carry their key; children are linked through next.
type fnode struct {
	kind        byte  // 'm', 's' or 'v' (scalar)
	quote       byte  // 0 (plain), '"' or '\''
	col         int32 // 1-based column of its first character ({, [, the quote or the scalar)
	s, e        int32 // a scalar's text (without quotes), as offsets in the line
	ks, ke      int32 // its key, when it is a mapping's value
	kcol        int32
	first, next int32 // first child and next sibling, -1 for none
}

// flowReader reads one-line flow items; its node slice is reused item by item.
type flowReader struct {
	line  []byte // the whole line, from its first column
	nodes []fnode
	depth int
	keys  topology.Fields
}

const maxFlowItemDepth = 8

// fastItem decodes list item it, if the flow-item reader can, and appends it to list.
// It reports false, leaving list and the shaper as they were, where it cannot.
func (d *document) fastItem(list reflect.Value, it chunk, lines []line) bool {
	if !flowItems || len(d.errs) > 0 || len(d.sh.errs) > 0 {
		return false
	}
	l := lines[it.from]
	if l.end-l.start > MaxItemBytes {
		return false
	}
	for i := it.from + 1; i < it.to; i++ {
		if lines[i].content {
			return false
		}
	}
	if d.flow == nil {
		d.flow = &flowReader{}
	}
	r := d.flow
	r.line = d.data[l.start:l.end]
	r.nodes = r.nodes[:0]
	r.depth = 0
	i := l.indent
	if i+1 >= len(r.line) || r.line[i] != '-' || r.line[i+1] != ' ' {
		return false
	}
	i = r.spaces(i + 1)
	if i >= len(r.line) || r.line[i] != '{' {
		return false
	}
	root, i, ok := r.value(i)
	if !ok || r.spaces(i) != len(r.line) {
		return false
	}
	for _, c := range r.line {
		if c >= 0x80 || c == '\t' || c == '\r' {
			return false
		}
	}
	et := list.Type().Elem()
	if !fastType(et) {
		return false
	}
	n := list.Len()
	if n == list.Cap() {
		grown := reflect.MakeSlice(list.Type(), n, 2*n+8)
		reflect.Copy(grown, list)
		list.Set(grown)
	}
	list.SetLen(n + 1)
	v := list.Index(n)
	if !r.decode(v, root) {
		v.SetZero()
		list.SetLen(n)
		return false
	}
	r.record(d.file, it.from+1, root, v)
	// count what the shape check would have: the item's list and every value in it
	d.sh.written += 1 + len(r.nodes)
	d.sh.expanded += 1 + len(r.nodes)
	d.flowRead++
	return true
}

func (r *flowReader) spaces(i int) int {
	for i < len(r.line) && r.line[i] == ' ' {
		i++
	}
	return i
}

func (r *flowReader) add(n fnode) int32 {
	r.nodes = append(r.nodes, n)
	return int32(len(r.nodes) - 1)
}

// value reads the value at i and returns its node and the offset after it.
func (r *flowReader) value(i int) (int32, int, bool) {
	if i >= len(r.line) {
		return 0, i, false
	}
	switch c := r.line[i]; {
	case c == '{' || c == '[':
		r.depth++
		if r.depth > maxFlowItemDepth {
			return 0, i, false
		}
		defer func() { r.depth-- }()
		kind, closing := byte('m'), byte('}')
		if c == '[' {
			kind, closing = 's', ']'
		}
		me := r.add(fnode{kind: kind, col: int32(i + 1), first: -1, next: -1})
		i = r.spaces(i + 1)
		if i < len(r.line) && r.line[i] == closing {
			return me, i + 1, true
		}
		last := int32(-1)
		for {
			var ks, ke, kcol int
			if kind == 'm' {
				ks, kcol = i, i+1
				for i < len(r.line) && (isLetter(r.line[i]) || r.line[i] == '_' || i > ks && isDigit(r.line[i])) {
					i++
				}
				ke = i
				if ke == ks || i+1 >= len(r.line) || r.line[i] != ':' || r.line[i+1] != ' ' {
					return 0, i, false
				}
				i = r.spaces(i + 1)
			}
			child, j, ok := r.value(i)
			if !ok {
				return 0, j, false
			}
			if kind == 'm' {
				r.nodes[child].ks, r.nodes[child].ke, r.nodes[child].kcol = int32(ks), int32(ke), int32(kcol)
			}
			if last < 0 {
				r.nodes[me].first = child
			} else {
				r.nodes[last].next = child
			}
			last = child
			i = r.spaces(j)
			if i >= len(r.line) {
				return 0, i, false
			}
			if r.line[i] == closing {
				return me, i + 1, true
			}
			if r.line[i] != ',' {
				return 0, i, false
			}
			i = r.spaces(i + 1)
		}
	case c == '"' || c == '\'':
		for j := i + 1; j < len(r.line); j++ {
			switch b := r.line[j]; {
			case b == c:
				if c == '\'' && j+1 < len(r.line) && r.line[j+1] == '\'' {
					return 0, j, false // an escaped quote
				}
				return r.add(fnode{kind: 'v', quote: c, col: int32(i + 1), s: int32(i + 1), e: int32(j), first: -1, next: -1}), j + 1, true
			case b == '\\' || b < ' ' || b >= 0x7f:
				return 0, j, false
			}
		}
		return 0, i, false
	case isLetter(c) || isDigit(c):
		j := i
		for j < len(r.line) && (isLetter(r.line[j]) || isDigit(r.line[j]) || r.line[j] == '.' || r.line[j] == '_' || r.line[j] == '-' || r.line[j] == '/') {
			j++
		}
		if j < len(r.line) && r.line[j] != ' ' && r.line[j] != ',' && r.line[j] != '}' && r.line[j] != ']' {
			return 0, j, false
		}
		return r.add(fnode{kind: 'v', col: int32(i + 1), s: int32(i), e: int32(j), first: -1, next: -1}), j, true
	}
	return 0, i, false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// scalar classes, as the library's token.New types a plain scalar
const (
	scString = iota
	scDecimal
	scOther // null, a bool, a float, hex, octal, binary: left to the library unless asked for
)

func (r *flowReader) text(n *fnode) []byte { return r.line[n.s:n.e] }

// class is what the library makes of a scalar: quoted scalars are strings; a plain
// one is what token.New says (its keyword table, then token.ToNumber).
func (r *flowReader) class(n *fnode) int {
	if n.quote != 0 {
		return scString
	}
	t := r.text(n)
	if isLetter(t[0]) {
		switch string(t) {
		case "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE":
			return scOther
		}
		return scString
	}
	num := token.ToNumber(string(t))
	switch {
	case num == nil:
		return scString
	case num.Type == token.NumberTypeDecimal:
		return scDecimal
	}
	return scOther
}

// textScalar is a schema type that parses its own scalar (UnmarshalYAML), with the
// parser UnmarshalYAML uses: ok false where UnmarshalYAML would report an error.
type textScalar interface {
	setText(s string) bool
}

var (
	textScalarType  = reflect.TypeFor[textScalar]()
	libUnmarshalers = []reflect.Type{
		reflect.TypeFor[yaml.BytesUnmarshalerContext](), reflect.TypeFor[yaml.BytesUnmarshaler](),
		reflect.TypeFor[yaml.InterfaceUnmarshalerContext](), reflect.TypeFor[yaml.InterfaceUnmarshaler](),
		reflect.TypeFor[yaml.NodeUnmarshaler](), reflect.TypeFor[yaml.NodeUnmarshalerContext](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	fastTypes sync.Map // reflect.Type -> bool
)

// fastType reports whether the reader can fill values of type t: every type it may
// meet inside is one it decodes as the library would.
func fastType(t reflect.Type) bool {
	if ok, found := fastTypes.Load(t); found {
		return ok.(bool)
	}
	fastTypes.Store(t, true) // a type that contains itself is decided by its other fields
	ok := fastTypeOf(t)
	fastTypes.Store(t, ok)
	return ok
}

func fastTypeOf(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if pt.Implements(textScalarType) {
		return true
	}
	for _, u := range libUnmarshalers {
		if pt.Implements(u) || t.Implements(u) {
			return false
		}
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Pointer, reflect.Slice:
		return fastType(t.Elem())
	case reflect.Struct:
		if t == reflect.TypeFor[yaml.MapItem]() {
			return false
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if yamlKey(f) == "" {
				continue
			}
			if !f.IsExported() || f.Anonymous || !fastType(f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// decode fills v (a zero value of a fastType) from node n.
func (r *flowReader) decode(v reflect.Value, n int32) bool {
	nd := &r.nodes[n]
	t := v.Type()
	if pt := reflect.PointerTo(t); pt.Implements(textScalarType) {
		return nd.kind == 'v' && r.class(nd) != scOther && v.Addr().Interface().(textScalar).setText(string(r.text(nd)))
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if !r.decode(p.Elem(), n) {
			return false
		}
		v.Set(p)
		return true
	case reflect.Struct:
		if nd.kind != 'm' {
			return false
		}
		var seen uint64
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			cn := &r.nodes[c]
			f, ok := schemaField(t, r.line[cn.ks:cn.ke])
			if !ok || f.index >= 64 || seen&(1<<f.index) != 0 {
				return false
			}
			seen |= 1 << f.index
			if !r.decode(v.Field(f.index), c) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if nd.kind != 's' {
			return false
		}
		k := 0
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			k++
		}
		s := reflect.MakeSlice(t, k, k)
		i := 0
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			if !r.decode(s.Index(i), c) {
				return false
			}
			i++
		}
		v.Set(s)
		return true
	}
	if nd.kind != 'v' {
		return false
	}
	text := r.text(nd)
	switch t.Kind() {
	case reflect.String:
		if r.class(nd) != scString {
			return false
		}
		v.SetString(string(text))
		return true
	case reflect.Bool:
		switch {
		case nd.quote == 0 && string(text) == "true":
			v.SetBool(true)
		case nd.quote == 0 && string(text) == "false":
		default:
			return false
		}
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := plainWhole(nd, text)
		if !ok || v.OverflowInt(int64(i)) {
			return false
		}
		v.SetInt(int64(i))
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := plainWhole(nd, text)
		if !ok || v.OverflowUint(i) {
			return false
		}
		v.SetUint(i)
		return true
	case reflect.Float64:
		// digits, at most one point, at most 15 significant digits: the library's
		// integer-then-convert and its ParseFloat give the same number
		if nd.quote != 0 || len(text) > 15 || text[0] == '0' && len(text) > 1 && text[1] != '.' {
			return false
		}
		points := 0
		for _, c := range text {
			switch {
			case c == '.':
				points++
			case !isDigit(c):
				return false
			}
		}
		if points > 1 || text[len(text)-1] == '.' {
			return false
		}
		f, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			return false
		}
		v.SetFloat(f)
		return true
	}
	return false
}

// plainWhole reads a plain decimal integer without sign, leading zero or underscore,
// of at most 18 digits (so it fits any int64).
func plainWhole(nd *fnode, text []byte) (uint64, bool) {
	if nd.quote != 0 || len(text) > 18 || text[0] == '0' && len(text) > 1 {
		return 0, false
	}
	var u uint64
	for _, c := range text {
		if !isDigit(c) {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	return u, true
}

// record fills the Source of every item in v from node n, as shaper.record does from
// the library's syntax tree: where the item is, and where each of its keys is.
func (r *flowReader) record(file string, lineNo int, n int32, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	nd := &r.nodes[n]
	switch v.Kind() {
	case reflect.Struct:
		if src := sourceField(v); src != nil {
			src.Pos = topology.Pos{File: file, Line: lineNo, Col: int(nd.col)}
			// into scratch space first: a data center has hundreds of thousands of
			// items, and a list grown by append holds up to twice its keys
			r.keys = r.keys[:0]
			r.fields(file, lineNo, "", n, v.Type(), &r.keys)
			src.Fields = nil
			if len(r.keys) > 0 {
				src.Fields = append(make(topology.Fields, 0, len(r.keys)), r.keys...)
			}
		}
		if nd.kind != 'm' {
			return
		}
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			cn := &r.nodes[c]
			if f, ok := schemaField(v.Type(), r.line[cn.ks:cn.ke]); ok {
				r.record(file, lineNo, c, v.Field(f.index))
			}
		}
	case reflect.Slice:
		if nd.kind != 's' {
			return
		}
		i := 0
		for c := nd.first; c >= 0 && i < v.Len(); c = r.nodes[c].next {
			r.record(file, lineNo, c, v.Index(i))
			i++
		}
	}
}

// fields notes the position of every key's value under prefix, as shaper.fields does.
func (r *flowReader) fields(file string, lineNo int, prefix string, n int32, t reflect.Type, into *topology.Fields) {
	t = elem(t)
	nd := &r.nodes[n]
	switch nd.kind {
	case 'm':
		if t.Kind() != reflect.Struct {
			return
		}
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			cn := &r.nodes[c]
			f, _ := schemaField(t, r.line[cn.ks:cn.ke]) // decode found every key
			key := f.name
			if prefix != "" {
				key = prefix + "." + f.name
			}
			if cn.kind == 'v' {
				into.Add(key, topology.Pos{File: file, Line: lineNo, Col: int(cn.col)})
				continue
			}
			// a list or block is pointed at by its key
			into.Add(key, topology.Pos{File: file, Line: lineNo, Col: int(cn.kcol)})
			if ft := elem(f.typ); ft.Kind() == reflect.Slice || (ft.Kind() == reflect.Struct && !hasSource(ft)) {
				r.fields(file, lineNo, key, c, ft, into)
			}
		}
	case 's':
		if t.Kind() != reflect.Slice || elem(t.Elem()).Kind() == reflect.Struct {
			return
		}
		i := 0
		for c := nd.first; c >= 0; c = r.nodes[c].next {
			into.Add(prefix+"["+strconv.Itoa(i)+"]", topology.Pos{File: file, Line: lineNo, Col: int(r.nodes[c].col)})
			i++
		}
	}
}

// schemaFieldInfo is a field of a schema struct as the reader needs it: its index,
// the key as the schema spells it (so that items do not each allocate their keys)
// and its type.
type schemaFieldInfo struct {
	index int
	name  string
	typ   reflect.Type
}

var schemaFields sync.Map // reflect.Type -> map[string]schemaFieldInfo

// schemaField finds the field of struct type t written as key (as fieldByKey does).
func schemaField(t reflect.Type, key []byte) (schemaFieldInfo, bool) {
	m, ok := schemaFields.Load(t)
	if !ok {
		fields := map[string]schemaFieldInfo{}
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); yamlKey(f) != "" && len(f.Index) == 1 {
				fields[yamlKey(f)] = schemaFieldInfo{index: i, name: yamlKey(f), typ: f.Type}
			}
		}
		m, _ = schemaFields.LoadOrStore(t, fields)
	}
	f, ok := m.(map[string]schemaFieldInfo)[string(key)]
	return f, ok
}
