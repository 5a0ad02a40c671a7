package twin_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// evacuationRun empties hv-1 of dpm-lab, holding five identical VMs (4 GiB, 1 vCPU,
// dirtying 1 MB/s within a 1 GiB working set) and nothing else, by maintenance mode
// at 60 s (DRS, DPM and the scenario's flow off, so the copies have the vMotion
// network to themselves). It returns how long hv-1 took to be in maintenance and the
// migrations.
func evacuationRun(t *testing.T, sets ...string) (sim.Time, []twin.Migration) {
	t.Helper()
	var vms []string
	for i := 1; i <= 5; i++ {
		vms = append(vms, fmt.Sprintf("{name: v%d, host: hv-1, cpu: 1, ram_gb: 4, disk: san-1, dirty_rate: 8M, working_set_gb: 1, nics: [{name: eth0, port_group: pg-app}]}", i))
	}
	base := []string{"topology.clusters[cl].drs.enabled=false", "topology.clusters[cl].dpm.enabled=false",
		"workloads.flows=[]", "topology.vms=[" + strings.Join(vms, ", ") + "]",
		"failures.scheduled=[{at: 60s, component: hv-1, kind: maintenance}]", "run.duration=1h"}
	tw := twinWith(t, "dpm-lab", append(base, sets...)...)
	done := sim.Never
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		if r, ok := r.(twin.MaintenanceChanged); ok && r.Host == "hv-1" && r.State == twin.MaintenanceOn {
			done = now
		}
	}))
	tw.Run()
	return done - 60*sim.Second, tw.Migrations()
}

// TestEvacuationConcurrency: hv-1's five VMs leave up to k at once, and the copies
// under way split hv-1's link evenly (the bottleneck: the targets' links are 10 GbE
// and each takes at most two of them), so a batch of j copies over a link of speed B
// each runs at r = B/j, and the next batch starts when the batch ends (they end
// together, being identical).
//
// One migration at bandwidth r, by the pre-copy closed form of topology/vmotion
// (M = 4 GiB = 4294967296 bytes, D = 1e6 bytes/s, W = 1 GiB): round i takes
// t_i = 8·B_i/r with B_1 = M, B_{i+1} = min(W, D·t_i); pre-copy stops after the
// first round whose dirty set goes within 0.5 s, and the stun is that time + 10 ms:
//
//	r = 250 Mbit/s: t1 = 137.438953, D1 = 137438953 B → 4.398047 s; t2 = 4.398047,
//	                D2 = 4398047 B → 0.140737 s: stun 0.150737;   T = 141.987737 s
//	r = 500 Mbit/s: t1 = 68.719477, → 1.099512 s; t2 = 1.099512 → 0.017592 s:
//	                stun 0.027592;                                T =  69.846581 s
//	r = 1 Gbit/s:   t1 = 34.359738, → 0.274878 s: stun 0.284878;  T =  34.644616 s
//	r = 2 Gbit/s:   t1 = 17.179869, → 0.068719 s: stun 0.078719;  T =  17.258589 s
//
// hv-1 on 1 GbE (vSphere's limit 4): 4 at 250 Mbit/s, then 1 at 1 Gbit/s:
// 141.987737 + 34.644616 = 176.632354 s. With concurrent_vmotions 2: 2, 2, 1:
// 2·69.846581 + 34.644616 = 174.337777 s. With 1: 5·34.644616 = 173.223081 s.
// hv-1 on 10 GbE (limit 8): all 5 at once at 2 Gbit/s: 17.258589 s. (Concurrency
// does not shorten the evacuation here: the copies share the link, and the slower
// each goes, the more pages its guest dirties meanwhile.)
func TestEvacuationConcurrency(t *testing.T) {
	T := func(r float64) float64 {
		const m, d, w = 4294967296.0, 1e6, 1073741824.0
		total, b := 0.0, m
		for {
			ti := 8 * b / r
			total += ti
			b = math.Min(w, d*ti)
			if 8*b/r <= 0.5 {
				return total + 8*b/r + 0.010
			}
		}
	}
	oneG := []string{"topology.hosts[hv-1].nics[vmnic0].speed=1G", "topology.hosts[hv-1].nics[vmnic1].speed=1G"}
	for _, c := range []struct {
		name    string
		sets    []string
		batches []int // concurrent copies of each batch
		rate    []float64
		want    float64
	}{
		{"1 GbE, vSphere's 4", oneG, []int{4, 1}, []float64{250e6, 1e9}, 176.632354},
		{"1 GbE, concurrent_vmotions 2", append(oneG, "topology.clusters[cl].concurrent_vmotions=2"), []int{2, 2, 1}, []float64{500e6, 500e6, 1e9}, 174.337777},
		{"1 GbE, concurrent_vmotions 1", append(oneG, "topology.clusters[cl].concurrent_vmotions=1"), []int{1, 1, 1, 1, 1}, []float64{1e9, 1e9, 1e9, 1e9, 1e9}, 173.223081},
		{"10 GbE, vSphere's 8", nil, []int{5}, []float64{2e9}, 17.258589},
	} {
		t.Run(c.name, func(t *testing.T) {
			took, ms := evacuationRun(t, c.sets...)
			sum := 0.0
			for _, r := range c.rate {
				sum += T(r)
			}
			if math.Abs(sum-c.want) > 1e-6 {
				t.Fatalf("the closed form gives %.6f s, the comment %.6f s", sum, c.want)
			}
			if math.Abs(took.Seconds()-c.want) > 1e-5 {
				t.Errorf("hv-1 in maintenance after %.6f s, want %.6f s", took.Seconds(), c.want)
			}
			if len(ms) != 5 {
				t.Fatalf("%d migrations, want 5", len(ms))
			}
			// Batch by batch: each starts when the one before ended, its copies
			// together.
			i, start := 0, 60.0
			for b, n := range c.batches {
				for _, m := range ms[i : i+n] {
					if m.Aborted != "" || math.Abs(m.Start.Seconds()-start) > 1e-5 || math.Abs((m.End-m.Start).Seconds()-T(c.rate[b])) > 1e-5 {
						t.Errorf("batch %d: %s %v–%v (%s), want %.6f s from %.6f s", b+1, m.VM, m.Start, m.End, m.Aborted, T(c.rate[b]), start)
					}
				}
				i, start = i+n, start+T(c.rate[b])
			}
		})
	}
}

// TestConcurrentVMotionsRefused: a concurrent_vmotions outside vSphere's 1 to 8 is
// refused at its place in the file.
func TestConcurrentVMotionsRefused(t *testing.T) {
	src, err := os.ReadFile("../scenarios/dpm-lab.yaml")
	must(t, err)
	for _, v := range []string{"0", "9", "-1"} {
		text := strings.Replace(string(src), "      vmotion_vlan: vmotion\n", "      vmotion_vlan: vmotion\n      concurrent_vmotions: "+v+"\n", 1)
		path := filepath.Join(t.TempDir(), "lab.yaml")
		must(t, os.WriteFile(path, []byte(text), 0o644))
		_, err := twin.Load(path)
		if err == nil || !strings.Contains(err.Error(), "lab.yaml:98:28") || !strings.Contains(err.Error(), "expected 1 to 8") {
			t.Errorf("concurrent_vmotions %s: %v, want refused at lab.yaml:98:28", v, err)
		}
	}
}
