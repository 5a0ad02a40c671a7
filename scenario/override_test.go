package scenario_test

import (
	"strings"
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology"
	"dctwin/twin"
)

func TestSetOverridesTheSpecAndWhatIsBuiltFromIt(t *testing.T) {
	sc, err := scenarios.Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct{ path, value string }{
		{"topology.hosts[srv-1].teams[bond0].detection.method", "carrier"},
		{"topology.hosts[0].teams[0].gratuitous_arp", "0"},
		{"topology.switches[edge-a].mac_aging", "20s"},
		{"topology.links[isl].latency", "0s"},
		{"failures.scheduled[0].at", "12s"},
		{"run.seed", "7"},
		{"topology.hosts[srv-1].teams[bond0].members", "[eth1, eth0]"},
	}
	for _, s := range sets {
		if err := sc.Set(s.path, s.value); err != nil {
			t.Fatalf("Set(%s, %s): %v", s.path, s.value, err)
		}
	}
	top := sc.Topology()
	team := top.Host("srv-1").Teams[0]
	if team.Detection.Method != topology.Carrier || team.GratuitousARP != 0 {
		t.Errorf("team not overridden: %+v", team)
	}
	if top.Switch("edge-a").MACAging != 20*time.Second {
		t.Errorf("mac_aging %v", top.Switch("edge-a").MACAging)
	}
	// A written 0 is kept, not replaced by the default.
	for _, l := range top.Links {
		if l.Name == "isl" && l.Latency != 0 {
			t.Errorf("isl latency %v, want the written 0", l.Latency)
		}
	}
	if sc.Spec.Failures.Scheduled[0].At.D() != 12*time.Second || sc.Run().Seed != 7 {
		t.Errorf("failure at %v, seed %d", sc.Spec.Failures.Scheduled[0].At, sc.Run().Seed)
	}
	if m := team.Members; len(m) != 2 || m[0] != "eth1" {
		t.Errorf("members %v", m)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	rep := tw.Report()
	if rep.Seed != 7 || rep.Failures[0].AtS != 12 {
		t.Errorf("report seed %d, failure at %v s", rep.Seed, rep.Failures[0].AtS)
	}
	if d := rep.Failures[0].DetectedAfterMs; d == nil || *d != 0 {
		t.Errorf("carrier detection should be immediate, got %v", d)
	}
}

func TestSetRefusesWhatDoesNotExistOrFit(t *testing.T) {
	for _, c := range []struct{ path, value, want string }{
		{"topology.hosts[srv-9].role", "x", `has no item named "srv-9" (names: srv-1)`},
		{"topology.hosts[srv-1].teams[bond0].detection.methd", "carrier", `has no key "methd" (expected one of: downdelay, interval, method, missed, updelay)`},
		{"topology.hosts[srv-1].teams[bond0].detection.method", "carier", `--set topology.hosts[srv-1].teams[bond0].detection.method: unknown detection "carier"`},
		{"topology.links[isl].latency", "10", `--set topology.links[isl].latency:1:1: invalid duration "10"`},
		{"topology.links[7]", "{}", "has 4 items: index 7 is out of range"},
		{"failures.scheduled[x].at", "1s", "its items have no names: use an index"},
		{"topology.switches[edge-a].ports.x", "1", "is a value, not a section"},
		{"topology..hosts", "1", "empty key"},
		{"topology.hosts[", "1", "unclosed ["},
		{"run.seed", "", "no value"},
		{"nonsense", "1", `the scenario has no key "nonsense"`},
	} {
		sc, err := scenarios.Load("teaming-lab")
		if err != nil {
			t.Fatal(err)
		}
		err = sc.Set(c.path, c.value)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Set(%s, %q) = %v, want an error with %q", c.path, c.value, err, c.want)
		}
	}
}

// Override takes PATH=VALUE as --set does: the path is trimmed, the value is YAML and
// may contain "=", and text without "=" is refused.
func TestOverrideParsesAssignments(t *testing.T) {
	sc, err := scenarios.Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Override(" run.seed = 9"); err != nil {
		t.Fatal(err)
	}
	if sc.Run().Seed != 9 {
		t.Errorf("seed %d after run.seed = 9", sc.Run().Seed)
	}
	if err := sc.Override("topology.hosts[srv-1].role=a=b"); err != nil {
		t.Fatal(err)
	}
	if role := sc.Topology().Host("srv-1").Role; role != "a=b" {
		t.Errorf("role %q, want everything after the first =", role)
	}
	if err := sc.Override("run.seed"); err == nil || err.Error() != "--set run.seed: expected PATH=VALUE" {
		t.Errorf("no =: %v", err)
	}
	if err := sc.Override("run.nope=1"); err == nil || !strings.HasPrefix(err.Error(), "--set run.nope: ") {
		t.Errorf("unknown key: %v", err)
	}
}

// OverrideAll validates after the last override, so settings that only hold together
// come in any order: admission_control: percentage first, its memory_failover_percent
// second (one at a time, the first was refused for lacking the second). A policy
// still lacking its setting after the last override is refused, and a bad value stops
// at its own override.
func TestOverrideAllValidatesTogether(t *testing.T) {
	load := func() *scenario.Scenario {
		sc, err := scenarios.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	ha := "topology.clusters[vcluster].ha."
	if err := load().OverrideAll([]string{ha + "admission_control=percentage", ha + "memory_failover_percent=92"}); err != nil {
		t.Errorf("percentage, then its setting: %v", err)
	}
	if err := load().OverrideAll([]string{ha + "admission_control=percentage"}); err == nil ||
		!strings.Contains(err.Error(), "percentage needs cpu_failover_percent or memory_failover_percent") {
		t.Errorf("percentage alone: %v, want refused", err)
	}
	if err := load().OverrideAll([]string{"topology.vms[mcu].cpu_reservation_mhz=abc", ha + "admission_control=percentage"}); err == nil ||
		err.Error() != "--set topology.vms[mcu].cpu_reservation_mhz:1:1: expected a finite number, got abc" {
		t.Errorf("a value that is no number first: %v, want refused at its override alone", err)
	}
	// Errors the validation finds are listed together, each at its override.
	err := load().OverrideAll([]string{"topology.vms[mcu].on_guest_crash=explode", ha + "admission_control=percentage"})
	if err == nil || !strings.Contains(err.Error(), `--set topology.vms[mcu].on_guest_crash: unknown on_guest_crash "explode"`) ||
		!strings.Contains(err.Error(), "--set topology.clusters[vcluster].ha.admission_control: admission_control: percentage needs") {
		t.Errorf("two bad settings: %v, want both", err)
	}
}
