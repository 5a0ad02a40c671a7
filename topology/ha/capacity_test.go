package ha

import (
	"strings"
	"testing"

	"dctwin/sim"
)

// waker is a world with DPM standby hosts: WakeFor powers the first standby host on,
// which boots for 300 s and then leaves standby, as the twin's DPM does.
type waker struct {
	*world
	c       *Cluster
	standby []string
	asked   [][]string // the VMs of each request
}

func (w *waker) WakeFor(vms []VM) {
	var names []string
	for _, v := range vms {
		names = append(names, v.Name)
	}
	w.asked = append(w.asked, names)
	if len(w.standby) == 0 {
		return
	}
	h := w.standby[0]
	w.standby = w.standby[1:]
	w.s.After(300*sim.Second, func() {
		w.up[h] = true
		w.c.Changed()
		w.c.SetMaintenance(h, false)
	})
}

// TestWakeStandbyForRestarts: h1, h2, h3 of 64 GB; h3 in DPM standby (off). h1 runs a
// 48 GB VM, h2 two of 32 GB. h2 (a slave, no heartbeat datastores) fails at 100 s,
// last heard at L in (99 s, 100 s]:
//
//	L + 15 s   h2 declared dead; b1 and b2 find 64 − 48 = 16 GB on h1, no room:
//	           attempt 1 fails for both, and HA asks for standby hosts (one request
//	           with both VMs); h3 powers on
//	L + 15 s + 2 min   attempt 2 fails (h3 still boots); asked again
//	L + 15 s + 300 s   h3 has booted and left standby: HA places b1 and b2 there
//	                   at once (attempt 3), not at the next scheduled attempt (6 min)
//	L + 375 s          both run on h3 (60 s boot)
//
// So the downtime from the failure is (L − 100 s) + 15 s + 300 s + 60 s.
func TestWakeStandbyForRestarts(t *testing.T) {
	s := sim.New(1)
	base := newWorld(s, "h1", "h2", "h3")
	hosts := []Host{{Name: "h1", Cores: 16, RAMGB: 64}, {Name: "h2", Cores: 16, RAMGB: 64}, {Name: "h3", Cores: 16, RAMGB: 64}}
	vms := []VM{{Name: "a1", Host: "h1", VCPU: 4, RAMGB: 48, BootTime: sim.Minute},
		{Name: "b1", Host: "h2", VCPU: 4, RAMGB: 32, BootTime: sim.Minute}, {Name: "b2", Host: "h2", VCPU: 4, RAMGB: 32, BootTime: sim.Minute}}
	w := &waker{world: base, standby: []string{"h3"}}
	c, err := New(s, "cl", Config{}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	w.c = c
	c.SetMaintenance("h3", true)
	base.up["h3"] = false
	c.Changed()
	fail(s, base, c, 100*sim.Second, "h2")
	s.RunUntil(20 * sim.Minute)
	h2 := c.byName["h2"]
	last := h2.phase + (100*sim.Second-h2.phase)/sim.Second*sim.Second
	dead := last + 15*sim.Second
	if got := base.first(t, "h2", "declared dead"); got != dead {
		t.Fatalf("declared dead at %v, want %v", got, dead)
	}
	if len(w.asked) != 2 || len(w.asked[0]) != 2 || w.asked[0][0] != "b1" || w.asked[0][1] != "b2" {
		t.Errorf("requests %v, want [b1 b2] at the declaration and again at the 2-min attempt", w.asked)
	}
	for _, v := range []string{"b1", "b2"} {
		if got := base.first(t, v, "HA restart attempt 1 failed"); got != dead {
			t.Errorf("%s: attempt 1 failed at %v, want %v", v, got, dead)
		}
		if got, want := base.first(t, v, "HA restarts the VM on h3 (attempt 3)"), dead+300*sim.Second; got != want {
			t.Errorf("%s restarted on h3 at %v, want %v (declaration + the host's 300 s boot)", v, got, want)
		}
		if got, want := base.first(t, v, "running again on h3"), dead+360*sim.Second; got != want {
			t.Errorf("%s running at %v, want %v", v, got, want)
		}
		if base.running[v] != "h3" {
			t.Errorf("%s runs on %q, want h3", v, base.running[v])
		}
	}
	// No scheduled attempt comes after the restart (the 6-min one is called off).
	for _, l := range base.recorded {
		if strings.Contains(l, "attempt 3 failed") || strings.Contains(l, "files are locked") {
			t.Errorf("an attempt after the restart: %s", l)
		}
	}
}
