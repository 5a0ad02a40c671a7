package netbench_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dctwin/scenarios"
	"dctwin/twin/netbench"
)

// tiny is small enough that a run takes a fraction of a second.
var tiny = scenarios.Fabric{Switches: 6, Hosts: 12, Flows: 40, Duration: 10 * time.Minute, Seed: 2}

// The result describes the generated model by the generator's own arithmetic and
// carries a figure for every phase.
func TestRunTinyFabric(t *testing.T) {
	var progress bytes.Buffer
	r, err := netbench.Run(tiny, &progress)
	if err != nil {
		t.Fatal(err)
	}
	// 6 switches: 2 cores and 2 access pairs; 12 hosts with 2 NICs each; 1 client
	// (Hosts/10, at least 1). Links: 1 core ISL + 2 access ISLs + 2×4 uplinks (every
	// access switch to both cores) + 24 NIC cables + 1 client cable = 36.
	want := netbench.Result{Switches: 6, Hosts: 12, NICs: 24, Clients: 1, Links: 36, Flows: 40, SimS: 600, Seed: 2}
	got := netbench.Result{Switches: r.Switches, Hosts: r.Hosts, NICs: r.NICs, Clients: r.Clients, Links: r.Links,
		Flows: r.Flows, SimS: r.SimS, Seed: r.Seed}
	if got != want {
		t.Errorf("model %+v, want %+v", got, want)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"events", "events_per_s", "run_s", "load_s", "build_s", "generate_s",
		"peak_heap_inuse_bytes", "peak_sys_bytes", "total_alloc_bytes", "scenario_bytes", "flow_evaluations"} {
		if v, ok := m[key].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", key, m[key])
		}
	}
	for _, key := range []string{"failures", "flow_outages", "unrestored", "flow_availability", "max_outage_ms"} {
		if _, ok := m[key]; !ok {
			t.Errorf("%s missing", key)
		}
	}
	// A line per phase, and one per tenth of the simulated time.
	p := progress.String()
	if !strings.Contains(p, "running 10m0s simulated ...\n") || strings.Count(p, " s simulated, ") != 10 {
		t.Errorf("progress:\n%s", p)
	}

	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	labels := []string{"model", "run", "failures", "events", "wall time", "memory", "machine"}
	if len(lines) != len(labels) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(labels), b.String())
	}
	for i, l := range labels {
		if !strings.HasPrefix(lines[i], l+" ") {
			t.Errorf("line %d %q, want it labelled %q", i+1, lines[i], l)
		}
	}
	if !strings.Contains(lines[0], "6 switches, 12 hosts (24 NICs in NFT teams), 1 clients, 36 links, 40 flows") {
		t.Errorf("model line %q", lines[0])
	}
}

// A generator error comes back as an error, not a panic or a half result.
func TestRunRefusesAnOddFabric(t *testing.T) {
	if r, err := netbench.Run(scenarios.Fabric{Switches: 5}, &bytes.Buffer{}); err == nil || r != nil {
		t.Errorf("5 switches: %v, %v", r, err)
	}
}

// Quick takes a tenth of the sizes and keeps the switches even.
func TestQuick(t *testing.T) {
	q := netbench.Quick(scenarios.FabricDefaults)
	if q.Switches != 20 || q.Hosts != 200 || q.Flows != 2000 || q.Duration != time.Hour {
		t.Errorf("quick defaults %+v", q)
	}
	if q := netbench.Quick(scenarios.Fabric{Switches: 250, Hosts: 1000, Flows: 10}); q.Switches != 26 || q.Hosts != 100 || q.Flows != 1 {
		t.Errorf("quick 250/1000/10: %+v", q)
	}
}
