package ha

import (
	"cmp"
	"fmt"
	"slices"

	"dctwin/sim"
)

// Cluster is the HA agents of one hypervisor cluster at run time.
type Cluster struct {
	s      *sim.Simulation
	name   string
	cfg    Config
	env    Environment
	hosts  []*host
	byName map[string]*host
	vms    []*vm
	vmName map[string]*vm

	// master is the FDM master (nil while an election runs, and always for AAM).
	master *host
	// lostMaster is when the slaves last heard the master that is gone (-1: none is);
	// former is that master, which judges its own isolation as a master does.
	lostMaster sim.Time
	former     *host
	election   *sim.Timer
	// waiting are VMs whose restart found every fitting host at its power-on limit;
	// they go as soon as a power-on ends. storageWait are those that found no host
	// reaching their datastore (storage.go): they go when storage returns.
	waiting     []*vm
	storageWait []*vm
	// roomWait are VMs whose last attempt found no host with the memory and vCPUs
	// for them (capacity.go): HA places them again when capacity returns, and asks
	// for standby hosts to be woken; asking marks a request due at this instant.
	roomWait []*vm
	asking   bool
}

type host struct {
	Host
	c     *Cluster
	idx   int
	up    bool
	phase sim.Time // when in each heartbeat period the host sends

	// The master's (AAM: the peers') view of this host.
	silentSince sim.Time // its last heartbeat before it fell silent; -1 while heard
	dead        *sim.Timer
	declared    bool // declared dead

	// The host's view of itself.
	isolated  bool
	isolation *sim.Timer // declares isolation
	response  *sim.Timer // applies the isolation response
	powerOns  int        // power-ons in progress on it
	// maintenance: the host is in maintenance mode and takes no restarts (migrate.go).
	maintenance bool
}

type vm struct {
	VM
	c     *Cluster
	host  *host
	state VMState

	attempt int      // restart attempts made in the current series
	first   sim.Time // the series' first attempt
	retry   *sim.Timer
	boot    *sim.Timer
	monitor *sim.Timer // VM monitoring's reset of a hung guest
	restart bool       // the boot in progress is a restart (reported as such)
	// lostWithHost: the VM went down with its host (VMDown) and nobody restarted it
	// yet; if the host is back before it is declared dead, the master finds it
	// powered off there (restartFoundOff).
	lostWithHost bool
}

// New starts the HA agents of a cluster on s: every host up, every VM running on its
// host, the first host master. Call Changed whenever what env reports may have changed.
func New(s *sim.Simulation, name string, cfg Config, hosts []Host, vms []VM, env Environment) (*Cluster, error) {
	if err := checkNames(hosts, vms); err != nil {
		return nil, err
	}
	c := &Cluster{s: s, name: name, cfg: cfg.withDefaults(), env: env, byName: map[string]*host{}, vmName: map[string]*vm{}, lostMaster: -1}
	rng := s.Rand("ha/" + name)
	for i, h := range hosts {
		hh := &host{Host: h, c: c, idx: i, up: true, silentSince: -1,
			phase: sim.Time(rng.Int64N(int64(c.cfg.Heartbeat/sim.Millisecond))) * sim.Millisecond}
		hh.dead = s.NewTimer(func() { c.deadline(hh) })
		hh.isolation = s.NewTimer(func() { c.declareIsolated(hh) })
		hh.response = s.NewTimer(func() { c.respond(hh) })
		c.hosts = append(c.hosts, hh)
		c.byName[h.Name] = hh
	}
	for _, v := range vms {
		vv := &vm{VM: v, c: c, host: c.byName[v.Host], state: VMRunning}
		vv.retry = s.NewTimer(func() { c.attempt(vv) })
		vv.boot = s.NewTimer(func() { c.booted(vv) })
		vv.monitor = s.NewTimer(func() { c.reset(vv) })
		c.vms = append(c.vms, vv)
		c.vmName[v.Name] = vv
	}
	if !c.cfg.Legacy && len(c.hosts) > 0 {
		c.master = c.hosts[0]
	}
	c.election = s.NewTimer(c.elected)
	return c, nil
}

// Master returns the current FDM master ("" during an election, and for legacy HA).
func (c *Cluster) Master() string {
	if c.master == nil {
		return ""
	}
	return c.master.Name
}

// VM returns a VM's state and host, and false if the cluster protects no such VM.
func (c *Cluster) VM(name string) (VMState, string, bool) {
	v, ok := c.vmName[name]
	if !ok {
		return "", "", false
	}
	return v.state, v.host.Name, true
}

