package failures

import (
	"slices"

	"dctwin/topology"
)

// KindsOf lists the ways a component of a class can fail: a link fails both ways or
// one way; a hypervisor crashes, hangs, loses its management network, or (with
// shared storage) a storage path; a VM's guest crashes or hangs; any other
// component fails in its class's own way (KindOf).
func KindsOf(t *topology.Topology, class topology.Class, component string) []Kind {
	switch class {
	case topology.ClassLink:
		return []Kind{Link, LinkOneWay}
	case topology.ClassHost:
		if h := t.Host(component); h != nil && h.IsHypervisor() {
			if len(h.Storage) > 0 {
				return []Kind{Host, HostHang, HostIsolation, StoragePath}
			}
			return []Kind{Host, HostHang, HostIsolation}
		}
	case topology.ClassVM:
		// The guest crashes (its on_guest_crash decides what follows), or it hangs.
		return []Kind{VM, VMHang}
	}
	return []Kind{KindOf(class)}
}

// Candidates lists the components of a class that can fail as kind, in the
// topology's order: those a random failure entry of that class and kind fails at run
// time, and those check counts for its failure budget.
func Candidates(t *topology.Topology, class topology.Class, kind Kind) []string {
	var names []string
	for _, c := range t.ComponentsOf(class) {
		if slices.Contains(KindsOf(t, class, c.Name), kind) {
			names = append(names, c.Name)
		}
	}
	return names
}
