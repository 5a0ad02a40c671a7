package twin

import (
	"fmt"

	"dctwin/sim"
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

// probeReachability watches every host and endpoint whose subnet has a default
// gateway with a passive probe flow to it (it teaches the switches nothing, so
// watching changes nothing), and feeds the measurement's cut-off figures.
func (tw *Twin) probeReachability() {
	t := tw.Topology
	gatewayOf := tw.vlans.gatewayOf
	vmsOf := map[string][]string{}
	for _, v := range t.VMs {
		vmsOf[v.Host] = append(vmsOf[v.Host], v.Name)
	}
	watch := func(node, vlan string) {
		gw := gatewayOf[vlan]
		if gw == "" {
			return
		}
		f, err := tw.Net.AddFlow(network.FlowConfig{Name: "reach:" + node, From: node, To: gw,
			PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true})
		if err != nil {
			return // a node --force left out of the build
		}
		vms := vmsOf[node]
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
	for _, h := range t.Hosts {
		if vs := hostVLANs(h); len(vs) > 0 {
			watch(h.Name, vs[0])
		}
	}
	for _, e := range t.Endpoints {
		watch(e.Name, e.VLAN)
	}
}

var _ sim.Record = NodeReachability{}