// GuestStopped says that a VM's guest stopped serving while its host runs on: it
// hung, or it crashed and halted. It stays powered on, its VMware Tools heartbeats
// stop, and VM monitoring resets it after the failure interval (reference-facts
// §6.1: 30 s). reason is said in the trace.
//
// A guest that reboots itself after a crash is not reported here: to the agents it
// is a VM that stays powered on, and VM monitoring leaves it alone while it boots.
// vSphere resets a VM only when its heartbeats stopped and it did no disk or network
// I/O either (vSphere Availability guide, "VM and Application Monitoring": the I/O
// stats interval, das.iostatsinterval, 120 s), and a booting guest reads its disk;
// its heartbeats resume when it has booted. dctwin leaves the I/O window out for a
// guest that stopped: the reset comes the failure interval after the last heartbeat,
// as reference-facts §6.1 gives it (a guest busy with I/O until it hung would be reset
// up to 120 s after its last I/O in vSphere).
func (c *Cluster) GuestStopped(name, reason string) error {
	v, ok := c.vmName[name]
	if !ok {
		return fmt.Errorf("ha: no VM %q in cluster %s", name, c.name)
	}
	if v.state != VMRunning {
		return fmt.Errorf("ha: VM %s is %s, not running", name, v.state)
	}
	// The environment stopped the VM already: it made the guest fail.
	v.state = VMGuestStopped
	c.s.Report(VMStopped{Cluster: c.name, VM: v.Name, Host: v.host.Name, Reason: reason})
	if c.cfg.VMMonitoring {
		v.monitor.Reset(c.cfg.VMFailureInterval)
	}
	return nil
}

// Recover ends a guest's stop before VM monitoring resets the VM: it serves again.
func (c *Cluster) Recover(name string) {
	if v, ok := c.vmName[name]; ok && v.state == VMGuestStopped {
		v.monitor.Stop()
		v.state = VMRunning
		c.env.VMRunning(v.Name, v.host.Name, true)
	}
}

// reset restarts a VM whose guest stopped on its host (VM monitoring).
func (c *Cluster) reset(v *vm) {
	if v.state != VMGuestStopped {
		return
	}
	c.s.Report(VMReset{Cluster: c.name, VM: v.Name, Host: v.host.Name, Silent: c.cfg.VMFailureInterval})
	c.startBoot(v, v.host, false)
}

// Changed re-reads the environment: hosts up or down, heartbeats through or not.
func (c *Cluster) Changed() {
	for _, h := range c.hosts {
		up := c.env.Up(h.Name)
		if up == h.up {
			continue
		}
		h.up = up
		if !up {
			c.hostDown(h)
		} else {
			c.hostUp(h)
		}
	}
	if c.cfg.Legacy {
		c.watchLegacy()
	} else {
		c.watchMaster()
		if c.master != nil {
			c.watchSlaves()
		}
	}
	c.watchIsolation()
	c.restartFoundOff()
	c.retryRoom()
}

// restartFoundOff restarts the VMs that went down with a host that is back before HA
// declared it dead (its power returned and it booted within the detection time):
// its agent reports them to the master, powered off, and the master restarts a
// protected VM it finds powered off that no user powered off, as after a failure
// (vSphere HA's protected-VM list: the master compares it with the power states the
// hosts report). Without a master (an election in progress) they wait for the new
// one, which reads the list restartAfterElection after its election.
func (c *Cluster) restartFoundOff() {
	var due []*vm
	by := "peers"
	if !c.cfg.Legacy {
		if c.master == nil || !c.master.up {
			return
		}
		by = c.master.Name
	}
	var hosts []string
	for _, v := range c.vms {
		h := v.host
		if v.state != VMDown || !v.lostWithHost || !h.up || h.declared || h.isolated || h.silentSince >= 0 {
			continue
		}
		if c.cfg.Legacy && !c.others(h) {
			continue
		}
		due = append(due, v)
		if !slices.Contains(hosts, h.Name) {
			hosts = append(hosts, h.Name)
		}
	}
	for _, name := range hosts {
		var vms []string
		for _, v := range due {
			if v.host.Name == name {
				vms = append(vms, v.Name)
			}
		}
		c.s.Report(VMsFoundOff{Cluster: c.name, Host: name, By: by, VMs: vms})
	}
	c.restartAll(due)
}

