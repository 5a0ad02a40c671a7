package twin

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/drs"
)

// Maintenance mode. EnterMaintenance empties a hypervisor the way vSphere does: DRS
// places its VMs on the other hosts of the cluster (topology/drs Evacuate: each to the
// host with the lowest CPU load that has the memory, its port groups and its
// datastore), they leave by live migration several at once (up to the host's limit
// on simultaneous vMotions, vmotionLimit, each copy sharing the vMotion network with
// the others: twin/vmotion.go), the FT
// secondaries on it are placed elsewhere (at once, as ft.go places a new secondary),
// and the host is in maintenance: powered on, running nothing, taking no HA restarts,
// migrations or new secondaries until ExitMaintenance. A VM on the host's local disk
// cannot leave, so it blocks maintenance; a migration that fails ends the attempt, and
// the host is back in normal service with the VMs still on it.

// MaintenanceState is a host's maintenance mode.
type MaintenanceState string

// Maintenance states.
const (
	MaintenanceEntering MaintenanceState = "entering maintenance" // its VMs are leaving
	MaintenanceOn       MaintenanceState = "maintenance"          // empty, out of service
)

// maintenance is a host entering or in maintenance mode.
type maintenance struct {
	host  string
	state MaintenanceState
	queue []drs.Move // migrations still to start
	// running counts its migrations under way (up to the host's vmotionLimit).
	running int
	why     string // the reason the migrations give
	// standby marks a host DPM empties to power it off (dpm.go): once empty, it
	// goes to standby instead of maintenance.
	standby bool
}

// MaintenanceChanged is the trace record of a host entering, being in or leaving
// maintenance mode, or failing to enter it.
type MaintenanceChanged struct {
	Host  string
	State MaintenanceState // "" when it left maintenance or failed to enter it
	// Note says what happened: how many VMs leave, or why entering failed.
	Note string
}

// Subject names the host.
func (r MaintenanceChanged) Subject() string { return r.Host }

// String implements sim.Record.
func (r MaintenanceChanged) String() string {
	s := string(r.State)
	if s == "" {
		s = "normal service"
	}
	if r.Note != "" {
		s += ": " + r.Note
	}
	return s
}

// Maintenance says whether a host is entering or in maintenance mode ("" if not).
func (tw *Twin) Maintenance(host string) MaintenanceState {
	if m := tw.motion.maint[host]; m != nil {
		return m.state
	}
	return ""
}

// EnterMaintenance puts a hypervisor into maintenance mode: its VMs migrate away, its
// FT secondaries move, then it is empty. Refused with the reason when a VM cannot
// leave (a local disk, no host with room); it is in the journal.
func (tw *Twin) EnterMaintenance(host string) error {
	tw.completeInstant()
	if err := tw.enterMaintenance(host); err != nil {
		return err
	}
	tw.journal = append(tw.journal, Action{At: tw.Sim.Now(), Kind: MaintenanceAction, Component: host})
	return nil
}

// ExitMaintenance takes a host out of maintenance mode (or stops its entering: the
// migrations under way finish, the others do not start). It is in the journal.
func (tw *Twin) ExitMaintenance(host string) error {
	tw.completeInstant()
	if err := tw.exitMaintenance(host); err != nil {
		return err
	}
	tw.journal = append(tw.journal, Action{At: tw.Sim.Now(), Kind: MaintenanceExitAction, Component: host})
	return nil
}

