package network

import "dctwin/sim"

// A front end watches the running network through two values: the Layout, its
// static shape (every device, port and link by index, fixed once it runs), and a
// State, the dynamic state at one instant as compact arrays indexed like the Layout.
// Taking a State copies what it reports and changes nothing, so a viewer can take one
// per frame without disturbing the simulation.

// DeviceKind says what a device of the layout is.
type DeviceKind uint8

// Device kinds.
const (
	SwitchDevice      DeviceKind = iota // a switch or a switch interconnect module
	HostDevice                          // a server, phone or client
	PassThroughDevice                   // a pass-through interconnect module
	VMDevice                            // a virtual machine (no ports; its host's virtual switch carries it)
)

// Layout is the static shape of a network.
type Layout struct {
	Devices  []DeviceInfo
	Ports    []PortInfo
	Links    []LinkInfo
	Gateways []string
	// Port, Device and Link find an index by name.
	Port, Device, Link map[string]int

	base []int // by device: the index of its first port
}

// DeviceInfo is one device: its name, kind and ports (indexes into Layout.Ports).
type DeviceInfo struct {
	Name  string
	Kind  DeviceKind
	Ports []int
}

// PortInfo is one port: its "device:port" name, its device, its link (-1 if none)
// and the port at the other end of that link (-1 if none).
type PortInfo struct {
	Name   string
	Device int
	Link   int
	Peer   int
}

// LinkInfo is one cable between two ports.
type LinkInfo struct {
	Name string
	Ends [2]int
}

// Layout returns the network's static shape. It is built once the network runs and
// shared by every caller: do not change it.
func (n *Network) Layout() *Layout {
	if n.layout != nil && n.started {
		return n.layout
	}
	l := &Layout{Port: map[string]int{}, Device: map[string]int{}, Link: map[string]int{}}
	portIdx := map[*Port]int{}
	for _, d := range n.devList {
		l.base = append(l.base, len(l.Ports))
		info := DeviceInfo{Name: d.name, Kind: deviceKind(d)}
		for _, p := range d.ports {
			portIdx[p] = len(l.Ports)
			info.Ports = append(info.Ports, len(l.Ports))
			l.Port[p.name] = len(l.Ports)
			l.Ports = append(l.Ports, PortInfo{Name: p.name, Device: d.idx, Link: -1, Peer: -1})
		}
		l.Device[d.name] = len(l.Devices)
		l.Devices = append(l.Devices, info)
	}
	for i, lk := range n.linkList {
		a, b := portIdx[lk.ends[0]], portIdx[lk.ends[1]]
		l.Ports[a].Link, l.Ports[a].Peer = i, b
		l.Ports[b].Link, l.Ports[b].Peer = i, a
		l.Link[lk.name] = i
		l.Links = append(l.Links, LinkInfo{Name: lk.name, Ends: [2]int{a, b}})
	}
	for _, g := range n.gwList {
		l.Gateways = append(l.Gateways, g.name)
	}
	n.layout = l
	return l
}

func deviceKind(d *device) DeviceKind {
	switch d.kind {
	case kindHost:
		return HostDevice
	case kindPassThrough:
		return PassThroughDevice
	case kindVM:
		return VMDevice
	}
	return SwitchDevice
}

// State is the dynamic state of a network at one instant, indexed like its Layout.
type State struct {
	At       sim.Time
	Devices  []DeviceState
	Ports    []PortStatus
	Links    []LinkState
	Teams    []TeamState
	Gateways []GatewayState
	Flows    []FlowState
}

// DeviceState is one device's state.
type DeviceState struct {
	Failed  bool // powered off or failed
	Booting bool // a switch booting after its power returned
	// DownlinksOff is set on a switch module whose uplink failure detection has
	// disabled its blade-facing ports.
	DownlinksOff bool
}

// PortStatus is one port's state.
type PortStatus struct {
	Carrier  bool // the device sees link
	Failed   bool // the port hardware failed
	Disabled bool // switched off by uplink failure detection
	Role     PortRole
	State    PortState
	// Edge marks a host-facing edge (PortFast) port.
	Edge bool
}

// LinkState is one cable's state: whether each direction is cut (by the end it leaves
// from) and the offered load in each direction, in bits per second.
type LinkState struct {
	Cut  [2]bool
	Load [2]float64
}