// hostDown takes a failed host's VMs down with it.
func (c *Cluster) hostDown(h *host) {
	if h == c.former {
		c.former = nil
	}
	h.isolation.Stop()
	h.response.Stop()
	h.isolated = false
	h.powerOns = 0
	for _, v := range c.vms {
		if v.host != h || v.state == VMDown || v.state == VMOff || v.state == VMWaiting {
			continue
		}
		running := v.state == VMRunning
		v.boot.Stop()
		v.monitor.Stop()
		v.state = VMDown
		v.lostWithHost = true
		if running {
			c.env.VMRunning(v.Name, h.Name, false)
		}
		c.s.Report(VMStopped{Cluster: c.name, VM: v.Name, Host: h.Name, Reason: "host failed"})
	}
}

// hostUp lets a repaired host take part again.
func (c *Cluster) hostUp(h *host) {
	h.declared = false
	h.silentSince = -1
	h.dead.Stop()
	c.drain()
}

// lastBeat is the host's last heartbeat at or before now.
func (c *Cluster) lastBeat(h *host) sim.Time {
	hb, now := c.cfg.Heartbeat, c.s.Now()
	if now < h.phase {
		return h.phase - hb
	}
	return h.phase + (now-h.phase)/hb*hb
}

// watchMaster notices that the master is gone (failed, or cut off from every slave
// and from its isolation address), and starts the election 10 s after its last
// heartbeat. A master that still pings its isolation address keeps its role; the
// slaves it cannot hear are partitioned (they would elect their own master, which
// restarts nothing while their VMs run).
func (c *Cluster) watchMaster() {
	if c.master == nil {
		c.rejoin()
		return
	}
	m := c.master
	if m.up {
		if c.env.PingsIsolationAddress(m.Name) || !c.others(m) {
			return
		}
		for _, h := range c.hosts {
			if h != m && h.up && c.env.Heard(m.Name, h.Name) {
				return
			}
		}
	}
	c.lostMaster = c.lastBeat(m)
	c.master, c.former = nil, m
	c.election.ResetAt(c.lostMaster + unreachableAfter + c.cfg.Election)
}

// rejoin keeps the old master when it is heard again, or pings its isolation address,
// before the slaves would have entered the election state (10 s after its last
// heartbeat): a blip of the management network (a NIC team's failover, a spanning
// tree's re-convergence) costs no election.
func (c *Cluster) rejoin() {
	f := c.former
	if f == nil || !f.up || !c.election.Armed() || c.s.Now() >= c.lostMaster+unreachableAfter {
		return
	}
	back := c.env.PingsIsolationAddress(f.Name)
	for _, h := range c.hosts {
		back = back || h != f && h.up && c.env.Heard(f.Name, h.Name)
	}
	if !back {
		return
	}
	c.election.Stop()
	c.master, c.former, c.lostMaster = f, nil, -1
}

// others reports whether some other host is up.
func (c *Cluster) others(h *host) bool {
	return slices.ContainsFunc(c.hosts, func(o *host) bool { return o != h && o.up })
}

// elected ends an election: the first host (in the cluster's order) that is up and
// not isolated becomes master (vSphere takes the host with the most datastores, then
// the highest managed-object id; the order of the scenario stands in for that). It
// restarts the VMs that do not run 10 s later.
func (c *Cluster) elected() {
	var m *host
	for _, h := range c.hosts {
		if h.up && !h.isolated && !h.maintenance && c.env.PingsIsolationAddress(h.Name) {
			m = h
			break
		}
	}
	if m == nil {
		// Nobody can be master now; try again when something changes.
		c.lostMaster = -1
		return
	}
	c.master = m
	c.s.Report(MasterElected{Cluster: c.name, Host: m.Name, After: c.s.Now() - c.lostMaster})
	lost := c.lostMaster
	c.lostMaster = -1
	c.s.After(restartAfterElection, func() {
		if c.master != m {
			return
		}
		for _, h := range c.hosts {
			if h != m && !h.declared && (!h.up || !c.env.Heard(h.Name, m.Name)) {
				h.silentSince = lost
				c.deadline(h)
			}
		}
		c.restartFoundOff()
	})
	c.watchSlaves()
}

// watchSlaves starts or stops the master's deadline for each slave it stops or
// resumes hearing.
func (c *Cluster) watchSlaves() {
	m := c.master
	for _, h := range c.hosts {
		if h == m {
			continue
		}
		heard := h.up && c.env.Heard(h.Name, m.Name)
		switch {
		case !heard && h.silentSince < 0 && !h.declared:
			h.silentSince = c.lastBeat(h)
			h.dead.ResetAt(max(c.s.Now(), h.silentSince+c.cfg.deadAfter()))
		case heard && h.silentSince >= 0:
			h.silentSince = -1
			h.dead.Stop()
			h.declared = false
		}
	}
}

