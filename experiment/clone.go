package experiment

import (
	"reflect"

	"dctwin/scenario"
)

// cloneScenario copies a scenario deeply, so that Set on the copy leaves the original
// as it was. Parsing the text again would do the same at about a hundred times the
// cost (the YAML library takes milliseconds for teaming-lab), paid per configuration.
func cloneScenario(sc *scenario.Scenario) *scenario.Scenario {
	c := *sc
	c.Spec = deepCopy(reflect.ValueOf(sc.Spec)).Interface().(scenario.Spec)
	return &c
}

// deepCopy copies plain data: structs (their exported fields deeply, the others as
// they are), pointers, slices, maps and interfaces. A scenario's Spec is such data,
// without cycles.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(deepCopy(it.Key()), deepCopy(it.Value()))
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(deepCopy(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if n.Field(i).CanSet() {
				n.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return n
	}
	return v
}
