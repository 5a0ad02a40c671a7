package twin

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/ha"
	"dctwin/topology/network"
	"dctwin/topology/vmotion"
)

// Live migration at run time (vMotion, reference-facts §6.3 and §7). MigrateVM copies a
// running VM's memory to another host of its cluster by iterative pre-copy
// (topology/vmotion): round 1 sends all of it while the VM runs, each later round the
// pages the guest dirtied meanwhile, until the rest fits the switchover goal. The copy
// is a flow from the source host's vMotion VMkernel interface to the target's (the
// cluster's vmotion_vlan), so it takes what the network gives: at the start of each
// round, whenever its path changes and whenever another copy starts, ends or changes
// its rate, it sends at its path's headroom (the bottleneck's speed less what the
// other flows offer there), split evenly with the other copies crossing that link
// (new FT secondaries' memory copies as well: ftcopy.go)
// (network.Flow.FairShare: TCP streams side by side share a link about evenly), and
// it loads those links as any flow does. Concurrent migrations are therefore not free:
// k copies over one link each go at a k-th of it. Other flows'
// load changes within a round are not followed (dctwin's simplification: the next
// round sees them). A path that stops delivering stalls the copy; after
// vmotionNetTimeout without a path the migration is aborted and the VM stays where it
// was. Then MoveVM stuns the VM for the last dirty pages and the device state and
// resumes it on the target, whose virtual switch announces it by RARP; a target lost
// during the stun leaves the VM to the source, where it resumes.
//
// A migration is refused when the target is not a running hypervisor of the VM's
// cluster, lacks one of its port groups or its datastore, or has not the memory and
// vCPUs free, and when either host has no vMotion interface.

// vmotionNetTimeout is how long a copy waits for its path before it gives up.
// vSphere's setting for it (Migrate.NetTimeout) has no default in reference-facts:
// 20 s is dctwin's choice.
const vmotionNetTimeout = 20 * sim.Second

// vmotionMinShare is the least share of the bottleneck's speed a copy gets when the
// other flows fill it: a TCP stream competing with a few others (dctwin's choice).
// The link then runs over capacity and drops packets of every flow crossing it, as a
// vMotion over a full shared link does. Copies sharing a link split what the other
// flows leave evenly (each at least this share) and re-rate each other whenever one
// starts, ends or changes its rate; together they fill the link.
const vmotionMinShare = 0.1

// maxReratesPerInstant bounds how often a copy changes its rate in one instant:
// copies sharing links settle in a few, and a bound keeps a pathological case from
// holding the clock (dctwin's choice).
const maxReratesPerInstant = 8

// cpuOvercommit is how many vCPUs a host takes per core when a VM migrates to it:
// HA's placement rule (topology/ha DefaultConfig).
var cpuOvercommit = ha.DefaultConfig().CPUOvercommit

// Migration is one live migration: its pre-copy, its switchover and what the VM's
// traffic saw.
type Migration struct {
	VM, From, To string
	// Reason says who asked for it: "by hand", "maintenance of hv-1", …
	Reason     string
	Start, End sim.Time // End is sim.Never while it runs
	// Rounds of pre-copy, SentBytes all the copy sent (the stun's last pages
	// included), Bandwidth what the network gave the copy at the end (bit/s).
	Rounds    int
	SentBytes float64
	Bandwidth float64
	// PreCopy is the time the VM ran while being copied; Stun the switchover.
	PreCopy, Stun sim.Time
	// Converged says the dirty set came within the switchover goal; StopRule why
	// pre-copy ended.
	Converged bool
	StopRule  string
	// Downtime is the VM's outage as its state records measured it (stunned until
	// running on the target): the stun, unless the switchover failed.
	Downtime sim.Time
	// Aborted says why the migration did not happen (the VM stayed on From), or
	// failed in its switchover; "" if it went through.
	Aborted string
}

// motions is the twin's live migrations, and the memory copies to new FT secondaries
// (ftcopy.go), which run the same way.
type motions struct {
	active map[string]*migration // VM → its migration in progress
	done   []*Migration          // every migration, in the order they started
	maint  map[string]*maintenance
	// ftCopies is VM → the copy of its memory to a new FT secondary in progress.
	ftCopies map[string]*migration
}

