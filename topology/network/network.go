package network

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
)

// Network is the runtime network attached to one simulation.
type Network struct {
	s   *sim.Simulation
	opt Options

	// treeDeps are the flows whose floods followed the flood trees (prunedFlood): a
	// change of the trees walks them again. pruneFloods is false only in tests that
	// compare pruned floods with full ones.
	treeDeps    depList
	pruneFloods bool

	// asked lists the ARP requests resolve sent at askedAt.
	asked   []arpAsk
	askedAt sim.Time

	devices  map[string]*device
	devList  []*device
	ports    map[string]*Port
	links    map[string]*Link
	linkList []*Link
	bridges  []*bridge
	gateways map[string]*gateway
	gwList   []*gateway
	aggs     [][2][]*Port // inter-switch aggregates: both sides
	flows    map[string]*Flow
	flowList []*Flow
	flowIDs  []*Flow  // by Flow.id, nil for a free id
	stamps   []uint32 // by Flow.id: the current evaluation's stamp
	freeIDs  []int32
	depItems int // items in all dependency lists, stale or not
	depKept  int // depItems after the last sweep
	macNames []string

	started bool

	dirty, spare []*Flow
	settle       *sim.Timer
	round        uint32
	settling     bool
	evals        uint64
	walkID       uint64
	walkMax      uint64   // the last walk id drawn (nextWalk)
	w            walker   // flow evaluation
	garp         walker   // one-shot frames
	frames       []func() // one-shot frames waiting for the end of the instant (sendFrame)

	layout *Layout // built on first use once the network runs

	congQueue, congSpare []*Link  // links to settle for congestion (congestion.go)
	congFlows            []dirRef // flow directions to settle for congestion
	congEpoch            uint64   // bumped by every change a congestion fraction depends on (settleCongested)
	congestedDirs        int      // link directions over capacity

	stpTimer   *sim.Timer
	tcStamp    uint64
	stpChanged map[*bridge]bool

	// VLANs (vlan.go): interned VLAN sets, the dense numbering of the VLANs in use
	// (tables per VLAN), names for the trace, and the gateway of each VLAN.
	sets      []vlanSet
	setIndex  map[vlanBits]int32
	vlanDense [MaxVLAN + 1]int32
	vlanIDs   []int
	vlanNames map[int]string

	seq uint64 // orders learnings and flushes (lazy.go)
	// entryCount counts the MAC entries in all tables, entryKept those left after the
	// last sweep (forget.go); entrySeq numbers the entries in creation order.
	entryCount, entryKept int
	entrySeq              int32
	scratch               []*fdbEntry // entries a flush clears

	// Broadcasts learned lazily (lazy.go, floodtree.go).
	lazyOn      bool
	maxAging    sim.Time // the longest MAC aging time of any bridge
	keys        map[fdbKey]*keyState
	keyDense    [][]*keyState // keys by VLAN index and MAC: the look-up of bridge.entry
	freeIndexes [][]*fdbEntry // cleared by-bridge indexes to reuse (lazy.go)
	trees       []*floodTree  // by dense VLAN index
	floodVer    uint64        // bumped by every change a flood tree depends on
	reached     []*fdbEntry   // scratch of announce
	keyed       []keyedEntry  // scratch of inFloodOrder

	owners     []macOwner // by MAC: the host or NIC it belongs to (floodload.go)
	floodQueue []*bridge  // bridges whose floods changed this instant (floodload.go)

	holdQueue []*fdbEntry // entries whose holds changed this instant (flap.go)
	released  []*fdbEntry // scratch: entries a re-walked flow no longer holds
	flaps     int         // MACFlapping reported
}

type devKind uint8

const (
	kindSwitch devKind = iota
	kindHost
	kindPassThrough
	kindVM // a virtual machine: no ports, its host's virtual switch carries it (vswitch.go)
)

