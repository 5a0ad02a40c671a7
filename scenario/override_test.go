package scenario_test

import (
	"strings"
	"testing"
	"time"

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