// migration is one live migration in progress, or the memory copy to a new FT
// secondary (ft set: it ends with the secondary in lockstep instead of a switchover).
type migration struct {
	tw           *Twin
	rec          *Migration
	v            *vmRun
	pc           *vmotion.Precopy
	ft           *ftPair
	vlan, toVLAN int // of the source's and the target's interface
	data, ack    *network.Flow
	rate         float64  // bit/s the copy sends at (0 while stalled)
	left         float64  // bytes of the round in progress still to send at since
	since        sim.Time // when left was booked
	start        sim.Time // of the round in progress
	roundDue     bool     // the round's timer fired: left is 0
	next         *sim.Timer
	timeout      *sim.Timer
	pending      bool // a step is due at this instant
	awaiting     bool // the copy's flow was replaced: its first evaluation is due
	ratedAt      sim.Time
	rated        int  // re-rates at ratedAt
	switching    bool // stunned for the switchover
	over         bool
	then         func(*Migration) // told when it ends (maintenance)
}

func (tw *Twin) startMotions() {
	tw.motion = &motions{active: map[string]*migration{}, maint: map[string]*maintenance{}, ftCopies: map[string]*migration{}}
	tw.OnVMChange(func(s VMStatus) {
		// A guest that hangs or halts during the pre-copy goes on being copied (the VM
		// stays powered on); anything else ends the migration.
		if m := tw.motion.active[s.VM]; m != nil && !m.switching && (!m.v.migratable() || s.Host != m.rec.From) {
			m.abort(fmt.Sprintf("the VM %s on %s", s.State, s.Host))
		}
		if m := tw.motion.ftCopies[s.VM]; m != nil && !m.switching && s.State != VMRunning {
			m.abort(fmt.Sprintf("the VM %s on %s", s.State, s.Host))
		}
	})
}

// Migrations lists every live migration so far, in the order they started; the last
// ones may still run (End is sim.Never).
func (tw *Twin) Migrations() []Migration {
	out := make([]Migration, len(tw.motion.done))
	for i, m := range tw.motion.done {
		out[i] = *m
	}
	return out
}

// MigrateVM live-migrates a running VM to another host of its cluster, as an
// operator's vMotion: refused at once with the reason when it cannot go there, else
// it goes on in the background (Migrations says how it went). It is in the journal.
func (tw *Twin) MigrateVM(vm, to string) error {
	tw.completeInstant()
	if _, err := tw.migrate(vm, to, "by hand", nil); err != nil {
		return err
	}
	tw.journal = append(tw.journal, Action{At: tw.Sim.Now(), Kind: MigrateAction, Component: vm, To: to})
	return nil
}

// CanMigrate says why a VM cannot migrate to a host now, or nil if it can.
func (tw *Twin) CanMigrate(vm, to string) error {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return err
	}
	_, err = tw.vmotionCheck(v, to)
	return err
}

// vmotionCheck says why v cannot migrate to host now, or gives the vMotion VLAN.
func (tw *Twin) vmotionCheck(v *vmRun, to string) (vlan string, err error) {
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("cannot migrate %s to %s: "+format, append([]any{v.VM, to}, args...)...)
	}
	tv := tw.Topology.VM(v.VM)
	switch {
	case !v.migratable():
		return fail("it is %s, not running", v.State)
	case tw.motion.active[v.VM] != nil:
		return fail("it is migrating already")
	case v.Host == to:
		return fail("it runs there")
	}
	if why := tw.hostUsable(to); why != "" {
		return fail("%s", why)
	}
	c := tw.Topology.ClusterOf(v.Host)
	if c == nil || tw.Topology.ClusterOf(to) != c {
		return fail("%s is not in the cluster of %s", to, v.Host)
	}
	if tv.Disk == topology.LocalDisk {
		return fail("its disk is on %s's local storage (vMotion moves memory, not disks)", v.Host)
	}
	// The disk may name an array or one of its datastores; the target must reach it
	// now (the array and datastore work, a path carries I/O), as HA's restarts must.
	if !tw.storage.reaches(to, tv.Disk) {
		return fail("%s does not reach its datastore %s", to, tv.Disk)
	}
	if miss := tw.missingPortGroups(v.VM, to); len(miss) > 0 {
		return fail("%s lacks its port groups %v", to, miss)
	}
	if p := tw.ftOf[v.VM]; p != nil && p.secondary == to {
		return fail("its FT secondary runs there")
	}
	if c.VMotionVLAN == "" {
		return fail("cluster %s has no vmotion_vlan", c.Name)
	}
	for _, h := range []string{v.Host, to} {
		if !hasVMKernel(tw.Topology.Host(h), c.VMotionVLAN) {
			return fail("%s has no VMkernel port group in the vMotion VLAN %s", h, c.VMotionVLAN)
		}
	}
	if why := tw.capacityFor(tv, to); why != "" {
		return fail("%s", why)
	}
	return c.VMotionVLAN, nil
}

