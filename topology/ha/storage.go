package ha

import "fmt"

// HA and shared storage. A VM restarts only on a host that reaches its datastore
// (StorageAccess); a VM whose datastore failed under it is down, and HA restarts it as
// soon as some host reaches the datastore again (StorageReturned); VM Component
// Protection powers off a VM whose host declared All-Paths-Down for its datastore and
// restarts it elsewhere (PowerOffForAPD; the twin keeps the delay and the choice of
// response).

// StorageAccess is an Environment that knows whether a host reaches a VM's datastore
// now; without it every host reaches every datastore.
type StorageAccess interface {
	ReachesStorage(host, vm string) bool
}

// reaches reports whether host h reaches v's datastore.
func (c *Cluster) reaches(h *host, v *vm) bool {
	sa, ok := c.env.(StorageAccess)
	return !ok || sa.ReachesStorage(h.Name, v.Name)
}

// StorageLost takes down a VM whose datastore failed under it (its host runs on) and
// starts its restart series; restarts wait for a host that reaches the datastore.
func (c *Cluster) StorageLost(name string) error {
	v, ok := c.vmName[name]
	if !ok {
		return fmt.Errorf("ha: no VM %q in cluster %s", name, c.name)
	}
	if v.state == VMDown || v.state == VMOff || v.state == VMWaiting {
		return nil
	}
	c.takeDown(v, VMDown, "datastore failed")
	c.restartAll([]*vm{v})
	return nil
}

// PowerOffForAPD is VM Component Protection's response to All-Paths-Down: the VM is
// powered off on its host and restarted where its datastore is reachable. The caller
// decides whether the response is due (the cluster's setting, conservative or not).
func (c *Cluster) PowerOffForAPD(name string) error {
	v, ok := c.vmName[name]
	if !ok {
		return fmt.Errorf("ha: no VM %q in cluster %s", name, c.name)
	}
	if !v.poweredOn() {
		return fmt.Errorf("ha: VM %s is %s, not running", name, v.state)
	}
	c.takeDown(v, VMOff, "APD response: powered off")
	c.restartAll([]*vm{v})
	return nil
}

// CanRestart reports whether a VM would find a host to restart on now (up, heard by
// the master, reaching its datastore, with room): the conservative APD response
// powers a VM off only then.
func (c *Cluster) CanRestart(name string) bool {
	v, ok := c.vmName[name]
	if !ok {
		return false
	}
	t, _, _ := c.place(v)
	return t != nil && t != v.host
}

// StorageReturned retries at once the restarts that found no host reaching their
// datastore, for those a host reaches now; the others keep waiting (a change that
// brought no datastore back costs no attempt of the retry series).
func (c *Cluster) StorageReturned() {
	w := c.storageWait
	c.storageWait = nil
	for _, v := range w {
		if v.state != VMWaiting {
			continue
		}
		if _, _, noStorage := c.place(v); noStorage {
			c.storageWait = append(c.storageWait, v)
			continue
		}
		v.retry.Stop()
		c.attempt(v)
	}
}

// takeDown stops a VM for a storage reason; the twin has stopped it already.
func (c *Cluster) takeDown(v *vm, state VMState, reason string) {
	if v.state == VMBooting {
		v.host.powerOns--
	}
	v.boot.Stop()
	v.monitor.Stop()
	v.state = state
	c.s.Report(VMStopped{Cluster: c.name, VM: v.Name, Host: v.host.Name, Reason: reason})
}
