package check

import (
	"fmt"
	"sort"

	"dctwin/topology"
)

// Severity grades a finding. Errors make `dctwin check` exit 1.
type Severity int

// Severities, most serious last.
const (
	Info Severity = iota
	Warning
	Error
)

// String is the name printed in diagnostics: error, warning or info.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText writes the severity's name (for JSON).
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Kind names a kind of finding; tests and JSON consumers match on it.
type Kind string

// Finding is one problem found in a scenario.
type Finding struct {
	Kind     Kind         `json:"kind"`
	Severity Severity     `json:"severity"`
	Pos      topology.Pos `json:"-"`
	Message  string       `json:"message"`
	Why      string       `json:"why"`
}

// String formats the finding like a compiler diagnostic (without the explanation).
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Pos, f.Severity, f.Message)
}

// Findings is a list of findings with helpers for reports.
type Findings []Finding

// Count returns how many findings have the given severity.
func (fs Findings) Count(s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Sort orders findings by file position, then kind, so reports read top to bottom.
func (fs Findings) Sort() {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Pos, fs[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return fs[i].Kind < fs[j].Kind
	})
}

// reporter collects findings; each kind's severity and explanation come from the
// catalogue so the same mistake always reads the same way.
type reporter struct {
	t    *topology.Topology
	list Findings
	l2   *topology.Network // the L2 domains without any failure, built on first use
}

// layer2 returns the topology's L2 connectivity. Hosts do not bridge between their
// NICs in it, so one graph answers every team's question "is there a path between my
// switches that does not run through me".
func (r *reporter) layer2() *topology.Network {
	if r.l2 == nil {
		r.l2 = r.t.Network(nil, topology.NetworkOptions{L2Only: true})
	}
	return r.l2
}

func (r *reporter) add(k Kind, p topology.Pos, format string, args ...any) {
	e, ok := catalogue[k]
	if !ok {
		panic("check: finding kind without a catalogue entry: " + string(k))
	}
	r.list = append(r.list, Finding{Kind: k, Severity: e.severity, Pos: p,
		Message: fmt.Sprintf(format, args...), Why: e.why})
}

// Topology reviews a topology and returns its findings in file order.
func Topology(t *topology.Topology) Findings {
	r := &reporter{t: t}
	r.names()
	r.ports()
	r.enclosures()
	r.vlans()
	r.loops()
	r.teams()
	r.gateways()
	r.clusters()
	r.vms()
	r.vswitches()
	r.vmClusters()
	r.vmClusterMembers()
	r.sizes()
	r.haTimers()
	r.values()
	r.list.Sort()
	return r.list
}

// Describe returns the severity and explanation of a finding kind (for `dctwin check
// --explain`-style listings and for other packages that report findings).
func Describe(k Kind) (Severity, string, bool) {
	e, ok := catalogue[k]
	return e.severity, e.why, ok
}

// Kinds lists every finding kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(catalogue))
	for k := range catalogue {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// New makes a finding of a catalogued kind; the scenario loader uses it for checks of
// the workloads and failures sections.
func New(k Kind, p topology.Pos, format string, args ...any) Finding {
	r := reporter{}
	r.add(k, p, format, args...)
	return r.list[0]
}
