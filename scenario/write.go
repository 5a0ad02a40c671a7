package scenario

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"dctwin/topology"
)

// Write writes a scenario as YAML that Parse reads back to the same settings: the
// sections in block style, each list item on one line in flow style (the style the
// built-in scenarios use, which is read item by item), every value marshalled by the
// YAML library. A key is written when its item recorded it as written (so a written 0
// stays written) or when its value is not zero. header lines become comments at the
// top.
func Write(w io.Writer, spec *Spec, header ...string) error {
	bw := bufio.NewWriter(w)
	for _, h := range header {
		bw.WriteString(strings.TrimRight("# "+h, " ") + "\n")
	}
	if len(header) > 0 {
		bw.WriteString("\n")
	}
	if err := writeSection(bw, reflect.ValueOf(spec).Elem(), 0, nil); err != nil {
		return err
	}
	return bw.Flush()
}

// writeSection writes the keys of a section (a struct) at an indentation.
func writeSection(w *bufio.Writer, v reflect.Value, indent int, src *topology.Source) error {
	if s := sourceField(v); s != nil {
		src = s
	}
	t := v.Type()
	pad := strings.Repeat("  ", indent)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := yamlKey(f)
		if key == "" {
			continue
		}
		fv := v.Field(i)
		if !shouldWrite(fv, src, key, indent) {
			continue
		}
		ft := elem(f.Type)
		switch {
		case ft.Kind() == reflect.Struct && splitSections[ft]:
			if fv.Kind() == reflect.Pointer {
				fv = fv.Elem()
			}
			if isZeroSection(fv) {
				continue
			}
			fmt.Fprintf(w, "%s%s:\n", pad, key)
			if err := writeSection(w, fv, indent+1, src); err != nil {
				return err
			}
			if indent == 0 {
				w.WriteString("\n")
			}
		case ft.Kind() == reflect.Slice && elem(ft.Elem()).Kind() == reflect.Struct:
			if fv.Len() == 0 {
				continue
			}
			fmt.Fprintf(w, "%s%s:\n", pad, key)
			for j := 0; j < fv.Len(); j++ {
				text, err := flowValue(fv.Index(j))
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "%s  - %s\n", pad, text)
			}
		default:
			text, err := flowValue(fv)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s%s: %s\n", pad, key, text)
		}
	}
	return nil
}

// shouldWrite decides whether a key of a section is written.
func shouldWrite(v reflect.Value, src *topology.Source, key string, indent int) bool {
	if indent == 0 && key == "version" {
		return true
	}
	if src != nil && indent > 0 && src.Written(key) {
		return true
	}
	return !v.IsZero()
}

func isZeroSection(v reflect.Value) bool {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if yamlKey(t.Field(i)) != "" && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// flowValue marshals one value in flow style on one line: an item as an ordered
// mapping of the keys it wrote (or that are not zero).
func flowValue(v reflect.Value) (string, error) {
	b, err := yaml.MarshalWithOptions(plainValue(v), yaml.Flow(true))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// plainValue turns a schema value into what the YAML library writes: items become
// ordered mappings of their written or non-zero keys; durations and bit rates their
// short text.
func plainValue(v reflect.Value) any {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case Duration:
		return shortDuration(x.D())
	case Bandwidth:
		return x.String()
	case ProfileSpec:
		if f := x.Factors(); f != nil {
			return f
		}
		return x.Name()
	}
	switch v.Kind() {
	case reflect.Struct:
		src := sourceField(v)
		var m yaml.MapSlice
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			key := yamlKey(t.Field(i))
			if key == "" {
				continue
			}
			fv := v.Field(i)
			if fv.IsZero() && (src == nil || !src.Written(key)) {
				continue
			}
			m = append(m, yaml.MapItem{Key: key, Value: plainValue(fv)})
		}
		return m
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plainValue(v.Index(i))
		}
		return out
	}
	return v.Interface()
}

// shortDuration writes a duration the way a person writes it in a scenario: "1h",
// "90m", "250ms", "1m30s" rather than time.Duration's "1h0m0s".
func shortDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}, {time.Microsecond, "us"}} {
		if d%u.unit == 0 {
			return fmt.Sprintf("%d%s", d/u.unit, u.name)
		}
	}
	return d.String()
}