// device is a switch, a host or a pass-through module.
type device struct {
	n      *Network
	name   string
	kind   devKind
	idx    int
	failed bool
	ports  []*Port
	mac    mac
	deps   depList

	// switches
	cfg      SwitchConfig
	vlans    int32 // the VLANs the switch carries (vlan.go)
	br       *bridge
	cpu      *lport
	helloPh  sim.Time // when in each hello period the switch sends BPDUs
	tracking bool     // uplink failure detection (switch modules)
	downOff  bool     // blade-facing ports disabled by uplink failure detection
	// boot is armed while the switch boots after its power returned.
	boot *sim.Timer

	// hosts
	hcfg   HostConfig
	ifaces []iface // the host's IP interfaces, the primary first
	team   *team
	leaves []*Port  // the switch ports of plain bridges facing its NICs (floodload.go)
	vsw    *vswitch // a hypervisor's virtual switch

	// VMs
	vm *vmDev
}

// iface is one IP interface of a host: its VLAN, subnet and default gateway.
type iface struct {
	vlan    int
	subnet  string
	gateway string
}

// mac identifies a MAC address: a host's team MAC, a NIC's own MAC, a switch's MAC or
// a gateway's virtual MAC. 0 is the flood (broadcast/multicast) address.
type mac int32

const macFlood mac = 0

// New returns an empty network on s. The network converges when the simulation starts
// running at its current time.
// pruneFloodsDefault is Network.pruneFloods of new networks (tests: FloodInFull).
var pruneFloodsDefault = true

func New(s *sim.Simulation, opt Options) *Network {
	if opt.HandshakeDelay <= 0 {
		opt.HandshakeDelay = 10 * sim.Millisecond
	}
	if opt.SettleLimit <= 0 {
		opt.SettleLimit = 16
	}
	if opt.EagerBridges == 0 {
		opt.EagerBridges = 64
	}
	n := &Network{
		s:           s,
		opt:         opt,
		pruneFloods: pruneFloodsDefault,
		devices:     make(map[string]*device),
		ports:       make(map[string]*Port),
		links:       make(map[string]*Link),
		gateways:    make(map[string]*gateway),
		flows:       make(map[string]*Flow),
		macNames:    []string{"broadcast"},
		keys:        map[fdbKey]*keyState{},
	}
	n.w.n = n
	n.initVLANs()
	n.vlanNames = map[int]string{}
	n.settle = s.NewTimer(n.runSettle)
	n.settle.SetPriority(sim.Late)
	n.stpTimer = s.NewTimer(n.recomputeSTP)
	n.stpChanged = make(map[*bridge]bool)
	s.AfterPriority(0, sim.Urgent, n.start)
	return n
}

// Simulation returns the simulation the network runs on.
func (n *Network) Simulation() *sim.Simulation { return n.s }

func (n *Network) newMAC(name string) mac {
	n.macNames = append(n.macNames, name)
	return mac(len(n.macNames) - 1)
}

func (n *Network) checkBuilding(what string) error {
	if n.started {
		return fmt.Errorf("%s: the network is already running; build it before the simulation starts", what)
	}
	return nil
}

func (n *Network) addDevice(name string, kind devKind) (*device, error) {
	if err := n.checkBuilding(name); err != nil {
		return nil, err
	}
	if name == "" || strings.Contains(name, ":") {
		return nil, fmt.Errorf("invalid device name %q (non-empty, without ':')", name)
	}
	if _, ok := n.devices[name]; ok {
		return nil, fmt.Errorf("device %q already exists", name)
	}
	if _, ok := n.gateways[name]; ok {
		return nil, fmt.Errorf("%q already names a gateway", name)
	}
	d := &device{n: n, name: name, kind: kind, idx: len(n.devList)}
	n.devices[name] = d
	n.devList = append(n.devList, d)
	return d, nil
}

// AddSwitch adds an L2 or L3 switch.
func (n *Network) AddSwitch(name string, cfg SwitchConfig) error {
	if _, err := n.vlanSet(cfg.VLANs); err != nil {
		return fmt.Errorf("switch %s: %w", name, err)
	}
	d, err := n.addDevice(name, kindSwitch)
	if err != nil {
		return err
	}
	return n.initSwitch(d, cfg)
}

