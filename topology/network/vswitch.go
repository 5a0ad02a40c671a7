package network

import (
	"fmt"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
)

// Virtual machines and the virtual switches of their hypervisors. A VM is a device of
// its own with its own MAC and an IP interface per vNIC, but without ports: while it
// runs, each vNIC hangs off a port group (a VLAN) of its host's virtual switch, whose
// uplinks are the host's NIC team. The virtual switch picks the uplink a vNIC's
// frames leave on by its teaming policy (reference-facts §4.3): route based on the
// originating virtual port pins each vNIC to one active uplink, the explicit failover
// order sends everything on the first usable uplink, IP hash picks per flow. A frame
// for a VM arriving on an uplink is delivered if the VM runs there, has a vNIC in the
// frame's VLAN, and the uplink is one it receives on (its pinned uplink; any uplink in
// use for IP hash). Frames between two VMs of one host in one VLAN never leave the
// virtual switch.
//
// A VM that starts, arrives from another host or whose vNIC moves to another uplink
// is announced with a RARP frame from its uplink in its VLAN when the virtual switch
// notifies the switches, so that they re-learn its MAC at once; without it they keep
// the old port until the VM sends. A vNIC whose port group the host lacks is cut off.

// PortGroup is a port group of a virtual switch: the VLAN its vNICs are in.
type PortGroup struct {
	Name string
	VLAN int
}

// VSwitchConfig describes a hypervisor's virtual switch. Its uplinks are the host's
// NIC team (AddTeam, or the host's first NIC), whose detection decides which uplinks
// are usable.
type VSwitchConfig struct {
	PortGroups []PortGroup
	// LoadBalancing is the teaming policy for the VMs' frames: "" means
	// topology.OriginatingPort, or topology.IPHash when the team aggregates (SLB, LACP).
	LoadBalancing topology.LoadBalancing
	// Standby are uplinks ("vmnic1" or "host:vmnic1") used only while no other uplink
	// is usable; the others are active, in the team's member order.
	Standby []string
	// Failback returns a vNIC to its preferred uplink once that one is usable again;
	// without it a vNIC stays where it moved while that uplink works.
	Failback bool
	// NotifySwitches announces a VM's MAC with a RARP frame when a vNIC attaches or
	// moves to another uplink.
	NotifySwitches bool
	// Latency is what the virtual switch adds to a frame, one way; zero means
	// topology.DefaultVSwitchLatency.
	Latency sim.Time
}

// VMConfig describes a virtual machine.
type VMConfig struct {
	// Host is the hypervisor the VM runs on when the network starts; "" starts it
	// stopped (StartVM runs it).
	Host string
	// VNICs are its virtual NICs, each with its IP interface; the first is the primary.
	VNICs []VNICConfig
}

// VNICConfig is one virtual NIC of a VM and the IP interface behind it.
type VNICConfig struct {
	Name      string
	PortGroup string
	// VLAN, Subnet and Gateway are the interface's, as the guest is configured: the
	// VLAN its subnet lives in (the port group's VLAN on the VM's home host). A host
	// whose port group of that name is in another VLAN puts the vNIC in another
	// broadcast domain.
	VLAN            int
	Subnet, Gateway string
}

// vswitch is a hypervisor's virtual switch at run time.
type vswitch struct {
	host    *device
	cfg     VSwitchConfig
	pgs     map[string]int
	order   []*member // the failover order: the active uplinks, then the standby ones
	nActive int
	vms     map[mac]*vmDev // the VMs running on it
	next    int            // the next virtual port number
	shotgun bool           // beacon probing cannot tell which uplink failed (beacon.go)
	deps    depList
}

// vmDev is a VM at run time.
type vmDev struct {
	dev  *device
	nics []vnic
	host *device // the hypervisor it runs on; nil while it does not run
}

// vnic is one vNIC: where it is attached while its VM runs.
type vnic struct {
	name, pg string
	port     int     // its virtual port number on the host's virtual switch
	vlan     int     // its port group's VLAN on the host; 0 without such a port group
	uplink   *member // the uplink it is pinned to; nil for IP hash or without one
}

