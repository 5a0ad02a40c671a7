package reference

import (
	"fmt"

	"dctwin/sim"
	"dctwin/topology"
)

// gateway is a VRRP group at runtime: masters advertise every hello; a backup that
// hears no acceptable advertisement for 3 × hello + skew, skew = (256 − priority) /
// 256 × hello, becomes master and announces the virtual MAC with a gratuitous ARP.
type gateway struct {
	n       *Network
	name    string
	cfg     GatewayConfig
	vmac    mac
	vlan    int
	members []*gwMember
	phase   sim.Time
	deps    depList
	// lastMaster is the member that became master last: when the backups' master-down
	// timer runs out, it is the one that went silent.
	lastMaster *gwMember
}

type gwMember struct {
	g      *gateway
	sw     *device
	prio   int
	master bool
	down   *sim.Timer // master-down timer
	hears  []*Flow    // adverts from each other member
}

// AddGateway adds a first-hop gateway whose virtual MAC hosts use to leave their
// subnet; members must be L3 switches.
func (n *Network) AddGateway(name string, cfg GatewayConfig) error {
	if err := n.checkBuilding("gateway " + name); err != nil {
		return err
	}
	if _, ok := n.gateways[name]; ok {
		return fmt.Errorf("gateway %q already exists", name)
	}
	if _, ok := n.devices[name]; ok {
		return fmt.Errorf("gateway %q: name already used by a device", name)
	}
	if len(cfg.Members) == 0 {
		return fmt.Errorf("gateway %q: no members", name)
	}
	if len(cfg.Priorities) != 0 && len(cfg.Priorities) != len(cfg.Members) {
		return fmt.Errorf("gateway %q: %d priorities for %d members", name, len(cfg.Priorities), len(cfg.Members))
	}
	if cfg.Hello == 0 {
		cfg.Hello = sim.Time(topology.DefaultVRRPHello)
	}
	if cfg.Hello < 0 || cfg.Dead < 0 {
		return fmt.Errorf("gateway %q: negative hello or dead interval", name)
	}
	if cfg.VLAN == 0 {
		cfg.VLAN = DefaultVLAN
	}
	if cfg.VLAN < 1 || cfg.VLAN > MaxVLAN {
		return fmt.Errorf("gateway %q: VLAN %d: 802.1Q VLAN ids are 1..%d", name, cfg.VLAN, MaxVLAN)
	}
	g := &gateway{n: n, name: name, cfg: cfg, vmac: n.newMAC(name + "(vmac)"), vlan: cfg.VLAN}
	g.phase = phase(cfg.Phase, cfg.Hello, n.s.Rand("gateway/"+name).Int64N)
	for i, s := range cfg.Members {
		d, ok := n.devices[s]
		if !ok || d.kind != kindSwitch || d.cfg.Layer != topology.L3 {
			return fmt.Errorf("gateway %q: member %q is not an L3 switch", name, s)
		}
		prio := 100
		if i == 0 {
			prio = 200
		}
		if len(cfg.Priorities) > 0 {
			prio = cfg.Priorities[i]
		}
		if prio < 1 || prio > 255 {
			return fmt.Errorf("gateway %q: priority %d out of 1..255", name, prio)
		}
		m := &gwMember{g: g, sw: d, prio: prio}
		m.down = n.s.NewTimer(m.masterDown)
		g.members = append(g.members, m)
	}
	n.gateways[name] = g
	n.gwList = append(n.gwList, g)
	return nil
}

// Master returns the name of a gateway's master ("" if none; the first one if a split
// left several).
func (n *Network) Master(gateway string) string {
	g := n.gateways[gateway]
	if g == nil {
		return ""
	}
	if m := g.master(); m != nil {
		return m.name
	}
	return ""
}

func (g *gateway) master() *device {
	for _, m := range g.members {
		if m.master && !m.sw.failed {
			return m.sw
		}
	}
	return nil
}

func (g *gateway) isMaster(sw *device) bool {
	for _, m := range g.members {
		if m.sw == sw {
			return m.master && !sw.failed
		}
	}
	return false
}

// outranks reports whether an advert from a beats b (priority, then member order as
// VRRP uses the higher IP address).
func (a *gwMember) outranks(b *gwMember) bool {
	if a.prio != b.prio {
		return a.prio > b.prio
	}
	return a.sw.idx < b.sw.idx
}

