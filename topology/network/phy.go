package network

import (
	"fmt"
	"slices"
	"sort"

	"dctwin/sim"
)

// Port is one network port ("device:port"): a switch port, a host NIC, or a
// pass-through module port.
type Port struct {
	name string
	dev  *device
	link *Link
	end  int // which end of link
	idx  int

	failed   bool // hardware failure (FailPort / FailNIC)
	disabled bool // switched off by uplink failure detection
	rx       bool // light arrives now
	carrier  bool // light as the device has noticed it, after the PHY delay
	phy      *sim.Timer

	// VLANs (vlan.go): the allowed set, the native VLAN, and whether SetPortVLANs
	// configured the port (its link's configuration then leaves it alone).
	vset    int32
	native  int16
	vlanSet bool

	mac  mac // a host NIC's own MAC
	lp   *lport
	pair *Port // pass-through partner

	hostFacing, uplink, edge bool

	role     PortRole
	state    PortState
	stpTimer *sim.Timer
	stage    PortState // state the armed stpTimer moves the port into

	aggName string // inter-switch aggregate

	mem  *member    // host side: team member
	lacp *lacpState // both ends of an LACP member link
	deps depList

	// leaf: a host port of a plain bridge, whose floods are counted per bridge;
	// floodIn: the rate of the flood segments that entered by it, per VLAN index;
	// group: its place among the bridge's host ports (floodload.go).
	leaf    bool
	floodIn []float64
	group   int32 // its bridge's leafGroup
}

// Name returns the port's "device:port" name.
func (p *Port) Name() string { return p.name }

// Carrier reports whether the port's device currently sees link.
func (p *Port) Carrier() bool { return p.carrier }

// Failed reports whether the port hardware is failed.
func (p *Port) Failed() bool { return p.failed }

// Role returns the spanning-tree role of a switch port.
func (p *Port) Role() PortRole { return p.role }

// State returns the spanning-tree state of a switch port (Forwarding for edge ports).
func (p *Port) State() PortState { return p.state }

// Link is a cable between two ports. Each direction can be cut on its own.
type Link struct {
	name string
	cfg  LinkConfig
	load [2]float64 // offered bit/s per direction; beside cfg.Speed, which addLoad compares it with
	ends [2]*Port
	idx  int
	cut  [2]bool // cut[d]: light sent by ends[d] does not arrive
	cost int64   // spanning-tree port cost (802.1t: 20 Tbit/s / speed)
	// congested[d]: direction d was over capacity when last settled, congFrac[d] the
	// fraction of packets it dropped then (congestion.go); congQueued: its load
	// changed while over capacity, to settle this instant; crossing: while it is
	// congested, the flows whose paths cross it.
	congested  [2]bool
	congFrac   [2]float64
	congQueued bool
	crossing   depList // while congested: the flows whose paths cross it

	isl, peer bool
	stpUp     bool
	stpHear   [2]bool       // ends[i] hears its partner's BPDUs
	bpduTimer [2]*sim.Timer // ends[1-d] ages the BPDU information ends[d] no longer sends
	bpduAged  [2]bool
}

// Name returns the link name.
func (l *Link) Name() string { return l.name }

func sortPorts(d *device) {
	sort.SliceStable(d.ports, func(i, j int) bool { return d.ports[i].name < d.ports[j].name })
	for i, p := range d.ports {
		p.idx = i
	}
}

func (p *Port) peer() *Port {
	if p.link == nil {
		return nil
	}
	return p.link.ends[1-p.end]
}

// emits reports whether p sends light onto its link. A pass-through port repeats the
// light its partner receives, which is how carrier loss passes through the module.
func (p *Port) emits(depth int) bool {
	if p.failed || p.disabled || p.dev.failed {
		return false
	}
	if p.dev.kind == kindPassThrough {
		return p.pair != nil && depth < 8 && p.pair.light(depth+1)
	}
	return true
}

