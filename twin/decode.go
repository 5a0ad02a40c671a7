package twin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"dctwin/topology"
)

// PosError is a mistake at one place in a scenario file. It prints as
// "file:line:col: message", like a compiler error.
type PosError struct {
	Pos topology.Pos
	Msg string
}

// Error formats the mistake as file:line:col: message.
func (e *PosError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors is a list of positioned mistakes, all reported at once.
type Errors []*PosError

// Error lists the mistakes one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

type fileKey struct{}

// fileOf is the file name the decoder is working on, carried in the context so that
// every decoded item can record a full position.
func fileOf(ctx context.Context) string {
	s, _ := ctx.Value(fileKey{}).(string)
	return s
}

func tokenPos(file string, tk *token.Token) topology.Pos {
	if tk == nil || tk.Position == nil {
		return topology.Pos{File: file, Line: 1, Col: 1}
	}
	return topology.Pos{File: file, Line: tk.Position.Line, Col: tk.Position.Column}
}

func nodePos(file string, n ast.Node) topology.Pos {
	if n == nil {
		return topology.Pos{File: file, Line: 1, Col: 1}
	}
	// A block mapping's token is its first key's colon; people expect the key.
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		return tokenPos(file, m.Values[0].Key.GetToken())
	}
	return tokenPos(file, n.GetToken())
}

// decodeItem decodes one mapping strictly into v (a method-less copy of the item type,
// so this is not called again) and records where the item and each of its keys are.
// Errors come back positioned, with the keys the item accepts when a key is unknown.
func decodeItem(ctx context.Context, node ast.Node, v any, src *topology.Source) error {
	file := fileOf(ctx)
	if node == nil || node.Type() == ast.NullType {
		return &PosError{nodePos(file, node), "empty entry: expected a mapping of keys"}
	}
	if _, ok := unalias(node).(*ast.MappingNode); !ok {
		return &PosError{nodePos(file, node), fmt.Sprintf("expected a mapping (key: value lines), got %s", describe(node))}
	}
	dec := yaml.NewDecoder(bytes.NewReader(nil), yaml.Strict())
	if err := dec.DecodeFromNodeContext(ctx, node, v); err != nil {
		return positioned(file, err, reflect.TypeOf(v))
	}
	src.Pos = nodePos(file, node)
	src.Fields = map[string]topology.Pos{}
	recordFields(file, "", node, src.Fields)
	return nil
}

func unalias(n ast.Node) ast.Node {
	for {
		switch a := n.(type) {
		case *ast.AnchorNode:
			n = a.Value
		case *ast.TagNode:
			n = a.Value
		default:
			return n
		}
	}
}

// recordFields notes the position of every key's value under prefix ("detection.interval",
// "members[1]"), so findings can point at the exact value.
func recordFields(file, prefix string, node ast.Node, into map[string]topology.Pos) {
	switch n := unalias(node).(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			key := mv.Key.GetToken().Value
			if prefix != "" {
				key = prefix + "." + key
			}
			into[key] = nodePos(file, mv.Value)
			// a list or block is pointed at by its key, on the line the reader sees
			if t := unalias(mv.Value).Type(); t == ast.SequenceType || t == ast.MappingType {
				into[key] = nodePos(file, mv.Key)
				recordFields(file, key, mv.Value, into)
			}
		}
	case *ast.SequenceNode:
		for i, v := range n.Values {
			key := fmt.Sprintf("%s[%d]", prefix, i)
			into[key] = nodePos(file, v)
		}
	}
}

// positioned turns a go-yaml error into a PosError with a message a scenario author
// understands ("expected an integer"), not Go type names.
func positioned(file string, err error, target reflect.Type) error {
	var pe *PosError
	if errors.As(err, &pe) {
		return pe
	}
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var unknown *yaml.UnknownFieldError
	if errors.As(err, &unknown) {
		msg := unknown.Message
		if keys := yamlKeys(target); len(keys) > 0 {
			msg += " (expected one of: " + strings.Join(keys, ", ") + ")"
		}
		return &PosError{tokenPos(file, unknown.Token), msg}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		got := "a value"
		if te.Token != nil {
			got = strconv.Quote(te.Token.Value)
		}
		return &PosError{tokenPos(file, te.Token), fmt.Sprintf("expected %s, got %s", kindName(te.DstType), got)}
	}
	var ut *yaml.UnexpectedNodeTypeError
	if errors.As(err, &ut) {
		return &PosError{tokenPos(file, ut.Token), fmt.Sprintf("expected %s, got %s", nodeTypeName(ut.Expected), nodeTypeName(ut.Actual))}
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		return &PosError{tokenPos(file, ye.GetToken()), ye.GetMessage()}
	}
	return &PosError{topology.Pos{File: file, Line: 1, Col: 1}, err.Error()}
}

// yamlKeys lists the keys a struct type accepts, for "unknown key" messages.
func yamlKeys(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	sort.Strings(keys)
	return keys
}

func kindName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping (key: value lines)"
	}
	return t.String()
}

