package experiments_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"dctwin/experiment"
	"dctwin/experiments"
)

// Every built-in experiment loads, says what it shows, runs (with 3 replications) and
// draws its plots; and its data point the way its description says.
func TestBuiltins(t *testing.T) {
	names := experiments.Names()
	for _, want := range []string{"teaming-modes", "teaming-vs-cluster", "rtp-timeout", "availability-year", "dpm-energy", "protection-downtime"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("built-in %s missing from %v", want, names)
		}
	}
	results := map[string]*experiment.Results{}
	for _, e := range experiments.List() {
		if e.Description == "" || strings.Contains(e.Description, "#") {
			t.Errorf("%s: description %q", e.Name, e.Description)
		}
		spec, err := experiments.Load(e.Name)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if err := spec.Apply(experiment.Overrides{Replications: 3}); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), e.Name)
		if _, err := experiment.Run(context.Background(), spec, experiment.Options{Dir: dir}); err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		w, err := experiment.WriteReport(dir, nil)
		if err != nil || len(w.Plots) == 0 {
			t.Fatalf("%s: report: %v", e.Name, err)
		}
		if results[e.Name], err = experiment.ReadResults(dir, nil); err != nil {
			t.Fatal(err)
		}
	}
	mean := func(exp, metric string, labels ...string) float64 {
		r := results[exp]
		var all []float64
		for _, c := range r.Configs {
			l := r.Spec.Labels(c)
			match := true
			for i := 0; i+1 < len(labels); i += 2 {
				p := r.Spec.Parameter(labels[i])
				for j, q := range r.Spec.Parameters {
					if q == p && l[j] != labels[i+1] {
						match = false
					}
				}
			}
			if match {
				all = append(all, r.Values(c.Index, metric)...)
			}
		}
		return experiment.Summarize(all).Mean
	}
	// Carrier loss is noticed at once; miimon at its next poll, up to 100 ms later.
	if c, m := mean("teaming-modes", "failure[0].detected_after_ms", "detection", "carrier", "failure", "nic"),
		mean("teaming-modes", "failure[0].detected_after_ms", "detection", "miimon", "failure", "nic"); c != 0 || !(m > 0 && m <= 100) {
		t.Errorf("teaming-modes: detection of a NIC failure: carrier %v ms, miimon %v ms", c, m)
	}
	// The cluster's failover takes seconds where the team's takes a poll.
	if tm, cl := mean("teaming-vs-cluster", "calls.max_setup_ms", "protection", "teaming"),
		mean("teaming-vs-cluster", "calls.max_setup_ms", "protection", "cluster", "cluster_failover", "15s"); !(cl > 5000 && cl > 10*tm) {
		t.Errorf("teaming-vs-cluster: longest call setup %v ms with teaming, %v ms as a cluster", tm, cl)
	}
	// A timeout shorter than the gateway failover drops calls; a longer one does not.
	if short, long := mean("rtp-timeout", "failure[0].calls_dropped", "rtp_timeout", "2s", "vrrp_hello", "1s"),
		mean("rtp-timeout", "failure[0].calls_dropped", "rtp_timeout", "60s", "vrrp_hello", "1s"); !(short > 0) || long != 0 {
		t.Errorf("rtp-timeout: %v calls dropped at 2 s, %v at 60 s", short, long)
	}
	// A database server on one NIC is down more than one with a team.
	if two, one := mean("availability-year", "service[db-write].availability", "db_team", "dual-homed"),
		mean("availability-year", "service[db-write].availability", "db_team", "single-nic"); !(one < two) || math.IsNaN(one) {
		t.Errorf("availability-year: db-write %v dual-homed, %v on one NIC", two, one)
	}
	// A host failure: FT in a fraction of a second (3 missed 100 ms heartbeats, less
	// the phase of the last one: 200–300 ms), the application cluster in its timeout
	// and takeover (3 + 2 s, less the phase of its 1 s heartbeat: 4–5 s), HA after
	// detection and boot, teaming only with the host back.
	ft, pair := mean("protection-downtime", "service[db-ft].unreachable_ms", "failure", "host"),
		mean("protection-downtime", "vm_cluster[db-pair].down_ms", "failure", "host")
	haDown, team := mean("protection-downtime", "service[db-ha].unreachable_ms", "failure", "host"),
		mean("protection-downtime", "service[db-team].unreachable_ms", "failure", "host")
	if !(ft > 200 && ft <= 300 && pair > 4000 && pair <= 5000 && haDown > 60000 && team > haDown) {
		t.Errorf("protection-downtime, host: FT %v ms, pair %v, HA %v, teaming %v", ft, pair, haDown, team)
	}
	// DPM saves energy with either power curve; without it the day is 4 hosts at
	// 2.204058 kWh (twin's TestEnergyFollowsDemand).
	for _, model := range []string{"ibm-x3550", "hp-ml110-g5"} {
		off, on := mean("dpm-energy", "energy.total_kwh", "dpm", "off", "power_model", model),
			mean("dpm-energy", "energy.total_kwh", "dpm", "on", "power_model", model)
		if !(on < off) || model == "ibm-x3550" && math.Abs(off-4*2.204058) > 1e-5 {
			t.Errorf("dpm-energy, %s: %v kWh without DPM, %v with", model, off, on)
		}
	}
}
