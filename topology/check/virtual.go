package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"dctwin/topology"
)

// hostCarries reports whether some NIC of the host sends in the VLAN.
func (r *reporter) hostCarries(h *topology.Host, vlan string) bool {
	for _, n := range h.NICs {
		if slices.Contains(r.nicVLANs(n), vlan) {
			return true
		}
	}
	return false
}

// clusters checks membership, HA sizing and that every host offers the same networks
// and storage, so that a VM can run on any of them.
func (r *reporter) clusters() {
	t := r.t
	for _, c := range t.Clusters {
		var hosts []*topology.Host
		for i, name := range c.Hosts {
			p := c.PosOf(fmt.Sprintf("hosts[%d]", i))
			h := t.Host(name)
			switch {
			case h == nil:
				r.add(DanglingName, p, "cluster %s: host %q is not defined", c.Name, name)
			case !h.IsHypervisor():
				r.add(NotHypervisor, p, "cluster %s: host %s is a %s server, not a hypervisor", c.Name, name, h.Kind)
			default:
				if other := t.ClusterOf(name); other != c {
					r.add(DuplicateName, p, "host %s is already a member of cluster %s", name, other.Name)
					continue
				}
				hosts = append(hosts, h)
			}
		}
		if c.HA.Enabled && len(c.Hosts) < 2 {
			r.add(HATooFewHosts, c.PosOf("ha"), "cluster %s has HA enabled but %d host(s)", c.Name, len(c.Hosts))
		}
		if c.HA.Enabled && len(c.Hosts) > 0 && c.HA.HostFailuresTolerated >= len(c.Hosts) {
			r.add(HAAdmission, c.PosOf("ha.host_failures_tolerated"), "cluster %s tolerates %d host failures with %d hosts",
				c.Name, c.HA.HostFailuresTolerated, len(c.Hosts))
		}
		if len(hosts) == 0 {
			continue
		}
		ref := hosts[0]
		refGroups := portGroupMap(ref)
		refStorage := slices.Sorted(slices.Values(ref.Storage))
		for _, h := range hosts[1:] {
			groups := portGroupMap(h)
			if !maps.Equal(groups, refGroups) {
				r.add(ClusterNetworks, h.PosOf("port_groups"), "cluster %s: %s has port groups %s, %s has %s",
					c.Name, h.Name, describeGroups(groups), ref.Name, describeGroups(refGroups))
			}
			if s := slices.Sorted(slices.Values(h.Storage)); !slices.Equal(s, refStorage) {
				r.add(ClusterStorage, h.PosOf("storage"), "cluster %s: %s sees storage [%s], %s sees [%s]",
					c.Name, h.Name, strings.Join(s, " "), ref.Name, strings.Join(refStorage, " "))
			}
		}
		if c.VMotionVLAN != "" && t.VLAN(c.VMotionVLAN) != nil {
			for _, h := range hosts {
				if !r.hostCarries(h, c.VMotionVLAN) {
					r.add(ClusterNetworks, h.PosOf("nics"), "cluster %s: no NIC of %s carries the vMotion VLAN %s",
						c.Name, h.Name, c.VMotionVLAN)
				}
			}
		}
	}
}

func portGroupMap(h *topology.Host) map[string]string {
	m := map[string]string{}
	for _, pg := range h.PortGroups {
		m[pg.Name] = pg.VLAN
	}
	return m
}