// TeamState is one host's NIC team.
type TeamState struct {
	Host    int // device index
	Mode    string
	Active  int // port index of the active member, -1 if none
	Members []MemberState
}

// MemberState is one member of a team.
type MemberState struct {
	Port int  // port index
	Up   bool // the team uses it
	// LinkOK is the link as the team's detection last judged it; HeartbeatDown and
	// LACPDown say which other mechanism took it out.
	LinkOK, HeartbeatDown, LACPDown bool
}

// GatewayState is one first-hop gateway: its master switch (device index, -1 if
// none).
type GatewayState struct {
	Name   string
	Master int
}

// FlowState is one flow (not the internal probes and adverts): whether it runs and
// delivers, its forward path (the links crossed) and delay.
type FlowState struct {
	Name       string
	Active     bool
	Delivering bool
	Delay      sim.Time
	Path       []Hop
	// Reason says where the packets are lost while the flow does not deliver.
	Reason string
}

// Hop is one crossing of a link: the link (index into Layout.Links) and the end the
// frame leaves from (0 or 1).
type Hop struct {
	Link int
	From int
}

// State copies the network's dynamic state. Internal flows (heartbeat probes, gateway
// adverts, signalling and media of calls) are left out unless withQuiet is set.
func (n *Network) State(withQuiet bool) *State {
	st := &State{At: n.s.Now()}
	st.Devices = make([]DeviceState, len(n.devList))
	nports := 0
	for _, d := range n.devList {
		nports += len(d.ports)
	}
	st.Ports = make([]PortStatus, 0, nports)
	for i, d := range n.devList {
		st.Devices[i] = DeviceState{Failed: d.failed, Booting: d.booting(), DownlinksOff: d.downOff}
		if d.vm != nil {
			st.Devices[i].Failed = d.vm.host == nil // a VM that does not run
		}
		for _, p := range d.ports {
			st.Ports = append(st.Ports, PortStatus{Carrier: p.carrier, Failed: p.failed, Disabled: p.disabled,
				Role: p.role, State: p.state, Edge: p.edge})
		}
	}
	st.Links = make([]LinkState, len(n.linkList))
	for i, l := range n.linkList {
		st.Links[i] = LinkState{Cut: l.cut, Load: l.load}
	}
	base := n.Layout().base
	portIdx := func(p *Port) int { return base[p.dev.idx] + p.idx }
	for _, d := range n.devList {
		t := d.team
		if t == nil || d.kind != kindHost {
			continue
		}
		ts := TeamState{Host: d.idx, Mode: string(t.cfg.Mode), Active: -1}
		if t.active != nil {
			ts.Active = portIdx(t.active.port)
		}
		for _, m := range t.members {
			ts.Members = append(ts.Members, MemberState{Port: portIdx(m.port), Up: m.up, LinkOK: m.linkOK,
				HeartbeatDown: m.hbDown, LACPDown: m.lacpDown})
		}
		st.Teams = append(st.Teams, ts)
	}
	for _, g := range n.gwList {
		gs := GatewayState{Name: g.name, Master: -1}
		if m := g.master(); m != nil {
			gs.Master = m.idx
		}
		st.Gateways = append(st.Gateways, gs)
	}
	// One array holds every path, so that a data center of 20,000 flows costs a few
	// allocations per state rather than one per flow.
	nflows, nhops := 0, 0
	for _, f := range n.flowList {
		if (!f.internal || withQuiet) && len(f.dirs) > 0 {
			nflows++
			nhops += len(f.dirs[0].path)
		}
	}
	st.Flows = make([]FlowState, 0, nflows)
	hops := make([]Hop, 0, nhops)
	for _, f := range n.flowList {
		if f.internal && !withQuiet {
			continue
		}
		fs := FlowState{Name: f.cfg.Name, Active: f.active, Delivering: f.Delivering()}
		if fs.Delivering {
			fs.Delay = f.Delay()
		} else if f.active {
			fs.Reason = f.Reason()
		}
		if len(f.dirs) > 0 {
			start := len(hops)
			for _, h := range f.dirs[0].path {
				hops = append(hops, Hop{Link: int(h >> 1), From: h.dir()})
			}
			fs.Path = hops[start:len(hops):len(hops)]
		}
		st.Flows = append(st.Flows, fs)
	}
	return st
}
