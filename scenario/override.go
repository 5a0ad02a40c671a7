package scenario

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"dctwin/topology"
)

// Set overrides one setting of the scenario, as `dctwin run --set PATH=VALUE` does:
// path names a key the way the file nests it, with list items addressed by name or by
// index (`topology.hosts[srv-1].teams[0].detection.method`, `failures.scheduled[0].at`,
// `run.seed`); value is YAML (`carrier`, `250ms`, `[eth1, eth0]`, `{method: miimon}`),
// or `null` to take a setting out so that its default applies.
// The override counts as written in the file, so defaults no longer apply to it, and
// the scenario is validated again. Errors name the override ("--set PATH") and, for a
// bad value, the column in it.
func (s *Scenario) Set(path, value string) error {
	if err := s.set(path, value); err != nil {
		return err
	}
	return s.Validate()
}

// Assign is Set without validating the scenario afterwards, for a caller that applies
// several settings that may only hold together (an experiment's configuration) and
// then calls Validate once: a bad path or value is still an error here.
func (s *Scenario) Assign(path, value string) error { return s.set(path, value) }

// set is Set without the validation: OverrideAll validates once after the last.
func (s *Scenario) set(path, value string) error {
	where := "--set " + path
	segs, err := parsePath(path)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%s: no value (write PATH=VALUE)", where)
	}
	target, src, key, err := walkPath(reflect.ValueOf(&s.Spec).Elem(), segs)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	f, err := parser.ParseBytes([]byte(value), 0)
	if err != nil {
		return positioned(where, err, nil)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return fmt.Errorf("%s: expected one YAML value", where)
	}
	node := f.Docs[0].Body
	if node.Type() == ast.NullType {
		// `null` takes the setting back out, as if the file did not write it: its
		// default applies again.
		target.Set(reflect.Zero(target.Type()))
		if src != nil {
			src.Fields.DeleteFunc(func(k string) bool {
				return k == key || strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[")
			})
		}
		return nil
	}
	// A pointer field (failback, gratuitous_arp) gets a new value to point at: the YAML
	// library leaves a top-level pointer-to-pointer nil for a scalar.
	typ := target.Type()
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	sh := newShaper(where, baseAliasBudget)
	node, _ = sh.check(node, typ)
	if len(sh.errs) > 0 {
		return sh.errs
	}
	fresh := reflect.New(typ)
	ctx := context.WithValue(context.Background(), fileKey{}, where)
	dec := yaml.NewDecoder(strings.NewReader(""), yaml.Strict())
	if err := dec.DecodeFromNodeContext(ctx, node, fresh.Interface()); err != nil {
		return positioned(where, err, fresh.Type())
	}
	sh.record(node, fresh)
	if target.Kind() == reflect.Pointer {
		target.Set(fresh)
	} else {
		target.Set(fresh.Elem())
	}
	if src != nil && key != "" {
		pos := topology.Pos{File: where}
		// What the file wrote below a replaced block is gone with it; what the override
		// writes below it counts as written.
		src.Fields.DeleteFunc(func(k string) bool { return strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[") })
		src.Fields.Set(key, pos)
		var sub topology.Fields
		sh.fields(key, node, typ, &sub)
		for _, f := range sub {
			src.Fields.Set(f.Key, pos)
		}
	}
	return nil
}

// Override applies one override written as `dctwin run --set` takes it, PATH=VALUE
// (see Set; the value may itself contain "="). Experiments and front ends that take
// overrides as text use it too.
func (s *Scenario) Override(assignment string) error {
	path, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("--set %s: expected PATH=VALUE", assignment)
	}
	return s.Set(strings.TrimSpace(path), value)
}

// OverrideAll applies overrides in order, as repeated `--set` flags, and validates
// the scenario once after the last, so that settings that only hold together
// (admission_control: percentage and its memory_failover_percent) may come in any
// order. A bad path or value still stops at its override.
func (s *Scenario) OverrideAll(assignments []string) error {
	for _, a := range assignments {
		path, value, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("--set %s: expected PATH=VALUE", a)
		}
		if err := s.set(strings.TrimSpace(path), value); err != nil {
			return err
		}
	}
	return s.Validate()
}

// pathSeg is one step of an override path: a key, then any list selectors.
type pathSeg struct {
	key  string
	sels []string
}

// parsePath splits `a.b[x][0].c` into its keys and selectors. Selectors may be quoted
// (`["1"]`) to address an item named like a number.
func parsePath(path string) ([]pathSeg, error) {
	if path == "" {
		return nil, fmt.Errorf("empty path")
	}
	var segs []pathSeg
	i := 0
	for i < len(path) {
		j := i
		for j < len(path) && path[j] != '.' && path[j] != '[' {
			j++
		}
		if j == i {
			return nil, fmt.Errorf("empty key at character %d of %q", i+1, path)
		}
		seg := pathSeg{key: path[i:j]}
		for j < len(path) && path[j] == '[' {
			k := strings.IndexByte(path[j:], ']')
			if k < 0 {
				return nil, fmt.Errorf("unclosed [ at character %d of %q", j+1, path)
			}
			sel := path[j+1 : j+k]
			if sel == "" {
				return nil, fmt.Errorf("empty [] at character %d of %q", j+1, path)
			}
			seg.sels = append(seg.sels, sel)
			j += k + 1
		}
		segs = append(segs, seg)
		if j < len(path) {
			if path[j] != '.' || j == len(path)-1 {
				return nil, fmt.Errorf("unexpected %q at character %d of %q", path[j], j+1, path)
			}
			j++
		}
		i = j
	}
	return segs, nil
}

// walkPath follows segs from v (a struct) to the value they name. It returns that
// value, the Source of the innermost list item or section that holds it (nil if none)
// and the key relative to that item, as recordFields writes keys ("detection.interval",
// "members[1]").
func walkPath(v reflect.Value, segs []pathSeg) (reflect.Value, *topology.Source, string, error) {
	var src *topology.Source
	var rel []string
	trail := ""
	for _, seg := range segs {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return v, nil, "", fmt.Errorf("%s is a value, not a section with key %q", trail, seg.key)
		}
		f, ok := fieldValueByKey(v, seg.key)
		if !ok {
			where := trail
			if where == "" {
				where = "the scenario"
			}
			return v, nil, "", fmt.Errorf("%s has no key %q (expected one of: %s)", where, seg.key,
				strings.Join(yamlKeys(v.Type()), ", "))
		}
		trail = join(trail, seg.key)
		rel = append(rel, seg.key)
		v = f
		for _, sel := range seg.sels {
			for v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			if v.Kind() != reflect.Slice {
				return v, nil, "", fmt.Errorf("%s is not a list: [%s] selects nothing", trail, sel)
			}
			item, i, err := selectItem(v, sel, trail)
			if err != nil {
				return v, nil, "", err
			}
			trail += "[" + sel + "]"
			v = item
			if s, ok := sourceOf(v); ok {
				src, rel = s, nil
			} else {
				rel[len(rel)-1] += "[" + strconv.Itoa(i) + "]"
			}
		}
		if len(seg.sels) == 0 {
			if s, ok := sourceOf(v); ok {
				// A section with its own Source (calls:, a mix:) holds the keys below it.
				src, rel = s, nil
			}
		}
	}
	return v, src, strings.Join(rel, "."), nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// fieldValueByKey returns the field of struct v whose yaml key is key.
func fieldValueByKey(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == key && tag != "-" {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// sourceOf returns the Source embedded in struct v (a list item that records where it
// was written), following a pointer.
func sourceOf(v reflect.Value) (*topology.Source, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, false
	}
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Anonymous && v.Type().Field(i).Type == sourceType {
			return v.Field(i).Addr().Interface().(*topology.Source), true
		}
	}
	return nil, false
}

// selectItem picks the list item named sel, or at index sel, and returns its index.
func selectItem(list reflect.Value, sel, trail string) (reflect.Value, int, error) {
	quoted := len(sel) >= 2 && (sel[0] == '"' && sel[len(sel)-1] == '"' || sel[0] == '\'' && sel[len(sel)-1] == '\'')
	if quoted {
		sel = sel[1 : len(sel)-1]
	} else if i, err := strconv.Atoi(sel); err == nil {
		if i < 0 || i >= list.Len() {
			return reflect.Value{}, 0, fmt.Errorf("%s has %d items: index %d is out of range", trail, list.Len(), i)
		}
		return list.Index(i), i, nil
	}
	var names []string
	for i := 0; i < list.Len(); i++ {
		item := list.Index(i)
		n := itemName(item)
		if n == sel {
			return item, i, nil
		}
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return reflect.Value{}, 0, fmt.Errorf("%s has no item named %q (its items have no names: use an index)", trail, sel)
	}
	return reflect.Value{}, 0, fmt.Errorf("%s has no item named %q (names: %s)", trail, sel, strings.Join(names, ", "))
}

// itemName is the `name:` of a list item, "" if it has none.
func itemName(item reflect.Value) string {
	for item.Kind() == reflect.Pointer {
		if item.IsNil() {
			return ""
		}
		item = item.Elem()
	}
	switch item.Kind() {
	case reflect.Struct:
		if f, ok := fieldValueByKey(item, "name"); ok && f.Kind() == reflect.String {
			return f.String()
		}
	case reflect.String:
		return item.String()
	}
	return ""
}