func describeGroups(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// vms checks placement, disks and networks of every VM.
func (r *reporter) vms() {
	t := r.t
	for _, v := range t.VMs {
		h := t.Host(v.Host)
		if h == nil {
			r.add(DanglingName, v.PosOf("host"), "VM %s runs on host %q, which is not defined", v.Name, v.Host)
			continue
		}
		if !h.IsHypervisor() {
			r.add(VMNotOnHypervisor, v.PosOf("host"), "VM %s is placed on %s, a %s server", v.Name, h.Name, h.Kind)
			continue
		}
		c := t.ClusterOf(h.Name)
		local := v.Disk == topology.LocalDisk
		if !local {
			switch a := t.ArrayOf(v.Disk); {
			case a == nil:
				r.add(DanglingName, v.PosOf("disk"), "VM %s has its disk on %q, which is neither local nor a defined storage or datastore", v.Name, v.Disk)
			case !slices.Contains(h.Storage, a.Name):
				r.add(StorageNotAttached, v.PosOf("disk"), "VM %s has its disk on %s, but host %s is not attached to %s", v.Name, v.Disk, h.Name, a.Name)
			}
		}
		if local && c != nil && (c.HA.Enabled || c.DRS.Enabled) {
			var what []string
			if c.HA.Enabled {
				what = append(what, "HA")
			}
			if c.DRS.Enabled {
				what = append(what, "DRS")
			}
			r.add(LocalDiskInCluster, v.PosOf("disk"), "VM %s has a local disk in cluster %s with %s", v.Name, c.Name, strings.Join(what, " and "))
		}
		if v.FT {
			if local {
				r.add(FTWithoutShared, v.PosOf("ft"), "fault-tolerant VM %s has a local disk", v.Name)
			}
			if c == nil || !c.FT.Enabled || len(c.Hosts) < 2 {
				r.add(FTNotEnabled, v.PosOf("ft"), "VM %s is marked ft, but its host %s is not in a cluster of two or more hosts with ft enabled", v.Name, h.Name)
			}
		}
		for i, n := range v.VNICs {
			p := v.PosOf(fmt.Sprintf("nics[%d]", i))
			pg := h.PortGroup(n.PortGroup)
			switch {
			case pg == nil:
				r.add(VMNoNetwork, p, "VM %s: host %s has no port group %q", v.Name, h.Name, n.PortGroup)
			case t.VLAN(pg.VLAN) != nil && !r.hostCarries(h, pg.VLAN):
				r.add(VMNoNetwork, p, "VM %s: no NIC of %s carries VLAN %s of port group %s", v.Name, h.Name, pg.VLAN, pg.Name)
			}
			if pg == nil || c == nil || !(c.HA.Enabled || c.DRS.Enabled || c.FT.Enabled && v.FT) {
				continue
			}
			var missing []string
			for _, other := range c.Hosts {
				if oh := t.Host(other); oh != nil && oh != h && oh.IsHypervisor() && oh.PortGroup(n.PortGroup) == nil {
					missing = append(missing, other)
				}
			}
			if len(missing) > 0 {
				r.add(VMPortGroupMissing, p, "VM %s: port group %s is missing on %s of cluster %s; restarted or moved there, "+
					"the VM is cut off", v.Name, n.PortGroup, strings.Join(missing, ", "), c.Name)
			}
		}
	}
}

// vmClusters checks the applications' own VM pairs: two VMs that exist, on different
// hosts (on one host, the host's failure takes both), with a timeout longer than the
// heartbeat.
func (r *reporter) vmClusters() {
	t := r.t
	for _, c := range t.VMClusters {
		if len(c.VMs) != 2 {
			r.add(BadValue, c.PosOf("vms"), "VM cluster %s has %d VMs; expected an active and a standby", c.Name, len(c.VMs))
			continue
		}
		var hosts []string
		for i, name := range c.VMs {
			v := t.VM(name)
			if v == nil {
				r.add(DanglingName, c.PosOf(fmt.Sprintf("vms[%d]", i)), "VM cluster %s: VM %q is not defined", c.Name, name)
				continue
			}
			hosts = append(hosts, v.Host)
		}
		if len(hosts) == 2 && hosts[0] == hosts[1] {
			r.add(VMClusterOneHost, c.PosOf("vms"), "VM cluster %s: %s and %s both run on %s", c.Name, c.VMs[0], c.VMs[1], hosts[0])
		}
		if c.Heartbeat <= 0 || c.Timeout <= c.Heartbeat {
			r.add(BadValue, c.PosOf("timeout"), "VM cluster %s: timeout %v with heartbeats every %v; expected a positive heartbeat and a longer timeout",
				c.Name, c.Timeout, c.Heartbeat)
		}
		if c.Takeover < 0 {
			r.add(BadValue, c.PosOf("takeover"), "VM cluster %s: negative takeover %v", c.Name, c.Takeover)
		}
	}
}

// vswitches checks each hypervisor's virtual switch against its uplink team.
func (r *reporter) vswitches() {
	for _, h := range r.t.Hosts {
		vs := h.VSwitch
		if vs == nil || len(h.Teams) == 0 {
			continue
		}
		tm := h.Teams[0]
		for i, s := range vs.Standby {
			if !slices.Contains(tm.Members, s) {
				r.add(DanglingName, h.PosOf(fmt.Sprintf("vswitch.standby[%d]", i)), "virtual switch of %s: standby uplink %q is not a member of team %s",
					h.Name, s, tm.Name)
			}
		}
		if vs.LoadBalancing == topology.IPHash && !tm.Mode.NeedsSwitchAggregation() && len(tm.Members) > 1 {
			r.add(IPHashUnbundled, h.PosOf("vswitch.load_balancing"), "virtual switch of %s balances by IP hash over %s team %s, "+
				"which the switches do not bundle", h.Name, tm.Mode, tm.Name)
		}
	}
}
