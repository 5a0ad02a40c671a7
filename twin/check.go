package twin

import (
	"fmt"

	"dctwin/topology"
	"dctwin/topology/check"
)

// Check reviews a loaded scenario: the topology (topology/check) and the names the
// workloads and failures sections refer to. Findings come in file order.
func Check(sc *Scenario) check.Findings {
	t := sc.Topology
	fs := check.Topology(t)
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
		if _, ok := t.Component(class, f.Component); !ok {
			hint := ""
			if other, ok := t.ClassOf(f.Component); ok {
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
		if g.PBX != "" && t.Host(g.PBX) == nil && t.VM(g.PBX) == nil {
			fs = append(fs, check.New(check.WorkloadUnknownName, g.PosOf("pbx"), "call group %s: PBX %q is not a host or VM", g.Name, g.PBX))
		}
		if g.BHCA <= 0 && g.Erlangs <= 0 {
			fs = append(fs, check.New(check.CallLoadMissing, g.PosOf("name"), "call group %s has neither bhca nor erlangs", g.Name))
		}
	}
	fs.Sort()
	return fs
}
