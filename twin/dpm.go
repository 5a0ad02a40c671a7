package twin

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/check"
	"dctwin/topology/drs"
	"dctwin/topology/ha"
)

// DRS and DPM at run time (reference-facts §6.4, §6.5). Every cluster with DRS or DPM
// enabled and at least one VM that declares a demand is invoked every drs.interval
// (vSphere's 5 min by default, §6.4), first at one interval into the run; without
// demand they have nothing to go on and stay idle. Each invocation takes a picture of
// the cluster (topology/drs: the hypervisors that are up and not in maintenance or
// standby, with their cores and memory; the VMs placed on them, with their CPU demand
// in cores and their memory in use) and lets topology/drs decide:
//
//   - DPM first (when enabled): drs.PowerWithin with the cluster's band (target ±
//     tolerance, 63 ± 18 % by default), CPU demand and memory in use averaged over
//     the last 40 minutes for powering off (so not before 40 minutes into the run)
//     and the last 5 for powering on (§6.5), a host whose VMs vMotion cannot take
//     where DPM placed them left on, at least HA's host_failures_tolerated + 1 hosts
//     kept on, and no host powered off that HA's
//     admission control needs (admissionWithout: its slots, with reservations). A host to power off is emptied by
//     live migration to where DPM placed its VMs (several at once, as maintenance
//     mode does), then powered off: standby, drawing nothing. A host to power on boots
//     for its boot time, draws its idle power meanwhile, and takes VMs once booted.
//   - DRS then (when enabled and DPM started nothing): drs.BalanceWhere over the CPU
//     demand averaged over the last interval, each move allowed only where vMotion can
//     take the VM (port groups, datastore, capacity). Fully automated DRS starts the
//     migrations at once (they share the vMotion network); manual and partially
//     automated DRS only record them as recommendations.
//
// An invocation is skipped while a migration of the cluster or a DPM action is under
// way (dctwin's choice: the next one sees the settled picture). HA leaves a host in
// standby out of its failure detection, as it does hosts in maintenance (a master in
// standby hands over by election); restarts that find no host with room make HA
// ask DPM to wake standby hosts for them (hawake.go). HA's dedicated failover hosts are left out of the
// picture: neither DRS's nor DPM's. An FT secondary counts as load on its host, as much as
// its primary; DRS does not move it, and a host DPM empties has its secondaries
// placed elsewhere as maintenance does (before, a primary DPM's plan sent onto its
// own secondary's host failed vMotion's check at every invocation, so DPM never
// acted). A host that fails in standby stays off: DPM's attempt to
// wake it fails (reported) and DPM wakes another; a repaired one is back in standby,
// off (standbyHostPower). The stuns of DRS's and DPM's migrations are no failure's
// outages: a failure report leaves them to the migrations section.

// The reasons DRS's and DPM's migrations give.
const (
	drsReason = "DRS load balancing"
	dpmReason = "DPM: power off "
)

// Windows over which DPM averages demand (reference-facts §6.5).
const (
	dpmOffWindow = 40 * time.Minute
	dpmOnWindow  = 5 * time.Minute
)

// PowerAction is one DPM power operation on a host.
type PowerAction struct {
	Host string
	// Action is "power off" (its VMs migrate away first, then it goes to standby)
	// or "power on" (it boots, then takes VMs).
	Action string
	// At is when DPM decided, Done when the host was off or booted (sim.Never while
	// under way or if it failed).
	At, Done sim.Time
	// Reason is DPM's picture in words; Failed why the action did not complete.
	Reason, Failed string
}

// Recommendation is a DRS move that manual or partially automated DRS left to the
// operator.
type Recommendation struct {
	At           sim.Time
	VM, From, To string
}

// resources is the twin's DRS and DPM.
type resources struct {
	actions  []*PowerAction
	pending  map[string]*PowerAction // host → its action under way
	offAt    map[string]sim.Time     // host → when it went to standby
	offFor   sim.Time                // standby time of hosts back on
	recs     []Recommendation
	drsMoves int
	// asleep marks the hosts DPM powered off until they reach their gateway again:
	// their reachability changes are no outage (reach.go).
	asleep map[string]bool
	// failed marks the hosts that failed in standby and are not repaired: they stay
	// off whatever DPM asks. noticed marks those of them DPM tried to wake: it leaves
	// them out of its picture until they are repaired.
	failed, noticed map[string]bool
	// forHA is the power-on of each host DPM woke at HA's request (hawake.go).
	forHA map[string]*PowerAction
}