func (n *Network) initSwitch(d *device, cfg SwitchConfig) error {
	if cfg.SpanningTree == "" {
		cfg.SpanningTree = topology.RSTP
	}
	if cfg.Priority == 0 {
		cfg.Priority = 32768
	}
	if cfg.MACAging <= 0 {
		cfg.MACAging = sim.Time(topology.DefaultMACAging)
	}
	if cfg.HelloTime <= 0 {
		cfg.HelloTime = sim.Time(topology.DefaultSTPHello)
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = sim.Time(topology.DefaultSTPMaxAge)
	}
	if cfg.ForwardDelay <= 0 {
		cfg.ForwardDelay = sim.Time(topology.DefaultSTPForwardDelay)
	}
	vs, err := n.vlanSet(cfg.VLANs)
	if err != nil {
		return fmt.Errorf("switch %s: %w", d.name, err)
	}
	d.vlans = vs
	d.cfg = cfg
	d.helloPh = phase(cfg.HelloPhase, cfg.HelloTime, n.s.Rand("stp/"+d.name).Int64N)
	d.mac = n.newMAC(d.name)
	d.br = n.newBridge(d)
	d.cpu = &lport{br: d.br, name: d.name + "(cpu)", cpu: d}
	return nil
}

// AddHost adds an endpoint that terminates flows. Its NIC ports appear when links name
// them; without AddTeam the host uses its first port.
func (n *Network) AddHost(name string, cfg HostConfig) error {
	ifs := []iface{{vlan: cfg.VLAN, subnet: cfg.Subnet, gateway: cfg.Gateway}}
	for _, i := range cfg.Interfaces {
		ifs = append(ifs, iface{vlan: i.VLAN, subnet: i.Subnet, gateway: i.Gateway})
	}
	for k := range ifs {
		if ifs[k].vlan == 0 {
			ifs[k].vlan = DefaultVLAN
		}
		if ifs[k].vlan < 1 || ifs[k].vlan > MaxVLAN {
			return fmt.Errorf("host %s: VLAN %d: 802.1Q VLAN ids are 1..%d", name, ifs[k].vlan, MaxVLAN)
		}
	}
	d, err := n.addDevice(name, kindHost)
	if err != nil {
		return err
	}
	d.hcfg = cfg
	d.ifaces = ifs
	d.mac = n.newMAC(name)
	return nil
}

// AddInterconnect adds a blade enclosure interconnect module: a pass-through module
// that repeats each blade port to an external port (and so passes carrier loss
// through), or a switch module, an L2 switch whose blade-facing ports stay up when its
// uplinks fail unless uplink failure detection is configured.
func (n *Network) AddInterconnect(name string, cfg InterconnectConfig) error {
	switch cfg.Kind {
	case topology.PassThrough:
		d, err := n.addDevice(name, kindPassThrough)
		if err != nil {
			return err
		}
		for a, b := range cfg.Pairs {
			pa, pb := n.port(d, a), n.port(d, b)
			if pa.pair != nil || pb.pair != nil || pa == pb {
				return fmt.Errorf("interconnect %s: port paired twice in %s<->%s", name, a, b)
			}
			pa.pair, pb.pair = pb, pa
		}
		return nil
	case topology.SwitchModule:
		if _, err := n.vlanSet(cfg.Switch.VLANs); err != nil {
			return fmt.Errorf("interconnect %s: %w", name, err)
		}
		d, err := n.addDevice(name, kindSwitch)
		if err != nil {
			return err
		}
		d.tracking = cfg.UplinkFailureDetection
		return n.initSwitch(d, cfg.Switch)
	}
	return fmt.Errorf("interconnect %s: unknown module kind %q (expected %q or %q)", name, cfg.Kind, topology.PassThrough, topology.SwitchModule)
}

