package ha

import "slices"

// place finds the host a VM restarts on: up, not declared dead, not isolated, not in
// maintenance, heard by the master, reaching the VM's datastore, with the memory and
// vCPUs free; the most free memory wins, then the cluster's order. full reports that
// hosts with room exist but all have their power-on slots taken; noStorage that no
// host found reaches the datastore. Admission control does not apply to restarts;
// under the failover-hosts policy the failover hosts are tried first, and the others
// when none of them has room (vSphere's behaviour when a failover host cannot take a
// VM).
func (c *Cluster) place(v *vm) (target *host, full, noStorage bool) {
	if a := c.cfg.Admission; a.Policy == FailoverHosts && len(a.FailoverHosts) > 0 {
		target, full, noStorage = c.placeAmong(v, func(h *host) bool { return slices.Contains(a.FailoverHosts, h.Name) })
		if target != nil || full {
			return target, full, noStorage
		}
	}
	return c.placeAmong(v, func(*host) bool { return true })
}

// placeAmong is place over the hosts that pass among, away from the VM's
// anti-affinity group where a host fits.
func (c *Cluster) placeAmong(v *vm, among func(*host) bool) (target *host, full, noStorage bool) {
	if v.Apart != "" {
		apart := func(h *host) bool { return among(h) && !c.holdsGroup(h, v) }
		if target, _, _ := c.placeAll(v, apart); target != nil {
			return target, false, false
		}
	}
	return c.placeAll(v, among)
}

// holdsGroup reports whether another VM of v's anti-affinity group runs or boots on h.
func (c *Cluster) holdsGroup(h *host, v *vm) bool {
	return slices.ContainsFunc(c.vms, func(o *vm) bool {
		return o != v && o.Apart == v.Apart && o.host == h && o.poweredOn()
	})
}

// placeAll is placeAmong without the anti-affinity rule.
func (c *Cluster) placeAll(v *vm, among func(*host) bool) (target *host, full, noStorage bool) {
	best := -1.0
	candidates, reaching := 0, 0
	for _, h := range c.hosts {
		if !h.up || h.declared || h.isolated || h.maintenance || !among(h) {
			continue
		}
		if c.master != nil && h != c.master && !c.env.Heard(h.Name, c.master.Name) {
			continue
		}
		candidates++
		if !c.reaches(h, v) {
			continue
		}
		reaching++
		ram, cpu := c.used(h)
		if h.RAMGB > 0 && ram+v.RAMGB > h.RAMGB {
			continue
		}
		if h.Cores > 0 && cpu+v.VCPU > h.Cores*c.cfg.CPUOvercommit {
			continue
		}
		if h.powerOns >= c.cfg.ConcurrentPowerOns {
			full = true
			continue
		}
		if free := h.RAMGB - ram; free > best {
			best, target = free, h
		}
	}
	return target, full && target == nil, target == nil && candidates > 0 && reaching == 0
}

// used is the memory and vCPUs of the VMs a host runs or boots.
func (c *Cluster) used(h *host) (ram float64, cpu int) {
	ram, cpu = h.ReservedRAMGB, h.ReservedVCPU
	for _, v := range c.vms {
		if v.host == h && v.poweredOn() {
			ram += v.RAMGB
			cpu += v.VCPU
		}
	}
	return ram, cpu
}
