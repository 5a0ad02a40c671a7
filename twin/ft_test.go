package twin_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// ftRun runs classic-dc with overrides and keeps the FT records with their instants.
func ftRun(t *testing.T, sets ...[2]string) (*twin.Twin, []twin.FTTakeover, []sim.Time, []twin.FTProtection) {
	t.Helper()
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		if err := sc.Set(s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var takeovers []twin.FTTakeover
	var at []sim.Time
	var prot []twin.FTProtection
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		switch r := r.(type) {
		case twin.FTTakeover:
			takeovers, at = append(takeovers, r), append(at, now)
		case twin.FTProtection:
			prot = append(prot, r)
		}
	}))
	tw.Run()
	return tw, takeovers, at, prot
}

// web-broker's FT primary runs on hv-3, its secondary on hv-1 (the first other host
// of the cluster). hv-3 fails at 300 s, a whole multiple of the FT heartbeat interval
// (100 ms, topology.DefaultFTHeartbeat), so the last heartbeat is at 300 s and the
// secondary goes live 3 intervals later (DefaultFTMissed): at 300.3 s. The VM's
// outage, and its flows', is that 300 ms (the virtual switch's RARP re-points the
// switches at once); a new secondary is placed on hv-2.
func TestFTTakeover(t *testing.T) {
	tw, takeovers, at, prot := ftRun(t, [2]string{"failures.scheduled", "[{at: 5m, component: hv-3, kind: host, repair_after: 2m}]"})
	if len(takeovers) != 1 || takeovers[0].VM != "web-broker" || takeovers[0].From != "hv-3" || takeovers[0].To != "hv-1" {
		t.Fatalf("takeovers %+v, want web-broker from hv-3 to hv-1", takeovers)
	}
	if want := 300*sim.Second + 300*sim.Millisecond; at[0] != want {
		t.Errorf("takeover at %v, want %v (last heartbeat 300 s + 3 x 100 ms)", at[0], want)
	}
	if len(prot) != 1 || !prot[0].Protected || prot[0].Secondary != "hv-2" {
		t.Errorf("protection records %+v, want a new secondary on hv-2", prot)
	}
	f := tw.Report().Failures[0]
	var vm *twin.VMOutageResult
	for i := range f.VMs {
		if f.VMs[i].VM == "web-broker" {
			vm = &f.VMs[i]
		}
	}
	if vm == nil || vm.OutageMs == nil || *vm.OutageMs != 300 || vm.Mechanism != "FT takeover" || vm.ResumedOn != "hv-1" {
		t.Fatalf("web-broker's VM line %+v, want down 300 ms, FT takeover on hv-1", vm)
	}
	for _, fo := range f.Flows {
		if fo.Flow == "browse-1" && (fo.OutageMs == nil || *fo.OutageMs != 300) {
			t.Errorf("flow %s %s: outage %v, want 300 ms", fo.Flow, fo.Direction, fo.OutageMs)
		}
	}
}

// The FT logging network cut while the primary runs (both of hv-3's NICs fail): the
// primary holds the lock on shared storage and stays live; the pair is unprotected,
// nothing takes over (reference-facts §6.2, split-brain avoidance).
func TestFTLoggingCut(t *testing.T) {
	_, takeovers, _, prot := ftRun(t, [2]string{"failures.scheduled",
		`[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}]`})
	if len(takeovers) != 0 {
		t.Errorf("takeovers %+v with the primary running", takeovers)
	}
	lost := false
	for _, p := range prot {
		lost = lost || p.VM == "web-broker" && !p.Protected
	}
	if !lost {
		t.Errorf("protection records %+v, want web-broker unprotected", prot)
	}
}