func hasVMKernel(h *topology.Host, vlan string) bool {
	for _, pg := range h.PortGroups {
		if pg.VMKernel && pg.VLAN == vlan {
			return true
		}
	}
	return false
}

// capacityFor says why a host has not the memory or vCPUs for a VM, or "": what the
// VMs on it take (running, booting, stunned, arriving by migration, FT secondaries)
// plus the VM must fit its memory and its cores times the overcommit.
func (tw *Twin) capacityFor(v *topology.VM, host string) string {
	h := tw.Topology.Host(host)
	ram, cpu := tw.usedOn(host)
	if h.RAMGB > 0 && ram+v.RAMGB > h.RAMGB {
		return fmt.Sprintf("%s has %.0f GB of memory free, %s needs %.0f GB", host, h.RAMGB-ram, v.Name, v.RAMGB)
	}
	if h.CPU > 0 && cpu+v.CPU > h.CPU*cpuOvercommit {
		return fmt.Sprintf("%s has %d vCPUs free (%d per core), %s needs %d", host, h.CPU*cpuOvercommit-cpu, cpuOvercommit, v.Name, v.CPU)
	}
	return ""
}

// usedOn is the memory and vCPUs taken on a host.
func (tw *Twin) usedOn(host string) (ram float64, cpu int) {
	add := func(name string) {
		if v := tw.Topology.VM(name); v != nil {
			ram += v.RAMGB
			cpu += v.CPU
		}
	}
	for _, v := range tw.vmsOn(host) {
		add(v.VM)
	}
	for _, name := range tw.vmOrder {
		if p := tw.ftOf[name]; p != nil && p.secondary == host {
			add(name)
		}
		if m := tw.motion.active[name]; m != nil && m.rec.To == host {
			add(name)
		}
	}
	return ram, cpu
}

// migrate starts a live migration; then is told when it ends.
func (tw *Twin) migrate(vm, to, reason string, then func(*Migration)) (*migration, error) {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return nil, err
	}
	vlan, err := tw.vmotionCheck(v, to)
	if err != nil {
		return nil, err
	}
	tv := tw.Topology.VM(vm)
	dirty := tv.DirtyRateBps / 8
	if v.guest != "" {
		// A hung or halted guest writes no memory (dctwin's simplification: one that
		// hangs spinning may write a little): round 1 is the whole copy. One that
		// comes back during the copy is copied on at this rate.
		dirty = 0
	}
	pc, err := vmotion.NewPrecopy(vmotion.Params{MemoryBytes: tv.RAMGB * (1 << 30), DirtyRate: dirty,
		WWSBytes: tv.WorkingSetGB * (1 << 30)})
	if err != nil {
		return nil, fmt.Errorf("cannot migrate %s: %w", vm, err)
	}
	now := tw.Sim.Now()
	m := &migration{tw: tw, v: v, pc: pc, vlan: tw.vlans.id(vlan), toVLAN: tw.vlans.id(vlan), then: then, start: now, since: now, left: pc.Pending(),
		rec: &Migration{VM: vm, From: v.Host, To: to, Reason: reason, Start: now, End: sim.Never}}
	m.next = tw.Sim.NewTimer(func() { m.roundDue = true; m.step() })
	m.timeout = tw.Sim.NewTimer(func() { m.abort(fmt.Sprintf("no path over the vMotion network for %v", vmotionNetTimeout)) })
	// The VMkernel interfaces answer each other (TCP), so the switches know both.
	m.ack, err = tw.Net.AddFlow(network.FlowConfig{Name: "vmotion-ack:" + vm, From: to, To: v.Host,
		FromVLAN: m.vlan, ToVLAN: m.vlan, PacketBytes: 64, Quiet: true})
	if err != nil {
		return nil, fmt.Errorf("cannot migrate %s: %w", vm, err)
	}
	if err := m.flow(0); err != nil {
		tw.Net.RemoveFlow(m.ack.Name())
		return nil, fmt.Errorf("cannot migrate %s: %w", vm, err)
	}
	tw.motion.active[vm] = m
	tw.motion.done = append(tw.motion.done, m.rec)
	tw.Sim.Report(VMotionStarted{VM: vm, From: v.Host, To: to, MemoryBytes: pc.Pending(), Reason: reason})
	tw.rerateOthers(m)
	return m, nil
}

