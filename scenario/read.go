package scenario

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"dctwin/topology"
)

// Limits on what a scenario file may be, so that loading takes bounded time and
// memory whatever the file holds. The YAML library's syntax tree takes about 70 bytes
// per byte of YAML, so a file is read item by item (one host, one link, one flow at a
// time: see decodeChunked) and only the decoded scenario stays in memory.
const (
	// MaxFileBytes is the largest scenario file: 64 MiB, several times a 20,000-host
	// data center.
	MaxFileBytes = 64 << 20
	// MaxWholeBytes is the largest file that is not in block style (one list item after
	// another), which must be parsed in one piece.
	MaxWholeBytes = 4 << 20
	// MaxItemBytes is the largest single list item (a host with all its NICs).
	MaxItemBytes = 1 << 20
	// MaxFlowDepth bounds nested [ and { (the schema needs 4); MaxIndent bounds
	// indentation. Deeper nesting only makes the YAML library slow (its time and memory
	// grow with the square of the depth).
	MaxFlowDepth = 32
	MaxIndent    = 256
	// baseAliasBudget is how far aliases may expand a document beyond twice what it
	// writes: room for shared port-group lists, not for a "billion laughs".
	baseAliasBudget = 1 << 20
)

// document reads one scenario file: it checks the limits, then decodes it item by item
// where it is in block style, or in one piece (up to MaxWholeBytes) where it is not.
type document struct {
	file string
	data []byte
	sh   *shaper
	dec  *yaml.Decoder
	ctx  context.Context
	errs Errors
	flow *flowReader // one-line flow items read without the library (flowitem.go)
	// flowRead counts the items the flow-item reader took (for the tests).
	flowRead int
}

func decodeDocument(file string, data []byte) (Spec, error) {
	spec, _, err := decodeCounting(file, data)
	return spec, err
}

// readStats is what a test wants to know about one reading: how many items the
// flow-item reader took, and the values the shape check counted for its alias budget.
type readStats struct {
	FlowRead, Written, Expanded int
}

// decodeCounting is decodeDocument with the reading's statistics.
func decodeCounting(file string, data []byte) (spec Spec, st readStats, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) > MaxFileBytes {
		return spec, st, &PosError{topology.Pos{File: file, Line: 1, Col: 1},
			fmt.Sprintf("the file has %d MiB; a scenario has at most %d MiB", len(data)>>20, MaxFileBytes>>20)}
	}
	if err := checkNesting(file, data); err != nil {
		return spec, st, err
	}
	d := &document{file: file, data: data, sh: newShaper(file, baseAliasBudget),
		dec: yaml.NewDecoder(bytes.NewReader(nil), yaml.Strict()),
		ctx: context.WithValue(context.Background(), fileKey{}, file)}
	lines := splitLines(data)
	if chunks, ok := d.blockStyle(lines); ok {
		d.chunked(&spec, chunks, lines)
		if !d.syntaxOnly() || len(data) > MaxWholeBytes {
			return spec, readStats{d.flowRead, d.sh.written, d.sh.expanded}, d.result()
		}
		// A chunk that does not parse on its own may still be valid YAML as a whole
		// (a flow collection continued at a shallow indentation): the whole-file
		// parse decides, and reports the library's own message if it is not.
	} else if len(data) > MaxWholeBytes {
		return Spec{}, st, &PosError{topology.Pos{File: file, Line: 1, Col: 1},
			fmt.Sprintf("the file has %d MiB and is not in block style (one list item after another, as the built-in "+
				"scenarios are); such a file can have at most %d MiB", len(data)>>20, MaxWholeBytes>>20)}
	}
	spec, err = decodeWhole(file, data)
	return spec, st, err
}

// decodeWhole decodes a file in one piece: what a file not in block style needs, and
// the reference the item-by-item reading is tested against.
func decodeWhole(file string, data []byte) (Spec, error) {
	var spec Spec
	d := &document{file: file, data: data, sh: newShaper(file, baseAliasBudget),
		dec: yaml.NewDecoder(bytes.NewReader(nil), yaml.Strict()),
		ctx: context.WithValue(context.Background(), fileKey{}, file)}
	d.whole(&spec)
	return spec, d.result()
}

