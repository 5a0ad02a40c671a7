package twin_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/twin"
)

// runVLANLab runs vlan-lab with overrides (forced) and returns its report.
func runVLANLab(t *testing.T, sets ...string) *twin.Report {
	t.Helper()
	sc, err := twin.Load("vlan-lab")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range sets {
		path, value, _ := strings.Cut(kv, "=")
		if err := sc.Set(path, value); err != nil {
			t.Fatal(err)
		}
	}
	tw, err := twin.New(sc, twin.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	return tw.Report()
}

// The lessons of vlan-lab, as its header gives the commands. srv-1's active NIC fails
// at 10 s and returns at 70 s; the team's miimon polls every 100 ms at a phase drawn
// from the seed, so it notices after d (the report's detection) and notices the return
// after d as well; updelay is 200 ms (two more polls) before eth0 is used again.
func TestVLANLabLessons(t *testing.T) {
	miimon := func(t *testing.T, r *twin.Report) float64 {
		t.Helper()
		if len(r.Failures) != 1 {
			t.Fatalf("want one failure, got %d", len(r.Failures))
		}
		for _, d := range r.Failures[0].Detections {
			if d.Mechanism == "miimon" {
				return d.AfterMs
			}
		}
		t.Fatal("miimon never noticed")
		return 0
	}
	t.Run("as written: the team fails over in one poll", func(t *testing.T) {
		r := runVLANLab(t)
		d := miimon(t, r)
		for _, fo := range r.Failures[0].Flows {
			if fo.OutageMs == nil || *fo.OutageMs != d {
				t.Errorf("%s %s: outage %v, want the detection %.3f ms", fo.Flow, fo.Direction, fo.OutageMs, d)
			}
		}
	})
	// Both mistakes leave the server cut off from the failover until it fails back:
	// back d + 200 ms after the repair.
	for _, c := range []struct{ name, set string }{
		{"ISL without the server VLAN", "topology.links[isl].vlans=[voice, clients]"},
		{"eth1 on an access port of VLAN voice", "topology.links[srv-1-eth1].vlans=[voice]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runVLANLab(t, c.set)
			d := miimon(t, r)
			want := fmt.Sprintf("back %.3f ms after the repair", d+200)
			if len(r.Failures[0].Flows) != 4 {
				t.Fatalf("want all four flow directions hit, got %+v", r.Failures[0].Flows)
			}
			for _, fo := range r.Failures[0].Flows {
				if fo.OutageMs != nil || !strings.Contains(fo.Note, want) {
					t.Errorf("%s %s: outage %v %q, want not restored before repair, %s", fo.Flow, fo.Direction, fo.OutageMs, fo.Note, want)
				}
			}
		})
	}
	// SLB over edge-a and edge-b: the team sends with one MAC on both; edge-a learns it
	// on its server port and on the ISL (eth1's frames reach the gateway that way) and
	// flaps. While both members are up nothing is lost (the argument is in
	// TestSLBSplitOverTwoSwitchesFlaps); when eth0 fails, the flows the team hashed onto
	// it wait for miimon's detection.
	t.Run("SLB over two switches that are not a cluster", func(t *testing.T) {
		r := runVLANLab(t, "topology.hosts[srv-1].teams[bond0].mode=slb")
		d := miimon(t, r)
		for _, f := range r.Flows {
			if f.Outages > 1 || f.Outages == 1 && f.DownMs != d {
				t.Errorf("%s %s: %d outages, %.3f ms down; only the failure's %.3f ms is expected", f.Flow, f.Direction, f.Outages, f.DownMs, d)
			}
		}
		flapped := false
		for _, m := range r.Mistakes {
			for _, c := range m.Cost {
				flapped = flapped || m.Kind == "team-split-aggregate" && strings.Contains(c, "flapped between two ports at edge-a")
			}
		}
		if !flapped {
			t.Errorf("no MAC flapping at edge-a in the report: %+v", r.Mistakes)
		}
	})
}

// TestFailedSetupCharged: with the ISL pruned of the server VLAN, srv-1 (the PBX) is cut
// off from the failover at 10 s until after the repair at 70 s; the call dialled in
// that window cannot reach its PBX and fails its setup at timer B: the failure's calls
// line charges it (the run's only failed setup).
func TestFailedSetupCharged(t *testing.T) {
	sc, err := twin.Load("vlan-lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Override("topology.links[isl].vlans=[voice, clients]"); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	r := tw.Report()
	if r.Calls == nil || r.Calls.FailedSetup == 0 {
		t.Fatalf("no failed setup in the run: %+v", r.Calls)
	}
	if f := r.Failures[0]; f.CallsFailedSetup == nil || *f.CallsFailedSetup != r.Calls.FailedSetup {
		t.Errorf("failure 1 charged %v failed setups, the run had %d", f.CallsFailedSetup, r.Calls.FailedSetup)
	}
}
