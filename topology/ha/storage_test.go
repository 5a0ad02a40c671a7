package ha

import (
	"strings"
	"testing"

	"dctwin/sim"
)

// storageWorld is a world in which hosts reach the VMs' datastore or not.
type storageWorld struct {
	*world
	reach map[string]bool
}

func (w *storageWorld) ReachesStorage(host, vm string) bool { return w.reach[host] }

func storageCluster(t *testing.T) (*sim.Simulation, *storageWorld, *Cluster) {
	t.Helper()
	s := sim.New(1)
	w := &storageWorld{world: newWorld(s, "h1", "h2", "h3"), reach: map[string]bool{"h1": true, "h2": true, "h3": true}}
	hosts := []Host{{Name: "h1", Cores: 16, RAMGB: 64}, {Name: "h2", Cores: 16, RAMGB: 64}, {Name: "h3", Cores: 16, RAMGB: 64}}
	vms := []VM{{Name: "vm", Host: "h1", VCPU: 4, RAMGB: 8, BootTime: 60 * sim.Second}}
	c, err := New(s, "cl", Config{}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	w.running["vm"] = "h1"
	return s, w, c
}

// A VM whose datastore failed at 100 s is restarted only when a host reaches it: no
// host does until 130 s (the first attempt fails), then h3 does, and the VM runs there
// after its 60 s boot: 190 s. The retry series' next attempt (2 min after the first)
// is not needed.
func TestStorageLostWaitsForAHostThatReaches(t *testing.T) {
	s, w, c := storageCluster(t)
	s.At(100*sim.Second, func() {
		w.reach = map[string]bool{}
		delete(w.running, "vm")
		if err := c.StorageLost("vm"); err != nil {
			t.Error(err)
		}
		if c.CanRestart("vm") {
			t.Error("CanRestart with no host reaching the datastore")
		}
	})
	s.At(130*sim.Second, func() { w.reach["h3"] = true; c.StorageReturned() })
	s.RunUntil(400 * sim.Second)
	if got := w.first(t, "vm", "no host reaches its datastore"); got != 100*sim.Second {
		t.Errorf("first attempt failed at %v, want 100 s", got)
	}
	if got := w.first(t, "vm", "running again on h3"); got != 190*sim.Second {
		t.Errorf("vm running on h3 at %v, want 190 s (130 s + 60 s boot)", got)
	}
	if st, h, _ := c.VM("vm"); st != VMRunning || h != "h3" {
		t.Errorf("vm %s on %s, want running on h3", st, h)
	}
}

// The APD response powers a VM off and restarts it on a host that reaches its
// datastore (h2 only, h1 being the host in APD): off at 100 s, running on h2 at 160 s.
func TestPowerOffForAPDRestartsWhereTheDatastoreIs(t *testing.T) {
	s, w, c := storageCluster(t)
	s.At(100*sim.Second, func() {
		w.reach = map[string]bool{"h2": true}
		if !c.CanRestart("vm") {
			t.Error("CanRestart false with h2 reaching the datastore")
		}
		delete(w.running, "vm")
		if err := c.PowerOffForAPD("vm"); err != nil {
			t.Error(err)
		}
	})
	s.RunUntil(400 * sim.Second)
	if got := w.first(t, "vm", "running again on h2"); got != 160*sim.Second {
		t.Errorf("vm running on h2 at %v, want 160 s (100 s + 60 s boot)", got)
	}
}

// Changes that bring no datastore back cost no restart attempt: with the datastore
// gone at 100 s, StorageReturned at 110 s and 120 s (nothing reaches it) leave the
// series at its first failed attempt; the next is due 2 min after the first (220 s).
func TestStorageReturnedWithoutStorageCostsNoAttempt(t *testing.T) {
	s, w, c := storageCluster(t)
	s.At(100*sim.Second, func() {
		w.reach = map[string]bool{}
		delete(w.running, "vm")
		_ = c.StorageLost("vm")
	})
	s.At(110*sim.Second, c.StorageReturned)
	s.At(120*sim.Second, c.StorageReturned)
	s.RunUntil(200 * sim.Second)
	n := 0
	for _, l := range w.recorded {
		if strings.Contains(l, "no host reaches its datastore") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d failed attempts by 200 s, want 1 (the next is at 220 s):\n%s", n, strings.Join(w.recorded, "\n"))
	}
}
