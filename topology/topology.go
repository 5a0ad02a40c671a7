package topology

import (
	"fmt"
	"sort"
)

// Topology is the static infrastructure of one data center. Builders (Add*) accept
// anything, including duplicates and dangling names, so that validation can report
// every mistake with its position; lookups return the first item of a name.
type Topology struct {
	VLANs      []*VLAN
	Switches   []*Switch
	Links      []*Link
	Hosts      []*Host
	Enclosures []*Enclosure
	Storage    []*Storage
	Clusters   []*Cluster
	VMs        []*VM
	Endpoints  []*Endpoint
	Gateways   []*Gateway
	// VMClusters are the applications' own active/standby pairs of VMs.
	VMClusters []*VMCluster

	index map[string]any // device name → first *Switch, *Module, *Host, ...
	// linkAt maps each cabled port to the first link at it, built on first use: a
	// search per port over all links would make a check quadratic in the data center.
	linkAt  map[PortRef]*Link
	indexed int // links in linkAt
}

// New returns an empty topology.
func New() *Topology { return &Topology{index: map[string]any{}} }

func (t *Topology) register(name string, v any) {
	if t.index == nil {
		t.index = map[string]any{} // a zero Topology works too
	}
	if _, ok := t.index[name]; !ok {
		t.index[name] = v
	}
}

// AddVLAN adds a VLAN.
func (t *Topology) AddVLAN(v *VLAN) { t.VLANs = append(t.VLANs, v) }

// AddSwitch adds a switch.
func (t *Topology) AddSwitch(s *Switch) {
	t.Switches = append(t.Switches, s)
	t.register(s.Name, s)
}

// AddLink adds a cable. A link without a name is named "a--b".
func (t *Topology) AddLink(l *Link) {
	if l.Name == "" {
		l.Name = l.A.String() + "--" + l.B.String()
	}
	t.Links = append(t.Links, l)
}

// AddHost adds a server with its NICs and teams. Blades get their internal links to
// the interconnect modules when the topology is finished (see Wire).
func (t *Topology) AddHost(h *Host) {
	for _, n := range h.NICs {
		n.Host = h.Name
	}
	for _, tm := range h.Teams {
		tm.Host = h.Name
	}
	t.Hosts = append(t.Hosts, h)
	t.register(h.Name, h)
}

// AddEnclosure adds a blade enclosure and its interconnect modules.
func (t *Topology) AddEnclosure(e *Enclosure) {
	t.Enclosures = append(t.Enclosures, e)
	t.register(e.Name, e)
	for i, m := range e.Modules {
		m.Enclosure = e.Name
		if m.Slot == 0 {
			m.Slot = i + 1
		}
		t.register(m.Name, m)
	}
}

// AddStorage adds a shared storage array.
func (t *Topology) AddStorage(s *Storage) {
	t.Storage = append(t.Storage, s)
	t.register(s.Name, s)
	for _, d := range s.Datastores {
		d.Array = s.Name
		t.register(d.Name, d)
	}
}

// AddCluster adds a hypervisor cluster.
func (t *Topology) AddCluster(c *Cluster) { t.Clusters = append(t.Clusters, c) }

// AddVM adds a virtual machine.
func (t *Topology) AddVM(v *VM) {
	t.VMs = append(t.VMs, v)
	t.register(v.Name, v)
}

// AddVMCluster adds an application's active/standby pair of VMs.
func (t *Topology) AddVMCluster(c *VMCluster) { t.VMClusters = append(t.VMClusters, c) }