// port returns the port of d with the given local name, creating it. Pass-through
// pairs are created in map order, so ports are sorted by name at start.
func (n *Network) port(d *device, local string) *Port {
	full := d.name + ":" + local
	if p, ok := n.ports[full]; ok {
		return p
	}
	p := &Port{name: full, dev: d, idx: len(d.ports), vset: allVLANs, native: DefaultVLAN}
	if d.kind == kindHost {
		p.mac = n.newMAC(full)
	}
	n.ports[full] = p
	d.ports = append(d.ports, p)
	return p
}

func (n *Network) parsePort(name string) (*Port, error) {
	dev, local, ok := strings.Cut(name, ":")
	if !ok || local == "" {
		return nil, fmt.Errorf("port %q: expected \"device:port\"", name)
	}
	d, ok := n.devices[dev]
	if !ok {
		return nil, fmt.Errorf("port %q: unknown device %q", name, dev)
	}
	return n.port(d, local), nil
}

// AddLink connects two ports ("device:port"); each port takes one link.
func (n *Network) AddLink(name, a, b string, cfg LinkConfig) error {
	if err := n.checkBuilding(name); err != nil {
		return err
	}
	if _, ok := n.links[name]; ok {
		return fmt.Errorf("link %q already exists", name)
	}
	if cfg.Speed == 0 {
		cfg.Speed = topology.DefaultLinkSpeed
	}
	if cfg.Speed < 0 || cfg.Latency < 0 || cfg.PHYDelay < 0 {
		return fmt.Errorf("link %q: negative speed, latency or PHY delay", name)
	}
	pa, err := n.parsePort(a)
	if err != nil {
		return fmt.Errorf("link %q: %w", name, err)
	}
	pb, err := n.parsePort(b)
	if err != nil {
		return fmt.Errorf("link %q: %w", name, err)
	}
	if pa == pb {
		return fmt.Errorf("link %q connects %s to itself", name, a)
	}
	for _, p := range []*Port{pa, pb} {
		if p.link != nil {
			return fmt.Errorf("link %q: port %s already has link %s", name, p.name, p.link.name)
		}
	}
	vset, native, err := n.portVLANs(cfg.VLANs)
	if err != nil {
		return fmt.Errorf("link %q: %w", name, err)
	}
	if cfg.VLANs.Allowed == nil && cfg.VLANs.Native == 0 {
		native = DefaultVLAN
	}
	for _, p := range []*Port{pa, pb} {
		if !p.vlanSet {
			p.vset, p.native = vset, native
		}
	}
	l := &Link{name: name, cfg: cfg, ends: [2]*Port{pa, pb}, idx: len(n.linkList)}
	l.cost = int64(20e9 / cfg.Speed)
	if l.cost < 1 {
		l.cost = 1
	}
	pa.link, pa.end = l, 0
	pb.link, pb.end = l, 1
	n.links[name] = l
	n.linkList = append(n.linkList, l)
	return nil
}

// AddCluster joins two switches into an MC-LAG pair that acts as one bridge: one
// spanning-tree node, one MAC table, aggregates spread over both chassis. Links between
// the two become the peer link.
func (n *Network) AddCluster(name, a, b string) error {
	if err := n.checkBuilding(name); err != nil {
		return err
	}
	da, db := n.devices[a], n.devices[b]
	if da == nil || db == nil || da.kind != kindSwitch || db.kind != kindSwitch || da == db {
		return fmt.Errorf("cluster %s: %q and %q must be two different switches", name, a, b)
	}
	if len(da.br.members) > 1 || len(db.br.members) > 1 {
		return fmt.Errorf("cluster %s: a switch can belong to one cluster only", name)
	}
	n.mergeBridges(name, da.br, db.br)
	return nil
}