func (tw *Twin) enterMaintenance(host string) error {
	h := tw.Topology.Host(host)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s cannot enter maintenance: "+format, append([]any{host}, args...)...)
	}
	switch {
	case h == nil || !h.IsHypervisor():
		return errors.New(notHypervisor(tw.Topology, host))
	case tw.motion.maint[host] != nil:
		return fail("it is %s already", tw.motion.maint[host].state)
	case tw.hostDown[host]:
		return fail("it is down")
	}
	c := tw.Topology.ClusterOf(host)
	var leaving []*vmRun
	for _, v := range tw.vmsOn(host) {
		tv := tw.Topology.VM(v.VM)
		switch {
		case tv.Disk == topology.LocalDisk:
			return fail("%s has its disk on the host's local storage and cannot migrate (power it off, or move its disk first)", v.VM)
		case !v.migratable():
			// A hung or halted guest leaves as it is (vmotion.go).
			return fail("%s is %s; try again when it runs", v.VM, v.State)
		case tw.motion.active[v.VM] != nil:
			return fail("%s is migrating", v.VM)
		case c == nil:
			return fail("it is in no cluster, so %s has nowhere to go", v.VM)
		}
		leaving = append(leaving, v)
	}
	moves, err := tw.evacuation(host, c, leaving)
	if err != nil {
		return fail("%v", err)
	}
	m := &maintenance{host: host, state: MaintenanceEntering, queue: moves, why: "maintenance of " + host}
	tw.motion.maint[host] = m
	for _, hc := range tw.has {
		hc.agents.SetMaintenance(host, true)
	}
	tw.Sim.Report(MaintenanceChanged{Host: host, State: MaintenanceEntering, Note: fmt.Sprintf("%d VMs to migrate, up to %d at once", len(moves), tw.vmotionLimit(host))})
	tw.moveSecondaries(host, "maintenance")
	tw.nextEvacuation(m)
	return nil
}

// evacuation plans where a host's VMs go, as DRS would.
func (tw *Twin) evacuation(host string, c *topology.Cluster, leaving []*vmRun) ([]drs.Move, error) {
	if len(leaving) == 0 {
		return nil, nil
	}
	var hosts []drs.Host
	var vms []drs.VM
	add := func(name, on string) {
		tv := tw.Topology.VM(name)
		vms = append(vms, drs.VM{Name: name, Host: on, CPU: float64(tv.CPU), RAM: tv.RAMGB})
	}
	for _, name := range c.Hosts {
		h := tw.Topology.Host(name)
		if h == nil || !h.IsHypervisor() {
			continue
		}
		hosts = append(hosts, drs.Host{Name: name, CPU: float64(h.CPU), RAM: h.RAMGB, On: name == host || tw.hostUsable(name) == ""})
		if name == host {
			continue
		}
		// What takes room there: its VMs, the FT secondaries on it, the VMs on their
		// way to it (under other names, so that only the leaving VMs move).
		for _, v := range tw.vmsOn(name) {
			add(v.VM, name)
		}
		for _, vm := range tw.vmOrder {
			if p := tw.ftOf[vm]; p != nil && p.secondary == name {
				add(vm, name)
				vms[len(vms)-1].Name = "ft-secondary:" + vm
			}
			if m := tw.motion.active[vm]; m != nil && m.rec.To == name {
				add(vm, name)
				vms[len(vms)-1].Name = "arriving:" + vm
			}
		}
	}
	for _, v := range leaving {
		add(v.VM, host)
	}
	why := map[string][]string{} // VM → why each host refused it, for the error
	fits := func(vm, to string) bool {
		v := tw.vms[vm]
		_, err := tw.vmotionCheck(v, to)
		if err != nil {
			why[vm] = append(why[vm], err.Error())
		}
		return err == nil
	}
	// The members of a VM cluster go to hosts apart from each other where the plan
	// allows it, and together only when no plan keeps them apart (a soft rule, as
	// DRS treats a VM-VM anti-affinity rule it cannot meet in maintenance mode). A
	// member leaving with its mate is kept off the host the plan sent the mate to,
	// planning again until no two members share a destination.
	forbid := map[[2]string]bool{}
	apart := func(vm, to string) bool {
		return !forbid[[2]string{vm, to}] && !tw.vmClusterMateOn(vm, to) && fits(vm, to)
	}
	moves, err := drs.Evacuate(host, hosts, vms, apart)
	for range leaving {
		if err != nil || !tw.matesTogether(moves, forbid) {
			break
		}
		moves, err = drs.Evacuate(host, hosts, vms, apart)
	}
	if err != nil {
		clear(why)
		moves, err = drs.Evacuate(host, hosts, vms, fits)
	}
	if err != nil {
		for _, v := range leaving {
			if len(why[v.VM]) > 0 {
				return nil, fmt.Errorf("%w; %s", err, strings.Join(slices.Compact(why[v.VM]), "; "))
			}
		}
	}
	return moves, err
}