// VMCluster returns the VM-level cluster of that name, or nil.
func (t *Topology) VMCluster(name string) *VMCluster {
	for _, c := range t.VMClusters {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// AddEndpoint adds a phone or client.
func (t *Topology) AddEndpoint(e *Endpoint) {
	t.Endpoints = append(t.Endpoints, e)
	t.register(e.Name, e)
}

// AddGateway adds a first-hop redundant gateway.
func (t *Topology) AddGateway(g *Gateway) { t.Gateways = append(t.Gateways, g) }

// Wire generates the implicit links: each NIC with a Connect port gets a cable, and the
// k-th NIC of each blade is wired to bay port "bay<bay>" of its enclosure's module in
// slot k. Call it once after adding everything; it skips what it cannot resolve
// (validation reports that).
func (t *Topology) Wire() {
	for _, h := range t.Hosts {
		for k, n := range h.NICs {
			switch {
			case n.Connect != (PortRef{}):
				t.AddLink(&Link{A: PortRef{h.Name, n.Name}, B: n.Connect, Speed: n.Speed, Duplex: n.Duplex,
					Latency: DefaultLinkLatency, VLANs: n.VLANs, Implicit: true, Source: Source{Pos: n.PosOf("connect")}})
			case h.InEnclosure():
				e := t.Enclosure(h.Enclosure)
				if e == nil || k >= len(e.Modules) || h.Bay < 1 || h.Bay > e.Bays {
					continue
				}
				m := e.Modules[k]
				t.AddLink(&Link{A: PortRef{h.Name, n.Name}, B: PortRef{m.Name, fmt.Sprintf("bay%d", h.Bay)},
					Speed: n.Speed, Duplex: n.Duplex, Latency: 0, VLANs: n.VLANs, Implicit: true, Source: n.Source})
			}
		}
	}
	t.wireStorage()
	for _, e := range t.Endpoints {
		if e.Connect == (PortRef{}) {
			continue
		}
		var vlans []string
		if e.VLAN != "" {
			vlans = []string{e.VLAN}
		}
		speed := int64(DefaultClientSpeed)
		if e.Kind == Phone {
			speed = DefaultPhoneSpeed
		}
		t.AddLink(&Link{A: PortRef{e.Name, "nic"}, B: e.Connect, Speed: speed, Duplex: Full,
			Latency: DefaultLinkLatency, VLANs: vlans, Implicit: true, Source: Source{Pos: e.PosOf("connect")}})
	}
}

// Device returns the switch, module, host, endpoint, enclosure, storage or VM of a name.
func (t *Topology) Device(name string) any { return t.index[name] }

// Switch finds a switch by name.
func (t *Topology) Switch(name string) *Switch { s, _ := t.index[name].(*Switch); return s }

// Module finds an interconnect module by name.
func (t *Topology) Module(name string) *Module { m, _ := t.index[name].(*Module); return m }

// Host finds a host by name.
func (t *Topology) Host(name string) *Host { h, _ := t.index[name].(*Host); return h }

// Enclosure finds an enclosure by name.
func (t *Topology) Enclosure(name string) *Enclosure { e, _ := t.index[name].(*Enclosure); return e }

// StorageArray finds a storage array by name.
func (t *Topology) StorageArray(name string) *Storage { s, _ := t.index[name].(*Storage); return s }

// VM finds a VM by name.
func (t *Topology) VM(name string) *VM { v, _ := t.index[name].(*VM); return v }

// Endpoint finds an endpoint by name.
func (t *Topology) Endpoint(name string) *Endpoint { e, _ := t.index[name].(*Endpoint); return e }

// VLAN finds a VLAN by name.
func (t *Topology) VLAN(name string) *VLAN {
	for _, v := range t.VLANs {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Cluster finds a cluster by name.
func (t *Topology) Cluster(name string) *Cluster {
	for _, c := range t.Clusters {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ClusterOf returns the cluster a host belongs to, or nil.
func (t *Topology) ClusterOf(host string) *Cluster {
	for _, c := range t.Clusters {
		for _, h := range c.Hosts {
			if h == host {
				return c
			}
		}
	}
	return nil
}

// VMsOn lists the VMs placed on a host.
func (t *Topology) VMsOn(host string) []*VM {
	var out []*VM
	for _, v := range t.VMs {
		if v.Host == host {
			out = append(out, v)
		}
	}
	return out
}

// Blades lists the hosts in an enclosure.
func (t *Topology) Blades(enclosure string) []*Host {
	var out []*Host
	for _, h := range t.Hosts {
		if h.Enclosure == enclosure {
			out = append(out, h)
		}
	}
	return out
}

// LinkAt finds the link cabled to a port (the first one, if several claim it).
func (t *Topology) LinkAt(p PortRef) *Link {
	if t.linkAt == nil || t.indexed > len(t.Links) {
		t.linkAt, t.indexed = make(map[PortRef]*Link, 2*len(t.Links)), 0
	}
	for _, l := range t.Links[t.indexed:] {
		for _, end := range []PortRef{l.A, l.B} {
			if _, ok := t.linkAt[end]; !ok {
				t.linkAt[end] = l
			}
		}
	}
	t.indexed = len(t.Links)
	return t.linkAt[p]
}

// Peer is the port at the other end of the cable plugged into p.
func (t *Topology) Peer(p PortRef) (PortRef, bool) {
	l := t.LinkAt(p)
	if l == nil {
		return PortRef{}, false
	}
	if l.A == p {
		return l.B, true
	}
	return l.A, true
}

// AllVLANs lists the names of every VLAN of the scenario.
func (t *Topology) AllVLANs() []string {
	out := make([]string, 0, len(t.VLANs))
	for _, v := range t.VLANs {
		out = append(out, v.Name)
	}
	return out
}

// SwitchVLANs is the VLANs a switch or module carries (all of them if it lists none).
func (t *Topology) SwitchVLANs(listed []string) []string {
	if len(listed) == 0 {
		return t.AllVLANs()
	}
	return listed
}

// SortedNames returns the keys of a set in order, for stable reports.
func SortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
