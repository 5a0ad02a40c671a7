package spof

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"dctwin/topology"
)

// Report is the single points of failure of one data center, as `dctwin spof` shows
// them: how many components were failed one at a time, and the failures that matter.
type Report struct {
	// Checked counts the components failed one at a time: every component of Classes.
	Checked int `json:"components_checked"`
	// Results are the serious failures (Result.Serious), in the order of Analyze.
	Results []Result `json:"results"`
}

// Review analyzes a topology and keeps the serious results.
func Review(t *topology.Topology) Report {
	rep := Report{Results: []Result{}}
	for _, c := range Classes {
		rep.Checked += len(t.ComponentsOf(c))
	}
	for _, r := range Analyze(t) {
		if r.Serious() {
			rep.Results = append(rep.Results, r)
		}
	}
	return rep
}

// Impacted returns the impacts of one effect, in the order of Impacts.
func (r Result) Impacted(e Effect) []Impact {
	var out []Impact
	for _, im := range r.Impacts {
		if im.Effect == e {
			out = append(out, im)
		}
	}
	return out
}

// IsolatedGroup is a set of items that one failure cuts off from the same rest of the
// data center. Each is usually cut off from the others in the group too, unless they
// share a switch that is still up; From leaves those out, so that a dead access
// switch reads as "these phones lost the PBX", not as a list of phones times phones.
type IsolatedGroup struct {
	Items []Impact
	// From is what every item of the group lost contact with, apart from the items
	// isolated by the same failure.
	From []string
}

// IsolatedGroups groups the isolated items of a result by what they lost contact with,
// in the order the first item of each group appears in Impacts.
func (r Result) IsolatedGroups() []IsolatedGroup {
	isolated := r.Impacted(Isolated)
	cut := map[string]bool{}
	for _, im := range isolated {
		cut[im.Item.Name] = true
	}
	var groups []IsolatedGroup
	index := map[string]int{} // the rest, joined → its group
	for _, im := range isolated {
		var rest []string
		for _, n := range im.LosesContactWith {
			if !cut[n] {
				rest = append(rest, n)
			}
		}
		key := strings.Join(rest, ",")
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, IsolatedGroup{From: rest})
		}
		groups[i].Items = append(groups[i].Items, im)
	}
	return groups
}

// listedRest is how many names of what an isolated group lost contact with the text
// report lists before it counts the rest.
const listedRest = 10

// WriteText writes the report for a planner: a heading that names the file and counts
// the single points of failure, then for each the component with its position, the
// services lost or degraded, the items down (until repair, until an HA restart, or
// carried on by an FT secondary) and the isolated items, grouped by what they lost.
func (rep Report) WriteText(w io.Writer, file string) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%s: %d of %d components are single points of failure\n", file, len(rep.Results), rep.Checked)
	for _, r := range rep.Results {
		fmt.Fprintf(b, "\n%s %s  (%s)\n", r.Component.Class, r.Component.Name, r.Component.Pos)
		if len(r.ServicesLost) > 0 {
			fmt.Fprintf(b, "  services lost: %s\n", strings.Join(r.ServicesLost, ", "))
		}
		if len(r.ServicesDegraded) > 0 {
			fmt.Fprintf(b, "  services degraded: %s\n", strings.Join(r.ServicesDegraded, ", "))
		}
		for _, e := range []Effect{Down, HARestart, ClusterTakeover, FTTakeover} {
			if ims := r.Impacted(e); len(ims) > 0 {
				fmt.Fprintf(b, "  %s: %s\n", e, itemList(ims))
			}
		}
		for _, g := range r.IsolatedGroups() {
			others := "1 other"
			if len(g.From) != 1 {
				others = fmt.Sprintf("%d others", len(g.From))
			}
			fmt.Fprintf(b, "  isolated: %s\n    from %s: %s\n", itemList(g.Items), others, abbreviate(g.From, listedRest))
		}
	}
	return b.Flush()
}

// WriteJSON writes the report as one indented JSON object with the scenario's name.
func (rep Report) WriteJSON(w io.Writer, scenario string) error {
	if rep.Results == nil {
		rep.Results = []Result{}
	}
	out := struct {
		Scenario string `json:"scenario"`
		Report
	}{scenario, rep}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// itemList names items with their kind and role: "pbx-a (vm, pbx), phone-1 (endpoint)".
func itemList(ims []Impact) string {
	parts := make([]string, len(ims))
	for i, im := range ims {
		desc := im.Item.Kind
		if im.Item.Role != "" {
			desc += ", " + im.Item.Role
		}
		if im.FailoverMs > 0 {
			desc += ", out up to " + time.Duration(im.FailoverMs*float64(time.Millisecond)).String()
		}
		parts[i] = fmt.Sprintf("%s (%s)", im.Item.Name, desc)
	}
	return strings.Join(parts, ", ")
}

// abbreviate lists the first n names and counts the others.
func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-n)
}
