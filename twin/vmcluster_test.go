package twin_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/twin"
	"dctwin/workloads/uc"
)

// classic-dc's PBX pair (pbx-a active on hv-1, pbx-b standby on hv-3; heartbeats every
// 1 s, timeout 3 s, takeover 2 s). hv-1 fails at 300 s, a whole second; pbx-a sends
// at its phase in each second (seed 1, stream vm-cluster/pbx-pair), so its last
// heartbeat is at 299 s + phase (300 s at phase 0): pbx-b decides 3 s later and serves
// 2 s after that, a service outage of last + 5 s − 300 s, while HA is still electing a
// new master.
// HA brings pbx-a back on hv-3 at about 394 s (ha_test.go), and it finds pbx-b active:
// no second takeover, no second outage.
func TestVMClusterFailoverRacesHA(t *testing.T) {
	tw, fo, foAt := vmClusterRun(t)
	if len(fo) != 1 || fo[0].From != "pbx-a" || fo[0].To != "pbx-b" || fo[0].SplitBrain {
		t.Fatalf("failovers %+v, want one, pbx-a to pbx-b", fo)
	}
	last := beatBefore(300*sim.Second, phaseOf(1, "vm-cluster/pbx-pair", sim.Second), sim.Second)
	if foAt[0] != last+3*sim.Second || fo[0].After != 3*sim.Second {
		t.Errorf("failover at %v, %v after the last heartbeat; want %v, 3 s", foAt[0], fo[0].After, last+3*sim.Second)
	}
	f := tw.Report().Failures[1]
	if len(f.VMClusters) != 1 {
		t.Fatalf("service lines %+v, want one", f.VMClusters)
	}
	s := f.VMClusters[0]
	down, detected := (last + 5*sim.Second - 300*sim.Second).Milliseconds(), (last + 3*sim.Second - 300*sim.Second).Milliseconds()
	if s.OutageMs == nil || *s.OutageMs != down || s.DetectedAfterMs == nil || *s.DetectedAfterMs != detected || s.To != "pbx-b" {
		t.Errorf("service line %+v, want down %v ms (last heartbeat + 3 s timeout + 2 s takeover), detected after %v ms, to pbx-b", s, down, detected)
	}
	if v, _ := tw.VM("pbx-a"); v.State != twin.VMRunning {
		t.Errorf("pbx-a %s at the end, want running again (HA)", v.State)
	}
}

// Both of hv-1's NICs fail: pbx-a runs but nobody hears it. pbx-b takes over at the
// same instant as after a host failure, and says the split brain: pbx-a still runs.
func TestVMClusterSplitBrain(t *testing.T) {
	_, fo, foAt := vmClusterRun(t, [2]string{"failures.scheduled",
		`[{at: 5m, component: "hv-1:vmnic0", kind: nic, repair_after: 2m}, {at: 5m, component: "hv-1:vmnic1", kind: nic, repair_after: 2m}]`})
	want := beatBefore(300*sim.Second, phaseOf(1, "vm-cluster/pbx-pair", sim.Second), sim.Second) + 3*sim.Second
	if len(fo) == 0 || !fo[0].SplitBrain || foAt[0] != want {
		t.Fatalf("failovers %+v at %v, want a split-brain takeover at %v", fo, foAt, want)
	}
}

func vmClusterRun(t *testing.T, sets ...[2]string) (*twin.Twin, []twin.VMClusterFailover, []sim.Time) {
	t.Helper()
	tw := builtinTwin(t, "classic-dc", sets...)
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