// rerateOthers lets the other copies in progress take the network's headroom again:
// a copy starting or ending changes what is left on the links they share.
func (tw *Twin) rerateOthers(m *migration) {
	for _, o := range tw.copies() {
		if o != m {
			o.kick()
		}
	}
}

// copies is the memory copies in progress, live migrations' and then new FT
// secondaries', each by VM name: a fixed order, at the cost of the copies alone (not
// of all the VMs: it runs at every step of every copy).
func (tw *Twin) copies() []*migration {
	var out []*migration
	for _, set := range []map[string]*migration{tw.motion.active, tw.motion.ftCopies} {
		for _, name := range slices.Sorted(maps.Keys(set)) {
			out = append(out, set[name])
		}
	}
	return out
}

// flow (re)creates the copy's flow at a rate.
func (m *migration) flow(rate float64) error {
	tw := m.tw
	name := "vmotion:" + m.rec.VM
	if m.ft != nil {
		name = "ft-copy:" + m.rec.VM
	}
	if m.data != nil {
		tw.Net.RemoveFlow(name)
	}
	f, err := tw.Net.AddFlow(network.FlowConfig{Name: name, From: m.rec.From, To: m.rec.To, FromVLAN: m.vlan, ToVLAN: m.toVLAN,
		RateBps: rate, Quiet: true})
	if err != nil {
		return err
	}
	m.data, m.rate, m.awaiting = f, rate, true
	f.OnChange(func(bool) {
		if m.awaiting {
			// Its load is on the links now: the other copies see what is left.
			m.awaiting = false
			tw.rerateOthers(m)
		}
		m.kick()
	})
	f.OnPathChange(m.kick)
	return nil
}

// kick looks at the copy again once the instant's changes are done (the network calls
// back while it settles, when flows must not be added).
func (m *migration) kick() {
	if m.pending || m.over {
		return
	}
	m.pending = true
	m.tw.Sim.After(0, m.step)
}

// step books the copy's progress, ends a round that is done, and sets the rate and
// the end of the round from the path as it is now.
func (m *migration) step() {
	m.pending = false
	if m.over || m.switching {
		return
	}
	tw := m.tw
	now := tw.Sim.Now()
	if m.roundDue {
		m.roundDue, m.left = false, 0
	} else if m.rate > 0 {
		m.left = max(0, m.left-m.rate/8*(now-m.since).Seconds())
	}
	m.since = now
	if m.awaiting || tw.copiesSettling() {
		// A new rate is on its way into the network (a copy's flow was replaced this
		// instant), so the links' loads are not what they will be: the copy sends at
		// its rate, and is looked at again once the flow is there.
		if m.left == 0 && m.endRound(m.rate) {
			return
		}
		m.schedule()
		return
	}
	free, speed := m.data.FairShare(tw.copyFlows())
	bw := max(free, vmotionMinShare*speed)
	if m.left == 0 {
		rate := m.rate
		if bw > 0 {
			rate = bw
		}
		if m.endRound(rate) {
			return
		}
	}
	if !m.data.Delivering() {
		if tw.hostDown[m.rec.To] {
			m.abort(m.rec.To + " is down")
			return
		}
		if !m.timeout.Armed() {
			m.next.Stop()
			m.timeout.Reset(vmotionNetTimeout)
			if m.ft == nil {
				tw.Sim.Report(VMotionStalled{VM: m.rec.VM, Stalled: true})
			}
		}
		m.rate = 0
		return
	}
	if m.timeout.Armed() {
		m.timeout.Stop()
		if m.ft == nil {
			tw.Sim.Report(VMotionStalled{VM: m.rec.VM})
		}
	}
	// Just under the headroom, so that the copy fills the bottleneck without running it
	// over capacity by a rounding error.
	want := bw * (1 - 1e-9)
	if m.ratedAt != now {
		m.ratedAt, m.rated = now, 0
	}
	if d := want - m.rate; (d > 1e-6*want || d < -1e-6*want) && m.rated < maxReratesPerInstant {
		m.rated++
		if err := m.flow(want); err != nil {
			m.abort(err.Error())
			return
		}
	}
	m.rec.Bandwidth = m.rate
	m.schedule()
}

