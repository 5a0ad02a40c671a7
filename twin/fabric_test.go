package twin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology/check"
	"dctwin/twin"
)

// smallFabric is a generated fabric small enough for a unit test: 3 access pairs,
// 24 hosts, 5 minutes.
var smallFabric = scenarios.Fabric{Switches: 8, Hosts: 24, Flows: 60, Duration: 5 * time.Minute, Seed: 3}

func parseFabric(t testing.TB, f scenarios.Fabric) *scenario.Scenario {
	t.Helper()
	data, err := f.YAML()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("fabric.yaml", data)
	if err != nil {
		t.Fatalf("generated scenario does not load: %v", err)
	}
	return sc
}

// TestFabricLoadsAndChecks loads generated fabrics of several shapes and requires zero
// check errors, and the sizes the spec asked for.
func TestFabricLoadsAndChecks(t *testing.T) {
	specs := []scenarios.Fabric{
		smallFabric,
		{Switches: 4, Hosts: 2, Flows: 1, Clients: 1, Duration: time.Minute},
		{Switches: 10, Hosts: 37, Clients: 5, Flows: 100, Detection: "carrier", SpanningTree: "stp"},
		{Switches: 6, Hosts: 12, Flows: 30, Detection: "heartbeat"},
		{Switches: 22, Hosts: 200, Flows: 2000, LinkMTBF: -1, NICMTBF: -1, SwitchMTBF: -1},
		{Switches: 10, Hosts: 40, Flows: 100, VLANs: 4, Phones: 1000},
		{Switches: 10, Hosts: 40, Flows: 100, VLANs: 3, Phones: 5, AsymmetricVRRP: true},
		// more access switches than a core has ports: aggregation pairs between them
		{Switches: 1040, Hosts: 1100, Clients: 1, Flows: 10, Duration: time.Minute},
	}
	for _, f := range specs {
		t.Run(fmt.Sprintf("sw%d_h%d_%s_%s_v%d_p%d", f.Switches, f.Hosts, f.Detection, f.SpanningTree, f.VLANs, f.Phones), func(t *testing.T) {
			sc := parseFabric(t, f)
			for _, fd := range twin.Check(sc) {
				if fd.Severity == check.Error {
					t.Errorf("check error: %v", fd)
				}
			}
			want, err := f.Counts()
			if err != nil {
				t.Fatal(err)
			}
			top := sc.Topology()
			nics := 0
			for _, h := range top.Hosts {
				nics += len(h.NICs)
				if len(h.Teams) != 1 {
					t.Errorf("%s has %d teams, want 1", h.Name, len(h.Teams))
				}
			}
			clients, phones, vlans := 0, 0, 0
			for _, e := range top.Endpoints {
				if e.Kind == "phone" {
					phones++
				} else {
					clients++
				}
			}
			if g := sc.Spec.Workloads.Calls.Groups; len(g) > 0 {
				phones *= g[0].Stations
			}
			for _, v := range top.VLANs {
				if strings.HasPrefix(v.Name, "servers") {
					vlans++
				}
			}
			got := scenarios.FabricCounts{Switches: len(top.Switches), AccessSwitches: want.AccessSwitches,
				Hosts: len(top.Hosts), NICs: nics, Clients: clients, Links: len(top.Links),
				Flows: len(sc.Workloads().Flows), Phones: phones, VLANs: vlans}
			if got != want {
				t.Errorf("sizes %+v, want %+v", got, want)
			}
		})
	}
}

// TestFabricDeterministic: the same spec gives the same bytes; another seed other
// flows.
func TestFabricDeterministic(t *testing.T) {
	a, err := smallFabric.YAML()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := smallFabric.YAML()
	if !bytes.Equal(a, b) {
		t.Error("same spec, different scenario text")
	}
	other := smallFabric
	other.Seed++
	c, _ := other.YAML()
	if bytes.Equal(a, c) {
		t.Error("another seed gave the same scenario text")
	}
}

// TestFabricRejectsBadSpecs: sizes the generator cannot lay out are errors, not a
// scenario that fails later.
func TestFabricRejectsBadSpecs(t *testing.T) {
	for _, f := range []scenarios.Fabric{
		{Switches: 5}, {Switches: 2}, {Hosts: 1}, {Flows: -1},
		{Detection: "beacon"}, {SpanningTree: "mstp"}, {Duration: time.Millisecond},
	} {
		if _, err := f.YAML(); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
}

// TestFabricRuns builds and runs a small generated fabric: random failures happen and
// the run is reproducible.
func TestFabricRuns(t *testing.T) {
	f := smallFabric
	f.Failures = 20
	report := func() []byte {
		tw, err := twin.New(parseFabric(t, f), twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tw.Run()
		rep := tw.Report()
		if rep.Summary.Failures == 0 {
			t.Error("no random failures in a run that expects about 20")
		}
		js, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	if a, b := report(), report(); !bytes.Equal(a, b) {
		t.Error("same generated scenario and seed, different reports")
	}
}

// BenchmarkGeneratedFabric loads, builds and runs a generated fabric of 22 switches,
// 200 hosts and 2,000 flows for 10 simulated minutes; `dctwin bench network` runs the
// full size. events/s counts kernel events of the run phase only.
func BenchmarkGeneratedFabric(b *testing.B) {
	f := scenarios.Fabric{Switches: 22, Hosts: 200, Flows: 2000, Duration: 10 * time.Minute, Seed: 1}
	data, err := f.YAML()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var events uint64
	var runWall time.Duration
	for b.Loop() {
		sc, err := scenario.Parse("fabric.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		tw.Run()
		runWall += time.Since(start)
		events += tw.Sim.Steps()
	}
	b.ReportMetric(float64(events)/runWall.Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}