// start elects the best live member and starts the advertisement supervision: one
// internal flow per ordered member pair, a multicast from the sender's CPU with the
// virtual MAC as source, delivered when the flood reaches the receiver's CPU.
func (g *gateway) start() {
	n := g.n
	var best *gwMember
	for _, m := range g.members {
		if !m.sw.failed && (best == nil || m.outranks(best)) {
			best = m
		}
	}
	if best != nil {
		best.master = true
		g.lastMaster = best
		g.announce(best)
	}
	for _, b := range g.members {
		for _, a := range g.members {
			if a == b {
				continue
			}
			f := n.newFlow(FlowConfig{Name: fmt.Sprintf("%s(advert %s->%s)", g.name, a.sw.name, b.sw.name), PacketBytes: 64}, endpoint{}, endpoint{}, false)
			f.internal = true
			f.dirs[0].custom = func(w *walker) {
				w.dep(&g.deps)
				if !a.master {
					w.lose(a.sw.name, " is not master", 0)
					return
				}
				w.fr.src, w.fr.dst, w.fr.target, w.fr.vlan = g.vmac, macFlood, b.sw, g.vlan
				w.fromSwitch(a.sw)
			}
			f.onChange = func(bool) { b.check() }
			b.hears = append(b.hears, f)
			f.active = true
			n.markDirty(f)
		}
	}
}

// heard returns the best master whose adverts b currently receives.
func (b *gwMember) heard() *gwMember {
	var best *gwMember
	k := 0
	for _, a := range b.g.members {
		if a == b || k >= len(b.hears) {
			continue
		}
		f := b.hears[k]
		k++
		if a.master && !a.sw.failed && f.Delivering() && (best == nil || a.outranks(best)) {
			best = a
		}
	}
	return best
}

// check applies VRRP's rules to what b hears: a master yields to a better master; a
// backup resets its master-down timer on an acceptable advert (from a better member,
// or any master without preemption), and otherwise lets it run from the last advert.
func (b *gwMember) check() {
	g := b.g
	n := g.n
	if b.sw.failed {
		b.down.Stop()
		return
	}
	a := b.heard()
	if b.master {
		if a != nil && a.outranks(b) {
			g.setMaster(b, false, "advert from "+a.sw.name+" with higher priority")
		}
		return
	}
	if a != nil && (a.outranks(b) || g.cfg.NoPreempt) {
		b.down.Stop()
		return
	}
	if b.down.Armed() {
		return
	}
	now := n.s.Now()
	at := lastTick(now, g.phase, g.cfg.Hello) + b.masterDownInterval()
	if at < now {
		at = now
	}
	b.down.ResetAt(at)
}

// masterDownInterval is 3 × hello + skew, skew = (256 − priority) × hello / 256
// (VRRPv3, RFC 5798), unless a dead interval is configured.
func (b *gwMember) masterDownInterval() sim.Time {
	if d := b.g.cfg.Dead; d > 0 {
		return d
	}
	h := b.g.cfg.Hello
	return 3*h + sim.Time(256-b.prio)*h/256
}

func (b *gwMember) masterDown() {
	if b.sw.failed || b.master {
		return
	}
	if a := b.heard(); a != nil && (a.outranks(b) || b.g.cfg.NoPreempt) {
		return
	}
	silent := "the master"
	if m := b.g.lastMaster; m != nil && m != b {
		silent = m.sw.name
	}
	b.g.n.record(Detected{Device: b.g.name, Member: silent, Mechanism: ByVRRP, By: b.sw.name})
	b.g.setMaster(b, true, "master down")
}

func (g *gateway) setMaster(m *gwMember, master bool, reason string) {
	n := g.n
	m.master = master
	n.record(GatewayStateChanged{Gateway: g.name, Switch: m.sw.name, Master: master, Reason: reason})
	n.touch(&g.deps)
	if master {
		m.down.Stop()
		g.lastMaster = m
		g.announce(m)
	}
	for _, x := range g.members {
		if x != m {
			x.check()
		}
	}
	if !master {
		m.check()
	}
}

// announce floods a gratuitous ARP for the virtual MAC from the new master.
func (g *gateway) announce(m *gwMember) {
	n := g.n
	n.sendFrame(func() {
		if !m.master || m.sw.failed {
			return
		}
		n.record(GratuitousARP{Device: g.name, Port: m.sw.name, MAC: n.macName(g.vmac), Seq: 1})
		w := n.oneShot(g.vmac)
		w.fr.vlan = g.vlan
		w.fromSwitch(m.sw)
	})
}

// power follows a member switch losing or regaining power: a dead master stops
// advertising (the backups notice by timeout); a repaired switch starts as backup.
func (g *gateway) power(d *device) {
	for _, m := range g.members {
		if m.sw != d {
			continue
		}
		if d.failed {
			m.master = false
			m.down.Stop()
			g.n.touch(&g.deps)
		} else {
			m.check()
		}
	}
}
