package twin_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/topology/check"
	"dctwin/twin"
)

// dctwin run misconfigured-dc --force lists every error and warning check finds, each
// with what it cost in the run or one line saying why it cost nothing; the costs of
// the planted mistakes are what their mechanisms make them.
func TestForcedRunShowsWhatEveryMistakeCosts(t *testing.T) {
	sc, err := twin.Load("misconfigured-dc")
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	r := tw.Report()
	fs := twin.Check(sc)
	if want := fs.Count(check.Error) + fs.Count(check.Warning); len(r.Mistakes) != want {
		t.Fatalf("%d mistakes in the report, check finds %d errors and warnings", len(r.Mistakes), want)
	}
	byKind := map[string][]string{}
	for _, m := range r.Mistakes {
		if len(m.Cost) == 0 && m.NoCost == "" {
			t.Errorf("%s [%s] says neither what it cost nor why it cost nothing", m.Message, m.Kind)
		}
		byKind[m.Kind] = append(byKind[m.Kind], strings.Join(m.Cost, "; ")+"|"+m.NoCost)
	}
	// db-write's LACP member on agg-1 fails at 60 s: the team notices at its next
	// miimon poll (the detection the report measures), finds its aggregator empty and
	// selects the one towards core-1, whose port attaches after 802.1AX's aggregate
	// wait of 2 s (topology.DefaultLACPAggregateWait).
	if len(r.Failures) == 0 || r.Failures[0].Component != "db-write:eth0" {
		t.Fatalf("the first failure should be db-write:eth0's: %+v", r.Failures)
	}
	miimon := -1.0
	for _, d := range r.Failures[0].Detections {
		if d.Mechanism == "miimon" && d.By == "db-write" {
			miimon = d.AfterMs
		}
	}
	if miimon < 0 || miimon >= 100 {
		t.Fatalf("db-write's miimon (100 ms) should notice within a poll: %+v", r.Failures[0].Detections)
	}
	lacp := fmt.Sprintf("cut off db-write for %.3f s", (miimon+2000)/1000)
	for kind, want := range map[string]string{
		// legacy-fax's NIC is in VLAN servers on a switch without it: cut off all run.
		"vlan-not-carried": "legacy-fax cut off from its gateway for 600.000 s of 600 s",
		// dir-1's TLB team sends some flows through eth1, whose port is in VLAN web.
		"team-vlan-mismatch":   "dir-1 cut off from its gateway for 600.000 s",
		"team-split-aggregate": lacp,
		// Both uplinks of ic-sw1 cut: hv-1's miimon sees its blade port up, the team
		// never fails over, hv-1 and its VMs stay cut off until the repair.
		"uplink-failure-invisible": "hv-1 until after the repair, pbx-a until after the repair",
		// gw-db's only router core-2 fails: db hosts lose their gateway until it boots.
		"gateway-one-switch":        "db-read-1 until after the repair",
		"vm-no-network":             "mgw cut off from its gateway for 600.000 s",
		"port-reused":               "left out of the run",
		"failure-unknown-component": "did not happen",
		"local-disk-in-cluster":     "HA does not restart a VM on a local disk",
	} {
		found := false
		for _, got := range byKind[kind] {
			found = found || strings.Contains(got, want)
		}
		if !found {
			t.Errorf("%s: want %q in %q", kind, want, byKind[kind])
		}
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "What the configuration errors and warnings cost in this run:") {
		t.Error("the text report has no section on what the mistakes cost")
	}
}

// A run without --force (no errors) has no such section.
func TestCleanRunListsNoMistakes(t *testing.T) {
	tw := twinWith(t, "classic-dc")
	tw.Run()
	if m := tw.Report().Mistakes; len(m) != 0 {
		t.Errorf("classic-dc reports mistakes: %v", m)
	}
}
