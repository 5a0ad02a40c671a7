package ha

import (
	"testing"

	"dctwin/sim"
)

// Three 64 GB hosts; a and b form an anti-affinity group, a on h1 (with 40 GB of
// other VMs), b on h2 (with nothing else). h1 fails at 10 s: by free memory alone a
// would restart on h2 (64 − 8 = 56 GB free against h3's 64 − 32 = 32 GB), but b runs
// there, so it goes to h3, which fits. With h3 full (60 GB taken) nothing apart fits,
// and the soft rule gives way: a restarts on h2 beside b.
func TestRestartKeepsGroupApart(t *testing.T) {
	for _, c := range []struct {
		h3Load float64
		want   string
	}{{32, "h3"}, {60, "h2"}} {
		s := sim.New(1)
		w := newWorld(s, "h1", "h2", "h3")
		hosts := []Host{{Name: "h1", RAMGB: 64, ReservedRAMGB: 40}, {Name: "h2", RAMGB: 64}, {Name: "h3", RAMGB: 64, ReservedRAMGB: c.h3Load}}
		vms := []VM{{Name: "a", Host: "h1", RAMGB: 8, Apart: "pair"}, {Name: "b", Host: "h2", RAMGB: 8, Apart: "pair"}}
		cl, err := New(s, "cl", Config{}, hosts, vms, w)
		if err != nil {
			t.Fatal(err)
		}
		w.running["a"], w.running["b"] = "h1", "h2"
		fail(s, w, cl, 10*sim.Second, "h1")
		s.RunUntil(5 * sim.Minute)
		if got := w.running["a"]; got != c.want {
			t.Errorf("h3 with %g GB taken: a restarted on %q, want %s", c.h3Load, got, c.want)
		}
	}
}

// The master (h1, the first host) enters maintenance mode: the role goes at once to
// the host an election would choose (h2), without an election's time without a master;
// a later failure of h3 is then detected by h2 as by any master (15 s after h3's last
// heartbeat, no datastore heartbeats).
func TestMaintenanceHandsMasterOver(t *testing.T) {
	s, w, c := threeHosts(t, Config{})
	s.At(5*sim.Second, func() { c.SetMaintenance("h1", true) })
	fail(s, w, c, 100*sim.Second, "h3")
	s.RunUntil(10 * sim.Minute)
	if c.Master() != "h2" {
		t.Errorf("master %q, want h2", c.Master())
	}
	if at := w.first(t, "h2", "HA master of cl now: h1 entered maintenance mode"); at != 5*sim.Second {
		t.Errorf("handed over at %v, want 5 s", at)
	}
	at := w.first(t, "h3", "declared dead by HA (h2)")
	if at <= 100*sim.Second || at > 115*sim.Second {
		t.Errorf("h3 declared dead at %v, want in (100 s, 115 s] (15 s after its last heartbeat)", at)
	}
}