// light reports whether light arrives at p from its link.
func (p *Port) light(depth int) bool {
	l := p.link
	if l == nil || p.failed || p.dev.failed || l.cut[1-p.end] {
		return false
	}
	return l.ends[1-p.end].emits(depth)
}

// usable reports whether the device can send and receive frames on p as far as it
// knows: it sees carrier and the port is neither failed nor disabled.
func (p *Port) usable() bool { return p.carrier && !p.failed && !p.disabled && !p.dev.failed }

// changed is called after anything that can change light on l: both ends re-check
// their light (carrier follows after the PHY delay), flows crossing either end are
// re-evaluated, and LACP and BPDU supervision look at the new state. Through a
// pass-through module the change carries on to the partner link.
func (n *Network) changed(l *Link, depth int) {
	if l == nil || depth > 8 {
		return
	}
	n.bridgeLinkChanged(l)
	for _, p := range l.ends {
		rx := p.light(0)
		if rx != p.rx {
			p.rx = rx
			if p.phy == nil {
				p.phy = n.s.NewTimer(func() { n.carrierSettled(p) })
			}
			p.phy.Reset(l.cfg.PHYDelay)
		}
		n.touchPort(p)
		if p.lacp != nil {
			n.lacpCheck(p.lacp)
		}
	}
	if l.isl {
		n.stpLinkCheck(l)
	}
	for _, p := range l.ends {
		if p.dev.kind == kindPassThrough && p.pair != nil {
			n.touch(&p.pair.deps)
			n.changed(p.pair.link, depth+1)
		}
	}
}

// bridgeLinkChanged notes a change of link l for the flood trees (floodtree.go): a tree
// joins bridges only, so a link with a host at one end is none of its edges, and a
// host going up or down (most failures) leaves the trees as they are.
func (n *Network) bridgeLinkChanged(l *Link) {
	if l.ends[0].dev.kind != kindHost && l.ends[1].dev.kind != kindHost {
		n.treesChanged()
	}
}

// carrierSettled runs a PHY delay after light changed: if the change held, the device
// now sees it.
func (n *Network) carrierSettled(p *Port) {
	if p.carrier == p.rx {
		return
	}
	p.carrier = p.rx
	if p.link != nil {
		n.bridgeLinkChanged(p.link)
	}
	n.record(CarrierChanged{Port: p.name, Up: p.carrier})
	n.touchPort(p)
	if p.lacp != nil {
		n.lacpCheck(p.lacp)
	}
	switch p.dev.kind {
	case kindSwitch:
		n.switchCarrier(p)
	case kindHost:
		if p.mem != nil {
			p.mem.carrierChanged()
		}
	}
}

// switchCarrier handles a switch port's carrier change: MAC entries on a dead port are
// flushed, spanning tree and uplink tracking re-evaluate.
func (n *Network) switchCarrier(p *Port) {
	if !p.carrier {
		if p.lp != nil && !p.lp.anyUsable() {
			p.dev.br.flushPort(p.lp, "link down")
		}
	}
	if p.lp != nil && p.lp.agg {
		n.touch(&p.lp.deps)
		// Record real membership changes only, and none for a switch that is off: a port
		// that regains carrier joins when LACP is in sync again (recorded by lacpDue).
		synced := p.lacp == nil || p.lacp.sync
		if !p.dev.failed && synced {
			n.record(AggregateMemberChanged{Device: p.dev.name, Port: p.name, In: p.carrier, Mechanism: ByCarrier})
		}
	}
	if p.link != nil && p.link.isl {
		n.stpLinkCheck(p.link)
	}
	if p.hostFacing && !p.edge {
		n.hostPortSTP(p)
	}
	if p.uplink && p.dev.tracking && !p.dev.failed {
		n.uplinkTracking(p.dev) // a module that is off tracks nothing
	}
}

