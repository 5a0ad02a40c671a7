package twin_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/twin"
	"dctwin/workloads/uc"
)

// classic-dc's PBX pair (pbx-a active on hv-1, pbx-b standby on hv-3; heartbeats every
// 1 s, timeout 3 s, takeover 2 s). hv-1 fails at 300 s, a whole second, so pbx-a's
// last heartbeat is at 300 s: pbx-b decides at 300 + 3 = 303 s and serves at
// 303 + 2 = 305 s, a service outage of 5 s, while HA is still electing a new master.
// HA brings pbx-a back on hv-3 at about 394 s (ha_test.go), and it finds pbx-b active:
// no second takeover, no second outage.
func TestVMClusterFailoverRacesHA(t *testing.T) {
	tw, fo, foAt := vmClusterRun(t)
	if len(fo) != 1 || fo[0].From != "pbx-a" || fo[0].To != "pbx-b" || fo[0].SplitBrain {
		t.Fatalf("failovers %+v, want one, pbx-a to pbx-b", fo)
	}
	if foAt[0] != 303*sim.Second || fo[0].After != 3*sim.Second {
		t.Errorf("failover at %v, %v after the last heartbeat; want 303 s, 3 s", foAt[0], fo[0].After)
	}
	f := tw.Report().Failures[1]
	if len(f.VMClusters) != 1 {
		t.Fatalf("service lines %+v, want one", f.VMClusters)
	}
	s := f.VMClusters[0]
	if s.OutageMs == nil || *s.OutageMs != 5000 || s.DetectedAfterMs == nil || *s.DetectedAfterMs != 3000 || s.To != "pbx-b" {
		t.Errorf("service line %+v, want down 5 s (3 s timeout + 2 s takeover) to pbx-b", s)
	}
	if v, _ := tw.VM("pbx-a"); v.State != twin.VMRunning {
		t.Errorf("pbx-a %s at the end, want running again (HA)", v.State)
	}
}

// Both of hv-1's NICs fail: pbx-a runs but nobody hears it. pbx-b takes over at the
// same instants, and says the split brain: pbx-a still runs.
func TestVMClusterSplitBrain(t *testing.T) {
	_, fo, foAt := vmClusterRun(t, [2]string{"failures.scheduled",
		`[{at: 5m, component: "hv-1:vmnic0", kind: nic, repair_after: 2m}, {at: 5m, component: "hv-1:vmnic1", kind: nic, repair_after: 2m}]`})
	if len(fo) == 0 || !fo[0].SplitBrain || foAt[0] != 303*sim.Second {
		t.Fatalf("failovers %+v at %v, want a split-brain takeover at 303 s", fo, foAt)
	}
}

func vmClusterRun(t *testing.T, sets ...[2]string) (*twin.Twin, []twin.VMClusterFailover, []sim.Time) {
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
	var fo []twin.VMClusterFailover
	var at []sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		if r, ok := r.(twin.VMClusterFailover); ok {
			fo, at = append(fo, r), append(at, now)
		}
	}))
	tw.Run()
	return tw, fo, at
}

// Calls follow the PBX pair's own failover: written as a VM cluster, the PBX has no
// serving node from pbx-a's loss (300 s) until pbx-b has taken over (305 s), so the
// calls that need the PBX's control then (ringing, or anchored at the media gateway,
// voicemail or bridge) are dropped at 300 s for "pbx lost", as workloads/uc drops them
// when a PBX has no node left; calls between phones talk on. Without the VM cluster
// the calls' failover_delay (0: a cluster address that moves at once) hands pbx-a's
// calls to pbx-b at the instant of the failure, and none is dropped.
func TestPBXPairDecidesCallFailover(t *testing.T) {
	for _, c := range []struct {
		sets    [][2]string
		dropped bool
	}{
		{nil, true},
		{[][2]string{{"topology.vm_clusters", "[]"}}, false},
	} {
		sc, err := twin.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.sets {
			if err := sc.Set(s[0], s[1]); err != nil {
				t.Fatal(err)
			}
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var drops []sim.Time
		tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
			if d, ok := r.(uc.CallDropped); ok && d.Reason == uc.ReasonPBXLost {
				drops = append(drops, at)
			}
		}))
		tw.Run()
		if (len(drops) > 0) != c.dropped {
			t.Errorf("VM cluster %v: calls dropped for a lost PBX at %v", c.dropped, drops)
		}
		for _, at := range drops {
			if at != 300*sim.Second {
				t.Errorf("a call dropped for a lost PBX at %v, want only at 300 s (pbx-b serves from 305 s)", at)
			}
		}
	}
}
