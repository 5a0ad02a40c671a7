// Package scenarios holds the built-in scenario files, embedded in the binary so that
// `dctwin check teaming-lab` works anywhere and `dctwin scenarios show NAME` prints a
// file to start from. Each file begins with "# description: ..." for the list.
//
// Load takes what a user types: a built-in name (List, Names) or a path to a file.
// Fabric generates data centers of any size, as YAML that loads like a file, for
// benchmarks (twin/netbench) and for trying the twin at scale.
package scenarios

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// FS is the embedded scenario files, one NAME.yaml per scenario.
var FS fs.FS = files

// Default is the scenario dctwin uses when none is named.
const Default = "teaming-lab"

// Entry is one built-in scenario for listings.
type Entry struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Names lists the built-in scenario names, sorted.
func Names() []string {
	entries, _ := fs.Glob(files, "*.yaml")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e, ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Read returns the YAML text of a built-in scenario.
func Read(name string) ([]byte, error) {
	data, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario %q", name)
	}
	return data, nil
}

// List returns every built-in scenario with its one-line description.
func List() []Entry {
	var out []Entry
	for _, n := range Names() {
		data, _ := Read(n)
		out = append(out, Entry{Name: n, Description: Description(data)})
	}
	return out
}

// Description is the text of the first "# description:" comment line of a file, with
// following "#   " continuation lines joined, or "" if there is none.
func Description(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	var parts []string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if len(parts) == 0 {
			if rest, ok := strings.CutPrefix(line, "# description:"); ok {
				parts = append(parts, strings.TrimSpace(rest))
			}
			continue
		}
		// a continuation is a comment line indented past the '#'
		if rest, ok := strings.CutPrefix(line, "#  "); ok && strings.TrimSpace(rest) != "" {
			parts = append(parts, strings.TrimSpace(rest))
			continue
		}
		break
	}
	return strings.Join(parts, " ")
}
