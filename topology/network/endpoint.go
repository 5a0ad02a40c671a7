package network

import (
	"dctwin/sim"
	"fmt"
)

// A flow direction goes from one endpoint to another: a host's interface (its VLAN,
// subnet and gateway), a gateway, or a switch. walk starts its frame as the sender
// would: in the interface's VLAN, to the destination's MAC or to the gateway that
// routes to it.

// endpoint is where a flow direction starts or ends.
type endpoint struct {
	dev *device
	gw  *gateway
	pin *Port // a probe leaves through this member, its reply comes back to it
	ifc int   // a host's interface (index into device.ifaces)
}

// vlan is the VLAN of the endpoint's interface: a host's interface, a gateway's VLAN,
// or 0 for a switch (which answers in any VLAN it carries).
func (e endpoint) vlan() int {
	switch {
	case e.gw != nil:
		return e.gw.vlan
	case e.dev != nil && (e.dev.kind == kindHost || e.dev.kind == kindVM):
		return e.dev.ifaces[e.ifc].vlan
	}
	return 0
}

// flowDir is one direction's current evaluation.
type flowDir struct {
	from, to  endpoint
	delivered bool
	dup       bool
	flooded   bool     // delivered, but by flooding: some switch did not know the destination
	floodFrom sim.Time // since when flooded
	// floodedPkts counts the packets sent in earlier flooded spans.
	floodedPkts int64
	reason      loss
	path        []hop
	latency     sim.Time // pathLatency of path
	all         []hop
	segs        []floodSeg // floods past host ports (floodload.go)
	held        []learnRef
	custom      func(*walker) // internal frames (VRRP adverts) walk themselves
	books       dirBooks      // outages, packets and congestion of this direction (direction.go)
}

func (n *Network) endpoint(name string) (endpoint, error) {
	if g, ok := n.gateways[name]; ok {
		return endpoint{gw: g}, nil
	}
	d, ok := n.devices[name]
	if !ok || d.kind == kindPassThrough {
		return endpoint{}, fmt.Errorf("unknown endpoint %q (a host, switch or gateway)", name)
	}
	return endpoint{dev: d}, nil
}

// endpointIn resolves an endpoint and, for a host, its interface in VLAN v (0: the
// primary one).
func (n *Network) endpointIn(name string, v int) (endpoint, error) {
	e, err := n.endpoint(name)
	if err != nil || v == 0 {
		return e, err
	}
	if e.dev == nil || e.dev.kind != kindHost && e.dev.kind != kindVM {
		return e, fmt.Errorf("%q is not a host: it has no interface to choose by VLAN", name)
	}
	for i, fi := range e.dev.ifaces {
		if fi.vlan == v {
			e.ifc = i
			return e, nil
		}
	}
	return e, fmt.Errorf("host %q has no interface in VLAN %d", name, v)
}

// walk evaluates one direction.
func (w *walker) walk(fd *flowDir) {
	if fd.custom != nil {
		fd.custom(w)
		return
	}
	from, to := fd.from, fd.to
	switch {
	case to.gw != nil:
		w.fr.dst = to.gw.vmac
		w.fr.gw = to.gw
		w.dep(&to.gw.deps)
	case to.pin != nil:
		w.fr.dst = to.pin.sendMAC() // a probe reply, to the MAC the probe came from
		w.dep(&to.dev.team.deps)
	default:
		w.fr.dst = to.dev.mac
	}
	if from.gw != nil {
		// From a gateway: its master answers with the virtual MAC, in its VLAN.
		g := from.gw
		w.dep(&g.deps)
		m := g.master()
		if m == nil {
			w.lose(g.name, " has no master", 0)
			return
		}
		w.fr.src, w.fr.vlan = g.vmac, g.vlan
		w.fromSwitch(m)
		return
	}
	d := from.dev
	w.fr.src = d.mac
	if from.pin != nil {
		w.fr.src = from.pin.sendMAC()
	}
	if d.kind == kindSwitch {
		// A switch speaks in the VLAN of the other end (its interface there).
		w.fr.vlan = to.vlan()
		if w.fr.vlan == 0 {
			w.fr.vlan = DefaultVLAN
		}
		w.fromSwitch(d)
		return
	}
	fi := d.ifaces[from.ifc]
	w.fr.vlan = fi.vlan
	if to.dev != nil && (to.dev.kind == kindHost || to.dev.kind == kindVM) && to.pin == nil {
		ti := to.dev.ifaces[to.ifc]
		if g := w.n.routeVia(fi, ti); g != nil {
			w.fr.routeTo = to.dev.mac
			w.fr.routeIn = ti.vlan
			w.fr.dst = g.vmac
			w.fr.gw = g
			w.dep(&g.deps)
		}
	}
	if d.vm != nil {
		w.fromVM(d, from.ifc)
		return
	}
	w.fromHost(d, from.pin)
}

// routeVia returns the gateway that routes from interface a to interface b, or nil
// when they share a subnet.
func (n *Network) routeVia(a, b iface) *gateway {
	if a.subnet == "" || b.subnet == "" || a.subnet == b.subnet {
		return nil
	}
	return n.gateways[a.gateway]
}

// arpAsk is one ARP request: who asked whom, in which VLAN (two hosts with interfaces
// in two VLANs resolve each other in each).
type arpAsk struct {
	from, to mac
	vlan     int
}

// resolve sends the ARP exchange that precedes a flow direction's first packet between
// two hosts (or VMs) of one subnet: the sender's request, a broadcast that teaches
// every switch of the VLAN where the sender is, and the destination's reply, which
// then goes the way the request came and teaches the switches between them where the
// destination is, so that neither the first packet nor the reverse direction's floods
// (RFC 826: the destination keeps the sender's address from the request, so a
// reverse direction started at the same instant needs no exchange of its own). A
// routed direction resolves its gateway, which the switches know from its adverts; a
// switch, a gateway or a probe asks nobody. The frames go late in the instant, as
// gratuitous ARPs do (sendFrame), before the flow is walked.
func (n *Network) resolve(fd *flowDir) {
	from, to := fd.from, fd.to
	host := func(e endpoint) bool {
		return e.dev != nil && e.gw == nil && e.pin == nil && (e.dev.kind == kindHost || e.dev.kind == kindVM)
	}
	if fd.custom != nil || !host(from) || !host(to) {
		return
	}
	fi, ti := from.dev.ifaces[from.ifc], to.dev.ifaces[to.ifc]
	if fi.vlan != ti.vlan || n.routeVia(fi, ti) != nil {
		return
	}
	now := n.s.Now()
	if n.askedAt != now {
		n.asked, n.askedAt = n.asked[:0], now
	}
	ask := arpAsk{from.dev.mac, to.dev.mac, fi.vlan}
	for _, q := range n.asked {
		if q == ask || q == (arpAsk{ask.to, ask.from, ask.vlan}) {
			return // the destination asked the sender (or the sender asked) this instant
		}
	}
	n.asked = append(n.asked, ask)
	send := func(src, dst endpoint) {
		w := n.oneShot(src.dev.mac)
		w.fr.vlan = fi.vlan
		if dst.dev != nil {
			w.fr.dst = dst.dev.mac
		}
		if src.dev.vm != nil {
			w.fromVM(src.dev, src.ifc)
		} else {
			w.fromHost(src.dev, nil)
		}
	}
	n.sendFrame(func() {
		send(from, endpoint{}) // the request: a broadcast
		send(to, from)         // the reply
	})
}