// AddVSwitch gives a hypervisor host a virtual switch.
func (n *Network) AddVSwitch(host string, cfg VSwitchConfig) error {
	if err := n.checkBuilding("virtual switch of " + host); err != nil {
		return err
	}
	d, ok := n.devices[host]
	if !ok || d.kind != kindHost {
		return fmt.Errorf("virtual switch: unknown host %q", host)
	}
	if d.vsw != nil {
		return fmt.Errorf("host %s already has a virtual switch", host)
	}
	switch cfg.LoadBalancing {
	case "", topology.OriginatingPort, topology.ExplicitFailover, topology.IPHash:
	default:
		return fmt.Errorf("virtual switch of %s: unknown load balancing %q", host, cfg.LoadBalancing)
	}
	if cfg.Latency <= 0 {
		cfg.Latency = sim.Time(topology.DefaultVSwitchLatency)
	}
	vs := &vswitch{host: d, cfg: cfg, pgs: map[string]int{}, vms: map[mac]*vmDev{}}
	for _, pg := range cfg.PortGroups {
		if pg.VLAN < 1 || pg.VLAN > MaxVLAN {
			return fmt.Errorf("virtual switch of %s: port group %s: VLAN %d: 802.1Q VLAN ids are 1..%d", host, pg.Name, pg.VLAN, MaxVLAN)
		}
		if _, dup := vs.pgs[pg.Name]; dup {
			return fmt.Errorf("virtual switch of %s: port group %s listed twice", host, pg.Name)
		}
		vs.pgs[pg.Name] = pg.VLAN
	}
	d.vsw = vs
	return nil
}

// AddVM adds a virtual machine, running on cfg.Host from the start unless that is "".
func (n *Network) AddVM(name string, cfg VMConfig) error {
	if len(cfg.VNICs) == 0 {
		return fmt.Errorf("VM %s: no vNIC", name)
	}
	var ifs []iface
	for _, c := range cfg.VNICs {
		v := c.VLAN
		if v == 0 {
			v = DefaultVLAN
		}
		if v < 1 || v > MaxVLAN {
			return fmt.Errorf("VM %s: vNIC %s: VLAN %d: 802.1Q VLAN ids are 1..%d", name, c.Name, v, MaxVLAN)
		}
		ifs = append(ifs, iface{vlan: v, subnet: c.Subnet, gateway: c.Gateway})
	}
	var h *device
	if cfg.Host != "" {
		h = n.devices[cfg.Host]
		if h == nil || h.vsw == nil {
			return fmt.Errorf("VM %s: host %q has no virtual switch", name, cfg.Host)
		}
	}
	d, err := n.addDevice(name, kindVM)
	if err != nil {
		return err
	}
	d.ifaces = ifs
	d.mac = n.newMAC(name)
	v := &vmDev{dev: d}
	for _, c := range cfg.VNICs {
		v.nics = append(v.nics, vnic{name: c.Name, pg: c.PortGroup})
	}
	d.vm = v
	if h != nil {
		h.vsw.attach(v)
	}
	return nil
}

// StartVM runs a VM on a hypervisor from now on: its vNICs attach to the host's port
// groups, take their uplinks, and are announced to the switches if the virtual switch
// notifies them. A VM running elsewhere leaves that host in the same instant (the
// switchover of a live migration or a takeover).
func (n *Network) StartVM(vm, host string) error {
	v, err := n.vmNamed(vm)
	if err != nil {
		return err
	}
	h := n.devices[host]
	if h == nil || h.vsw == nil {
		return fmt.Errorf("VM %s: host %q has no virtual switch", vm, host)
	}
	if v.host == h {
		return nil
	}
	if v.host != nil {
		v.host.vsw.detach(v)
	}
	h.vsw.attach(v)
	if n.started {
		h.vsw.pin(v)
		h.vsw.announce(v, -1)
	}
	return nil
}

// StopVM stops a VM: from now on it neither sends nor receives (powered off, failed,
// or stunned for a switchover). The switches keep its MAC entries until they age out.
func (n *Network) StopVM(vm string) error {
	v, err := n.vmNamed(vm)
	if err != nil {
		return err
	}
	if v.host != nil {
		v.host.vsw.detach(v)
	}
	return nil
}

// VMHost returns the hypervisor a VM runs on, "" while it does not run.
func (n *Network) VMHost(vm string) string {
	if v, err := n.vmNamed(vm); err == nil && v.host != nil {
		return v.host.name
	}
	return ""
}

// VMUplink returns the uplink port a VM's k-th vNIC is pinned to ("" without one:
// the VM does not run, IP hash picks per flow, or no uplink is usable).
func (n *Network) VMUplink(vm string, k int) string {
	v, err := n.vmNamed(vm)
	if err != nil || v.host == nil || k < 0 || k >= len(v.nics) || v.nics[k].uplink == nil {
		return ""
	}
	return v.nics[k].uplink.port.name
}

func (n *Network) vmNamed(name string) (*vmDev, error) {
	d := n.devices[name]
	if d == nil || d.vm == nil {
		return nil, fmt.Errorf("unknown VM %q", name)
	}
	return d.vm, nil
}

// attach connects v's vNICs to the virtual switch's port groups.
func (vs *vswitch) attach(v *vmDev) {
	v.host = vs.host
	for k := range v.nics {
		nic := &v.nics[k]
		nic.port = vs.next
		vs.next++
		nic.vlan = vs.pgs[nic.pg]
		nic.uplink = nil
	}
	vs.vms[v.dev.mac] = v
	n := vs.host.n
	n.touch(&v.dev.deps)
	n.touch(&vs.deps)
}

