package spof_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"dctwin/topology"
	"dctwin/topology/spof"
)

// randomTopology is a small, haphazard data center: switches of both layers with VLAN
// subsets, blades behind switch and pass-through modules, rack servers cabled to
// switches or to pass-through externals, endpoints, VMs on shared or local disks in
// clusters with or without HA and FT. Unlike the built-in scenarios it produces items
// that are down and cut off by the same failure, ties between parts of equal weight and
// servers in several separated parts, where the fast analysis could go wrong.
func randomTopology(r *rand.Rand) *topology.Topology {
	t := topology.New()
	vlans := []string{"a", "b", "c"}
	for i, v := range vlans {
		t.AddVLAN(&topology.VLAN{Name: v, ID: 10 + i})
	}
	subset := func() []string {
		var out []string
		for _, v := range vlans {
			if r.IntN(3) == 0 {
				out = append(out, v)
			}
		}
		return out // empty: all VLANs
	}
	var ports []topology.PortRef // free ports to cable into
	nsw := 1 + r.IntN(5)
	for i := range nsw {
		s := &topology.Switch{Name: fmt.Sprintf("sw%d", i), Layer: topology.L2, Ports: 8, VLANs: subset()}
		if r.IntN(3) == 0 {
			s.Layer = topology.L3
		}
		t.AddSwitch(s)
		for p := 1; p <= 8; p++ {
			ports = append(ports, topology.PortRef{Device: s.Name, Port: fmt.Sprint(p)})
		}
	}
	var hosts []string
	for e := range r.IntN(3) {
		enc := &topology.Enclosure{Name: fmt.Sprintf("enc%d", e), Bays: 3, PowerSupplies: 1 + r.IntN(2)}
		for k := 1; k <= 2; k++ {
			m := &topology.Module{Name: fmt.Sprintf("enc%d-m%d", e, k), Enclosure: enc.Name, Slot: k,
				Kind: topology.SwitchModule, Uplinks: 2, VLANs: subset()}
			if r.IntN(2) == 0 {
				m.Kind = topology.PassThrough
				for b := 1; b <= 3; b++ {
					ports = append(ports, topology.PortRef{Device: m.Name, Port: fmt.Sprintf("ext%d", b)})
				}
			} else {
				ports = append(ports, topology.PortRef{Device: m.Name, Port: "up1"}, topology.PortRef{Device: m.Name, Port: "up2"})
			}
			enc.Modules = append(enc.Modules, m)
		}
		t.AddEnclosure(enc)
		for b := 1; b <= 1+r.IntN(3); b++ {
			h := &topology.Host{Name: fmt.Sprintf("blade%d-%d", e, b), Kind: topology.Hypervisor, Enclosure: enc.Name, Bay: b}
			for k := 0; k < 1+r.IntN(2); k++ {
				h.NICs = append(h.NICs, &topology.NIC{Name: fmt.Sprintf("eth%d", k), VLANs: subset()})
			}
			t.AddHost(h)
			hosts = append(hosts, h.Name)
		}
	}
	take := func() (topology.PortRef, bool) {
		if len(ports) == 0 {
			return topology.PortRef{}, false
		}
		i := r.IntN(len(ports))
		p := ports[i]
		ports = append(ports[:i], ports[i+1:]...)
		return p, true
	}
	for i := range r.IntN(4) {
		h := &topology.Host{Name: fmt.Sprintf("rack%d", i), Kind: topology.Hypervisor, Role: []string{"", "web", "db"}[r.IntN(3)]}
		for k := 0; k < 1+r.IntN(2); k++ {
			if p, ok := take(); ok {
				h.NICs = append(h.NICs, &topology.NIC{Name: fmt.Sprintf("eth%d", k), VLANs: subset(), Connect: p})
			}
		}
		t.AddHost(h)
		hosts = append(hosts, h.Name)
	}
	for i := range r.IntN(6) {
		if p, ok := take(); ok {
			t.AddEndpoint(&topology.Endpoint{Name: fmt.Sprintf("ep%d", i), VLAN: vlans[r.IntN(3)], Connect: p})
		}
	}
	for i := range r.IntN(6) {
		a, ok1 := take()
		b, ok2 := take()
		if ok1 && ok2 {
			t.AddLink(&topology.Link{Name: fmt.Sprintf("l%d", i), A: a, B: b, VLANs: subset()})
		}
	}
	t.AddStorage(&topology.Storage{Name: "san"})
	if len(hosts) > 0 {
		for _, hn := range hosts {
			h := t.Host(hn)
			for _, v := range vlans {
				h.PortGroups = append(h.PortGroups, &topology.PortGroup{Name: "pg-" + v, VLAN: v})
			}
		}
		c := &topology.Cluster{Name: "c", HA: topology.HA{Enabled: r.IntN(2) == 0}, FT: topology.FT{Enabled: r.IntN(2) == 0}}
		for _, hn := range hosts {
			if r.IntN(2) == 0 {
				c.Hosts = append(c.Hosts, hn)
			}
		}
		t.AddCluster(c)
		for i := range r.IntN(5) {
			vm := &topology.VM{Name: fmt.Sprintf("vm%d", i), Host: hosts[r.IntN(len(hosts))], Disk: "san",
				Role: []string{"", "web", "pbx"}[r.IntN(3)], FT: r.IntN(3) == 0,
				VNICs: []topology.VNIC{{PortGroup: "pg-" + vlans[r.IntN(3)]}}}
			if r.IntN(4) == 0 {
				vm.Disk = topology.LocalDisk
			}
			t.AddVM(vm)
		}
	}
	t.Wire()
	return t
}

func TestRandomTopologies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 50
	}
	for i := range n {
		top := randomTopology(r)
		want := reference(top)
		same(t, fmt.Sprintf("topology %d", i), spof.Analyze(top), want)
		same(t, fmt.Sprintf("topology %d (rebuilding)", i), spof.AnalyzeRebuilding(top), want)
	}
}