// startResources invokes DRS and DPM periodically in the clusters that use them.
func (tw *Twin) startResources() {
	tw.res = &resources{pending: map[string]*PowerAction{}, offAt: map[string]sim.Time{}, asleep: map[string]bool{},
		failed: map[string]bool{}, noticed: map[string]bool{}, forHA: map[string]*PowerAction{}}
	for _, c := range tw.Topology.Clusters {
		if !c.DRS.Enabled && !c.DPM.Enabled || !tw.clusterHasDemand(c) {
			continue
		}
		interval := c.DRS.Interval
		if interval <= 0 {
			interval = topology.DefaultDRSInterval
		}
		var tick func()
		tick = func() {
			tw.invokeResources(c)
			tw.Sim.AfterPriority(sim.Time(interval), sim.Last, tick)
		}
		tw.Sim.AfterPriority(sim.Time(interval), sim.Last, tick)
	}
}

func (tw *Twin) clusterHasDemand(c *topology.Cluster) bool {
	for _, v := range tw.Topology.VMs {
		if v.Demand.Set() && tw.Topology.ClusterOf(v.Host) == c {
			return true
		}
	}
	return false
}

// picture is the cluster as topology/drs sees it, with CPU demand and memory in use
// averaged over [now-window, now) (reference-facts §6.5: DPM evaluates demand over its
// windows, memory as CPU).
func (tw *Twin) picture(c *topology.Cluster, window time.Duration) ([]drs.Host, []drs.VM) {
	now := time.Duration(tw.Sim.Now())
	var hosts []drs.Host
	var vms []drs.VM
	for _, name := range c.Hosts {
		h := tw.Topology.Host(name)
		if h == nil || !h.IsHypervisor() {
			continue
		}
		if c.HA.Enabled && slices.Contains(c.HA.FailoverHosts, name) {
			// HA keeps its failover hosts free and on for restarts (reference-facts
			// §6.1): DRS puts no VM there, DPM does not power them off.
			continue
		}
		m := tw.motion.maint[name]
		switch {
		case m != nil && m.standby && m.state == MaintenanceStandby:
			if tw.res.noticed[name] {
				continue // its wake failed: DPM counts on it no more
			}
			hosts = append(hosts, drs.Host{Name: name, CPU: float64(h.CPU), RAM: h.RAMGB})
			continue
		case tw.hostUsable(name) != "":
			continue // down or in maintenance: neither DRS's nor DPM's
		}
		hosts = append(hosts, drs.Host{Name: name, CPU: float64(h.CPU), RAM: h.RAMGB, On: true})
		for _, v := range tw.vmsOn(name) {
			tv := tw.Topology.VM(v.VM)
			d := tv.Demand
			from := max(0, now-window)
			ram := tv.MeanRAMInUse(from, now)
			cpu := d.CPU * float64(tv.CPU) * d.MeanFactor(from, now)
			if v.guest != "" {
				cpu = 0 // hung or halted: it holds its memory, does no work (as hostUtilisation)
			}
			vms = append(vms, drs.VM{Name: v.VM, Host: name, CPU: cpu, RAM: ram})
		}
	}
	// An FT secondary runs in lockstep with its primary: as much load on its host
	// (reference-facts §6.3: it reserves the primary's memory).
	on := map[string]bool{}
	for _, h := range hosts {
		on[h.Name] = h.On
	}
	n := len(vms)
	for _, v := range vms[:n] {
		if p := tw.ftOf[v.Name]; p != nil && p.secondary != "" && on[p.secondary] {
			vms = append(vms, drs.VM{Name: ftSecondaryPrefix + v.Name, Host: p.secondary, CPU: v.CPU, RAM: v.RAM})
		}
	}
	return hosts, vms
}

// ftSecondaryPrefix names an FT secondary in DRS's and DPM's picture. DRS does not
// move one; a host DPM empties has its secondaries placed elsewhere as maintenance
// does (moveSecondaries).
const ftSecondaryPrefix = "ft-secondary:"

// movable reports whether DRS or DPM may send a VM of their picture to a host: a
// VM vMotion can take there, or an FT secondary to a host other than its
// primary's (DPM's evacuation only; DRS moves no secondary).
func (tw *Twin) movable(vm, to string) bool {
	if prim, ok := strings.CutPrefix(vm, ftSecondaryPrefix); ok {
		v := tw.vms[prim]
		return v != nil && v.Host != to
	}
	_, err := tw.vmotionCheck(tw.vms[vm], to)
	return err == nil
}

