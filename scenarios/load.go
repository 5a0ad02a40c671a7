package scenarios

import (
	"fmt"
	"strings"

	"dctwin/scenario"
)

// IsBuiltinName reports whether a command-line scenario argument names a built-in
// scenario: no path separator and no .yaml/.yml suffix.
func IsBuiltinName(arg string) bool {
	return !strings.ContainsAny(arg, `/\`) && !strings.HasSuffix(arg, ".yaml") && !strings.HasSuffix(arg, ".yml")
}

// Load loads a built-in scenario by name, or a scenario file by path (see
// IsBuiltinName).
func Load(arg string) (*scenario.Scenario, error) {
	if !IsBuiltinName(arg) {
		return scenario.LoadFile(arg)
	}
	data, err := Read(arg)
	if err != nil {
		return nil, fmt.Errorf("%w (built-in scenarios: %s; a file needs a path or a .yaml suffix)",
			err, strings.Join(Names(), ", "))
	}
	sc, err := scenario.Parse(arg+".yaml", data)
	if sc != nil {
		sc.Name = arg
	}
	return sc, err
}
