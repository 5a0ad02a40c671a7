package twin_test

import (
	"testing"

	"dctwin/sim"
)

// availability-lab: one service four ways on hv-1, each downtime from its mechanism's
// arithmetic (the scenario's settings and the defaults of topology/defaults.go):
//
//	NIC failure:    the NIC team fails over at carrier loss: no flow is interrupted.
//	host failure at 400 s, repaired at 460 s:
//	  db-team (teaming only): down until the repair + hv-1's boot: 60 s + 120 s = 180 s;
//	  db-ha (HA):   dead 18 s after hv-1's last heartbeat L, 399 s < L ≤ 400 s (slave,
//	                datastore heartbeats), + 60 s boot: in (77 s, 78 s];
//	  db-ft (FT):   3 missed 100 ms heartbeats after the one at 400 s: 300 ms;
//	  db-pair:      3 s timeout after the heartbeat at 400 s + 2 s takeover: 5 s.
func TestAvailabilityLab(t *testing.T) {
	rep := runBuiltin(t, "availability-lab").Report()
	if len(rep.Failures) != 3 {
		t.Fatalf("%d failures, want 3", len(rep.Failures))
	}
	if nic := rep.Failures[0]; len(nic.Flows) != 0 || len(nic.VMs) != 0 {
		t.Errorf("the NIC failure interrupted %+v and %+v, want nothing", nic.Flows, nic.VMs)
	}
	host := rep.Failures[2]
	down := map[string]float64{}
	for _, v := range host.VMs {
		if v.OutageMs == nil {
			t.Fatalf("%s not running again", v.VM)
		}
		down[v.VM] = *v.OutageMs
	}
	if down["db-team"] != 180_000 {
		t.Errorf("db-team down %v ms, want 180000 (repair 60 s + boot 120 s)", down["db-team"])
	}
	if d := down["db-ha"]; d <= 77_000 || d > 78_000 {
		t.Errorf("db-ha down %v ms, want in (77000, 78000] (18 s after the last heartbeat + 60 s boot)", d)
	}
	// hv-1 fails at 400 s (seed 1). db-ft's primary sends its FT heartbeats every
	// 100 ms at its phase; the secondary goes live 3 intervals after the last one.
	// db-pair's active VM sends every 1 s at its phase; the standby decides 3 s after
	// the last one and serves 2 s later.
	at := 400 * sim.Second
	ft := beatBefore(at, phaseOf(1, "ft/db-ft", 100*sim.Millisecond), 100*sim.Millisecond) + 300*sim.Millisecond - at
	if down["db-ft"] != ft.Milliseconds() {
		t.Errorf("db-ft down %v ms, want %v (last heartbeat + 3 x 100 ms)", down["db-ft"], ft)
	}
	svc := beatBefore(at, phaseOf(1, "vm-cluster/db-pair", sim.Second), sim.Second) + 5*sim.Second - at
	if len(host.VMClusters) != 1 || host.VMClusters[0].OutageMs == nil || *host.VMClusters[0].OutageMs != svc.Milliseconds() {
		t.Errorf("db-pair service %+v, want down %v (last heartbeat + 3 s + 2 s)", host.VMClusters, svc)
	}
}
