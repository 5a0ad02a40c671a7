package scenario

import (
	"fmt"
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
	capacity := &notSimulated{what: "host and VM cpu and ram_gb",
		why: "capacity comes with the virtualization model (power is simulated: the report gives each host's energy)"}
	virt := &notSimulated{what: "clusters (ha, ft, drs, dpm, vmotion_vlan), VM disk and ft, host storage, port groups' vmkernel, storage arrays",
		why: "they are checked statically; at run time a VM runs on its host's NIC team, in its port groups' VLANs, and goes down with its host"}
	docs := &notSimulated{what: "VLAN subnets and gateway addresses",
		why: "they document the address plan; at run time each VLAN is one subnet, routed through its gateway"}
	for _, v := range ts.VLANs {
		docs.add(v.Source, "subnet", "vlan "+v.Name)
	}
	for _, h := range ts.Hosts {
		for _, k := range []string{"cpu", "ram_gb"} {
			capacity.add(h.Source, k, h.Name)
		}
		virt.add(h.Source, "storage", h.Name)
		for _, pg := range h.PortGroups {
			virt.add(pg.Source, "vmkernel", h.Name)
		}
	}
	for _, s := range ts.Storage {
		virt.add(s.Source, "name", s.Name)
	}
	for _, c := range ts.Clusters {
		virt.add(c.Source, "name", c.Name)
	}
	for _, v := range ts.VMs {
		for _, k := range []string{"cpu", "ram_gb"} {
			capacity.add(v.Source, k, v.Name)
		}
		for _, k := range []string{"disk", "ft"} {
			virt.add(v.Source, k, v.Name)
		}
	}
	for _, g := range ts.Gateways {
		docs.add(g.Source, "address", "gateway "+g.Name)
	}
	var fs check.Findings
	for _, g := range []*notSimulated{capacity, virt, docs} {
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

// checkFailuresSimulated refuses failures the run cannot inject, where they are written.
func checkFailuresSimulated(sc *Scenario) check.Findings {
	var fs check.Findings
	for _, f := range sc.Spec.Failures.Scheduled {
		if f.Kind == "storage" {
			fs = append(fs, check.New(check.FailureNotSimulated, f.PosOf("kind"),
				"storage failure of %s: storage failures are not simulated yet (VMs' disks are not modelled)", f.Component))
		}
	}
	for _, r := range sc.Spec.Failures.Random {
		if r.Class == "storage" {
			fs = append(fs, check.New(check.FailureNotSimulated, r.PosOf("class"),
				"random storage failures are not simulated yet (VMs' disks are not modelled)"))
		}
	}
	return fs
}