// matesTogether reports whether a plan sends two members of a VM cluster to one host,
// and forbids the later of them that host.
func (tw *Twin) matesTogether(moves []drs.Move, forbid map[[2]string]bool) bool {
	to := map[[2]string]string{} // (VM cluster, host) → the member sent there first
	for _, m := range moves {
		g := tw.vmClusterOf(m.VM)
		if g == "" {
			continue
		}
		if _, ok := to[[2]string{g, m.To}]; ok {
			forbid[[2]string{m.VM, m.To}] = true
			return true
		}
		to[[2]string{g, m.To}] = m.VM
	}
	return false
}

// moveSecondaries places the FT secondaries of a host entering maintenance (or DPM
// standby: for says which) on other hosts of their clusters.
func (tw *Twin) moveSecondaries(host, forWhat string) {
	for _, name := range tw.vmOrder {
		p := tw.ftOf[name]
		if p == nil || p.secondary != host {
			continue
		}
		p.decide.Stop()
		p.protect("", "secondary moved off "+host+" for "+forWhat)
		p.watch()
	}
}

// nextEvacuation starts the migrations of a host entering maintenance that its
// limit on simultaneous vMotions allows (vmotionLimit; a target at its own limit is
// passed over for the next VM), or puts it in maintenance when none is left or
// under way. It is called again whenever a migration ends.
func (tw *Twin) nextEvacuation(m *maintenance) {
	if tw.motion.maint[m.host] != m || m.state != MaintenanceEntering {
		return
	}
	for i := 0; i < len(m.queue); {
		if tw.vmotionsOn(m.host) >= tw.vmotionLimit(m.host) {
			return
		}
		mv := m.queue[i]
		if tw.vmotionsOn(mv.To) >= tw.vmotionLimit(mv.To) {
			i++
			continue
		}
		m.queue = slices.Delete(m.queue, i, i+1)
		m.running++
		_, err := tw.migrate(mv.VM, mv.To, m.why, func(r *Migration) {
			m.running--
			if r.Aborted != "" {
				tw.maintenanceFailed(m, fmt.Sprintf("the migration of %s failed: %s", r.VM, r.Aborted))
			}
		})
		if err != nil {
			m.running--
			tw.maintenanceFailed(m, err.Error())
			return
		}
	}
	if len(m.queue) > 0 || m.running > 0 {
		return
	}
	for _, v := range tw.vmsOn(m.host) {
		// Something started on it meanwhile (a VM of no cluster with its host).
		tw.maintenanceFailed(m, v.VM+" runs on it")
		return
	}
	if m.standby {
		tw.standby(m)
		return
	}
	m.state = MaintenanceOn
	tw.Sim.Report(MaintenanceChanged{Host: m.host, State: MaintenanceOn, Note: "no VM runs on it"})
}

// resumeEvacuations lets every host entering maintenance start what a migration that
// ended leaves room for (on its own host, or on a target it waited for), in the
// order of the hosts' names.
func (tw *Twin) resumeEvacuations() {
	for _, host := range slices.Sorted(maps.Keys(tw.motion.maint)) {
		if m := tw.motion.maint[host]; m != nil {
			tw.nextEvacuation(m)
		}
	}
}

// vmotionsOn counts the live migrations in progress from or to a host.
func (tw *Twin) vmotionsOn(host string) int {
	n := 0
	for _, m := range tw.motion.active {
		if m.rec.From == host || m.rec.To == host {
			n++
		}
	}
	return n
}

// vmotionLimit is how many live migrations a host runs at once: its cluster's
// concurrent_vmotions, or vSphere's limit for its vMotion network's speed
// (topology.MaxConcurrentVMotions: 4 on 1 GbE, 8 on 10 GbE), taken from the fastest
// of its NICs that carry the cluster's vMotion VLAN.
func (tw *Twin) vmotionLimit(host string) int {
	c := tw.Topology.ClusterOf(host)
	if c == nil {
		return 1
	}
	if c.ConcurrentVMotions > 0 {
		return c.ConcurrentVMotions
	}
	return topology.MaxConcurrentVMotions(tw.vmotionSpeed(host, c.VMotionVLAN))
}

// vmotionSpeed is the speed of the fastest NIC of a host that carries a VLAN: its
// own VLAN list, else its cable's, else all.
func (tw *Twin) vmotionSpeed(host, vlan string) int64 {
	h := tw.Topology.Host(host)
	var speed int64
	for _, n := range h.NICs {
		vlans := n.VLANs
		if l := tw.Topology.LinkAt(topology.PortRef{Device: host, Port: n.Name}); len(vlans) == 0 && l != nil {
			vlans = l.VLANs
		}
		if len(vlans) == 0 || slices.Contains(vlans, vlan) {
			speed = max(speed, n.Speed)
		}
	}
	return speed
}

