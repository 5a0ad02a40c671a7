package twin

import (
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
}

// Subject names the node.
func (r NodeReachability) Subject() string { return r.Node }

// String implements sim.Record.
func (r NodeReachability) String() string {
	s := "reaches its gateway " + r.Gateway + " again"
	if !r.Reachable {
		s = "cut off: cannot reach its gateway " + r.Gateway
	}
	return s
}

// probeReachability watches every host, VM and endpoint whose VLAN has a default
// gateway with a passive probe flow to it (it teaches the switches nothing, so
// watching changes nothing), and feeds the measurement's cut-off figures. A VM is
// probed from its own first vNIC, wherever it runs: a VM that does not run, or whose
// host lacks its port group or does not carry its VLAN, is cut off.
func (tw *Twin) probeReachability() {
	t := tw.Topology
	gatewayOf := tw.vlans.gatewayOf
	watch := func(node, vlan string) {
		gw := gatewayOf[vlan]
		if gw == "" {
			return
		}
		cfg := network.FlowConfig{Name: "reach:" + node, From: node, To: gw,
			PacketBytes: 64, Bidirectional: true, Quiet: true, Passive: true}
		f, err := tw.Net.AddFlow(cfg)
		if err != nil {
			return // a node --force left out of the build
		}
		tw.measure.ObserveReachability(node)
		started := false
		f.OnChange(func(up bool) {
			if !started && up {
				started = true
				return // the first evaluation: reachable from the start, nothing to say
			}
			started = true
			if tw.res != nil && tw.res.asleep[node] {
				// A host DPM powered off is not cut off: it sleeps, until it is back.
				if up {
					delete(tw.res.asleep, node)
				}
				return
			}
			now := tw.Sim.Now()
			tw.Sim.Report(NodeReachability{Node: node, Gateway: gw, Reachable: up})
			tw.measure.Reachability(now, node, up)
		})
	}
	for _, h := range t.Hosts {
		if vs := hostVLANs(h); len(vs) > 0 {
			watch(h.Name, vs[0])
		}
	}
	for _, v := range t.VMs {
		if vs := tw.vlans.vmVLANs[v.Name]; len(vs) > 0 && tw.vms[v.Name] != nil {
			watch(v.Name, vs[0])
		}
	}
	for _, e := range t.Endpoints {
		watch(e.Name, e.VLAN)
	}
}

var _ sim.Record = NodeReachability{}