// watchLegacy is AAM's detection: a host no peer hears is declared failed by its
// peers FailureDetection after its last heartbeat.
func (c *Cluster) watchLegacy() {
	for _, h := range c.hosts {
		heard := false
		if h.up {
			for _, o := range c.hosts {
				if o != h && o.up && c.env.Heard(h.Name, o.Name) {
					heard = true
					break
				}
			}
		}
		switch {
		case !heard && h.silentSince < 0 && !h.declared && c.others(h):
			h.silentSince = c.lastBeat(h)
			h.dead.ResetAt(max(c.s.Now(), h.silentSince+c.cfg.deadAfter()))
		case heard && h.silentSince >= 0:
			h.silentSince = -1
			h.dead.Stop()
			h.declared = false
		}
	}
}

// deadline is the end of a silent host's grace: declared dead, unless its datastore
// heartbeats say it lives (then it is isolated or partitioned, and its own isolation
// response decides).
func (c *Cluster) deadline(h *host) {
	if h.declared || h.silentSince < 0 {
		return
	}
	if h.maintenance {
		// A host in maintenance mode or DPM standby is not monitored: vSphere HA
		// leaves it out of failure detection (it runs no VMs), so its silence when it
		// powers off is no failure.
		return
	}
	if c.cfg.DatastoreHeartbeats && !c.cfg.Legacy && c.env.WritesDatastore(h.Name) {
		c.s.Report(HostAlive{Cluster: c.name, Host: h.Name, Silent: c.s.Now() - h.silentSince})
		return
	}
	h.declared = true
	by := "peers"
	if c.master != nil {
		by = c.master.Name
	}
	c.s.Report(HostDeclaredDead{Cluster: c.name, Host: h.Name, By: by, Silent: c.s.Now() - h.silentSince})
	var due []*vm
	for _, v := range c.vms {
		if v.host == h && v.state != VMWaiting {
			due = append(due, v)
		}
	}
	c.restartAll(due)
}

// watchIsolation starts or stops each host's isolation declaration: a host that hears
// no master (FDM slave), no slave (FDM master) or no peer (AAM), and cannot ping its
// isolation address.
func (c *Cluster) watchIsolation() {
	for _, h := range c.hosts {
		if !h.up || !c.others(h) {
			continue
		}
		alone := true
		for _, o := range c.hosts {
			if o == h || !o.up {
				continue
			}
			// A slave listens for the master; a master, and AAM hosts, for anyone.
			if !c.cfg.Legacy && c.master != nil && h != c.master && o != c.master && h != c.former {
				continue
			}
			if c.env.Heard(o.Name, h.Name) {
				alone = false
				break
			}
		}
		isolated := alone && !c.env.PingsIsolationAddress(h.Name)
		switch {
		case isolated && !h.isolated && !h.isolation.Armed():
			after := slaveIsolationAfter
			switch {
			case c.cfg.Legacy:
				after = legacyIsolationAfter
			case h == c.master || h == c.former:
				after = masterIsolationAfter
			}
			h.isolation.ResetAt(max(c.s.Now(), c.lastBeat(h)+after))
		case !isolated && (h.isolated || h.isolation.Armed()):
			if h == c.former && c.master != nil {
				c.former = nil // back in the cluster, as a slave of the new master
			}
			h.isolation.Stop()
			h.response.Stop()
			if h.isolated {
				h.isolated = false
				c.s.Report(IsolationEnded{Cluster: c.name, Host: h.Name})
			}
		}
	}
}

// declareIsolated makes a host isolated and arms its response.
func (c *Cluster) declareIsolated(h *host) {
	if !h.up || h.isolated {
		return
	}
	h.isolated = true
	c.s.Report(HostIsolated{Cluster: c.name, Host: h.Name, Response: c.cfg.IsolationResponse})
	delay := c.cfg.IsolationPolicyDelay
	if c.cfg.Legacy {
		delay = 0 // AAM responds when it declares isolation
	}
	h.response.Reset(delay)
}

