package spof

import (
	"slices"
	"time"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/ha"
)

// Effect is what a failure does to one endpoint, host or VM.
type Effect string

// Effects, from worst to mildest.
const (
	// Down: the item itself is dead (its host, enclosure or storage failed) and nothing
	// brings it back until repair.
	Down Effect = "down"
	// HARestart: the VM died with its host; HA restarts it on another cluster host, so
	// it is down for detection plus boot time, not until repair.
	HARestart Effect = "down until HA restart"
	// FTTakeover: the VM's fault-tolerant secondary on another host takes over without
	// an outage.
	FTTakeover Effect = "continues on FT secondary"
	// ClusterTakeover: the VM is down, but its application's own cluster peer (a VM
	// cluster) survives and takes its service over after the pair's timeout; the
	// service counts as degraded (one instance left), as with an HA restart.
	ClusterTakeover Effect = "service taken over by its VM-cluster peer"
	// Isolated: the item runs but cannot reach some of what it reached before.
	Isolated Effect = "isolated"
)

// Item is an endpoint, host or VM with the role it plays.
type Item struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // endpoint, host, vm
	Role string `json:"role,omitempty"`
}

// Impact is what happens to one item.
type Impact struct {
	Item   Item   `json:"item"`
	Effect Effect `json:"effect"`
	// LosesContactWith lists, for an isolated item, what it reached before and no
	// longer reaches (items that are down are not repeated here).
	LosesContactWith []string `json:"loses_contact_with,omitempty"`
	// FailoverMs is, for an item that HA, FT or its VM cluster brings back, how long
	// it is out at most: the protection's detection plus its boot or takeover.
	FailoverMs float64 `json:"failover_ms,omitempty"`
}

// Result is the effect of one component's failure.
type Result struct {
	Component topology.Component `json:"component"`
	Impacts   []Impact           `json:"impacts"`
	// ServicesLost are roles (pbx, web, ...) none of whose items still run connected;
	// ServicesDegraded are roles that lost some but not all of their items.
	ServicesLost     []string `json:"services_lost"`
	ServicesDegraded []string `json:"services_degraded"`
	// Direct lists the devices the component belongs to or is cabled to (a phone at
	// the end of a failed cable): losing them is expected, not a design flaw.
	Direct []string `json:"-"`
}

// Serious reports whether the failure is a single point of failure worth a planner's
// attention: a service loses every instance, or something beyond the failed part and
// what is cabled to it goes down or is cut off (a phone losing its own cable is not).
func (r Result) Serious() bool {
	if len(r.ServicesLost) > 0 {
		return true
	}
	for _, im := range r.Impacts {
		if im.Effect != FTTakeover && !slices.Contains(r.Direct, im.Item.Name) {
			return true
		}
	}
	return false
}

// services sorts the roles hit into lost (every item of the role is down or cut off
// from the main part of the data center) and degraded (some instances remain); total
// counts the items of each role.
func (r *Result) services(total map[string]int) {
	hit := map[string]int{}
	for _, im := range r.Impacts {
		if im.Item.Role != "" && im.Effect != FTTakeover {
			hit[im.Item.Role]++
		}
	}
	lost, degraded := map[string]bool{}, map[string]bool{}
	for role, n := range hit {
		if n >= total[role] {
			lost[role] = true
		} else {
			degraded[role] = true
		}
	}
	r.ServicesLost, r.ServicesDegraded = topology.SortedNames(lost), topology.SortedNames(degraded)
}

// Classes are the component classes the analysis fails one at a time. Switch ports
// behave like the link in them, and VMs are what is being protected.
var Classes = []topology.Class{topology.ClassLink, topology.ClassNIC, topology.ClassSwitch,
	topology.ClassModule, topology.ClassPSU, topology.ClassEnclosure, topology.ClassHost, topology.ClassStorage}

// Analyze fails every component of Classes on its own and returns the results that
// take something down or cut something off, in class order.
func Analyze(t *topology.Topology) []Result {
	a := newAnalysis(t, itemsOf(t))
	a.baseline()
	var out []Result
	for _, class := range Classes {
		for _, c := range t.ComponentsOf(class) {
			r := a.fail(c)
			if len(r.Impacts) > 0 {
				out = append(out, r)
			}
		}
	}
	return out
}

// Fail is the analysis of one component; base is what each item reaches in the intact
// data center (see Baseline). The part of the network that keeps the most (servers
// weigh more than endpoints) is "the data center"; an item that still runs outside it
// and lost contact with something is isolated — a phone whose switch died is cut off
// from the PBX, not the PBX from the phone.
func Fail(t *topology.Topology, c topology.Component, items []Item, base map[string]map[string]bool) Result {
	a := newAnalysis(t, items)
	a.baseSets = base
	if base == nil {
		a.baseSets = map[string]map[string]bool{} // nothing was reached, so nothing is lost
	}
	return a.fail(c)
}

