package twin_test

import (
	"math"
	"strings"
	"testing"

	"dctwin/twin"
)

// TestEnergy: srv-1 at 100 W idle, 200 W at full load, 50 % busy (150 W); it fails at
// 60 s, is repaired at 120 s and boots for 120 s (idle power) until 240 s; 600 s run:
//
//	150 W · 60 s + 0 + 100 W · 120 s + 150 W · 360 s = 9,000 + 12,000 + 54,000 J
//	= 75,000 J = 0.0208333 kWh
func TestEnergy(t *testing.T) {
	sc, err := twin.Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range []string{
		"topology.hosts[srv-1].power={idle: 100, max: 200, utilization: 0.5}",
		"topology.hosts[srv-1].boot_time=120s",
		"failures.scheduled=[{at: 60s, component: srv-1, kind: host, repair_after: 60s}]",
		"run.duration=10m",
	} {
		if err := sc.Override(kv); err != nil {
			t.Fatal(err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	r := tw.Report()
	if r.Energy == nil || math.Abs(r.Energy.TotalKWh-75000.0/3.6e6) > 1e-9 {
		t.Fatalf("energy %+v, want 0.0208333 kWh", r.Energy)
	}
	if v, ok := r.Metric("energy.host[srv-1].kwh"); !ok || math.Abs(v-75000.0/3.6e6) > 1e-9 {
		t.Errorf("metric energy.host[srv-1].kwh = %v, %v", v, ok)
	}
	var b strings.Builder
	r.WriteText(&b)
	if !strings.Contains(b.String(), "0.02083 kWh over 600 s") {
		t.Errorf("report lacks the energy line:\n%s", b.String())
	}
}

// TestPowerRefused: power settings that cannot be are refused where they are written.
func TestPowerRefused(t *testing.T) {
	for kv, want := range map[string]string{
		"topology.hosts[srv-1].power={model: hp-dl380}":                       "unknown power model \"hp-dl380\" (known: hp-ml110-g4, hp-ml110-g5, ibm-x3550)",
		"topology.hosts[srv-1].power={model: ibm-x3550, idle: 10}":            "give a model or idle and max watts, not both",
		"topology.hosts[srv-1].power={idle: 300, max: 200}":                   "need 0 ≤ idle ≤ max",
		"topology.hosts[srv-1].power={idle: 100, max: 200, utilization: 1.5}": "a share of the CPU from 0 to 1",
	} {
		sc, err := twin.Load("teaming-lab")
		if err != nil {
			t.Fatal(err)
		}
		// Refused by the override (which builds the topology) or, at the latest, by New.
		err = sc.Override(kv)
		if err == nil {
			_, err = twin.New(sc, twin.Options{})
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", kv, err, want)
		}
	}
}
