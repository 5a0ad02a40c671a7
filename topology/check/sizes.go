package check

import (
	"fmt"
	"time"

	"dctwin/topology"
)

// sizes reviews the CPU and memory the scenario gives hosts and VMs: a written size
// must be above 0 (a host without memory runs nothing, a migration of a VM without
// memory has nothing to copy), a VM's working set lies within its memory, and a VM
// must fit one host of its cluster (or its host, outside clusters).
func (r *reporter) sizes() {
	t := r.t
	for _, h := range t.Hosts {
		if h.Written("cpu") && h.CPU <= 0 {
			r.add(BadValue, h.PosOf("cpu"), "host %s has cpu %d; a host needs at least one core (leave cpu out if it does not matter)", h.Name, h.CPU)
		}
		if h.Written("ram_gb") && h.RAMGB <= 0 {
			r.add(BadValue, h.PosOf("ram_gb"), "host %s has ram_gb %g; a host needs memory above 0 (leave ram_gb out if it does not matter)", h.Name, h.RAMGB)
		}
	}
	for _, v := range t.VMs {
		if v.Written("cpu") && v.CPU <= 0 {
			r.add(BadValue, v.PosOf("cpu"), "VM %s has cpu %d; a VM needs at least one vCPU", v.Name, v.CPU)
		}
		if v.Written("ram_gb") && v.RAMGB <= 0 {
			r.add(BadValue, v.PosOf("ram_gb"), "VM %s has ram_gb %g; a VM needs memory above 0", v.Name, v.RAMGB)
		}
		if v.WorkingSetGB > 0 && v.RAMGB > 0 && v.WorkingSetGB > v.RAMGB {
			r.add(BadValue, v.PosOf("working_set_gb"), "VM %s has working_set_gb %g, more than its ram_gb %g; the working set is part of its memory",
				v.Name, v.WorkingSetGB, v.RAMGB)
		}
		r.fits(v)
	}
}

// fits refuses a VM larger than every host it may run on: the hosts of its cluster,
// or its own host outside clusters. ESXi does not power on a VM with more vCPUs than
// its host has, and dctwin's HA and vMotion placement would refuse it on every host,
// so the run would start it where it could never be put again.
func (r *reporter) fits(v *topology.VM) {
	t := r.t
	if t.Host(v.Host) == nil || (v.CPU <= 0 && v.RAMGB <= 0) {
		return
	}
	names := []string{v.Host}
	where := "its host " + v.Host
	if c := t.ClusterOf(v.Host); c != nil {
		names, where = c.Hosts, "any host of cluster "+c.Name
	}
	var maxCPU int
	var maxRAM float64
	allCPU, allRAM := true, true // every host says its size
	for _, n := range names {
		h := t.Host(n)
		if h == nil || !h.IsHypervisor() {
			continue
		}
		if h.CPU <= 0 {
			allCPU = false
		}
		if h.RAMGB <= 0 {
			allRAM = false
		}
		maxCPU, maxRAM = max(maxCPU, h.CPU), max(maxRAM, h.RAMGB)
	}
	if allRAM && maxRAM > 0 && v.RAMGB > maxRAM {
		r.add(VMTooBig, v.PosOf("ram_gb"), "VM %s has ram_gb %g, more than %s has (at most %g)", v.Name, v.RAMGB, where, maxRAM)
	}
	if allCPU && maxCPU > 0 && v.CPU > maxCPU {
		r.add(VMTooBig, v.PosOf("cpu"), "VM %s has %d vCPUs, more than %s has cores (at most %d)", v.Name, v.CPU, where, maxCPU)
	}
}

// haTimers reviews the HA heartbeat and failure detection times a cluster writes: a
// written 0 is refused rather than replaced by vSphere's default, and a silent host
// must miss at least one heartbeat before it is declared failed.
func (r *reporter) haTimers() {
	for _, c := range r.t.Clusters {
		hb, fd := c.HA.Heartbeat, c.HA.FailureDetection
		hbOK := r.positive(c.Source, "ha.heartbeat", "cluster "+c.Name+": HA heartbeat", hb, topology.DefaultHAHeartbeat)
		fdOK := r.positive(c.Source, "ha.failure_detection", "cluster "+c.Name+": HA failure_detection", fd, topology.DefaultHAFailureDetection)
		if hbOK && fdOK && hb >= fd {
			key := "ha.failure_detection"
			if !c.Written(key) {
				key = "ha.heartbeat"
			}
			r.add(BadValue, c.PosOf(key), "cluster %s: HA heartbeat every %v but failure_detection %v; a host is declared failed only after "+
				"heartbeats were missed, so failure_detection must be longer than the heartbeat", c.Name, hb, fd)
		}
	}
}

// positive refuses a written time of 0 or less; it reports whether the time is usable.
func (r *reporter) positive(src topology.Source, key, what string, v, def time.Duration) bool {
	if !src.Written(key) || v > 0 {
		return true
	}
	r.add(BadValue, src.PosOf(key), "%s %v: expected a time above 0 (leave it out for the default, %v)", what, v, def)
	return false
}

// vmClusterMembers refuses a VM named twice in one VM cluster or in two of them: a
// VM is the active or the standby of one application pair.
func (r *reporter) vmClusterMembers() {
	in := map[string]string{}
	for _, c := range r.t.VMClusters {
		for i, name := range c.VMs {
			p := c.PosOf(fmt.Sprintf("vms[%d]", i))
			switch other, seen := in[name]; {
			case seen && other == c.Name:
				r.add(DuplicateName, p, "VM cluster %s names %s twice; a VM cluster is an active and a standby VM", c.Name, name)
			case seen:
				r.add(DuplicateName, p, "VM %s is already in VM cluster %s; a VM belongs to one VM cluster", name, other)
			default:
				in[name] = c.Name
			}
		}
	}
}