// detach disconnects v.
func (vs *vswitch) detach(v *vmDev) {
	delete(vs.vms, v.dev.mac)
	v.host = nil
	for k := range v.nics {
		v.nics[k].uplink = nil
	}
	n := vs.host.n
	n.touch(&v.dev.deps)
	n.touch(&vs.deps)
}

// start resolves the uplinks once the host's team exists, pins the VMs running from
// the start and announces them, as a vNIC that connects is announced.
func (vs *vswitch) start() {
	t := vs.host.team
	if t == nil {
		return
	}
	t.vsw = vs
	standby := map[*member]bool{}
	for _, s := range vs.cfg.Standby {
		local := strings.TrimPrefix(s, vs.host.name+":")
		for _, m := range t.members {
			if m.port.name == vs.host.name+":"+local {
				standby[m] = true
			}
		}
	}
	for _, m := range t.members {
		if !standby[m] {
			vs.order = append(vs.order, m)
		}
	}
	vs.nActive = len(vs.order)
	for _, m := range t.members {
		if standby[m] {
			vs.order = append(vs.order, m)
		}
	}
	for _, v := range vs.sorted() {
		vs.pin(v)
		vs.announce(v, -1)
	}
}

// sorted returns the running VMs in the order they were added to the network, so
// that what happens to them is reproducible.
func (vs *vswitch) sorted() []*vmDev {
	out := make([]*vmDev, 0, len(vs.vms))
	for _, v := range vs.vms {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *vmDev) int { return a.dev.idx - b.dev.idx })
	return out
}

// policy is the load balancing in force: IP hash when not written and the team
// aggregates.
func (vs *vswitch) policy() topology.LoadBalancing {
	lb := vs.cfg.LoadBalancing
	if lb == "" {
		lb = topology.OriginatingPort
		if t := vs.host.team; t != nil && t.cfg.Mode.NeedsSwitchAggregation() {
			lb = topology.IPHash
		}
	}
	return lb
}

// usable reports whether the virtual switch may send on uplink m.
func (vs *vswitch) usable(m *member) bool { return m.up && !m.t.off() }

// choose returns the uplink vNIC nic should use now: its preferred one (by virtual
// port among the active uplinks, or the first of the order), or when that is not
// usable the next usable active uplink after it, then the first usable standby one.
// Without failback a vNIC keeps a usable uplink it moved to.
func (vs *vswitch) choose(nic *vnic) *member {
	if len(vs.order) == 0 {
		return nil
	}
	if !vs.cfg.Failback && nic.uplink != nil && vs.usable(nic.uplink) {
		return nic.uplink
	}
	start := 0
	if vs.policy() == topology.OriginatingPort && vs.nActive > 0 {
		start = nic.port % vs.nActive
	}
	for i := range vs.nActive {
		if m := vs.order[(start+i)%vs.nActive]; vs.usable(m) {
			return m
		}
	}
	for _, m := range vs.order[vs.nActive:] {
		if vs.usable(m) {
			return m
		}
	}
	return nil
}

// pin chooses the uplinks of v's vNICs and announces the vNICs that moved.
func (vs *vswitch) pin(v *vmDev) {
	if vs.policy() == topology.IPHash {
		return
	}
	for k := range v.nics {
		nic := &v.nics[k]
		next := vs.choose(nic)
		if next == nic.uplink {
			continue
		}
		from := nic.uplink
		nic.uplink = next
		vs.host.n.touch(&vs.deps)
		if from != nil && next != nil {
			vs.host.n.record(VNICMoved{VM: v.dev.name, VNIC: nic.name, From: from.port.name, To: next.port.name})
			vs.announce(v, k)
		}
	}
}

// uplinksChanged follows a change of the team's members: every vNIC takes the uplink
// the policy gives it now.
func (vs *vswitch) uplinksChanged() {
	vs.host.n.touch(&vs.deps)
	for _, v := range vs.sorted() {
		vs.pin(v)
	}
}

// sends returns the uplinks a frame of vNIC nic with flow hash h leaves on: its pinned
// one, the team's pick by hash for IP hash, or every usable uplink while beacon
// probing cannot tell which one failed (VMware's "shotgun" mode).
func (vs *vswitch) sends(nic *vnic, h uint32, into []*Port) []*Port {
	t := vs.host.team
	if t == nil {
		return into
	}
	if vs.shotgun {
		for _, m := range vs.order {
			if m.linkOK {
				into = append(into, m.port)
			}
		}
		return into
	}
	if vs.policy() == topology.IPHash {
		if t.cfg.Mode.NeedsSwitchAggregation() {
			if m := t.txMember(h); m != nil {
				into = append(into, m.port)
			}
			return into
		}
		var up []*member
		for _, m := range vs.order {
			if vs.usable(m) {
				up = append(up, m)
			}
		}
		if len(up) > 0 {
			into = append(into, up[h%uint32(len(up))].port)
		}
		return into
	}
	if nic.uplink != nil && vs.usable(nic.uplink) {
		into = append(into, nic.uplink.port)
	}
	return into
}