// respond applies the isolation response to an isolated host's VMs.
func (c *Cluster) respond(h *host) {
	if !h.isolated || !h.up || c.cfg.IsolationResponse == LeavePoweredOn {
		return
	}
	var vms []*vm
	for _, v := range c.vms {
		if v.host == h && v.poweredOn() {
			vms = append(vms, v)
		}
	}
	c.s.Report(IsolationResponseApplied{Cluster: c.name, Host: h.Name, Response: c.cfg.IsolationResponse, VMs: len(vms)})
	off := func() {
		var due []*vm
		for _, v := range vms {
			if v.host != h || !v.poweredOn() {
				continue
			}
			// Whatever it was doing (running, booting, its guest stopped), the
			// environment stops it too.
			c.env.VMRunning(v.Name, h.Name, false)
			v.boot.Stop()
			v.monitor.Stop()
			v.state = VMOff
			c.s.Report(VMStopped{Cluster: c.name, VM: v.Name, Host: h.Name, Reason: "isolation response " + string(c.cfg.IsolationResponse)})
			// An FT primary powered off is a VM failure to FT: its secondary in
			// lockstep on another host goes live (Resumed tells), and HA restarts it
			// only when no secondary can.
			if ft, ok := c.env.(FaultTolerance); ok && v.FT && ft.SecondaryTakesOver(v.Name) {
				continue
			}
			due = append(due, v)
		}
		// The master sees the VMs powered off on the datastore and restarts them.
		if c.master != nil && c.master != h {
			c.restartAll(due)
		}
	}
	if c.cfg.IsolationResponse == Shutdown {
		c.s.After(c.cfg.GuestShutdown, off)
		return
	}
	off()
}

// restartAll starts restart series for VMs, in priority order (per failed host, as
// vSphere does: the order here is by priority, then the scenario's order).
func (c *Cluster) restartAll(due []*vm) {
	slices.SortStableFunc(due, func(a, b *vm) int { return cmp.Compare(a.Priority, b.Priority) })
	for _, v := range due {
		if v.Priority == Disabled {
			c.s.Report(VMRestartFailed{Cluster: c.name, VM: v.Name, Attempt: 0, Reason: "restart priority disabled", Next: sim.Never})
			continue
		}
		v.attempt, v.first = 0, c.s.Now()
		// A VM still running on a host that is silent but alive keeps its state: the
		// attempt finds its files locked.
		if v.state == VMDown || v.state == VMOff {
			v.state = VMWaiting
		}
		c.attempt(v)
	}
}

// attempt is one restart attempt.
func (c *Cluster) attempt(v *vm) {
	if v.poweredOn() {
		if v.host.up {
			c.fail(v, "its files are locked: it still runs on "+v.host.Name)
			return
		}
	}
	v.state = VMWaiting
	target, full, noStorage := c.place(v)
	switch {
	case target != nil:
		c.s.Report(VMRestarting{Cluster: c.name, VM: v.Name, Host: target.Name, Attempt: v.attempt + 1})
		c.startBoot(v, target, true)
	case full:
		// Hosts with room exist but each has its power-on slots taken: wait for one.
		if !slices.Contains(c.waiting, v) {
			c.waiting = append(c.waiting, v)
		}
	case noStorage:
		if !slices.Contains(c.storageWait, v) {
			c.storageWait = append(c.storageWait, v)
		}
		c.fail(v, "no host reaches its datastore")
	default:
		c.fail(v, fmt.Sprintf("no host has %.0f GB of memory and %d vCPUs free", v.RAMGB, v.VCPU))
		c.needRoom(v)
	}
}

// fail ends an attempt without a restart; the series goes on at the next attempt time.
func (c *Cluster) fail(v *vm, reason string) {
	v.attempt++
	next := sim.Never
	if v.attempt < len(c.cfg.RestartAttempts) {
		next = v.first + c.cfg.RestartAttempts[v.attempt]
		v.retry.ResetAt(max(c.s.Now(), next))
	}
	c.s.Report(VMRestartFailed{Cluster: c.name, VM: v.Name, Attempt: v.attempt, Reason: reason, Next: next})
}

// startBoot powers a VM on on a host.
func (c *Cluster) startBoot(v *vm, h *host, restart bool) {
	v.host = h
	v.lostWithHost = false
	v.state = VMBooting
	v.restart = restart
	h.powerOns++
	v.boot.Reset(v.BootTime)
	if b, ok := c.env.(Booter); ok {
		b.VMBooting(v.Name, h.Name, v.BootTime)
	}
}

// booted ends a boot: the VM serves on its host.
func (c *Cluster) booted(v *vm) {
	if v.state != VMBooting {
		return
	}
	v.host.powerOns--
	v.state = VMRunning
	c.env.VMRunning(v.Name, v.host.Name, true)
	c.s.Report(VMStarted{Cluster: c.name, VM: v.Name, Host: v.host.Name, Restart: v.restart})
	c.drain()
}

// drain retries the VMs waiting for a power-on slot.
func (c *Cluster) drain() {
	w := c.waiting
	c.waiting = nil
	for _, v := range w {
		if v.state == VMWaiting {
			c.attempt(v)
		}
	}
}