// maintenanceFailed ends an attempt to enter maintenance: the host is back in service.
func (tw *Twin) maintenanceFailed(m *maintenance, why string) {
	if tw.motion.maint[m.host] != m {
		return
	}
	delete(tw.motion.maint, m.host)
	for _, hc := range tw.has {
		hc.agents.SetMaintenance(m.host, false)
	}
	if m.standby {
		tw.standbyFailed(m.host, why)
		tw.Sim.Report(MaintenanceChanged{Host: m.host, Note: "DPM's power off failed: " + why})
		tw.ftChanged()
		return
	}
	tw.Sim.Report(MaintenanceChanged{Host: m.host, Note: "entering maintenance failed: " + why})
	// The report lists it with the operations that did not happen: the host never
	// reached maintenance, though the attempt began (and may have moved some VMs).
	if len(tw.refused) < maxRefusedListed {
		tw.refused = append(tw.refused, fmt.Sprintf("%.3f s: maintenance of %s: entering maintenance failed: %s", tw.Sim.Now().Seconds(), m.host, why))
	}
	tw.ftChanged()
}

func (tw *Twin) exitMaintenance(host string) error {
	m := tw.motion.maint[host]
	if m == nil {
		return fmt.Errorf("%s is not in maintenance", host)
	}
	if m.standby {
		return fmt.Errorf("%s is in DPM standby, not in maintenance: DPM powers it on when demand rises", host)
	}
	delete(tw.motion.maint, host)
	for _, hc := range tw.has {
		hc.agents.SetMaintenance(host, false)
	}
	note := "left maintenance"
	if m.state == MaintenanceEntering {
		note = fmt.Sprintf("entering maintenance stopped, %d migrations not started", len(m.queue))
	}
	tw.Sim.Report(MaintenanceChanged{Host: host, Note: note})
	tw.ftChanged() // an unprotected FT pair may place its secondary here now
	return nil
}

// inMaintenance reports whether a host takes no VMs: entering or in maintenance.
func (tw *Twin) inMaintenance(host string) bool {
	return tw.motion != nil && tw.motion.maint[host] != nil
}

// scheduleOperation carries out a scheduled migrate or maintenance entry at its time
// (after everything else at that time, as a journal's actions). What cannot be done
// then is reported as refused, with the reason. reason is what a migration says of
// who asked ("by hand" for a session's own, replayed or saved).
func (tw *Twin) scheduleOperation(at sim.Time, a Action, reason string) {
	tw.Sim.AfterPriority(max(0, at-tw.Sim.Now()), sim.Last, func() {
		var err error
		switch a.Kind {
		case MigrateAction:
			_, err = tw.migrate(a.Component, a.To, reason, nil)
		case MaintenanceAction:
			err = tw.enterMaintenance(a.Component)
			if err == nil && a.RepairAfter > 0 {
				tw.Sim.AfterPriority(a.RepairAfter, sim.Last, func() { _ = tw.exitMaintenance(a.Component) })
			}
		case MaintenanceExitAction:
			err = tw.exitMaintenance(a.Component)
		}
		if err != nil {
			tw.Sim.Report(OperationRefused{Action: a.Kind, Component: a.Component, Reason: err.Error()})
			if len(tw.refused) < maxRefusedListed {
				what := fmt.Sprintf("%s of %s", a.Kind, a.Component)
				if a.Component == "" {
					what = fmt.Sprintf("%s without a component", a.Kind)
				}
				tw.refused = append(tw.refused, fmt.Sprintf("%.3f s: %s: %s", tw.Sim.Now().Seconds(), what, err))
			}
		}
	})
}

// OperationRefused is the trace record of a scheduled migration or maintenance that
// could not be carried out at its time.
type OperationRefused struct {
	Action    ActionKind
	Component string
	Reason    string
}

// Subject names the VM or host.
func (r OperationRefused) Subject() string { return r.Component }

// String implements sim.Record.
func (r OperationRefused) String() string { return fmt.Sprintf("%s refused: %s", r.Action, r.Reason) }
