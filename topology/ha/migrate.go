package ha

import "fmt"

// What the agents learn of live migration and maintenance mode. vCenter tells the HA
// agents where a VM runs after a vMotion, so that the failure of its new host is the
// one that takes it down and restarts it; a host in maintenance mode takes no
// restarts (vSphere leaves it out of HA's placement).

// vmAndHost finds a VM and a host of the cluster by name.
func (c *Cluster) vmAndHost(vmName, hostName string) (*vm, *host, error) {
	v, ok := c.vmName[vmName]
	if !ok {
		return nil, nil, fmt.Errorf("ha: no VM %q in cluster %s", vmName, c.name)
	}
	h, ok := c.byName[hostName]
	if !ok {
		return nil, nil, fmt.Errorf("ha: no host %q in cluster %s", hostName, c.name)
	}
	return v, h, nil
}

// Moved tells the agents that a running VM runs on another host of the cluster now.
func (c *Cluster) Moved(vm, host string) error {
	v, h, err := c.vmAndHost(vm, host)
	if err != nil {
		return err
	}
	v.host = h
	return nil
}

// Resumed tells the agents that a VM runs on host by a means of its own (an FT
// secondary went live there): a restart due for it is called off.
func (c *Cluster) Resumed(vm, host string) error {
	v, h, err := c.vmAndHost(vm, host)
	if err != nil {
		return err
	}
	if v.state == VMBooting {
		v.host.powerOns--
	}
	v.retry.Stop()
	v.boot.Stop()
	v.monitor.Stop()
	v.host, v.state = h, VMRunning
	return nil
}

// MoveReservation moves the memory and vCPUs a VM that HA does not place (an FT
// primary or secondary, a VM HA does not restart) takes from one host to another.
func (c *Cluster) MoveReservation(from, to string, ramGB float64, vcpu int) {
	if h, ok := c.byName[from]; ok {
		h.ReservedRAMGB -= ramGB
		h.ReservedVCPU -= vcpu
	}
	if h, ok := c.byName[to]; ok {
		h.ReservedRAMGB += ramGB
		h.ReservedVCPU += vcpu
	}
}

// SetMaintenance puts a host into maintenance mode (no restarts go to it) or takes it
// out (it takes restarts again, and VMs waiting for room may go there).
func (c *Cluster) SetMaintenance(host string, on bool) {
	h, ok := c.byName[host]
	if !ok || h.maintenance == on {
		return
	}
	h.maintenance = on
	if on && c.master == h {
		c.handOver(h)
	}
	if !on {
		c.drain()
		c.retryRoom()
	}
}

// handOver passes the master role of a host entering maintenance mode to the host an
// election would choose (elected's rule). vSphere's agents elect a new master when
// the master enters maintenance mode; the election is planned, nobody failed, so
// dctwin hands the role over at once rather than leave the cluster without a master
// for an election's 15 s (its simplification). With no other host able to be master,
// the host keeps the role.
func (c *Cluster) handOver(old *host) {
	for _, h := range c.hosts {
		if h != old && h.up && !h.isolated && !h.maintenance && c.env.PingsIsolationAddress(h.Name) {
			c.master = h
			c.s.Report(MasterElected{Cluster: c.name, Host: h.Name, Handover: old.Name + " entered maintenance mode"})
			c.watchSlaves()
			return
		}
	}
}
