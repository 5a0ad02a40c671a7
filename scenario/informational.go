package scenario

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"dctwin/topology"
	"dctwin/topology/check"
)

// notSimulated groups settings that the scenario format accepts and check reads, but
// the run does not use yet. Each group is reported once, at its first written place,
// as an info finding: a user who writes `power:` learns that it changes nothing today.
type notSimulated struct {
	what string // the settings, as the file names them
	why  string // what the run does instead
	at   []topology.Pos
	who  []string
}

func (g *notSimulated) add(src topology.Source, key, owner string) {
	if p, ok := src.Fields.Get(key); ok {
		g.at = append(g.at, p)
		g.who = append(g.who, owner)
	}
}

// checkNotSimulated reports written settings that do not reach the simulation.
func checkNotSimulated(sc *Scenario) check.Findings {
	ts := &sc.Spec.Topology
	capacity := &notSimulated{what: "host and VM cpu and ram_gb outside HA clusters",
		why: "HA places restarted VMs by cpu and ram_gb; elsewhere load comes with the capacity model (power is simulated: the report gives each host's energy)"}
	idle := &notSimulated{what: "clusters' drs and dpm without VM demand",
		why: "DRS and DPM decide from the VMs' demand, and no VM of the cluster declares one (demand: {cpu: 0.4, profile: office}), " +
			"so they neither move VMs nor power hosts"}
	slots := &notSimulated{what: "VM reservations and host core_mhz outside HA clusters with host-failures admission control",
		why: "they size the slots of HA's host-failures admission control and nothing else (HA places restarts by cpu and ram_gb, the percentage policy counts those)"}
	kinds := &notSimulated{what: "storage kinds (san, nas)",
		why: "a SAN and a NAS run alike: datastores on an array, reached by paths over the storage VLAN (iSCSI or NFS) or, without ports, by paths the network cannot cut"}
	docs := &notSimulated{what: "VLAN subnets and gateway addresses",
		why: "they document the address plan; at run time each VLAN is one subnet, routed through its gateway"}
	for _, v := range ts.VLANs {
		docs.add(v.Source, "subnet", "vlan "+v.Name)
	}
	inHA := map[string]bool{} // hosts of HA clusters, whose cpu and ram_gb HA uses
	for _, c := range ts.Clusters {
		if !clusterDemand(ts, c) {
			for _, k := range []string{"drs", "dpm"} {
				idle.add(c.Source, k, c.Name)
			}
		}
		if c.HA.Enabled {
			for _, h := range c.Hosts {
				inHA[h] = true
			}
		}
	}
	bySlots := map[string]bool{} // hosts of clusters whose admission control counts slots
	if t := sc.Topology(); t != nil {
		for _, c := range t.Clusters {
			if c.HA.Enabled && c.HA.Admission == "host-failures" {
				for _, h := range c.Hosts {
					bySlots[h] = true
				}
			}
		}
	}
	for _, h := range ts.Hosts {
		if !bySlots[h.Name] {
			slots.add(h.Source, "core_mhz", h.Name)
		}
		if !inHA[h.Name] {
			capacity.add(h.Source, "cpu", h.Name)
			capacity.add(h.Source, "ram_gb", h.Name)
		}
	}
	for _, s := range ts.Storage {
		kinds.add(s.Source, "kind", s.Name)
	}
	for _, v := range ts.VMs {
		if !bySlots[v.Host] {
			slots.add(v.Source, "cpu_reservation_mhz", v.Name)
			slots.add(v.Source, "ram_reservation_gb", v.Name)
		}
		if !inHA[v.Host] {
			capacity.add(v.Source, "cpu", v.Name)
			capacity.add(v.Source, "ram_gb", v.Name)
		}
	}
	for _, g := range ts.Gateways {
		docs.add(g.Source, "address", "gateway "+g.Name)
	}
	var fs check.Findings
	for _, g := range []*notSimulated{capacity, slots, idle, kinds, docs} {
		if len(g.at) == 0 {
			continue
		}
		first := 0
		for i, p := range g.at {
			if p.Line < g.at[first].Line || p.Line == g.at[first].Line && p.Col < g.at[first].Col {
				first = i
			}
		}
		fs = append(fs, check.New(check.NotSimulated, g.at[first], "%s (%s) are not simulated yet: %s",
			g.what, owners(g.who), g.why))
	}
	return fs
}

// clusterDemand reports whether a VM on one of the cluster's hosts declares a demand.
func clusterDemand(ts *TopologySpec, c ClusterSpec) bool {
	for _, v := range ts.VMs {
		if v.Demand != nil && slices.Contains(c.Hosts, v.Host) {
			return true
		}
	}
	return false
}

// owners names the first few components that wrote a setting.
func owners(names []string) string {
	seen := map[string]bool{}
	var u []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			u = append(u, n)
		}
	}
	sort.Strings(u)
	if len(u) > 3 {
		return strings.Join(u[:3], ", ") + fmt.Sprintf(" and %d more", len(u)-3)
	}
	return strings.Join(u, ", ")
}
