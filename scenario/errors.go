package scenario

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// WriteText writes the mistakes one per line in the form of check's findings,
// file:line:col: error: message, so that a file that cannot be loaded reads like one
// that loads with errors. `dctwin check` and `dctwin run` print this on stderr.
func (es Errors) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	for _, e := range es {
		fmt.Fprintf(b, "%s: error: %s\n", e.Pos, e.Msg)
	}
	return b.Flush()
}

// WriteJSON writes the mistakes as one indented JSON object: the scenario as the user
// named it (a built-in name or a path) and its load_errors, each with file, line, col
// and message. `dctwin check --json` and the other commands with --json print this.
func (es Errors) WriteJSON(w io.Writer, scenario string) error {
	type loadErr struct {
		topology.Pos
		Message string `json:"message"`
	}
	rep := struct {
		Scenario   string    `json:"scenario"`
		LoadErrors []loadErr `json:"load_errors"`
	}{Scenario: scenario}
	for _, e := range es {
		rep.LoadErrors = append(rep.LoadErrors, loadErr{e.Pos, e.Msg})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// AsErrors returns the positioned mistakes an error from this package carries (one
// PosError or a list), or nil if it has no position (a file that cannot be read).
func AsErrors(err error) Errors {
	var list Errors
	var one *PosError
	switch {
	case errors.As(err, &list):
		return list
	case errors.As(err, &one):
		return Errors{one}
	}
	return nil
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

// positioned turns an error of the YAML library into a PosError with a message a
// scenario author understands ("expected an integer"), not Go type names.
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
		if tag := yamlKey(t.Field(i)); tag != "" {
			keys = append(keys, tag)
		}
	}
	sort.Strings(keys)
	return keys
}

// yamlKey is the key a struct field is written as, "" for fields the file cannot set.
func yamlKey(f reflect.StructField) string {
	tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
	if tag == "-" {
		return ""
	}
	return tag
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
		return "a whole number"
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
	switch n.Type() {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType:
		return "a mapping"
	case ast.NullType:
		return "nothing"
	}
	return strconv.Quote(n.GetToken().Value)
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
		return "a whole number"
	case ast.FloatType:
		return "a number"
	case ast.BoolType:
		return "true or false"
	}
	return t.String()
}