// invokeResources is one DPM and DRS invocation in a cluster.
func (tw *Twin) invokeResources(c *topology.Cluster) {
	for _, name := range c.Hosts {
		if tw.res.pending[name] != nil {
			return
		}
		for _, v := range tw.vmsOn(name) {
			if tw.motion.active[v.VM] != nil {
				return
			}
		}
	}
	if c.DPM.Enabled && tw.invokeDPM(c) {
		return
	}
	if !c.DRS.Enabled {
		return
	}
	hosts, vms := tw.picture(c, c.DRS.Interval)
	moves := drs.BalanceWhere(hosts, vms, c.DRS.Threshold, func(vm, to string) bool {
		return !strings.HasPrefix(vm, ftSecondaryPrefix) && tw.movable(vm, to)
	})
	for _, mv := range moves {
		if c.DRS.Automation != topology.DRSFully {
			tw.res.recs = append(tw.res.recs, Recommendation{At: tw.Sim.Now(), VM: mv.VM, From: mv.From, To: mv.To})
			tw.Sim.Report(DRSRecommended{VM: mv.VM, From: mv.From, To: mv.To, Gain: mv.Gain})
			continue
		}
		if _, err := tw.migrate(mv.VM, mv.To, drsReason, nil); err == nil {
			tw.res.drsMoves++
		}
	}
}

// invokeDPM takes DPM's step; it reports whether it started a power action.
func (tw *Twin) invokeDPM(c *topology.Cluster) bool {
	hosts, low := tw.picture(c, dpmOffWindow)
	_, high := tw.picture(c, dpmOnWindow)
	minOn := 1
	if c.HA.Enabled {
		minOn = c.HA.HostFailuresTolerated + 1
	}
	band := func(pct float64) float64 { return pct / 100 }
	d := drs.PowerWhere(band(c.DPM.TargetUtilization-c.DPM.Tolerance), band(c.DPM.TargetUtilization+c.DPM.Tolerance),
		low, high, hosts, minOn, tw.movable)
	for d.On != "" && tw.res.failed[d.On] {
		// The host failed while in standby: it does not boot (vSphere reports the
		// host's exit from standby as failed); DPM tries another.
		tw.wakeFailed(d.On, fmt.Sprintf("CPU or memory demand over %.0f %% on every host for %v", c.DPM.TargetUtilization+c.DPM.Tolerance, dpmOnWindow))
		hosts, low = tw.picture(c, dpmOffWindow)
		_, high = tw.picture(c, dpmOnWindow)
		d = drs.PowerWhere(band(c.DPM.TargetUtilization-c.DPM.Tolerance), band(c.DPM.TargetUtilization+c.DPM.Tolerance),
			low, high, hosts, minOn, tw.movable)
	}
	switch {
	case d.On != "":
		tw.wake(d.On, fmt.Sprintf("CPU or memory demand over %.0f %% on every host for %v", c.DPM.TargetUtilization+c.DPM.Tolerance, dpmOnWindow))
		return true
	case d.Off != "" && tw.Sim.Now() >= sim.Time(dpmOffWindow):
		if tw.admissionWithout(c, d.Off, d.Evacuate) != "" {
			return false // HA's admission control needs the host on
		}
		return tw.toStandby(d.Off, d.Evacuate, fmt.Sprintf("CPU and memory demand under %.0f %% on every host for %v", c.DPM.TargetUtilization-c.DPM.Tolerance, dpmOffWindow))
	}
	return false
}

