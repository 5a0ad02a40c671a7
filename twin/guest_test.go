package twin_test

import (
	"testing"

	"dctwin/sim"
)

// Failures of kind vm: the guest stops, its host runs on. Each outage from its
// mechanism (failure at 300 s, repaired at 420 s):
//
//	web-1 without VM monitoring: until the repair, 120 s;
//	web-1 with VM monitoring (ha.vm_monitoring): reset 30 s after the guest's last
//	  heartbeat (reference-facts §6.1, failureInterval 30 s), then 60 s of boot: 90 s;
//	web-broker (FT): its lockstep secondary fails with it, no takeover: 120 s;
//	pbx-a (the PBX pair's active VM): the pair's service is back after 3 s + 2 s.
func TestGuestFailures(t *testing.T) {
	for _, c := range []struct {
		vm, monitoring string
		want           float64
		detectedBy     string
	}{
		{"web-1", "false", 120_000, ""},
		{"web-1", "true", 90_000, "HA VM monitoring"},
		{"web-broker", "true", 120_000, ""},
	} {
		tw := runBuiltin(t, "classic-dc",
			[2]string{"failures.scheduled", "[{at: 5m, component: " + c.vm + ", kind: vm, repair_after: 2m}]"},
			[2]string{"topology.clusters[vcluster].ha.vm_monitoring", c.monitoring})
		f := tw.Report().Failures[0]
		if len(f.VMs) != 1 || f.VMs[0].OutageMs == nil || *f.VMs[0].OutageMs != c.want {
			t.Errorf("%s (monitoring %s): VM lines %+v, want down %v ms", c.vm, c.monitoring, f.VMs, c.want)
		}
		by := ""
		for _, d := range f.Detections {
			by = d.Mechanism
			if d.AfterMs != 30_000 {
				t.Errorf("%s: detected by %s after %v ms, want 30000", c.vm, d.Mechanism, d.AfterMs)
			}
		}
		if by != c.detectedBy {
			t.Errorf("%s (monitoring %s): detected by %q, want %q", c.vm, c.monitoring, by, c.detectedBy)
		}
	}
	tw := runBuiltin(t, "classic-dc", [2]string{"failures.scheduled", "[{at: 5m, component: pbx-a, kind: vm, repair_after: 2m}]"})
	f := tw.Report().Failures[0]
	// pbx-a's guest stops at 300 s; pbx-b decides 3 s after pbx-a's last heartbeat
	// (at its phase, seed 1) and serves 2 s later.
	want := beatBefore(300*sim.Second, phaseOf(1, "vm-cluster/pbx-pair", sim.Second), sim.Second) + 5*sim.Second - 300*sim.Second
	if len(f.VMClusters) != 1 || f.VMClusters[0].OutageMs == nil || *f.VMClusters[0].OutageMs != want.Milliseconds() {
		t.Errorf("pbx-pair service %+v, want down %v", f.VMClusters, want)
	}
}