// copyFlows is the memory copies' flows in progress, live migrations' and new FT
// secondaries': they split the links they share evenly (FairShare).
func (tw *Twin) copyFlows() []*network.Flow {
	var out []*network.Flow
	for _, o := range tw.copies() {
		if o.data != nil {
			out = append(out, o.data)
		}
	}
	return out
}

// copiesSettling reports whether some copy's flow was replaced and not evaluated yet.
func (tw *Twin) copiesSettling() bool {
	for _, o := range tw.copies() {
		if o.awaiting {
			return true
		}
	}
	return false
}

// schedule sets the end of the round at the current rate.
func (m *migration) schedule() {
	if m.rate > 0 {
		m.next.ResetAt(m.tw.Sim.Now() + vmotion.Duration(m.left, m.rate))
	}
}

// endRound ends the round in progress, at what the network gives the copy now, and
// reports whether pre-copy is over (the switchover has begun); else the next round
// starts.
func (m *migration) endRound(bw float64) bool {
	now := m.tw.Sim.Now()
	took := now - m.start
	r, bytes := m.pc.Round(), m.pc.Pending()
	stop := m.pc.RoundDone(took, bw)
	if m.ft == nil {
		m.tw.Sim.Report(VMotionRound{VM: m.rec.VM, Round: r, Bytes: bytes, Took: took, Bandwidth: bw})
	}
	if stop && m.ft != nil {
		m.lastPages(bw)
		return true
	}
	if stop {
		m.switchover(bw)
		return true
	}
	m.left, m.start = m.pc.Pending(), now
	return false
}

// endPreCopy records the finished pre-copy in the migration's record and stops its
// rounds: what is left is the switchover (a vMotion's stun, an FT copy's last pages).
func (m *migration) endPreCopy(bw float64) vmotion.Result {
	res := m.pc.Result()
	r := m.rec
	r.Rounds, r.SentBytes, r.Bandwidth = len(res.Rounds), res.SentBytes, bw
	r.PreCopy, r.Stun, r.Converged, r.StopRule = res.PreCopy, res.Stun, res.Converged, res.Reason
	m.next.Stop()
	m.timeout.Stop()
	m.switching = true
	return res
}

// switchover stuns the VM for the last dirty pages and its device state, then it runs
// on the target.
func (m *migration) switchover(bw float64) {
	tw := m.tw
	r := m.rec
	res := m.endPreCopy(bw)
	if m.v.guest != "" {
		m.moveStopped(res.Stun)
		return
	}
	planned := r.Reason == drsReason || strings.HasPrefix(r.Reason, dpmReason)
	if planned {
		tw.measure.Planned(tw.Sim.Now())
	}
	if err := tw.MoveVM(r.VM, r.To, res.Stun, "vMotion from "+r.From); err != nil {
		m.abort(err.Error())
		return
	}
	if m.v.out != nil {
		m.v.out.Planned = planned
	}
	down := tw.Sim.Now()
	tw.Sim.After(res.Stun, func() {
		// MoveVM's resumption was scheduled first: the VM runs on the target now,
		// unless the switchover failed. A target lost during the stun leaves the VM to
		// the source, which still holds it (the migration is not committed yet): it
		// resumes there.
		if m.v.State == VMFailed && m.v.Host == r.To && !tw.hostDown[r.From] && tw.vms[r.VM] == m.v {
			tw.run(m.v, r.From, "vMotion failed: resumed on "+r.From)
			r.Downtime = tw.vmDownSince(r.VM, down)
			m.finish(fmt.Sprintf("%s failed during the switchover; the VM resumed on %s", r.To, r.From))
			return
		}
		if m.v.State != VMRunning || m.v.Host != r.To {
			m.finish(fmt.Sprintf("the switchover failed: the VM is %s on %s", m.v.State, m.v.Host))
			return
		}
		r.Downtime = tw.vmDownSince(r.VM, down)
		tw.vmMoved(r.VM, r.From, r.To)
		m.finish("")
	})
}

