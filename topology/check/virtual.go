package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"dctwin/topology"
	"dctwin/topology/ha"
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
		if c.HA.Enabled {
			r.admission(c, hosts)
		}
		if c.FT.Enabled {
			r.ftLogging(c, hosts)
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
		// DRS balances and DPM empties hosts by live migration, which needs the
		// cluster's vMotion network: without one they can move nothing.
		if c.VMotionVLAN == "" && (c.DRS.Enabled || c.DPM.Enabled) {
			key := "drs"
			if !c.DRS.Enabled {
				key = "dpm"
			}
			r.add(ClusterNetworks, c.PosOf(key), "cluster %s has %s enabled but no vmotion_vlan: it moves VMs by live migration, which needs the cluster's vMotion network",
				c.Name, strings.ToUpper(key))
		}
		// concurrent_vmotions limits live migrations, of which a cluster without a
		// vMotion network has none: written there, it would do nothing.
		if c.VMotionVLAN == "" && c.ConcurrentVMotions != 0 {
			r.add(ClusterNetworks, c.PosOf("concurrent_vmotions"), "cluster %s sets concurrent_vmotions but has no vmotion_vlan: without the vMotion network it runs no live migration to limit",
				c.Name)
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
		if len(hosts) == 2 && hosts[0] == hosts[1] && c.VMs[0] != c.VMs[1] {
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

// admission checks an HA cluster's admission control against the VMs as placed: the
// same arithmetic (topology/ha's Shortfall) that refuses power-ons at run time, so a
// cluster this flags starts with every power-on refused.
func (r *reporter) admission(c *topology.Cluster, hosts []*topology.Host) {
	key := "ha"
	for _, k := range []string{"ha.admission_control", "ha.host_failures_tolerated", "ha.cpu_failover_percent", "ha.memory_failover_percent", "ha.failover_hosts"} {
		if c.Written(k) {
			key = k
			break
		}
	}
	for _, k := range []struct {
		key string
		pct float64
	}{{"ha.cpu_failover_percent", c.HA.CPUFailoverPercent}, {"ha.memory_failover_percent", c.HA.MemoryFailoverPercent}} {
		if k.pct < 0 || k.pct > 100 {
			r.add(BadValue, c.PosOf(k.key), "cluster %s: %s %g: expected a percentage from 0 to 100", c.Name, k.key[3:], k.pct)
		}
	}
	for i, h := range c.HA.FailoverHosts {
		if !slices.Contains(c.Hosts, h) {
			r.add(DanglingName, c.PosOf(fmt.Sprintf("ha.failover_hosts[%d]", i)), "cluster %s: failover host %q is not a host of the cluster", c.Name, h)
		}
	}
	a := AdmissionOf(c.HA)
	if a.Policy == ha.NoAdmission {
		return
	}
	if why := a.Shortfall(Loads(r.t, hosts), ha.DefaultConfig().CPUOvercommit); why != "" {
		r.add(HAAdmission, c.PosOf(key), "cluster %s, admission control %s: %s", c.Name, a.Policy, why)
	}
}

// AdmissionOf is a cluster's admission control setting as topology/ha takes it.
func AdmissionOf(h topology.HA) ha.Admission {
	p := ha.AdmissionPolicy(h.Admission)
	if p == "" {
		p = ha.NoAdmission
	}
	return ha.Admission{Policy: p, HostFailures: h.HostFailuresTolerated, CPUPercent: h.CPUFailoverPercent,
		MemoryPercent: h.MemoryFailoverPercent, FailoverHosts: h.FailoverHosts}
}

// AdmissionHost is a host as admission control counts it: its cores and memory, and
// its CPU in MHz (cores × core clock) for the slots.
func AdmissionHost(h *topology.Host) ha.Host {
	return ha.Host{Name: h.Name, Cores: h.CPU, RAMGB: h.RAMGB, MHz: float64(h.CPU) * h.CoreMHz}
}

// AdmissionVM is a VM (or an FT secondary) as admission control counts it: its size
// and its reservations. An FT VM reserves all its memory: vSphere sets a full memory
// reservation on an FT VM and its secondary.
func AdmissionVM(v *topology.VM, ft bool) ha.VM {
	out := ha.VM{Name: v.Name, Host: v.Host, VCPU: v.CPU, RAMGB: v.RAMGB,
		CPUReservationMHz: v.CPUReservationMHz, RAMReservationGB: v.RAMReservationGB}
	if ft {
		out.RAMReservationGB = v.RAMGB
	}
	return out
}

// Loads is what admission control sees of hosts with their VMs as placed: every VM
// on its host, an FT VM's secondary (of the same size) on its secondary's host: the
// one written, or else the first other host of the list, as the run places it.
func Loads(t *topology.Topology, hosts []*topology.Host) []ha.Load {
	out := make([]ha.Load, len(hosts))
	at := map[string]int{}
	for i, h := range hosts {
		out[i] = ha.Load{Host: AdmissionHost(h), Up: true}
		at[h.Name] = i
	}
	for _, v := range t.VMs {
		c := t.ClusterOf(v.Host)
		ft := v.FT && c != nil && c.FT.Enabled && v.Disk != topology.LocalDisk
		size := AdmissionVM(v, ft)
		if i, ok := at[v.Host]; ok {
			out[i].VMs = append(out[i].VMs, size)
		}
		if !ft {
			continue
		}
		secondary := v.FTSecondary
		for _, h := range hosts {
			if secondary == "" && h.Name != v.Host {
				secondary = h.Name
			}
		}
		if i, ok := at[secondary]; ok {
			out[i].VMs = append(out[i].VMs, size)
		}
	}
	return out
}

// ftLogging checks that an FT cluster with FT VMs has an FT logging network: a VLAN
// every host has a VMkernel port group in. Without one vSphere does not turn FT on;
// dctwin then runs the logging over the management network (twin/ft.go).
func (r *reporter) ftLogging(c *topology.Cluster, hosts []*topology.Host) {
	if c.FT.LoggingVLAN != "" && r.t.VLAN(c.FT.LoggingVLAN) == nil {
		r.add(DanglingName, c.PosOf("ft.logging_vlan"), "cluster %s: FT logging VLAN %q is not defined", c.Name, c.FT.LoggingVLAN)
		return
	}
	if c.FT.LoggingRate <= 0 {
		r.add(BadValue, c.PosOf("ft.logging_rate"), "cluster %s: FT logging rate %d bit/s: expected a positive bandwidth", c.Name, c.FT.LoggingRate)
	}
	ft := false
	for _, v := range r.t.VMs {
		ft = ft || v.FT && slices.Contains(c.Hosts, v.Host)
	}
	if !ft {
		return
	}
	if c.FT.LoggingVLAN == "" {
		r.add(FTNoLogging, c.PosOf("ft"), "cluster %s has FT VMs but no ft.logging_vlan: their logging traffic shares the management network", c.Name)
		return
	}
	for _, h := range hosts {
		if !slices.ContainsFunc(h.PortGroups, func(pg *topology.PortGroup) bool { return pg.VMKernel && pg.VLAN == c.FT.LoggingVLAN }) {
			r.add(FTNoLogging, h.PosOf("port_groups"), "cluster %s: %s has no VMkernel port group in the FT logging VLAN %s", c.Name, h.Name, c.FT.LoggingVLAN)
		}
	}
}