func (d *document) result() error {
	errs := append(append(Errors{}, d.sh.errs...), d.errs...)
	if len(errs) == 0 {
		return nil
	}
	for _, e := range errs {
		e.Msg = strings.TrimPrefix(e.Msg, syntaxMark)
	}
	if len(errs) > maxShapeErrors {
		errs = errs[:maxShapeErrors]
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs
}

// syntaxOnly reports whether the file had mistakes, all of them syntax errors of chunks.
func (d *document) syntaxOnly() bool {
	if len(d.sh.errs) > 0 || len(d.errs) == 0 {
		return false
	}
	for _, e := range d.errs {
		if !strings.HasPrefix(e.Msg, syntaxMark) {
			return false
		}
	}
	return true
}

const syntaxMark = "\x00syntax:"

// whole parses the file in one piece (a flow-style or multi-document file).
func (d *document) whole(spec *Spec) {
	f, err := parser.ParseBytes(d.data, 0)
	if err != nil {
		d.errs = append(d.errs, asPosError(positioned(d.file, err, nil)))
		return
	}
	var body ast.Node
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			d.errs = append(d.errs, &PosError{nodePos(d.file, doc.Body), fmt.Sprintf("a scenario file holds one YAML document; document %d is extra", i+1)})
			return
		}
		body = doc.Body
	}
	if body == nil {
		d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: 1, Col: 1}, emptyScenario})
		return
	}
	body, _ = d.sh.check(body, reflect.TypeOf(Spec{}))
	if len(d.sh.errs) > 0 {
		return
	}
	d.decode(body, reflect.ValueOf(spec))
}

const emptyScenario = "empty scenario: expected at least `version: 1` and a `topology:` section"

// decode decodes a checked node into v (a pointer) and records its positions.
func (d *document) decode(n ast.Node, v reflect.Value) {
	if err := d.dec.DecodeFromNodeContext(d.ctx, n, v.Interface()); err != nil {
		d.errs = append(d.errs, asPosError(positioned(d.file, err, v.Type())))
		return
	}
	d.sh.record(n, v)
}

func asPosError(err error) *PosError {
	if es := AsErrors(err); len(es) > 0 {
		return es[0]
	}
	return &PosError{Msg: err.Error()}
}

// line is one line of the file: its byte range, indentation, and whether it holds
// anything (not blank, not only a comment).
type line struct {
	start, end int
	indent     int
	content    bool
}

func splitLines(data []byte) []line {
	var lines []line
	for start := 0; start < len(data); {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		l := line{start: start, end: end}
		for l.indent < end-start && data[start+l.indent] == ' ' {
			l.indent++
		}
		rest := bytes.TrimSpace(data[start+l.indent : end])
		l.content = len(rest) > 0 && rest[0] != '#'
		lines = append(lines, l)
		start = end + 1
	}
	return lines
}

var keyLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:([ \t]|$)`)

// chunk is a key of a mapping with the lines of its value, or a list item.
type chunk struct {
	key        string
	from, to   int // lines [from, to): the key's line (or the item's) and its value
	inlineRest bool
}

// blockStyle returns the top-level keys of a file whose root is a block mapping at
// column 0, or false if the file is written otherwise (flow style, several documents,
// directives), which the whole-file parse handles.
func (d *document) blockStyle(lines []line) ([]chunk, bool) {
	return d.keysAt(lines, 0, len(lines), 0, true)
}

// text is a line without its indentation and line end.
func (d *document) text(l line) string {
	return strings.TrimRight(string(d.data[l.start+l.indent:l.end]), "\r")
}

// keysAt splits lines [from, to) into the keys of a block mapping at indentation
// indent. It fails where a line at that indentation is not a key.
func (d *document) keysAt(lines []line, from, to, indent int, root bool) ([]chunk, bool) {
	var out []chunk
	for i := from; i < to; i++ {
		l := lines[i]
		if !l.content {
			continue
		}
		if l.indent < indent {
			return nil, false
		}
		if l.indent > indent {
			if len(out) == 0 {
				return nil, false
			}
			continue
		}
		text := d.text(l)
		if root && (strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...") || strings.HasPrefix(text, "%")) {
			if len(out) == 0 && strings.TrimSpace(text) == "---" {
				continue // a document start marker before the first key
			}
			return nil, false
		}
		m := keyLine.FindStringSubmatch(text)
		if m == nil {
			return nil, false
		}
		if len(out) > 0 {
			out[len(out)-1].to = i
		}
		rest := strings.TrimSpace(strings.SplitN(text[len(m[1]):], ":", 2)[1])
		out = append(out, chunk{key: m[1], from: i, to: to, inlineRest: rest != "" && !strings.HasPrefix(rest, "#")})
	}
	return out, true
}

// itemsAt splits lines [from, to) into the items of a block sequence: lines at one
// indentation starting with "-". It fails where the lines are not such a list.
func (d *document) itemsAt(lines []line, from, to int) ([]chunk, int, bool) {
	indent := -1
	var out []chunk
	for i := from; i < to; i++ {
		l := lines[i]
		if !l.content {
			continue
		}
		text := d.text(l)
		if indent < 0 {
			indent = l.indent
		}
		if l.indent < indent {
			return nil, 0, false
		}
		if l.indent > indent {
			continue
		}
		if text[0] != '-' || len(text) > 1 && text[1] != ' ' {
			return nil, 0, false
		}
		if len(out) > 0 {
			out[len(out)-1].to = i
		}
		out = append(out, chunk{from: i, to: to})
	}
	return out, indent, indent >= 0
}

// Sections whose keys are read one by one, and whose lists item by item.
var splitSections = map[reflect.Type]bool{
	reflect.TypeOf(Spec{}):         true,
	reflect.TypeOf(TopologySpec{}): true,
	reflect.TypeOf(Workloads{}):    true,
	reflect.TypeOf(Calls{}):        true,
	reflect.TypeOf(Failures{}):     true,
}

// chunked decodes a block-style file key by key, lists item by item.
func (d *document) chunked(spec *Spec, keys []chunk, lines []line) {
	v := reflect.ValueOf(spec).Elem()
	src := sourceField(v)
	src.Fields = nil
	if len(keys) > 0 {
		src.Pos = topology.Pos{File: d.file, Line: keys[0].from + 1, Col: 1}
	} else {
		d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: 1, Col: 1}, emptyScenario})
		return
	}
	d.section(v, keys, lines, src, "")
}

// section decodes the keys of one mapping into struct v. Positions of keys go to
// owner, the Source of the innermost item or section that has one, under prefix (as
// a whole-file parse records them: "topology.vlans", "run.duration").
func (d *document) section(v reflect.Value, keys []chunk, lines []line, owner *topology.Source, prefix string) {
	t := v.Type()
	for _, k := range keys {
		if len(d.errs)+len(d.sh.errs) >= maxShapeErrors {
			return
		}
		f, ok := fieldByKey(t, k.key)
		if !ok {
			l := lines[k.from]
			d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: k.from + 1, Col: l.indent + 1},
				fmt.Sprintf("unknown field %q (expected one of: %s)", k.key, strings.Join(yamlKeys(t), ", "))})
			continue
		}
		fv := v.FieldByIndex(f.Index)
		ft := elem(f.Type)
		keyPos := topology.Pos{File: d.file, Line: k.from + 1, Col: lines[k.from].indent + 1}
		if !k.inlineRest && ft.Kind() == reflect.Struct && splitSections[ft] {
			if sub, ok := d.keysAt(lines, k.from+1, k.to, d.childIndent(lines, k), false); ok && len(sub) > 0 {
				owner.Fields.Add(join(prefix, k.key), keyPos)
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						fv.Set(reflect.New(ft))
					}
					fv = fv.Elem()
				}
				subOwner, subPrefix := owner, join(prefix, k.key)
				if s := sourceField(fv); s != nil {
					s.Pos = topology.Pos{File: d.file, Line: sub[0].from + 1, Col: lines[sub[0].from].indent + 1}
					s.Fields = nil
					subOwner, subPrefix = s, ""
				}
				d.section(fv, sub, lines, subOwner, subPrefix)
				continue
			}
		}
		if !k.inlineRest && ft.Kind() == reflect.Slice && elem(ft.Elem()).Kind() == reflect.Struct {
			if items, _, ok := d.itemsAt(lines, k.from+1, k.to); ok && len(items) > 0 {
				owner.Fields.Add(join(prefix, k.key), keyPos)
				if most, ok := maxItems[elem(ft.Elem())]; ok && len(items) > most.n {
					it := items[most.n]
					d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: it.from + 1, Col: lines[it.from].indent + 1},
						fmt.Sprintf("%s: at most %d (%s); this is item %d of %d", k.key, most.n, most.why, most.n+1, len(items))})
					items = items[:most.n]
				}
				for _, it := range items {
					d.item(fv, it, lines)
				}
				continue
			}
		}
		d.keyChunk(v, k, lines, owner, prefix)
	}
}

// maxItems bounds lists whose length the domain bounds, so that a huge file of them is
// refused at the first item too many instead of loaded.
var maxItems = map[reflect.Type]struct {
	n   int
	why string
}{
	reflect.TypeFor[VLANSpec](): {4094, "802.1Q VLAN ids run from 1 to 4094"},
}

// childIndent is the indentation of the first line below key k.
func (d *document) childIndent(lines []line, k chunk) int {
	for i := k.from + 1; i < k.to; i++ {
		if lines[i].content {
			return lines[i].indent
		}
	}
	return -1
}

// parseChunk parses lines [from, to) on their own, with positions as in the file.
func (d *document) parseChunk(lines []line, from, to int) (ast.Node, bool) {
	start, end := lines[from].start, lines[to-1].end
	if end-start > MaxItemBytes {
		d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: from + 1, Col: lines[from].indent + 1},
			fmt.Sprintf("this item has %d KiB; an item has at most %d KiB", (end-start)>>10, MaxItemBytes>>10)})
		return nil, false
	}
	f, err := parser.ParseBytes(d.data[start:end], 0)
	if err != nil {
		pe := asPosError(positioned(d.file, err, nil))
		pe.Pos.Line += from
		pe.Msg = syntaxMark + pe.Msg
		d.errs = append(d.errs, pe)
		return nil, false
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		d.errs = append(d.errs, &PosError{topology.Pos{File: d.file, Line: from + 1, Col: 1}, syntaxMark + "not one value"})
		return nil, false
	}
	shiftLines(f.Docs[0].Body, from, start)
	return f.Docs[0].Body, true
}

// shiftLines moves the positions of a chunk's tokens to where the chunk is in the file.
func shiftLines(n ast.Node, lines, offset int) {
	tk := n.GetToken()
	if tk == nil {
		return
	}
	for tk.Prev != nil {
		tk = tk.Prev
	}
	seen := map[*token.Position]bool{}
	for ; tk != nil; tk = tk.Next {
		if p := tk.Position; p != nil && !seen[p] {
			seen[p] = true
			p.Line += lines
			p.Offset += offset
		}
	}
}

// item decodes one list item (lines of chunk it) and appends it to list.
func (d *document) item(list reflect.Value, it chunk, lines []line) {
	if d.fastItem(list, it, lines) {
		return
	}
	n, ok := d.parseChunk(lines, it.from, it.to)
	if !ok {
		return
	}
	checked, _ := d.sh.check(n, list.Type())
	seq, ok := checked.(*ast.SequenceNode)
	if !ok || len(seq.Values) != 1 || len(d.sh.errs) > 0 {
		return
	}
	one := reflect.New(list.Type())
	d.decode(seq, one)
	if one.Elem().Len() == 1 {
		list.Set(reflect.Append(list, one.Elem().Index(0)))
	}
}

// keyChunk decodes one key with its value (lines of chunk k) into struct v.
func (d *document) keyChunk(v reflect.Value, k chunk, lines []line, owner *topology.Source, prefix string) {
	n, ok := d.parseChunk(lines, k.from, k.to)
	if !ok {
		return
	}
	checked, _ := d.sh.check(n, v.Type())
	if len(d.sh.errs) > 0 {
		return
	}
	if err := d.dec.DecodeFromNodeContext(d.ctx, checked, v.Addr().Interface()); err != nil {
		d.errs = append(d.errs, asPosError(positioned(d.file, err, v.Type())))
		return
	}
	for _, mv := range d.sh.mappingValues(checked) {
		if f, ok := fieldByKey(v.Type(), mv.Key.GetToken().Value); ok {
			d.sh.record(mv.Value, v.FieldByIndex(f.Index))
		}
	}
	d.sh.fields(prefix, checked, v.Type(), &owner.Fields)
}

// fileKey carries the file name in the decoder's context, so that the values that
// parse their own scalars (durations, bit rates) can report full positions.
type fileKey struct{}

func fileOf(ctx context.Context) string {
	s, _ := ctx.Value(fileKey{}).(string)
	return s
}

// checkNesting refuses flow collections nested deeper than MaxFlowDepth and lines
// indented deeper than MaxIndent, at the first place they go too deep.
func checkNesting(file string, data []byte) error {
	depth, line, col := 0, 1, 0
	var quote byte
	prev := byte('\n')
	comment := false
	indent, atIndent := 0, true
	for i := 0; i < len(data); i++ {
		c := data[i]
		col++
		if c == '\n' {
			line, col, quote, comment, indent, atIndent, prev = line+1, 0, 0, false, 0, true, '\n'
			continue
		}
		if atIndent {
			if c == ' ' {
				indent++
				if indent > MaxIndent {
					return &PosError{topology.Pos{File: file, Line: line, Col: col},
						fmt.Sprintf("indented more than %d columns; a scenario does not nest that deep", MaxIndent)}
				}
				continue
			}
			atIndent = false
		}
		switch {
		case comment:
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
				col++
			}
		case c == '#' && (prev == ' ' || prev == '\t' || prev == '\n'):
			comment = true
		case (c == '"' || c == '\'') && strings.IndexByte(" \t\n[{,:-", prev) >= 0:
			quote = c
		case c == '[' || c == '{':
			depth++
			if depth > MaxFlowDepth {
				return &PosError{topology.Pos{File: file, Line: line, Col: col},
					fmt.Sprintf("lists and mappings nested more than %d deep; a scenario does not nest that deep", MaxFlowDepth)}
			}
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		}
		if c != ' ' && c != '\t' {
			prev = c
		} else if quote == 0 {
			prev = ' '
		}
	}
	return nil
}
