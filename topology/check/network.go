package check

import (
	"fmt"
	"slices"
	"strings"

	"dctwin/topology"
)

// uplink follows a host NIC (or endpoint) port to the switch-side port it really
// depends on: the port at the other end of its cable, or — through a pass-through
// module, which is only a wire — the port at the other end of the module's external
// cable. ok is false when there is no cable.
func (r *reporter) uplink(p topology.PortRef) (topology.PortRef, bool) {
	peer, ok := r.t.Peer(p)
	if !ok {
		return peer, false
	}
	if m := r.t.Module(peer.Device); m != nil && m.Kind == topology.PassThrough {
		ext := topology.PortRef{Device: m.Name, Port: "ext" + strings.TrimPrefix(peer.Port, "bay")}
		return r.t.Peer(ext)
	}
	return peer, true
}

// carried is the set of VLANs a switch or switch module carries, or nil for devices
// that do not filter VLANs.
func (r *reporter) carried(device string) []string {
	switch d := r.t.Device(device).(type) {
	case *topology.Switch:
		return r.t.SwitchVLANs(d.VLANs)
	case *topology.Module:
		return r.t.SwitchVLANs(d.VLANs)
	}
	return nil
}

// nicVLANs is what a NIC sends: its own list, or everything its cable carries.
func (r *reporter) nicVLANs(n *topology.NIC) []string {
	if len(n.VLANs) > 0 {
		return n.VLANs
	}
	if l := r.t.LinkAt(topology.PortRef{Device: n.Host, Port: n.Name}); l != nil && len(l.VLANs) > 0 {
		return l.VLANs
	}
	return r.t.AllVLANs()
}

// vlans checks that every VLAN a server, phone or cable uses is carried by the switch
// side: the service-specification mismatch the source material blames for most outages.
func (r *reporter) vlans() {
	t := r.t
	for _, h := range t.Hosts {
		for _, n := range h.NICs {
			up, ok := r.uplink(topology.PortRef{Device: h.Name, Port: n.Name})
			if !ok {
				continue
			}
			have := r.carried(up.Device)
			if have == nil {
				continue
			}
			for _, v := range n.VLANs {
				if t.VLAN(v) != nil && !slices.Contains(have, v) {
					r.add(VLANNotCarried, n.PosOf("vlans"), "NIC %s is in VLAN %s, but %s (at %s) does not carry it",
						n.FullName(), v, up.Device, up)
				}
			}
		}
	}
	// A NIC cabled by a link of its own (not connect:) whose VLAN list leaves out the
	// NIC's: the switch port is in other VLANs than the server (an access port of the
	// wrong VLAN, a trunk without the server's VLAN).
	for _, h := range t.Hosts {
		for _, n := range h.NICs {
			l := t.LinkAt(topology.PortRef{Device: h.Name, Port: n.Name})
			if l == nil || l.Implicit || len(l.VLANs) == 0 {
				continue
			}
			for _, v := range n.VLANs {
				if t.VLAN(v) != nil && !slices.Contains(l.VLANs, v) {
					r.add(VLANNotCarried, l.PosOf("vlans"), "NIC %s is in VLAN %s, but its cable %s carries %s",
						n.FullName(), v, l.Name, strings.Join(l.VLANs, ", "))
				}
			}
		}
	}
	for _, e := range t.Endpoints {
		up, ok := r.uplink(topology.PortRef{Device: e.Name, Port: "nic"})
		if !ok || e.VLAN == "" || t.VLAN(e.VLAN) == nil {
			continue
		}
		if have := r.carried(up.Device); have != nil && !slices.Contains(have, e.VLAN) {
			r.add(VLANNotCarried, e.PosOf("vlan"), "%s %s is in VLAN %s, but switch %s does not carry it", e.Kind, e.Name, e.VLAN, up.Device)
		}
	}
	for _, l := range t.Links {
		if l.Implicit {
			continue
		}
		for _, end := range []topology.PortRef{l.A, l.B} {
			have := r.carried(end.Device)
			if have == nil {
				continue
			}
			for _, v := range l.VLANs {
				if t.VLAN(v) != nil && !slices.Contains(have, v) {
					r.add(VLANNotCarried, l.PosOf("vlans"), "link %s carries VLAN %s, but %s does not", l.Name, v, end.Device)
				}
			}
		}
	}
}

// loops finds cycles among switches and switch modules that run no spanning tree: a
// cable that closes a loop between such devices is reported (union-find over cables).
func (r *reporter) loops() {
	t := r.t
	noSTP := func(d string) bool {
		switch x := t.Device(d).(type) {
		case *topology.Switch:
			return x.SpanningTree == topology.NoSTP
		case *topology.Module:
			return x.Kind == topology.SwitchModule && x.SpanningTree == topology.NoSTP
		}
		return false
	}
	parent := map[string]string{}
	var root func(string) string
	root = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			parent[x] = root(p)
			return parent[x]
		}
		parent[x] = x
		return x
	}
	for _, l := range t.Links {
		if !noSTP(l.A.Device) || !noSTP(l.B.Device) {
			continue
		}
		a, b := root(l.A.Device), root(l.B.Device)
		if a == b {
			r.add(LoopWithoutSTP, l.Pos, "link %s closes a loop between switches without spanning tree (%s, %s)",
				l.Name, l.A.Device, l.B.Device)
			continue
		}
		parent[a] = b
	}
}

// gateways checks the first-hop redundancy pairs.
func (r *reporter) gateways() {
	t := r.t
	l2 := t.Network(nil, topology.NetworkOptions{L2Only: true})
	for _, g := range t.Gateways {
		if t.VLAN(g.VLAN) == nil {
			r.add(DanglingName, g.PosOf("vlan"), "gateway %s serves VLAN %q, which is not defined", g.Name, g.VLAN)
		}
		distinct := map[string]bool{}
		for i, name := range g.Routers {
			p := g.PosOf(fmt.Sprintf("routers[%d]", i))
			s := t.Switch(name)
			switch {
			case s == nil:
				r.add(DanglingName, p, "router %q of gateway %s is not a switch", name, g.Name)
				continue
			case s.Layer != topology.L3:
				r.add(GatewayNotL3, p, "router %s of gateway %s is an L2 switch", name, g.Name)
			case !slices.Contains(t.SwitchVLANs(s.VLANs), g.VLAN):
				r.add(GatewayNotL3, p, "router %s of gateway %s does not carry VLAN %s", name, g.Name, g.VLAN)
			}
			distinct[name] = true
		}
		if len(distinct) < 2 {
			r.add(GatewayOneSwitch, g.PosOf("routers"), "gateway %s runs on %d switch(es): %s", g.Name, len(distinct),
				strings.Join(topology.SortedNames(distinct), ", "))
			continue
		}
		names := topology.SortedNames(distinct)
		for _, b := range names[1:] {
			if t.VLAN(g.VLAN) != nil && !l2.SameL2(names[0], b, g.VLAN) {
				r.add(GatewaySplit, g.PosOf("routers"), "routers %s and %s of gateway %s have no L2 path in VLAN %s",
					names[0], b, g.Name, g.VLAN)
			}
		}
	}
}
