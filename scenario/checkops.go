package scenario

import (
	"dctwin/topology"
	"dctwin/topology/check"
)

// checkOperation reviews a scheduled migrate or maintenance entry: a VM and a
// hypervisor of its cluster with a vMotion network for a migration, a clustered
// hypervisor for maintenance, an earlier maintenance for its exit. Whether it can be
// carried out otherwise depends on the run at its time (capacity, port groups, where
// the VM runs by then): the run reports a refusal there.
func checkOperation(sc *Scenario, t *topology.Topology, idx topology.ComponentIndex, f ScheduledFailure) check.Findings {
	var fs check.Findings
	add := func(k check.Kind, key, format string, args ...any) {
		fs = append(fs, check.New(k, f.PosOf(key), format, args...))
	}
	hypervisor := func(name, key string) bool {
		switch h := t.Host(name); {
		case name == "":
			add(check.FailureUnknown, "kind", "%s needs a component: the hypervisor it is for", f.Kind)
		case h == nil:
			if other, ok := idx.ClassOf(name); ok {
				add(check.FailureUnknown, key, "%s of %s: %q is a %s, not a hypervisor", f.Kind, f.Component, name, other)
			} else {
				add(check.FailureUnknown, key, "%s of %s: no host named %q", f.Kind, f.Component, name)
			}
		case !h.IsHypervisor():
			add(check.FailureUnknown, key, "%s of %s: %s is a %s server, not a hypervisor", f.Kind, f.Component, name, h.Kind)
		default:
			return true
		}
		return false
	}
	if f.Kind != MigrateKind && f.To != "" {
		add(check.FailureUnknown, "to", "%s of %s: only a migrate entry has a target host (to)", f.Kind, f.Component)
	}
	switch f.Kind {
	case MaintenanceKind:
		if hypervisor(f.Component, "component") && t.ClusterOf(f.Component) == nil {
			add(check.OperationMeaningless, "component", "maintenance of %s: %s is in no cluster, so its VMs have nowhere to go", f.Component, f.Component)
		}
		for _, v := range t.VMsOn(f.Component) {
			if !v.Written("ram_gb") {
				add(check.OperationMeaningless, "component", "maintenance of %s: its VM %s has no ram_gb; maintenance migrates it live, "+
					"which copies its memory, so give it ram_gb", f.Component, v.Name)
			}
		}
		if written(f.Source, "repair_after") && f.RepairAfter <= 0 {
			add(check.BadValue, "repair_after", "maintenance of %s: repair_after %v: leave repair_after out for a maintenance that does not end by itself",
				f.Component, f.RepairAfter)
		}
		return fs
	case MaintenanceExitKind:
		if !hypervisor(f.Component, "component") {
			return fs
		}
		if written(f.Source, "repair_after") {
			add(check.OperationMeaningless, "repair_after", "maintenance-exit of %s: an exit has no repair_after (it ends a maintenance; "+
				"to end one after a time, give the maintenance entry repair_after)", f.Component)
		}
		if !earlier(sc, f, func(e ScheduledFailure) bool { return e.Kind == MaintenanceKind && e.Component == f.Component }) {
			add(check.OperationMeaningless, "kind", "maintenance-exit of %s at %v: no maintenance of %s comes before it", f.Component, f.At, f.Component)
		}
		return fs
	}
	v := t.VM(f.Component)
	if v == nil {
		if f.Component == "" {
			return append(fs, check.New(check.FailureUnknown, f.PosOf("kind"), "migrate needs a component: the VM to move"))
		}
		return append(fs, check.New(check.FailureUnknown, f.PosOf("component"), "migrate: no VM named %q", f.Component))
	}
	if written(f.Source, "repair_after") {
		add(check.OperationMeaningless, "repair_after", "migrate of %s: a migration has no repair_after", f.Component)
	}
	if f.To == "" {
		return append(fs, check.New(check.FailureUnknown, f.PosOf("kind"), "migrate of %s: say where to, with to: HOST", f.Component))
	}
	if !hypervisor(f.To, "to") {
		return fs
	}
	c := t.ClusterOf(v.Host)
	switch {
	case c == nil || t.ClusterOf(f.To) != c:
		add(check.OperationMeaningless, "to", "migrate of %s: %s is not in the cluster of %s, where the VM starts", f.Component, f.To, v.Host)
	case c.VMotionVLAN == "":
		add(check.OperationMeaningless, "kind", "migrate of %s: cluster %s has no vmotion_vlan; live migration needs the cluster's vMotion network",
			f.Component, c.Name)
	case f.To == v.Host && !earlier(sc, f, func(ScheduledFailure) bool { return true }) && len(sc.Spec.Failures.Random) == 0:
		add(check.OperationMeaningless, "to", "migrate of %s to %s: the VM starts there and nothing before %v moves it", f.Component, f.To, f.At)
	}
	if !v.Written("ram_gb") {
		add(check.OperationMeaningless, "component", "migrate of %s: the VM has no ram_gb; a live migration copies the VM's memory, so give it ram_gb", f.Component)
	}
	return fs
}

// checkRepair reviews a kind: repair entry: a component that exists and a failure of
// it to repair. A repair with no scheduled failure of its component before it (and no
// random failures that could have failed it) does nothing; it is a warning, since a
// failure of something around the component may still be in force.
func checkRepair(sc *Scenario, t *topology.Topology, idx topology.ComponentIndex, f ScheduledFailure) check.Findings {
	var fs check.Findings
	if _, ok := idx.ClassOf(f.Component); !ok {
		return append(fs, check.New(check.FailureUnknown, f.PosOf("component"), "repair of %q: no component has that name", f.Component))
	}
	if written(f.Source, "repair_after") {
		fs = append(fs, check.New(check.OperationMeaningless, f.PosOf("repair_after"), "repair of %s: a repair has no repair_after", f.Component))
	}
	failed := earlier(sc, f, func(e ScheduledFailure) bool {
		return e.Component == f.Component && !e.Kind.Operation() && e.Kind != RepairKind
	})
	if !failed && len(sc.Spec.Failures.Random) == 0 {
		fs = append(fs, check.New(check.RepairOfNothing, f.PosOf("kind"), "repair of %s at %v: no failure of %s comes before it; the repair does nothing",
			f.Component, f.At, f.Component))
	}
	return fs
}

// earlier reports whether a scheduled entry before f (in time; at the same time,
// before it in the file) matches.
func earlier(sc *Scenario, f ScheduledFailure, match func(ScheduledFailure) bool) bool {
	for _, e := range sc.Spec.Failures.Scheduled {
		if e.Pos == f.Pos {
			continue
		}
		if (e.At < f.At || e.At == f.At && e.Pos.Line < f.Pos.Line) && match(e) {
			return true
		}
	}
	return false
}