func hashName(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// start converges the network at the current time: carrier as wired, spanning trees
// without timers, teams on their first healthy member, gateways on their highest
// priority member, then every flow evaluated.
func (n *Network) start() {
	n.started = true
	for _, d := range n.devList {
		sortPorts(d)
	}
	for _, l := range n.linkList {
		n.classify(l)
	}
	for _, d := range n.devList {
		if d.kind == kindHost && d.team == nil && len(d.ports) > 0 {
			n.defaultTeam(d)
		}
	}
	for _, d := range n.devList {
		if d.team != nil {
			d.team.bundle()
			d.team.groupAggregators()
		}
	}
	n.bundleSwitches()
	for _, b := range n.bridges {
		b.buildPorts()
		n.maxAging = max(n.maxAging, b.cfg.MACAging)
	}
	n.lazyOn = n.opt.EagerBridges < 0 || len(n.bridges) > n.opt.EagerBridges
	for _, b := range n.bridges {
		b.bulk = n.lazyOn && len(b.members) == 1 && !slices.ContainsFunc(b.lports, func(lp *lport) bool { return lp.agg })
	}
	n.classifyLeaves()
	for _, p := range n.allPorts() {
		p.rx = p.light(0)
		p.carrier = p.rx
	}
	for _, l := range n.linkList {
		if l.isl {
			l.stpHear = [2]bool{l.ends[0].hears(), l.ends[1].hears()}
			l.stpUp = l.stpHear[0] || l.stpHear[1]
		}
	}
	n.convergeSTP()
	for _, d := range n.devList {
		if d.team != nil {
			d.team.start()
		}
	}
	for _, g := range n.gwList {
		g.start()
	}
	for _, d := range n.devList {
		if d.vsw != nil {
			d.vsw.start()
		}
	}
	for _, f := range n.flowList {
		if f.active {
			n.markDirty(f)
		}
	}
}

func (n *Network) allPorts() []*Port {
	var ps []*Port
	for _, d := range n.devList {
		ps = append(ps, d.ports...)
	}
	return ps
}

// classify marks inter-switch links, cluster peer links and host-facing ports.
func (n *Network) classify(l *Link) {
	a, b := l.ends[0], l.ends[1]
	if a.dev.kind == kindSwitch && b.dev.kind == kindSwitch {
		if a.dev.br == b.dev.br {
			l.peer = true
			a.dev.br.peerLinks = append(a.dev.br.peerLinks, l)
			return
		}
		l.isl = true
		a.uplink, b.uplink = true, true
		return
	}
	for _, p := range l.ends {
		if p.dev.kind == kindSwitch {
			p.hostFacing = true
			p.edge = !p.dev.cfg.HostPortsSTP
		}
	}
}

// record reports r if anyone observes the simulation.
func (n *Network) record(r sim.Record) {
	if n.s.Observed() {
		n.s.Report(r)
	}
}

// Port returns the port with the given "device:port" name, or nil.
func (n *Network) Port(name string) *Port { return n.ports[name] }

// Flow returns the flow with the given name, or nil.
func (n *Network) Flow(name string) *Flow { return n.flows[name] }

// Flows returns all flows (in the order they were added, until flows are removed).
func (n *Network) Flows() []*Flow { return n.flowList }

// Links returns the names of all links in the order they were added.
func (n *Network) Links() []string {
	out := make([]string, len(n.linkList))
	for i, l := range n.linkList {
		out[i] = l.name
	}
	return out
}

// Switches returns the names of all switches and interconnect modules.
func (n *Network) Switches() []string { return n.deviceNames(kindSwitch, kindPassThrough) }

// VMs returns the names of all virtual machines.
func (n *Network) VMs() []string { return n.deviceNames(kindVM, kindVM) }

// Hosts returns the names of all hosts.
func (n *Network) Hosts() []string { return n.deviceNames(kindHost, kindHost) }

func (n *Network) deviceNames(a, b devKind) []string {
	var out []string
	for _, d := range n.devList {
		if d.kind == a || d.kind == b {
			out = append(out, d.name)
		}
	}
	return out
}

// Ports returns the "device:port" names of a device's ports.
func (n *Network) Ports(device string) []string {
	d := n.devices[device]
	if d == nil {
		return nil
	}
	out := make([]string, len(d.ports))
	for i, p := range d.ports {
		out[i] = p.name
	}
	return out
}