// uplinkTracking disables a switch module's blade-facing ports while none of its
// uplinks has carrier, and enables them when one returns.
func (n *Network) uplinkTracking(d *device) {
	any := false
	for _, p := range d.ports {
		if p.uplink && p.usable() {
			any = true
			break
		}
	}
	if any == !d.downOff {
		return
	}
	d.downOff = !any
	n.treesChanged()
	n.record(UplinkTrackingChanged{Switch: d.name, DownlinksDisabled: d.downOff})
	for _, p := range d.ports {
		if p.hostFacing {
			p.disabled = d.downOff
			n.changed(p.link, 0)
		}
	}
}

// holdDownlinks makes a switch module with uplink failure detection that lost power
// come back with its blade-facing ports down until one of its uplinks has carrier, as
// the feature holds them after a boot; nothing is reported, the module being off.
func (n *Network) holdDownlinks(d *device) {
	if !slices.ContainsFunc(d.ports, func(p *Port) bool { return p.uplink }) {
		return // nothing to track: the ports stay as they were wired
	}
	d.downOff = true
	n.treesChanged()
	for _, p := range d.ports {
		if p.hostFacing {
			p.disabled = true
		}
	}
}

func (n *Network) link(name string) (*Link, error) {
	l, ok := n.links[name]
	if !ok {
		return nil, fmt.Errorf("unknown link %q", name)
	}
	return l, nil
}

// FailLink cuts both directions of a link.
func (n *Network) FailLink(name string) error {
	l, err := n.link(name)
	if err != nil {
		return err
	}
	l.cut = [2]bool{true, true}
	n.record(ComponentFailed{Component: name, Kind: "link"})
	if n.started {
		n.changed(l, 0)
	}
	return nil
}

// FailLinkOneWay cuts the direction of a link in which the port (or device) named from
// transmits. The receiving end loses light; the transmitting end keeps carrier, so only
// mechanisms that expect frames back (LACP, heartbeats, BPDUs) notice it there.
func (n *Network) FailLinkOneWay(name, from string) error {
	l, err := n.link(name)
	if err != nil {
		return err
	}
	d := -1
	for i, p := range l.ends {
		if p.name == from || p.dev.name == from {
			d = i
		}
	}
	if d < 0 {
		return fmt.Errorf("link %q has no end %q", name, from)
	}
	l.cut[d] = true
	n.record(ComponentFailed{Component: name, Kind: "link-one-way"})
	if n.started {
		n.changed(l, 0)
	}
	return nil
}

// RepairLink restores both directions of a link.
func (n *Network) RepairLink(name string) error {
	l, err := n.link(name)
	if err != nil {
		return err
	}
	l.cut = [2]bool{}
	n.record(ComponentRepaired{Component: name, Kind: "link"})
	if n.started {
		n.changed(l, 0)
	}
	return nil
}

func (n *Network) setPort(name string, failed bool, nicOnly bool) error {
	p, ok := n.ports[name]
	if !ok {
		return fmt.Errorf("unknown port %q", name)
	}
	kind := "port"
	if nicOnly {
		if p.dev.kind != kindHost {
			return fmt.Errorf("port %q is not a host NIC", name)
		}
		kind = "nic"
	}
	p.failed = failed
	if failed {
		n.record(ComponentFailed{Component: name, Kind: kind})
	} else {
		n.record(ComponentRepaired{Component: name, Kind: kind})
	}
	if n.started { // before the start, the start derives everything from the flags
		n.changed(p.link, 0)
		n.touchPort(p)
	}
	return nil
}

// FailPort fails a port's hardware: it neither sends nor receives light.
func (n *Network) FailPort(name string) error { return n.setPort(name, true, false) }

// RepairPort repairs a port.
func (n *Network) RepairPort(name string) error { return n.setPort(name, false, false) }

// FailNIC fails a host NIC port; its driver reports link loss.
func (n *Network) FailNIC(name string) error { return n.setPort(name, true, true) }

// RepairNIC repairs a host NIC port.
func (n *Network) RepairNIC(name string) error { return n.setPort(name, false, true) }

