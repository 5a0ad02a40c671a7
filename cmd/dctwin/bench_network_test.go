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

// --json prints the result as one JSON object (twin/netbench's tests check its
// figures); progress goes to stderr.
func TestBenchNetworkJSON(t *testing.T) {
	out, errOut, err := run(t, append([]string{"bench", "network", "--json"}, tinyFabric...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if r["switches"] != 6.0 || r["hosts"] != 12.0 || r["flows"] != 40.0 || r["sim_duration_s"] != 600.0 || r["seed"] != 2.0 {
		t.Errorf("the flags did not reach the generator: %v", r)
	}
	if !strings.Contains(errOut, "running 10m") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}
}

// --quick takes a tenth of the sizes not given on the command line.
func TestBenchNetworkQuick(t *testing.T) {
	out, errOut, err := run(t, "bench", "network", "--quick", "--json", "--switches", "6", "--hosts", "100", "--duration", "1m")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r["switches"] != 6.0 || r["hosts"] != 100.0 || r["flows"] != 2000.0 {
		t.Errorf("--quick with --switches 6 --hosts 100: %v switches, %v hosts, %v flows; want 6, 100, 2000",
			r["switches"], r["hosts"], r["flows"])
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

// --cpuprofile and --memprofile write pprof profiles: gzip-compressed protocol
// buffers, so each file starts with gzip's magic bytes 1f 8b.
func TestBenchNetworkProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, heap := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "heap.pprof")
	_, errOut, err := run(t, append([]string{"bench", "network", "--cpuprofile", cpu, "--memprofile", heap}, tinyFabric...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, name := range []string{cpu, heap} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: %d bytes, not a gzip-compressed profile", filepath.Base(name), len(b))
		}
	}
}
