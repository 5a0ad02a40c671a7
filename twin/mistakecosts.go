package twin

import (
	"fmt"

	"dctwin/sim"
)

// What the virtualization mistakes of a forced run cost (mistakes.go): a VM's own
// outages, a VM cluster's service outages.

// vmFailureCostOf lists the failures that took a VM down and how long it stayed down
// (an FT VM without a secondary, a VM HA cannot restart: what the mistake costs).
func vmFailureCostOf(vm string, r *Report) []string {
	var cost []string
	for i, f := range r.Failures {
		for _, v := range f.VMs {
			if v.VM != vm {
				continue
			}
			line := fmt.Sprintf("failure %d (%s %s at %.3f s): VM %s ", i+1, f.Kind, f.Component, f.AtS, vm)
			switch {
			case v.OutageMs == nil:
				line += "down, not running again by the end of the run"
			case v.ResumedOn != "":
				line += fmt.Sprintf("down %s (back on %s)", fmtOffset(sim.Milliseconds(*v.OutageMs)), v.ResumedOn)
			default:
				line += "down " + fmtOffset(sim.Milliseconds(*v.OutageMs))
			}
			cost = append(cost, line)
		}
	}
	return cost
}

// serviceCostOf lists a VM cluster's service outages, per failure.
func serviceCostOf(service string, r *Report) []string {
	var cost []string
	for i, f := range r.Failures {
		for _, o := range f.VMClusters {
			if o.Service != service {
				continue
			}
			down := "not served again by the end of the run"
			if o.OutageMs != nil {
				down = "down " + fmtOffset(sim.Milliseconds(*o.OutageMs))
			}
			cost = append(cost, fmt.Sprintf("failure %d (%s %s at %.3f s): service %s %s (%s)", i+1, f.Kind, f.Component, f.AtS, service, down, o.How))
		}
	}
	return cost
}

// pairRuns reports whether the VM cluster runs in this run (check's errors about it
// leave it out).
func (tw *Twin) pairRuns(name string) bool {
	for _, p := range tw.pairs {
		if p.c.Name == name {
			return true
		}
	}
	return false
}
