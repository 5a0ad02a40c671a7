package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyFabric is small enough that a bench run takes a fraction of a second.
var tinyFabric = []string{"--switches", "6", "--hosts", "12", "--flows", "40", "--duration", "10m", "--seed", "2"}

func TestBenchNetworkJSON(t *testing.T) {
	out, errOut, err := run(t, append([]string{"bench", "network", "--json"}, tinyFabric...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for key, want := range map[string]float64{
		"switches": 6, "hosts": 12, "nics": 24, "clients": 1, "flows": 40, "sim_duration_s": 600, "seed": 2,
		// 1 core ISL + 2 access ISLs + 2×4 uplinks + 24 NIC cables + 1 client cable
		"links": 36,
	} {
		if got, ok := r[key].(float64); !ok || got != want {
			t.Errorf("%s = %v, want %v", key, r[key], want)
		}
	}
	for _, key := range []string{"events", "events_per_s", "run_s", "load_s", "build_s", "generate_s",
		"peak_heap_inuse_bytes", "peak_sys_bytes", "total_alloc_bytes", "scenario_bytes", "flow_evaluations"} {
		if v, ok := r[key].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", key, r[key])
		}
	}
	for _, key := range []string{"failures", "flow_outages", "unrestored", "flow_availability", "max_outage_ms"} {
		if _, ok := r[key]; !ok {
			t.Errorf("%s missing", key)
		}
	}
	if !strings.Contains(errOut, "running 10m") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}
}

func TestBenchNetworkTable(t *testing.T) {
	out, _, err := run(t, append([]string{"bench", "network"}, tinyFabric...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"model", "6 switches, 12 hosts", "events", "wall time", "memory", "peak heap"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchNetworkEmit writes the scenario, which `dctwin check` then accepts.
func TestBenchNetworkEmit(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fabric.yaml")
	if _, errOut, err := run(t, append([]string{"bench", "network", "--emit-scenario", file}, tinyFabric...)...); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# description: generated L2 fabric") {
		t.Errorf("unexpected start:\n%.200s", data)
	}
	if out, _, err := run(t, "check", file); err != nil {
		t.Errorf("dctwin check: %v\n%s", err, out)
	}
}

func TestBenchNetworkBadSize(t *testing.T) {
	_, _, err := run(t, "bench", "network", "--switches", "5")
	if exitCode(err) != 2 {
		t.Errorf("odd switch count: exit %d (%v), want 2", exitCode(err), err)
	}
}