func (n *Network) setDevice(name string, failed bool, want devKind, kind string) error {
	d, ok := n.devices[name]
	if !ok || (d.kind != want && !(want == kindSwitch && d.kind == kindPassThrough)) {
		return fmt.Errorf("unknown %s %q", kind, name)
	}
	booting := d.booting()
	if failed == d.failed && !booting || !failed && booting {
		return nil // already off, already on, or already booting
	}
	if failed {
		n.record(ComponentFailed{Component: name, Kind: kind})
	} else {
		n.record(ComponentRepaired{Component: name, Kind: kind})
	}
	if booting {
		d.boot.Stop() // power lost again before the switch came up: it stays dark
		return nil
	}
	if !failed && n.started && d.kind == kindSwitch && d.cfg.BootTime > 0 {
		n.bootSwitch(d)
		return nil
	}
	d.failed = failed
	n.powerChanged(d)
	return nil
}

// powerChanged applies a device's power state (d.failed) to its ports, protocols and
// the flows through it.
func (n *Network) powerChanged(d *device) {
	if !n.started {
		return // before the start, the start derives everything from the flags
	}
	if d.kind != kindHost {
		n.treesChanged() // a host is no bridge: its ports' links follow (bridgeLinkChanged)
	}
	n.touch(&d.deps)
	if d.kind == kindSwitch {
		n.switchPower(d)
	}
	if d.team != nil && d.failed {
		d.team.powerOff()
	}
	for _, p := range d.ports {
		n.changed(p.link, 0)
	}
	if d.team != nil && !d.failed {
		d.team.restart()
	}
}

// FailSwitch powers off a switch or an interconnect module: all its ports go dark,
// its MAC table and protocol state are lost.
func (n *Network) FailSwitch(name string) error { return n.setDevice(name, true, kindSwitch, "switch") }

// RepairSwitch powers a switch or interconnect module on again. A switch (or switch
// module) boots for its BootTime first, dark as when it was off; then its ports come
// up with an empty MAC table and run the spanning-tree start-up. A pass-through module
// is passive and passes light at once.
func (n *Network) RepairSwitch(name string) error {
	return n.setDevice(name, false, kindSwitch, "switch")
}

// FailHost powers off a host: its NICs go dark and it terminates no flows.
func (n *Network) FailHost(name string) error { return n.setDevice(name, true, kindHost, "host") }

// RepairHost powers a host on again.
func (n *Network) RepairHost(name string) error { return n.setDevice(name, false, kindHost, "host") }

// switchPower handles a switch losing or regaining power: its MAC entries and
// spanning-tree port states go, the spanning tree of its domain re-converges, gateway
// membership follows.
func (n *Network) switchPower(d *device) {
	n.treesChanged()
	b := d.br
	if d.failed {
		b.flushDevice(d)
		for _, p := range d.ports {
			if p.stpTimer != nil {
				p.stpTimer.Stop()
			}
			p.state, p.role = Discarding, RoleDisabled
		}
		if d.tracking {
			n.holdDownlinks(d)
		}
	} else {
		for _, p := range d.ports {
			switch {
			case p.hostFacing && p.edge:
				p.state, p.role = Forwarding, RoleEdge
			case p.link == nil || p.link.peer:
				p.state, p.role = Forwarding, RoleDesignated
			}
		}
	}
	n.stpChanged[b] = true
	n.stpTimer.Reset(0)
	for _, g := range n.gwList {
		g.power(d)
	}
}

// Link returns the link with the given name, or nil.
func (n *Network) Link(name string) *Link { return n.links[name] }

// Ends returns the names of the link's two ports.
func (l *Link) Ends() (a, b string) { return l.ends[0].name, l.ends[1].name }

// Cut reports whether the direction in which the named end port transmits is cut.
func (l *Link) Cut(from string) bool {
	for d, p := range l.ends {
		if p.name == from || p.dev.name == from {
			return l.cut[d]
		}
	}
	return false
}