// deathEffect says how a dead item comes back: not at all before repair, by an HA
// restart on another host, or not gone at all thanks to an FT secondary.
func deathEffect(t *topology.Topology, o *topology.Outage, it Item) Effect {
	if it.Kind != "vm" {
		return Down
	}
	vm := t.VM(it.Name)
	if vm == nil {
		return Down
	}
	peer := peerSurvives(t, o, vm)
	c := t.ClusterOf(vm.Host)
	if o.Devices[vm.Disk] || c == nil || vm.Disk == topology.LocalDisk {
		// Its storage is gone (no host can run it), or no cluster restarts it.
		if peer {
			return ClusterTakeover
		}
		return Down
	}
	survivor := false
	for _, h := range c.Hosts {
		if h != vm.Host && !o.Devices[h] && t.Host(h) != nil {
			survivor = true
		}
	}
	switch {
	case survivor && vm.FT && c.FT.Enabled:
		return FTTakeover
	case peer:
		return ClusterTakeover
	case survivor && c.HA.Enabled && vm.RestartPriority != "disabled":
		return HARestart
	}
	return Down
}

// peerSurvives reports whether a VM is in a VM cluster whose other VM outlives the
// outage (its host and its disk still there).
func peerSurvives(t *topology.Topology, o *topology.Outage, vm *topology.VM) bool {
	for _, vc := range t.VMClusters {
		if len(vc.VMs) != 2 || !slices.Contains(vc.VMs, vm.Name) {
			continue
		}
		other := vc.VMs[0]
		if other == vm.Name {
			other = vc.VMs[1]
		}
		p := t.VM(other)
		if p != nil && !o.Devices[p.Host] && !o.Devices[p.Disk] && !o.Devices[p.Name] {
			return true
		}
	}
	return false
}

func itemsOf(t *topology.Topology) []Item {
	var out []Item
	for _, e := range t.Endpoints {
		out = append(out, Item{Name: e.Name, Kind: "endpoint", Role: ""})
	}
	for _, h := range t.Hosts {
		out = append(out, Item{Name: h.Name, Kind: "host", Role: h.Role})
	}
	for _, v := range t.VMs {
		out = append(out, Item{Name: v.Name, Kind: "vm", Role: v.Role})
	}
	return out
}

// Items lists the endpoints, hosts and VMs whose connectivity the analysis follows.
func Items(t *topology.Topology) []Item { return itemsOf(t) }

// Baseline is what each item reaches in the intact data center (for Fail).
func Baseline(t *topology.Topology, items []Item) map[string]map[string]bool {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	return t.Network(nil, topology.NetworkOptions{}).ReachSets(names)
}

// FailoverTime is how long the protection of an item brings it back after, at most:
//
//   - HARestart: HA's detection from the host's last heartbeat (ha.Config.RestartDelay:
//     15 s, 18 s with heartbeat datastores, 35 s when the outage takes the master, the
//     cluster's first host, with it) plus the VM's boot time; queueing for power-on
//     slots and capacity are not counted;
//   - FTTakeover: the FT heartbeats missed (Missed × Heartbeat);
//   - ClusterTakeover: the VM cluster's timeout plus its takeover.
//
// 0 for the other effects.
func FailoverTime(t *topology.Topology, o *topology.Outage, it Item, e Effect) time.Duration {
	vm := t.VM(it.Name)
	if it.Kind != "vm" || vm == nil {
		return 0
	}
	c := t.ClusterOf(vm.Host)
	switch {
	case e == FTTakeover && c != nil:
		hb, missed := c.FT.Heartbeat, c.FT.Missed
		if hb <= 0 {
			hb = topology.DefaultFTHeartbeat
		}
		if missed <= 0 {
			missed = topology.DefaultFTMissed
		}
		return time.Duration(missed) * hb
	case e == ClusterTakeover:
		for _, vc := range t.VMClusters {
			if slices.Contains(vc.VMs, vm.Name) {
				return vc.Timeout + vc.Takeover
			}
		}
	case e == HARestart && c != nil:
		master := false
		for _, h := range c.Hosts {
			if host := t.Host(h); host != nil && host.IsHypervisor() {
				master = o.Devices[h] // the first hypervisor of the cluster is the master at the start
				break
			}
		}
		cfg := ha.Config{Heartbeat: sim.Time(c.HA.Heartbeat), FailureDetection: sim.Time(c.HA.FailureDetection),
			DatastoreHeartbeats: c.HA.DatastoreHeartbeats}
		boot := vm.BootTime
		if boot <= 0 {
			boot = topology.DefaultVMBootTime
		}
		return time.Duration(cfg.RestartDelay(master)) + boot
	}
	return 0
}