// moveStopped is the switchover of a VM whose guest stopped (hung, or crashed and
// halted): the hypervisor suspends it for the stun as any VM, sends the last pages
// and the device state, and it goes on, hung or halted as it was, on the target. It
// was out of service already: its outage is the guest's, open since it stopped, and
// the migration adds none (Downtime 0) nor makes it a planned one.
//
// VM monitoring's timer keeps counting from the hang: the guest's last heartbeat is
// as old on the new host as it was on the old one (vCenter tells the agents where
// the VM runs; the heartbeats it misses are the same). dctwin's reading: vSphere does
// not document that a vMotion restarts the failure interval. The reset, when it
// comes, is on the host the VM is on then.
func (m *migration) moveStopped(stun sim.Time) {
	tw, r, v := m.tw, m.rec, m.v
	gen, state, kind := v.gen, v.State, v.guest
	tw.Sim.After(stun, func() {
		switch {
		case v.gen != gen || tw.vms[r.VM] != v:
			m.finish(fmt.Sprintf("the VM changed during the switchover: it is %s on %s", v.State, v.Host))
		case tw.hostUsable(r.To) != "":
			m.finish(fmt.Sprintf("%s during the switchover; the VM stayed on %s", tw.hostUsable(r.To), r.From))
		default:
			still := "hung"
			if state != VMHung {
				still = "halted"
			}
			tw.setVMGuest(v, r.To, state, fmt.Sprintf("vMotion from %s; the guest is still %s", r.From, still), 0, kind)
			tw.vmMoved(r.VM, r.From, r.To)
			m.finish("")
		}
	})
}

// vmDownSince is the length of the VM's outage that began at down, as its state
// records measured it.
func (tw *Twin) vmDownSince(vm string, down sim.Time) sim.Time {
	for i := len(tw.vmOutages) - 1; i >= 0; i-- {
		if o := tw.vmOutages[i]; o.VM == vm && o.Down == down && o.Up != sim.Never {
			return o.Up - o.Down
		}
	}
	return 0
}

// vmMoved tells the availability mechanisms where a migrated VM runs now: HA's
// agents (or the reservation of a VM HA does not place), and its FT pair, whose
// logging now runs from the new host.
func (tw *Twin) vmMoved(vm, from, to string) {
	tv := tw.Topology.VM(vm)
	if hc := tw.haOf[vm]; hc != nil {
		_ = hc.agents.Moved(vm, to)
	} else {
		for _, hc := range tw.has {
			if _, ok := hc.mgmt[from]; ok {
				hc.agents.MoveReservation(from, to, tv.RAMGB, tv.CPU)
			}
		}
	}
	if p := tw.ftOf[vm]; p != nil && p.secondary != "" {
		p.protect(p.secondary, "the primary moved to "+to)
	} else if p != nil && p.copying {
		// The copy to a new secondary starts over from the new host.
		p.protect(p.target, "the primary moved to "+to)
	}
}

// abort ends a migration before its switchover: the VM stays where it runs.
func (m *migration) abort(why string) {
	if m.over || m.switching {
		return
	}
	m.rec.Rounds = len(m.pc.Result().Rounds)
	m.rec.SentBytes = m.pc.Result().SentBytes
	m.finish(why)
}

// finish removes the copy's flows and reports the migration's end.
func (m *migration) finish(aborted string) {
	tw := m.tw
	m.over = true
	m.next.Stop()
	m.timeout.Stop()
	tw.Net.RemoveFlow(m.data.Name())
	tw.Net.RemoveFlow(m.ack.Name())
	if m.ft != nil {
		delete(tw.motion.ftCopies, m.rec.VM)
	} else {
		delete(tw.motion.active, m.rec.VM)
	}
	tw.rerateOthers(m)
	m.rec.End, m.rec.Aborted = tw.Sim.Now(), aborted
	if m.ft == nil {
		tw.Sim.Report(VMotionDone{Migration: *m.rec})
	}
	if m.then != nil {
		m.then(m.rec)
	}
	// Its end leaves room for another migration of a host entering maintenance.
	tw.resumeEvacuations()
}
