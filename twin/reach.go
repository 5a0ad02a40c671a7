package twin

import (
	"fmt"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// NodeReachability is the trace record of a host or endpoint losing or regaining its
// way to its default gateway: the twin's measure of "cut off", independent of whether
// any flow or call used the node.
type NodeReachability struct {
	Node      string
	Gateway   string
	Reachable bool
	// VMs are the virtual machines on a host, cut off with it.
	VMs []string
}

// Subject names the node.
func (r NodeReachability) Subject() string { return r.Node }

// String implements sim.Record.
func (r NodeReachability) String() string {
	s := "reaches its gateway " + r.Gateway + " again"
	if !r.Reachable {
		s = "cut off: cannot reach its gateway " + r.Gateway
	}
	if len(r.VMs) > 0 {
		s += fmt.Sprintf(" (with its VMs %v)", r.VMs)
	}
	return s
}

// probeReachability watches every host, VM and endpoint whose VLAN has a default
// gateway with a passive probe flow to it (it teaches the switches nothing, so
// watching changes nothing), and feeds the measurement's cut-off figures. A VM is
// probed from its host's interface in the VM's VLAN (its first port group's), so a
// VM in a VLAN its host's NICs do not carry is cut off while its host is not.
func (tw *Twin) probeReachability() {
	t := tw.Topology
	gatewayOf := tw.vlans.gatewayOf
	vmsOf := map[string][]string{} // VMs reported with their host: those in its primary VLAN
	watch := func(node, probe, vlan string, vms []string) {
		gw := gatewayOf[vlan]
		if gw == "" {
			return
		}
		cfg := network.FlowConfig{Name: "reach:" + node, From: probe, To: gw,
			PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true}
		if node != probe {
			cfg.FromVLAN = tw.vlans.id(vlan)
		}
		f, err := tw.Net.AddFlow(cfg)
		if err != nil {
			return // a node --force left out of the build
		}
		tw.measure.ObserveReachability(node)
		for _, v := range vms {
			tw.measure.ObserveReachability(v)
		}
		started := false
		f.OnChange(func(up bool) {
			if !started && up {
				started = true
				return // the first evaluation: reachable from the start, nothing to say
			}
			started = true
			now := tw.Sim.Now()
			tw.Sim.Report(NodeReachability{Node: node, Gateway: gw, Reachable: up, VMs: vms})
			tw.measure.Reachability(now, node, up)
			for _, v := range vms {
				tw.measure.Reachability(now, v, up)
			}
		})
	}
	primary := map[string]string{}
	for _, h := range t.Hosts {
		if vs := hostVLANs(h); len(vs) > 0 {
			primary[h.Name] = vs[0]
		}
	}
	var own []*topology.VM // VMs probed on their own
	for _, v := range t.VMs {
		vs := tw.vlans.vmVLANs[v.Name]
		switch {
		case len(vs) == 0 || t.Host(v.Host) == nil:
		case vs[0] == primary[v.Host]:
			vmsOf[v.Host] = append(vmsOf[v.Host], v.Name)
		default:
			own = append(own, v)
		}
	}
	for _, h := range t.Hosts {
		if v, ok := primary[h.Name]; ok {
			watch(h.Name, h.Name, v, vmsOf[h.Name])
		}
	}
	for _, v := range own {
		if tw.Net.Flow("reach:"+v.Name) == nil {
			watch(v.Name, v.Host, tw.vlans.vmVLANs[v.Name][0], nil)
		}
	}
	for _, e := range t.Endpoints {
		watch(e.Name, e.Name, e.VLAN, nil)
	}
}

var _ sim.Record = NodeReachability{}
