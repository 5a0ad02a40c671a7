package twin

import (
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// Shared storage at run time. Every hypervisor attached to an array has paths to it:
// over the network, one per array port, each a flow from the host's interface in the
// array's storage VLAN (its VMkernel port for iSCSI or NFS) to that port, which
// carries I/O while it delivers (followed as HA's heartbeats are, ha.go, but not
// passive: I/O and keepalives are frames that teach the switches where the host and
// the port are, so a failback finds them); for an array without
// ports, one path the network cannot cut (a Fibre Channel fabric is not modelled as
// links). A storage-path failure of a host cuts all its paths; a storage failure takes
// an array or one datastore away.
//
// Multipathing, per host and array: one path is active (most recently used: a path
// that returns becomes standby, I/O stays where it is, dctwin's choice). When the
// active path stops carrying I/O, the VMs whose disks are on the array stall; after
// the array's path_failover the host gives the path up (StoragePathDead) and moves I/O
// to a standby path that carries (StoragePathFailover), and the VMs run again. With
// no path left the I/O stays stalled; apd_timeout (140 s) after the last path was lost
// the host declares All-Paths-Down, and HA's VM Component Protection, where the
// cluster's apd_response restarts, powers the VMs off apd_delay (3 min) later and
// restarts them on a host that reaches the datastore. A failed array or datastore
// fails its VMs at once; HA restarts them as soon as a host reaches it again. A host
// writes its heartbeat datastore only while it has a path that carries I/O.

// VMStalled is a VM whose disk I/O stalls: it neither serves nor sends until a path
// carries its I/O again.
const VMStalled VMState = "stalled"

// PathState is a storage path's multipathing state.
type PathState string

// Path states.
const (
	PathActive  PathState = "active"  // carries the host's I/O to the array
	PathStandby PathState = "standby" // works, takes over when the active one dies
	PathDead    PathState = "dead"    // given up by multipathing
)

// storagePath is one path from a host to an array.
type storagePath struct {
	name    string
	flow    *network.Flow // nil for a path off the network (or one that has no route)
	noRoute bool          // a network path the host cannot send on (no interface in the VLAN)
	state   PathState
	giveUp  *sim.Timer // multipathing gives the path up path_failover after it stopped
}

// hostPaths are a host's paths to one array.
type hostPaths struct {
	host    string
	array   *arrayRun
	paths   []*storagePath
	active  *storagePath
	stalled bool
	apd     *sim.Timer // declares All-Paths-Down
	inAPD   bool
	vmcp    *sim.Timer // HA's APD response, apd_delay after APD
}

// arrayRun is an array at run time.
type arrayRun struct {
	s        *topology.Storage
	failed   bool
	dsFailed map[string]bool
	hosts    []*hostPaths
}

// storageRun is the shared storage of the run.
type storageRun struct {
	tw       *Twin
	arrays   map[string]*arrayRun
	order    []*arrayRun
	of       map[string][]*hostPaths // host → its paths, per array
	pathLost map[string]bool         // hosts with a storage-path failure in force
	apdOff   map[string]bool         // VMs powered off by HA's APD response, not restarted yet
	pending  bool
}

// startStorage builds the arrays and every hypervisor's paths.
func (tw *Twin) startStorage() {
	st := &storageRun{tw: tw, arrays: map[string]*arrayRun{}, of: map[string][]*hostPaths{}, pathLost: map[string]bool{},
		apdOff: map[string]bool{}}
	tw.storage = st
	// The restart of a VM the APD response powered off names it as what brought the VM
	// back (its VM line), whenever HA finds it a host.
	tw.OnVMChange(func(s VMStatus) {
		if !st.apdOff[s.VM] || s.State == VMStopped {
			return
		}
		delete(st.apdOff, s.VM)
		if v := tw.vms[s.VM]; s.State == VMBooting && v.starting == "HA restart" {
			v.starting = "HA restart (APD response)"
		}
	})
	for _, s := range tw.Topology.Storage {
		if st.arrays[s.Name] != nil {
			continue // check reports the duplicate
		}
		a := &arrayRun{s: s, dsFailed: map[string]bool{}}
		st.arrays[s.Name] = a
		st.order = append(st.order, a)
	}
	for _, h := range tw.Topology.Hosts {
		if !h.IsHypervisor() {
			continue
		}
		for _, name := range h.Storage {
			a := st.arrays[name]
			if a == nil || slices.ContainsFunc(st.of[h.Name], func(hp *hostPaths) bool { return hp.array == a }) {
				continue
			}
			hp := &hostPaths{host: h.Name, array: a}
			hp.apd = tw.Sim.NewTimer(func() { st.declareAPD(hp) })
			hp.vmcp = tw.Sim.NewTimer(func() { st.respondAPD(hp) })
			st.addPaths(hp)
			a.hosts = append(a.hosts, hp)
			st.of[h.Name] = append(st.of[h.Name], hp)
		}
	}
	tw.Sim.After(0, st.stallUnattached)
	st.changed()
}

// addPaths creates a host's paths to its array.
func (st *storageRun) addPaths(hp *hostPaths) {
	tw, s := st.tw, hp.array.s
	newPath := func(name string) *storagePath {
		p := &storagePath{name: name, state: PathStandby}
		p.giveUp = tw.Sim.NewTimer(func() { st.pathGivenUp(hp, p) })
		hp.paths = append(hp.paths, p)
		return p
	}
	if !s.OnNetwork() {
		newPath(hp.host + "→" + s.Name)
		return
	}
	vlan := tw.vlans.id(s.VLAN)
	for _, port := range s.Ports {
		dev := s.PortDevice(port.Name)
		p := newPath(hp.host + "→" + dev)
		f, err := tw.Net.AddFlow(network.FlowConfig{Name: "storage:" + hp.host + "→" + dev, From: hp.host, To: dev,
			FromVLAN: vlan, ToVLAN: vlan, PacketBytes: 64, Bidirectional: true, Quiet: true})
		if err != nil {
			p.noRoute = true // the host has no interface in the storage VLAN: the path never works
			continue
		}
		p.flow = f
		f.OnChange(func(bool) { st.changed() })
	}
}

// addStoragePorts puts each port of a networked array on the network as a device of
// its own (a target interface with its own address) in the array's storage VLAN.
func addStoragePorts(n builder, t *topology.Topology, vl *vlanPlan, place func(topology.Pos, string, error) error) error {
	for _, s := range t.Storage {
		for _, p := range s.Ports {
			cfg := network.HostConfig{Subnet: s.VLAN, Gateway: vl.gatewayOf[s.VLAN], VLAN: vl.id(s.VLAN)}
			if err := place(p.Pos, "", n.AddHost(s.PortDevice(p.Name), cfg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// netPort is a cable end as the network names it: an array's port is the port of its
// own device ("san-1:ctrl-a" is "san-1/ctrl-a:ctrl-a").
func netPort(t *topology.Topology, p topology.PortRef) string {
	if s := t.StorageArray(p.Device); s != nil {
		return s.PortDevice(p.Port) + ":" + p.Port
	}
	return p.String()
}

// carries reports whether a path carries I/O now: its host runs without a
// storage-path failure, its array works, and (over the network) its flow delivers.
func (st *storageRun) carries(hp *hostPaths, p *storagePath) bool {
	switch {
	case st.tw.hostDown[hp.host] || st.pathLost[hp.host] || hp.array.failed || p.noRoute:
		return false
	case p.flow != nil:
		return p.flow.Delivering()
	}
	return true
}

// changed re-evaluates every host's paths once the current instant's changes are done.
func (st *storageRun) changed() {
	if st.pending {
		return
	}
	st.pending = true
	st.tw.Sim.After(0, func() {
		st.pending = false
		for _, a := range st.order {
			for _, hp := range a.hosts {
				st.evaluate(hp)
			}
		}
		// Restarts that found no host reaching their datastore try again: a host may
		// reach it now.
		for _, hc := range st.tw.has {
			hc.agents.StorageReturned()
		}
	})
}

// evaluate follows a host's paths to an array: paths that stopped carrying wait for
// multipathing to give them up, paths that returned become standby, and the VMs stall
// or run again with the active path.
func (st *storageRun) evaluate(hp *hostPaths) {
	tw := st.tw
	if tw.hostDown[hp.host] || hp.array.failed {
		return // its VMs failed with the host or the array; nothing carries I/O
	}
	s := hp.array.s
	carrying := false
	for _, p := range hp.paths {
		ok := st.carries(hp, p)
		carrying = carrying || ok
		switch {
		case ok && p.state == PathDead:
			p.state = PathStandby
			tw.Sim.Report(StoragePathRestored{Host: hp.host, Path: p.name})
		case ok:
			p.giveUp.Stop() // back within the failover time: only a delay of the I/O
		case !p.giveUp.Armed() && p.state != PathDead:
			p.giveUp.Reset(sim.Time(s.PathFailover))
		}
	}
	if hp.active == nil || hp.active.state == PathDead {
		hp.active = nil
		for _, p := range hp.paths {
			if p.state != PathDead && st.carries(hp, p) {
				hp.active, p.state = p, PathActive
				break
			}
		}
	}
	io := hp.active != nil && st.carries(hp, hp.active)
	switch {
	case !io && !hp.stalled:
		hp.stalled = true
		st.stall(hp)
	case io && hp.stalled:
		hp.stalled = false
		st.resume(hp, "I/O on path "+hp.active.name)
	}
	switch {
	case !carrying && !hp.apd.Armed() && !hp.inAPD:
		hp.apd.Reset(sim.Time(s.APDTimeout))
	case carrying:
		hp.apd.Stop()
		hp.vmcp.Stop()
		if hp.inAPD {
			hp.inAPD = false
			tw.Sim.Report(APDExited{Host: hp.host, Array: s.Name})
		}
	}
}

// pathGivenUp is multipathing giving a path up path_failover after it stopped
// carrying I/O: it is dead, and if it was active I/O moves to a standby path that
// carries.
func (st *storageRun) pathGivenUp(hp *hostPaths, p *storagePath) {
	tw := st.tw
	if st.carries(hp, p) || p.state == PathDead || tw.hostDown[hp.host] || hp.array.failed {
		return
	}
	was := p.state
	p.state = PathDead
	tw.Sim.Report(StoragePathDead{Host: hp.host, Path: p.name, After: sim.Time(hp.array.s.PathFailover)})
	if was != PathActive {
		return
	}
	hp.active = nil
	for _, q := range hp.paths {
		if q.state != PathDead && st.carries(hp, q) {
			hp.active, q.state = q, PathActive
			tw.Sim.Report(StoragePathFailover{Host: hp.host, Array: hp.array.s.Name, From: p.name, To: q.name})
			break
		}
	}
	if hp.stalled && hp.active != nil {
		hp.stalled = false
		st.resume(hp, "path failover to "+hp.active.name)
	}
}

// onArray reports whether a VM's disk is on an array (any of its datastores).
func (st *storageRun) onArray(vm string, a *arrayRun) bool {
	v := st.tw.Topology.VM(vm)
	return v != nil && st.tw.Topology.ArrayOf(v.Disk) == a.s
}

// stall stops the running VMs of a host whose disks are on the array.
func (st *storageRun) stall(hp *hostPaths) {
	tw := st.tw
	n := 0
	for _, v := range tw.vmsOn(hp.host) {
		if v.State != VMRunning || !st.onArray(v.VM, hp.array) {
			continue
		}
		_ = tw.Net.StopVM(v.VM)
		tw.setVM(v, hp.host, VMStalled, "I/O to "+tw.Topology.VM(v.VM).Disk+" stalled: no path to "+hp.array.s.Name+" carries it", 0)
		n++
	}
	tw.Sim.Report(StorageIOStalled{Host: hp.host, Array: hp.array.s.Name, VMs: n})
}

// resume lets a host's stalled VMs on the array run again.
func (st *storageRun) resume(hp *hostPaths, how string) {
	tw := st.tw
	for _, v := range tw.vmsOn(hp.host) {
		if v.State == VMStalled && st.onArray(v.VM, hp.array) {
			tw.run(v, hp.host, how)
		}
	}
}

// blocked keeps a VM that would run on a host from running when its disk's I/O cannot
// go there: on a failed array or datastore it fails, behind a host's stalled paths it
// stalls (and runs when they carry I/O again). It reports whether it did either.
func (st *storageRun) blocked(v *vmRun, host string) bool {
	tw := st.tw
	if tw.onFailedStorage(v.VM) {
		tw.setVM(v, host, VMFailed, "its datastore "+tw.Topology.DatastoreOf(tw.Topology.VM(v.VM).Disk)+" has failed", 0)
		return true
	}
	if why := st.noIO(v.VM, host); why != "" {
		tw.setVM(v, host, VMStalled, why, 0)
		return true
	}
	return false
}

// noIO says why a VM's disk I/O cannot go from a host now ("" if it can): the host's
// active path to the array carries nothing, or the host has no path to it at all (it
// is not attached to the array: check's storage-not-attached).
func (st *storageRun) noIO(vm, host string) string {
	v := st.tw.Topology.VM(vm)
	if v == nil || v.Disk == topology.LocalDisk {
		return ""
	}
	a := st.tw.Topology.ArrayOf(v.Disk)
	if a == nil || st.arrays[a.Name] == nil {
		return ""
	}
	for _, hp := range st.of[host] {
		if hp.array.s == a {
			if hp.stalled {
				return "I/O to " + v.Disk + " stalled: no path to " + a.Name + " carries it"
			}
			return ""
		}
	}
	return "I/O to " + v.Disk + " stalled: " + host + " has no path to " + a.Name
}

// stallUnattached stalls, at the start, the VMs whose host has no path to their
// array at all.
func (st *storageRun) stallUnattached() {
	tw := st.tw
	for _, name := range tw.vmOrder {
		v := tw.vms[name]
		if v.State != VMRunning {
			continue
		}
		if why := st.noIO(name, v.Host); why != "" {
			_ = tw.Net.StopVM(name)
			tw.setVM(v, v.Host, VMStalled, why, 0)
		}
	}
}

// declareAPD is a host declaring All-Paths-Down for an array, apd_timeout after its
// last path stopped; HA's APD response follows apd_delay later where its cluster has
// one.
func (st *storageRun) declareAPD(hp *hostPaths) {
	tw := st.tw
	if hp.inAPD || tw.hostDown[hp.host] || hp.array.failed {
		return
	}
	hp.inAPD = true
	tw.Sim.Report(APDDeclared{Host: hp.host, Array: hp.array.s.Name, After: sim.Time(hp.array.s.APDTimeout)})
	if c := tw.Topology.ClusterOf(hp.host); c != nil && c.HA.Enabled && c.HA.APDResponse != topology.APDDisabled {
		hp.vmcp.Reset(sim.Time(c.HA.APDDelay))
	}
}

// respondAPD is HA's VM Component Protection: the stalled VMs it protects are powered
// off and restarted where their datastore is reachable (conservative: only a VM that
// has such a host now).
func (st *storageRun) respondAPD(hp *hostPaths) {
	tw := st.tw
	c := tw.Topology.ClusterOf(hp.host)
	if !hp.inAPD || c == nil {
		return
	}
	for _, v := range tw.vmsOn(hp.host) {
		if v.State != VMStalled || !st.onArray(v.VM, hp.array) {
			continue
		}
		hc := tw.haOf[v.VM]
		switch {
		case hc == nil:
			tw.Sim.Report(APDResponse{Host: hp.host, VM: v.VM, Response: c.HA.APDResponse, Action: "left stalled: HA does not restart it"})
		case tw.ftOf[v.VM] != nil:
			// vSphere's VM Component Protection does not cover FT VMs.
			tw.Sim.Report(APDResponse{Host: hp.host, VM: v.VM, Response: c.HA.APDResponse, Action: "left stalled: VM Component Protection does not cover FT VMs"})
		case c.HA.APDResponse == topology.APDEvents:
			tw.Sim.Report(APDResponse{Host: hp.host, VM: v.VM, Response: c.HA.APDResponse, Action: "event only: left stalled"})
		case c.HA.APDResponse == topology.APDRestartConservative && !hc.agents.CanRestart(v.VM):
			tw.Sim.Report(APDResponse{Host: hp.host, VM: v.VM, Response: c.HA.APDResponse, Action: "left stalled: no host reaches its datastore with room for it"})
		default:
			tw.Sim.Report(APDResponse{Host: hp.host, VM: v.VM, Response: c.HA.APDResponse, Action: "powered off, to restart elsewhere"})
			_ = tw.StopVM(v.VM, false, "powered off by HA: APD response")
			st.apdOff[v.VM] = true
			_ = hc.agents.PowerOffForAPD(v.VM)
		}
	}
}

// storagePaths applies a storage-path failure of a host (all its paths stop carrying
// I/O) or its repair.
func (tw *Twin) storagePaths(host string, fail bool) error {
	st := tw.storage
	if len(st.of[host]) == 0 {
		return fmt.Errorf("%q has no storage paths (a hypervisor attached to storage has)", host)
	}
	if fail == st.pathLost[host] {
		return nil
	}
	st.pathLost[host] = fail
	st.changed()
	return nil
}

// storageFailure applies a failure of an array or a datastore, or its repair: the VMs
// whose disks it holds fail at once; HA restarts them when a host reaches it again.
func (tw *Twin) storageFailure(name string, fail bool) error {
	st := tw.storage
	a := st.arrays[name]
	ds := ""
	if a == nil {
		d := tw.Topology.Datastore(name)
		if d == nil || st.arrays[d.Array] == nil {
			return fmt.Errorf("%q is neither a storage array nor a datastore", name)
		}
		a, ds = st.arrays[d.Array], d.Name
	}
	if ds == "" {
		a.failed = fail
	} else {
		a.dsFailed[ds] = fail
	}
	if !fail {
		st.changed() // HA's restarts waiting for the datastore go then
		return nil
	}
	n := 0
	for _, name := range tw.vmOrder {
		v := tw.vms[name]
		// What is powered on fails with its disk: a VM whose guest hung or halted too.
		if !tw.onFailedStorage(name) || !v.poweredOn() {
			continue
		}
		_ = tw.Net.StopVM(name)
		tw.setVM(v, v.Host, VMFailed, "its datastore "+tw.Topology.DatastoreOf(tw.Topology.VM(name).Disk)+" failed", 0)
		n++
		if hc := tw.haOf[name]; hc != nil {
			_ = hc.agents.StorageLost(name)
		}
	}
	tw.Sim.Report(DatastoreLost{Storage: name, VMs: n})
	st.changed()
	return nil
}

// onFailedStorage reports whether a VM's disk is on a failed array or datastore.
func (tw *Twin) onFailedStorage(vm string) bool {
	v := tw.Topology.VM(vm)
	if v == nil {
		return false
	}
	a := tw.Topology.ArrayOf(v.Disk)
	if a == nil || tw.storage.arrays[a.Name] == nil {
		return false
	}
	ar := tw.storage.arrays[a.Name]
	return ar.failed || ar.dsFailed[tw.Topology.DatastoreOf(v.Disk)]
}

// reaches reports whether a host reaches a datastore location (an array or a
// datastore name) now: the array and datastore work and a path carries I/O.
func (st *storageRun) reaches(host, disk string) bool {
	a := st.tw.Topology.ArrayOf(disk)
	if a == nil {
		return false
	}
	ar := st.arrays[a.Name]
	if ar == nil || ar.failed || ar.dsFailed[st.tw.Topology.DatastoreOf(disk)] {
		return false
	}
	for _, hp := range st.of[host] {
		if hp.array == ar {
			return slices.ContainsFunc(hp.paths, func(p *storagePath) bool { return st.carries(hp, p) })
		}
	}
	return false
}

// writesHeartbeat reports whether a host can write a heartbeat datastore: one of its
// arrays works and a path to it carries I/O. A host attached to no storage keeps
// writing while it runs, as before storage ran (datastore heartbeats written on
// against the scenario's storage).
func (st *storageRun) writesHeartbeat(host string) bool {
	if len(st.of[host]) == 0 {
		return true
	}
	for _, hp := range st.of[host] {
		if st.reaches(host, hp.array.s.Name) {
			return true
		}
	}
	return false
}

// ReachesStorage implements ha.StorageAccess: HA restarts a VM only on a host that
// reaches its datastore.
func (hc *haCluster) ReachesStorage(host, vm string) bool {
	v := hc.tw.Topology.VM(vm)
	if v == nil || v.Disk == topology.LocalDisk {
		return true
	}
	return hc.tw.storage.reaches(host, v.Disk)
}

// StoragePath is a storage path's state as a front end shows it.
type StoragePath struct {
	Host, Array, Path string
	State             PathState
	Carrying          bool
}

// StoragePaths lists every host's storage paths and their states.
func (tw *Twin) StoragePaths() []StoragePath {
	var out []StoragePath
	for _, a := range tw.storage.order {
		for _, hp := range a.hosts {
			for _, p := range hp.paths {
				out = append(out, StoragePath{Host: hp.host, Array: a.s.Name, Path: p.name, State: p.state, Carrying: tw.storage.carries(hp, p)})
			}
		}
	}
	return out
}