// admissionWithout is why the cluster's HA admission control would be broken with
// host in standby and its VMs moved as DPM plans, or "" if it would hold: DPM
// respects HA admission control and keeps enough hosts on (reference-facts §6.5;
// vSphere 6.7 Resource Management lists "vSphere HA needs extra capacity for
// failover" among the reasons DPM does not power a host off). With the
// host-failures policy that is its slots; hosts DPM has in standby already give
// none.
func (tw *Twin) admissionWithout(c *topology.Cluster, host string, moves []drs.Move) string {
	if !c.HA.Enabled {
		return ""
	}
	a := check.AdmissionOf(c.HA)
	if a.Policy == ha.NoAdmission {
		return ""
	}
	loads := tw.admissionLoads(c)
	from := slices.IndexFunc(loads, func(l ha.Load) bool { return l.Name == host })
	if from < 0 {
		return ""
	}
	loads[from].Up = false
	for _, mv := range moves {
		name := strings.TrimPrefix(mv.VM, ftSecondaryPrefix)
		to := slices.IndexFunc(loads, func(l ha.Load) bool { return l.Name == mv.To })
		i := slices.IndexFunc(loads[from].VMs, func(v ha.VM) bool { return v.Name == name })
		if to < 0 || i < 0 {
			continue
		}
		loads[to].VMs = append(loads[to].VMs, loads[from].VMs[i])
		loads[from].VMs = slices.Delete(loads[from].VMs, i, i+1)
	}
	return a.Shortfall(loads, ha.DefaultConfig().CPUOvercommit)
}

// toStandby starts emptying a host for DPM: its VMs migrate where DPM placed them,
// then it powers off.
func (tw *Twin) toStandby(host string, moves []drs.Move, reason string) bool {
	for _, v := range tw.vmsOn(host) {
		if !v.migratable() || tw.Topology.VM(v.VM).Disk == topology.LocalDisk {
			return false // it cannot leave by vMotion now
		}
	}
	var vmotions []drs.Move
	for _, mv := range moves {
		if strings.HasPrefix(mv.VM, ftSecondaryPrefix) {
			continue // moveSecondaries places it
		}
		if _, err := tw.vmotionCheck(tw.vms[mv.VM], mv.To); err != nil {
			return false // DPM's placement is not one vMotion can carry out
		}
		vmotions = append(vmotions, mv)
	}
	moves = vmotions
	a := &PowerAction{Host: host, Action: "power off", At: tw.Sim.Now(), Done: sim.Never, Reason: reason}
	tw.res.actions = append(tw.res.actions, a)
	tw.res.pending[host] = a
	m := &maintenance{host: host, state: MaintenanceEntering, queue: moves, why: dpmReason + host, standby: true}
	tw.motion.maint[host] = m
	for _, hc := range tw.has {
		hc.agents.SetMaintenance(host, true)
	}
	tw.Sim.Report(DPMPower{Host: host, Action: "power off", Note: fmt.Sprintf("%s; %d VMs to migrate", reason, len(moves))})
	tw.moveSecondaries(host, "DPM standby")
	tw.nextEvacuation(m)
	return true
}

// standbyFailed ends a power off whose evacuation failed: the host stays in service.
func (tw *Twin) standbyFailed(host, why string) {
	if a := tw.res.pending[host]; a != nil {
		a.Failed = why
		delete(tw.res.pending, host)
	}
}

// standby powers off a host DPM has emptied.
func (tw *Twin) standby(m *maintenance) {
	m.state = MaintenanceStandby
	a := tw.res.pending[m.host]
	delete(tw.res.pending, m.host)
	if a != nil {
		a.Done = tw.Sim.Now()
	}
	tw.res.offAt[m.host] = tw.Sim.Now()
	tw.Sim.Report(MaintenanceChanged{Host: m.host, State: MaintenanceStandby, Note: "empty, powered off by DPM"})
	tw.res.asleep[m.host] = true
	_ = tw.powerOff(m.host)
}

// wake powers a standby host on: it boots, then leaves standby and takes VMs.
func (tw *Twin) wake(host, reason string) {
	m := tw.motion.maint[host]
	if m == nil || !m.standby {
		return
	}
	a := &PowerAction{Host: host, Action: "power on", At: tw.Sim.Now(), Done: sim.Never, Reason: reason}
	tw.res.actions = append(tw.res.actions, a)
	tw.res.pending[host] = a
	tw.stopStandbyClock(host)
	m.state = MaintenanceWaking
	tw.Sim.Report(DPMPower{Host: host, Action: "power on", Note: reason})
	tw.powerOn(host)
	gen := tw.hostGen[host]
	tw.Sim.AfterPriority(sim.Time(tw.Topology.Host(host).BootTime), sim.Last, func() {
		delete(tw.res.pending, host)
		if tw.hostGen[host] != gen || tw.motion.maint[host] != m {
			a.Failed = "the host failed while booting"
			return
		}
		a.Done = tw.Sim.Now()
		delete(tw.motion.maint, host)
		for _, hc := range tw.has {
			hc.agents.SetMaintenance(host, false)
		}
		tw.Sim.Report(MaintenanceChanged{Host: host, Note: "booted, out of DPM standby"})
		tw.ftChanged()
	})
}