// receives reports whether a frame for nic arriving on q is taken: on its pinned
// uplink, on any uplink in use for IP hash, on any with link in shotgun mode.
func (vs *vswitch) receives(nic *vnic, q *Port) bool {
	m := q.mem
	if m == nil || m.t != vs.host.team {
		return false
	}
	switch {
	case vs.shotgun:
		return m.linkOK
	case vs.policy() == topology.IPHash:
		return vs.usable(m)
	}
	return m == nic.uplink && vs.usable(m)
}

// announce sends the RARP frames that tell the switches where v's MAC is: for vNIC k,
// or every vNIC for k < 0, from its uplink in its VLAN, late in the instant.
func (vs *vswitch) announce(v *vmDev, k int) {
	if !vs.cfg.NotifySwitches {
		return
	}
	n := vs.host.n
	n.sendFrame(func() {
		if v.host != vs.host || vs.host.failed {
			return
		}
		for i := range v.nics {
			if k >= 0 && i != k {
				continue
			}
			nic := &v.nics[i]
			if nic.vlan == 0 {
				continue
			}
			var ports [4]*Port
			for _, p := range vs.sends(nic, hashName(v.dev.name), ports[:0]) {
				n.record(RARP{VM: v.dev.name, Port: p.name, VLAN: n.vlanName(nic.vlan)})
				w := n.oneShot(v.dev.mac)
				w.fr.vlan = nic.vlan
				w.fromHost(vs.host, p)
			}
		}
	})
}

// latency is what the virtual switch of a VM end adds, 0 for other ends.
func (e endpoint) vswLatency() sim.Time {
	if e.dev != nil && e.dev.vm != nil && e.dev.vm.host != nil {
		return e.dev.vm.host.vsw.cfg.Latency
	}
	return 0
}

// fromVM sends the walk's frame from a VM's vNIC (interface ifc): through its host's
// virtual switch to another VM of the host in the same VLAN, or out of its uplink.
func (w *walker) fromVM(d *device, ifc int) {
	v := d.vm
	w.dep(&d.deps)
	h := v.host
	if h == nil {
		w.lose(d.name, " is not running", 0)
		return
	}
	vs := h.vsw
	w.dep(&vs.deps)
	nic := &v.nics[ifc]
	if nic.vlan == 0 {
		w.lose(d.name+":"+nic.name, " is on port group "+nic.pg+", which "+h.name+" does not have", 0)
		return
	}
	w.fr.vlan = nic.vlan
	w.dep(&h.deps)
	if h.failed {
		w.lose(h.name, " is down", 0)
		return
	}
	if to := vs.vms[w.fr.dst]; to != nil && to != v && to.vnicIn(nic.vlan) >= 0 {
		w.local = true
		w.deliver()
		return
	}
	var buf [4]*Port
	ports := vs.sends(nic, w.hash, buf[:0])
	if len(ports) == 0 {
		if h.team != nil {
			w.dep(&h.team.deps)
		}
		w.lose(d.name+":"+nic.name, ": no usable uplink on "+h.name, 0)
		return
	}
	fr := w.fr
	for _, p := range ports {
		w.fr = fr // a routed copy rewrote the frame
		w.fromHost(h, p)
	}
}

// vnicIn returns the index of v's vNIC attached in VLAN vlan, or -1.
func (v *vmDev) vnicIn(vlan int) int {
	for k := range v.nics {
		if v.nics[k].vlan == vlan {
			return k
		}
	}
	return -1
}

// toVM takes a frame for a VM arriving at hypervisor h on q; it reports false when
// the frame is for no VM running on h.
func (w *walker) toVM(h *device, q *Port) bool {
	vs := h.vsw
	v := vs.vms[w.fr.dst]
	if v == nil {
		return false
	}
	w.dep(&vs.deps)
	w.dep(&v.dev.deps)
	vlan := int(w.fr.tag)
	if vlan == 0 {
		vlan = int(q.native)
	}
	k := v.vnicIn(vlan)
	switch {
	case h.failed || q.failed || !q.carrier:
		w.lose(q.name, " is down", 0)
	case k < 0:
		w.loseAnywayVLAN(q.name, " reaches "+v.dev.name+", which has no vNIC in VLAN ", vlan)
	case !vs.receives(&v.nics[k], q):
		w.loseAnyway(q.name, " is not the uplink of ", w.fr.dst)
	default:
		w.deliver()
	}
	return true
}
