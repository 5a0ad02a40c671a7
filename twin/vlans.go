package twin

import (
	"slices"
	"strings"

	"dctwin/topology"
	"dctwin/topology/network"
)

// vlanPlan maps the scenario's VLANs onto the runtime network: VLAN ids, the gateway
// of each VLAN, the port configuration of links and NICs, and the interfaces (VLANs)
// of hosts, VMs and endpoints that flows leave and arrive on.
type vlanPlan struct {
	t         *topology.Topology
	byName    map[string]int    // VLAN name → 802.1Q id
	gatewayOf map[string]string // VLAN name → its gateway
	vmVLANs   map[string][]string
	hosts     map[string][]string // host → its VLANs (hostVLANs), asked for once per flow end
}

func newVLANPlan(t *topology.Topology) *vlanPlan {
	vl := &vlanPlan{t: t, byName: map[string]int{}, gatewayOf: map[string]string{}, vmVLANs: map[string][]string{},
		hosts: map[string][]string{}}
	for _, h := range t.Hosts {
		if _, dup := vl.hosts[h.Name]; !dup {
			vl.hosts[h.Name] = hostVLANs(h)
		}
	}
	for _, v := range t.VLANs {
		if _, dup := vl.byName[v.Name]; !dup && v.ID >= 1 && v.ID <= network.MaxVLAN {
			vl.byName[v.Name] = v.ID
		}
	}
	for _, g := range t.Gateways {
		if _, ok := vl.gatewayOf[g.VLAN]; !ok {
			vl.gatewayOf[g.VLAN] = g.Name
		}
	}
	for _, vm := range t.VMs {
		h := t.Host(vm.Host)
		if h == nil {
			continue
		}
		for _, vn := range vm.VNICs {
			if pg := h.PortGroup(vn.PortGroup); pg != nil && !slices.Contains(vl.vmVLANs[vm.Name], pg.VLAN) {
				vl.vmVLANs[vm.Name] = append(vl.vmVLANs[vm.Name], pg.VLAN)
			}
		}
	}
	return vl
}

// id is the 802.1Q id of a VLAN name; 0 for none or an unknown name (check reports it).
func (vl *vlanPlan) id(name string) int { return vl.byName[name] }

// ids maps VLAN names to ids; nil (every VLAN) for an empty list. Unknown names are
// left out (check reports them); a list of only unknown names carries nothing.
func (vl *vlanPlan) ids(names []string) []int {
	if len(names) == 0 {
		return nil
	}
	out := make([]int, 0, len(names))
	for _, s := range names {
		if v := vl.id(s); v != 0 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// portVLANs is a port's configuration from its VLAN list: one VLAN makes an access
// port (that VLAN untagged), several a trunk with 802.1Q's default native VLAN 1, no
// list a trunk with every VLAN.
func (vl *vlanPlan) portVLANs(names []string) network.PortVLANs {
	ids := vl.ids(names)
	if len(ids) == 1 {
		return network.PortVLANs{Allowed: ids, Native: ids[0]}
	}
	if ids == nil && len(names) == 0 {
		return network.PortVLANs{}
	}
	return network.PortVLANs{Allowed: ids, Native: network.DefaultVLAN}
}

// linkVLANs configures both ends of a cable from its VLAN list. A cable from a
// pass-through module's external port without a list of its own carries what the
// blade NIC behind it is in, as the switch port facing a server is configured for that
// server.
func (vl *vlanPlan) linkVLANs(l *topology.Link) network.PortVLANs {
	if len(l.VLANs) > 0 {
		return vl.portVLANs(l.VLANs)
	}
	for _, end := range []topology.PortRef{l.A, l.B} {
		m := vl.t.Module(end.Device)
		if m == nil || m.Kind != topology.PassThrough {
			continue
		}
		k, ok := strings.CutPrefix(end.Port, "ext")
		if !ok {
			continue
		}
		if inner := vl.t.LinkAt(topology.PortRef{Device: m.Name, Port: "bay" + k}); inner != nil && len(inner.VLANs) > 0 {
			return vl.portVLANs(inner.VLANs)
		}
	}
	return network.PortVLANs{}
}

// hostVLANs lists the VLANs a host has an interface in: its NICs' (the first NIC's
// first VLAN is its primary interface, as a server's address is on its first team),
// then its port groups' (its VMs' interfaces).
func hostVLANs(h *topology.Host) []string {
	var out []string
	add := func(v string) {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, nic := range h.NICs {
		for _, v := range nic.VLANs {
			add(v)
		}
	}
	for _, pg := range h.PortGroups {
		add(pg.VLAN)
	}
	return out
}

// hostConfig gives a host an interface in each of its VLANs, each with the VLAN's
// gateway; the subnet is the VLAN (one subnet per VLAN, as the scenario writes them).
func (vl *vlanPlan) hostConfig(h *topology.Host) network.HostConfig {
	vs := hostVLANs(h)
	if len(vs) == 0 {
		return network.HostConfig{}
	}
	cfg := network.HostConfig{Subnet: vs[0], Gateway: vl.gatewayOf[vs[0]], VLAN: vl.id(vs[0])}
	for _, v := range vs[1:] {
		if vl.id(v) == 0 {
			continue
		}
		cfg.Interfaces = append(cfg.Interfaces, network.Interface{VLAN: vl.id(v), Subnet: v, Gateway: vl.gatewayOf[v]})
	}
	return cfg
}

// vlansOf lists the VLANs a flow end (host, VM or endpoint) can send in, its primary
// first.
func (tw *Twin) vlansOf(name string) []string {
	if vs, ok := tw.vlans.vmVLANs[name]; ok {
		return vs
	}
	if vs, ok := tw.vlans.hosts[name]; ok {
		return vs
	}
	if e := tw.Topology.Endpoint(name); e != nil && e.VLAN != "" {
		return []string{e.VLAN}
	}
	return nil
}

// flowVLANs chooses the VLANs a flow between two ends uses: where both have an
// interface in one VLAN, that one (the flow stays in the subnet), otherwise each
// end's primary, and the gateways route. Zero means the device's primary interface.
func (tw *Twin) flowVLANs(from, to string) (int, int) {
	a, b := tw.vlansOf(from), tw.vlansOf(to)
	pick := func(own, other []string) int {
		for _, v := range own {
			if slices.Contains(other, v) {
				return tw.vlans.id(v)
			}
		}
		if len(own) > 0 {
			return tw.vlans.id(own[0])
		}
		return 0
	}
	return pick(a, b), pick(b, a)
}
