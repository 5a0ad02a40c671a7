package scenario

import (
	"fmt"
	"sort"
	"strings"

	"dctwin/topology"
	"dctwin/topology/check"
)

// Check reviews a loaded scenario: the topology (topology/check), the names the
// workloads and failures sections refer to, the values no run could use, the
// settings not simulated yet. Findings come in file order. twin.Check adds what the
// simulation's models say about the workloads.
func Check(sc *Scenario) check.Findings { return CheckWith(sc, sc.Topology()) }

// CheckWith reviews the scenario with its topology model already built.
func CheckWith(sc *Scenario, t *topology.Topology) check.Findings {
	fs := check.Topology(t)
	var idx topology.ComponentIndex // built for the first entry: a fabric has 10^5 components
	if len(sc.Spec.Failures.Scheduled) > 0 {
		idx = t.ComponentIndex()
	}
	for _, f := range sc.Spec.Failures.Scheduled {
		class := f.Kind.Class()
		if f.Kind == "" {
			fs = append(fs, check.New(check.FailureUnknown, f.PosOf("component"), "failure of %q has no kind", f.Component))
			continue
		}
		if end := sc.Run().Duration; f.At >= end {
			fs = append(fs, check.New(check.FailureAfterEnd, f.PosOf("at"), "failure of %s at %v, but the run ends at %v",
				f.Component, f.At, end))
		}
		if f.Kind == RepairKind {
			fs = append(fs, checkRepair(sc, t, idx, f)...)
			continue
		}
		if f.Kind.Operation() {
			fs = append(fs, checkOperation(sc, t, idx, f)...)
			continue
		}
		if written(f.Source, "repair_after") && f.RepairAfter <= 0 {
			fs = append(fs, check.New(check.BadValue, f.PosOf("repair_after"),
				"%s of %s: repair_after %v: leave repair_after out for a failure that is not repaired", f.Kind, f.Component, f.RepairAfter))
		}
		if f.To != "" {
			fs = append(fs, check.New(check.FailureUnknown, f.PosOf("to"), "%s of %s: only a migrate entry has a target host (to)", f.Kind, f.Component))
		}
		if h := t.Host(f.Component); f.Kind == HostHang && h != nil && !h.IsHypervisor() {
			fs = append(fs, check.New(check.FailureUnknown, f.PosOf("kind"), "host-hang of %s: only a hypervisor hangs with its carrier up (%s is a %s server; use kind host)",
				f.Component, f.Component, h.Kind))
			continue
		}
		if h := t.Host(f.Component); f.Kind == HostIsolation && h != nil && !h.IsHypervisor() {
			fs = append(fs, check.New(check.FailureUnknown, f.PosOf("kind"), "host-isolation of %s: only a hypervisor has a VMkernel management network (%s is a %s server; use kind nic)",
				f.Component, f.Component, h.Kind))
			continue
		}
		if !idx.Has(class, f.Component) {
			hint := ""
			if other, ok := idx.ClassOf(f.Component); ok {
				hint = fmt.Sprintf(" (%q is a %s)", f.Component, other)
			}
			fs = append(fs, check.New(check.FailureUnknown, f.PosOf("component"), "no %s named %q%s", class, f.Component, hint))
		}
	}
	reachable := func(name string) bool {
		switch t.Device(name).(type) {
		case *topology.Endpoint, *topology.Host, *topology.VM:
			return true
		}
		return false
	}
	for _, fl := range sc.Spec.Workloads.Flows {
		for _, end := range []struct{ key, name string }{{"from", fl.From}, {"to", fl.To}} {
			if !reachable(end.name) {
				fs = append(fs, check.New(check.WorkloadUnknownName, fl.PosOf(end.key),
					"flow %s: %q is not an endpoint, host or VM", fl.Name, end.name))
			}
		}
	}
	for _, g := range sc.Spec.Workloads.Calls.Groups {
		for i, e := range g.Endpoints {
			if t.Endpoint(e) == nil {
				fs = append(fs, check.New(check.WorkloadUnknownName, g.PosOf(fmt.Sprintf("endpoints[%d]", i)),
					"call group %s: %q is not an endpoint", g.Name, e))
			}
		}
		if g.PBX != "" && t.Host(g.PBX) == nil && t.VM(g.PBX) == nil && !listedPBX(sc, g.PBX) {
			fs = append(fs, check.New(check.WorkloadUnknownName, g.PosOf("pbx"),
				"call group %s: PBX %q is neither a host or VM nor one of calls.pbxs", g.Name, g.PBX))
		}
		if g.BHCA <= 0 && g.Erlangs <= 0 {
			fs = append(fs, check.New(check.CallLoadMissing, g.PosOf("name"), "call group %s has neither bhca nor erlangs", g.Name))
		}
	}
	fs = append(fs, checkCallServers(sc, t)...)
	fs = append(fs, checkNotSimulated(sc)...)
	fs = append(fs, checkFlows(sc, t)...)
	fs = append(fs, CheckFailureLoad(sc, t, sc.Run().Duration.D())...)
	fs = append(fs, checkDuration(sc)...)
	fs = append(fs, checkStorage(sc, t)...)
	fs.Sort()
	return fs
}

// checkCallServers checks that the PBXs and media servers of the calls section exist;
// twin.Check asks the call model about the rest.
func checkCallServers(sc *Scenario, t *topology.Topology) check.Findings {
	c := sc.Spec.Workloads.Calls
	var fs check.Findings
	server := func(name string) bool { return t.Host(name) != nil || t.VM(name) != nil }
	for _, p := range c.PBXs {
		for i, n := range p.Nodes {
			if !server(n) {
				fs = append(fs, check.New(check.WorkloadUnknownName, p.PosOf(fmt.Sprintf("nodes[%d]", i)),
					"PBX %s: node %q is not a host or VM", p.Name, n))
			}
		}
	}
	for _, s := range []struct {
		key  string
		spec *ServerSpec
	}{{"gateway", c.Gateway}, {"voicemail", c.Voicemail}, {"conference", c.Conference}} {
		if s.spec != nil && !server(s.spec.Node) {
			fs = append(fs, check.New(check.WorkloadUnknownName, s.spec.PosOf("node"),
				"%s node %q is not a host or VM", s.key, s.spec.Node))
		}
	}
	return fs
}

// CallErrorPos is where a call model's complaint about the calls section points: at the
// key the message names ("mos_interval: ..."), at the group it names, or at calls:.
func CallErrorPos(c Calls, msg string) topology.Pos {
	pos := c.Pos
	for _, key := range sortedFieldKeys(c.Source) {
		if strings.Contains(msg, key+":") {
			pos = c.PosOf(key)
		}
	}
	for _, g := range c.Groups {
		if strings.Contains(msg, "("+g.Name+")") || strings.Contains(msg, "group "+g.Name+":") {
			pos = g.Pos
			if g.Mix != nil && strings.Contains(msg, "mix") {
				pos = g.PosOf("mix")
			}
		}
	}
	return pos
}

func listedPBX(sc *Scenario, name string) bool {
	for _, p := range sc.Spec.Workloads.Calls.PBXs {
		if p.Name == name {
			return true
		}
	}
	return false
}

// sortedFieldKeys lists the keys an item wrote, in a fixed order.
func sortedFieldKeys(src topology.Source) []string {
	keys := make([]string, 0, len(src.Fields))
	for _, f := range src.Fields {
		keys = append(keys, f.Key)
	}
	sort.Strings(keys)
	return keys
}