func describe(n ast.Node) string {
	switch unalias(n).Type() {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType:
		return "a mapping"
	case ast.NullType:
		return "nothing"
	}
	return strconv.Quote(n.GetToken().Value)
}

// scalar returns the text of a scalar node, or an error saying a scalar was expected.
func scalar(ctx context.Context, node ast.Node, want string) (string, error) {
	n := unalias(node)
	switch n.Type() {
	case ast.StringType, ast.IntegerType, ast.FloatType, ast.BoolType, ast.InfinityType, ast.NanType, ast.LiteralType:
		if s, ok := n.(*ast.StringNode); ok {
			return s.Value, nil
		}
		return n.GetToken().Value, nil
	}
	return "", &PosError{nodePos(fileOf(ctx), node), fmt.Sprintf("expected %s, got %s", want, describe(node))}
}

func nodeTypeName(t ast.NodeType) string {
	switch t {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.NullType:
		return "nothing"
	case ast.StringType, ast.LiteralType:
		return "a string"
	case ast.IntegerType:
		return "an integer"
	case ast.FloatType:
		return "a number"
	case ast.BoolType:
		return "true or false"
	}
	return t.String()
}

var unmarshalerType = reflect.TypeOf((*interface {
	UnmarshalYAML(context.Context, ast.Node) error
})(nil)).Elem()

// checkNumbers walks a document together with the Go type it decodes into and refuses
// numbers the YAML library would silently bend: a fraction where a whole number is
// expected (it truncates `ports: 24.5` to 24), an integer out of range (it wraps a
// seed above 2^63), a negative count, and infinities or NaN where a measure is
// expected. Types that parse their own scalars (durations, bit rates) are left to them.
func checkNumbers(file string, node ast.Node, t reflect.Type) Errors {
	var errs Errors
	var walk func(n ast.Node, t reflect.Type)
	walk = func(n ast.Node, t reflect.Type) {
		n = unalias(n)
		if n == nil || n.Type() == ast.NullType {
			return
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(unmarshalerType) && !isItemType(t) {
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			m, ok := n.(*ast.MappingNode)
			if !ok {
				return
			}
			for _, mv := range m.Values {
				if f, ok := structField(t, mv.Key.GetToken().Value); ok {
					walk(mv.Value, f.Type)
				}
			}
		case reflect.Slice:
			if s, ok := n.(*ast.SequenceNode); ok {
				for _, v := range s.Values {
					walk(v, t.Elem())
				}
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if err := wholeNumber(n, t.Bits(), true); err != "" {
				errs = append(errs, &PosError{nodePos(file, n), err})
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if err := wholeNumber(n, t.Bits(), false); err != "" {
				errs = append(errs, &PosError{nodePos(file, n), err})
			}
		case reflect.Float32, reflect.Float64:
			switch n.Type() {
			case ast.InfinityType, ast.NanType:
				errs = append(errs, &PosError{nodePos(file, n), fmt.Sprintf("expected a finite number, got %s", n.GetToken().Value)})
			case ast.IntegerType, ast.FloatType, ast.StringType:
				if f, err := strconv.ParseFloat(strings.ReplaceAll(n.GetToken().Value, "_", ""), 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
					errs = append(errs, &PosError{nodePos(file, n), fmt.Sprintf("expected a finite number, got %s", n.GetToken().Value)})
				}
			}
		}
	}
	walk(node, t)
	return errs
}

// isItemType reports whether t is a schema item whose UnmarshalYAML only decodes its
// fields strictly (it embeds a Source or is a section), so its fields are checked here.
func isItemType(t reflect.Type) bool { return t.Kind() == reflect.Struct }

// structField finds the field of struct type t with the given yaml key.
func structField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if strings.Split(f.Tag.Get("yaml"), ",")[0] == key && key != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// wholeNumber checks that an integer scalar fits the field; it returns a message, or ""
// if the value is fine (or not a number at all: the decoder reports that).
func wholeNumber(n ast.Node, bits int, signed bool) string {
	text := n.GetToken().Value
	switch n.Type() {
	case ast.FloatType, ast.InfinityType, ast.NanType:
		return fmt.Sprintf("expected a whole number, got %s", text)
	case ast.IntegerType, ast.StringType:
		// Integers too long for the library arrive as strings (and would be clamped).
	default:
		return ""
	}
	clean := strings.TrimPrefix(strings.ReplaceAll(text, "_", ""), "+")
	if signed {
		if _, err := strconv.ParseInt(clean, 0, bits); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return fmt.Sprintf("%s is out of range for this setting (a %d-bit whole number)", text, bits)
			}
			return fmt.Sprintf("expected a whole number, got %s", strconv.Quote(text))
		}
		return ""
	}
	if strings.HasPrefix(clean, "-") {
		return fmt.Sprintf("expected a number of 0 or more, got %s", text)
	}
	if _, err := strconv.ParseUint(clean, 0, bits); err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Sprintf("%s is out of range for this setting (0 to %d)", text, uint64(1<<(bits-1))*2-1)
		}
		return fmt.Sprintf("expected a whole number, got %s", strconv.Quote(text))
	}
	return ""
}
