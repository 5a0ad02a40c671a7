// Package experiments holds the built-in experiment files (YAML, embedded with
// go:embed), which answer the source material's claims with data and serve as
// examples of the format (package experiment). Each file begins with
// "# description: ..." for `dctwin experiment list`. Scenarios that only an experiment
// uses live next to them under scenarios/ and are named by that path in the file.
package experiments

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"dctwin/experiment"
	"dctwin/scenario"
	"dctwin/scenarios"
)

//go:embed *.yaml scenarios/*.yaml
var files embed.FS

// Entry is one built-in experiment for listings.
type Entry struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Names lists the built-in experiments, sorted.
func Names() []string {
	entries, _ := fs.Glob(files, "*.yaml")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e, ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Read returns the YAML text of a built-in experiment, or of a file next to them
// ("scenarios/cluster-lab.yaml").
func Read(name string) ([]byte, error) {
	file := name
	if !strings.HasSuffix(file, ".yaml") {
		file += ".yaml"
	}
	data, err := files.ReadFile(path.Clean(file))
	if err != nil {
		return nil, fmt.Errorf("no built-in experiment %q (built-in experiments: %s)", name, strings.Join(Names(), ", "))
	}
	return data, nil
}

// List returns every built-in experiment with its one-line description.
func List() []Entry {
	var out []Entry
	for _, n := range Names() {
		data, _ := Read(n)
		out = append(out, Entry{Name: n, Description: scenarios.Description(data)})
	}
	return out
}

// open finds an experiment's scenario: a file next to the built-in experiments, or a
// built-in scenario.
func open(ref string) (*scenario.Scenario, error) {
	if data, err := files.ReadFile(path.Clean(ref)); err == nil {
		sc, err := scenario.Parse(ref, data)
		if sc != nil {
			sc.Name = strings.TrimSuffix(path.Base(ref), ".yaml")
		}
		return sc, err
	}
	return scenarios.Load(ref)
}

// Load loads a built-in experiment by name, or an experiment file by path (a name with
// a path separator or a .yaml suffix; see scenarios.IsBuiltinName).
func Load(arg string) (*experiment.Spec, error) {
	if !scenarios.IsBuiltinName(arg) {
		return experiment.LoadFile(arg)
	}
	data, err := Read(arg)
	if err != nil {
		return nil, err
	}
	return experiment.Parse(arg+".yaml", data, open)
}
