package ha

import "slices"

// Restarts that find no room. vSphere HA waits for unreserved capacity to become
// available, "for example, due to a host coming back online, and then retries the
// placement" (vSphere 6.0 Availability, "VM Restart Priority"), and when hosts of
// the cluster are in DPM standby it asks DRS to bring them out of standby so that
// it can fail over (vSphere 6.5 Availability, "Using vSphere HA and DRS
// Together"). So a VM whose attempt found no host with the memory and vCPUs for it
// is placed again whenever the agents see a change (a host up, heard, out of
// maintenance or standby) and a host now has the room, without waiting for its next
// scheduled attempt; and the cluster asks its environment, if it is a Waker, to wake
// standby hosts for the VMs waiting. A VM whose attempts are used up is HA's no
// longer: it is neither placed again nor asked for.

// Waker is an Environment that can bring hosts of the cluster out of DPM standby
// (the twin's DPM). WakeFor is told the VMs that found no room, in restart order,
// each time a restart attempt adds to them; it decides which standby hosts to power
// on (those already booting count), and the agents place the VMs when the hosts
// have booted and left standby (SetMaintenance(host, false)).
type Waker interface {
	WakeFor(vms []VM)
}

// needRoom notes a VM whose attempt found no room and asks for standby hosts once
// the current instant's attempts are all made (a failed host's VMs in one request).
func (c *Cluster) needRoom(v *vm) {
	if !slices.Contains(c.roomWait, v) {
		c.roomWait = append(c.roomWait, v)
	}
	w, ok := c.env.(Waker)
	if !ok || c.asking {
		return
	}
	c.asking = true
	c.s.After(0, func() {
		c.asking = false
		var need []VM
		for _, v := range c.waitingForRoom() {
			need = append(need, v.VM)
		}
		if len(need) > 0 {
			w.WakeFor(need)
		}
	})
}

// waitingForRoom drops from roomWait the VMs that run again or whose attempts are
// used up, and returns the others.
func (c *Cluster) waitingForRoom() []*vm {
	c.roomWait = slices.DeleteFunc(c.roomWait, func(v *vm) bool {
		return v.state != VMWaiting || v.attempt >= len(c.cfg.RestartAttempts)
	})
	return c.roomWait
}

// retryRoom places the VMs waiting for room where a host has it now. Placing one is
// a restart attempt like the scheduled ones (it counts as the next); its scheduled
// retry is called off.
func (c *Cluster) retryRoom() {
	if len(c.roomWait) == 0 {
		return
	}
	for _, v := range slices.Clone(c.waitingForRoom()) {
		target, _, _ := c.place(v)
		if target == nil {
			continue
		}
		v.retry.Stop()
		c.roomWait = slices.DeleteFunc(c.roomWait, func(o *vm) bool { return o == v })
		c.s.Report(VMRestarting{Cluster: c.name, VM: v.Name, Host: target.Name, Attempt: v.attempt + 1})
		c.startBoot(v, target, true)
	}
}