// wakeFailed records DPM's attempt to power on a host that failed in standby: it
// stays off, and DPM leaves it out until it is repaired.
func (tw *Twin) wakeFailed(host, reason string) {
	why := "the host has failed and did not boot"
	tw.res.actions = append(tw.res.actions, &PowerAction{Host: host, Action: "power on", At: tw.Sim.Now(), Done: sim.Never, Reason: reason, Failed: why})
	tw.res.noticed[host] = true
	tw.Sim.Report(DPMPower{Host: host, Action: "power on failed", Note: reason + "; " + why})
}

// standbyHostPower applies a failure or repair of a host's power to a host DPM keeps
// in standby or is waking; it reports whether it did (power then leaves the host
// alone). A host that fails in standby stays off and out of DPM's reach until
// repaired (its standby time stops: it is off by failure, not by DPM); a repaired
// one is back in standby, off, as vSphere leaves a host that was powered off
// (dctwin's reading: the repair restores the host, not its power), until DPM wakes
// it. A host failing while it boots out of standby is back off, failed.
func (tw *Twin) standbyHostPower(host string, fail bool) bool {
	m := tw.motion.maint[host]
	if tw.res == nil || m == nil || !m.standby || m.state == MaintenanceEntering {
		return false
	}
	switch {
	case fail && m.state == MaintenanceStandby:
		if !tw.res.failed[host] {
			tw.res.failed[host] = true
			tw.stopStandbyClock(host)
		}
		return true
	case fail: // waking: its boot stops, and DPM sees its power-on fail
		_ = tw.powerOff(host)
		m.state = MaintenanceStandby
		tw.res.failed[host] = true
		tw.res.noticed[host] = true
		return true
	case tw.res.failed[host]:
		delete(tw.res.failed, host)
		delete(tw.res.noticed, host)
		tw.res.offAt[host] = tw.Sim.Now()
		tw.Sim.Report(MaintenanceChanged{Host: host, State: MaintenanceStandby, Note: "repaired, stays powered off in DPM standby"})
		return true
	}
	return m.state == MaintenanceStandby // repaired without having failed: still off
}

// stopStandbyClock ends a host's time in standby.
func (tw *Twin) stopStandbyClock(host string) {
	if at, ok := tw.res.offAt[host]; ok {
		tw.res.offFor += tw.Sim.Now() - at
		delete(tw.res.offAt, host)
	}
}

// Maintenance states of DPM's standby.
const (
	MaintenanceStandby MaintenanceState = "standby" // powered off by DPM
	MaintenanceWaking  MaintenanceState = "leaving standby"
	// MaintenanceEnteringStandby is how a snapshot shows a host DPM is emptying (the
	// twin keeps it as MaintenanceEntering).
	MaintenanceEnteringStandby MaintenanceState = "entering DPM standby"
)

// PowerActions lists DPM's power operations so far, in the order DPM decided them.
func (tw *Twin) PowerActions() []PowerAction {
	out := make([]PowerAction, len(tw.res.actions))
	for i, a := range tw.res.actions {
		out[i] = *a
	}
	return out
}

// Recommendations lists the moves manual or partially automated DRS recommended.
func (tw *Twin) Recommendations() []Recommendation {
	return append([]Recommendation(nil), tw.res.recs...)
}

// standbyTime is the hosts' total time in DPM standby so far.
func (r *resources) standbyTime(now sim.Time) sim.Time {
	t := r.offFor
	for _, at := range r.offAt {
		t += now - at
	}
	return t
}

// DPMPower is the trace record of a DPM decision to power a host off or on.
type DPMPower struct {
	Host, Action, Note string
}

// Subject names the host.
func (r DPMPower) Subject() string { return r.Host }

// String implements sim.Record.
func (r DPMPower) String() string { return "DPM: " + r.Action + ": " + r.Note }

// DRSRecommended is the trace record of a move manual or partially automated DRS
// recommends without carrying it out.
type DRSRecommended struct {
	VM, From, To string
	Gain         float64
}

// Subject names the VM.
func (r DRSRecommended) Subject() string { return r.VM }

// String implements sim.Record.
func (r DRSRecommended) String() string {
	return fmt.Sprintf("DRS recommends migrating it from %s to %s (imbalance −%.3f)", r.From, r.To, r.Gain)
}
