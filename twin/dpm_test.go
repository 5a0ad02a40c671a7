package twin_test

import (
	"math"
	"slices"
	"testing"

	"dctwin/topology/drs"
	"dctwin/twin"
)

// dpmLab runs dpm-lab with overrides.
func dpmLab(t *testing.T, sets ...string) *twin.Twin {
	t.Helper()
	tw := twinWith(t, "dpm-lab", sets...)
	tw.Run()
	return tw
}

// twinWith builds the twin of a scenario (a built-in's name or a file) with
// overrides ("path=value"), not yet run.
func twinWith(t *testing.T, name string, sets ...string) *twin.Twin {
	t.Helper()
	sc, err := twin.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range sets {
		if err := sc.Override(kv); err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

// TestEnergyFollowsDemand: with DRS and DPM off, each of dpm-lab's four hosts runs two
// office VMs of 4 vCPUs at cpu 0.9, so its utilisation is 2·0.9·4·f/16 = 0.45·f for
// the hour's factor f, and it draws 58.4 + (222 − 58.4)·0.45·f W (IBM x3550,
// reference-facts §8). The office factors sum to 10.9 over the day
// (7·0.1 + 0.3 + 0.8 + 3·1 + 0.7 + 3·1 + 0.9 + 0.6 + 0.3 + 0.2 + 4·0.1), so
//
//	E = ∫ P dt = 24 h · 58.4 W + 163.6 W · 0.45 · 10.9 h = 1401.6 + 802.458 Wh
//	  = 2.204058 kWh per host, 8.816232 kWh in all.
//
// hv-1's fixed power.utilization of 0.9 changes nothing: VM demand wins on hypervisors.
func TestEnergyFollowsDemand(t *testing.T) {
	tw := dpmLab(t, "topology.clusters[cl].drs.enabled=false", "topology.clusters[cl].dpm.enabled=false",
		"topology.hosts[hv-1].power={model: ibm-x3550, utilization: 0.9}")
	r := tw.Report()
	const perHost = (24*58.4 + 163.6*0.45*10.9) / 1000
	for _, h := range r.Energy.Hosts {
		if math.Abs(h.KWh-perHost) > 1e-9 {
			t.Errorf("%s: %.9f kWh, want %.9f", h.Host, h.KWh, perHost)
		}
	}
	if math.Abs(r.Energy.TotalKWh-4*perHost) > 1e-9 {
		t.Errorf("total %.9f kWh, want %.9f", r.Energy.TotalKWh, 4*perHost)
	}
	if r.Resources != nil {
		t.Errorf("DRS and DPM off, yet %+v", r.Resources)
	}
}

// TestEnergyHourlyFactors: app-1 alone has a demand (cpu 1 of 4 vCPUs, factors 1 in
// hour 0 and 0.5 in hour 1, 0 after) on hv-1 of 16 cores; the others declare none, so
// hv-1 is at 4/16 = 0.25 then 0.125, the other hosts idle (their fixed utilisation
// does not apply any more). Two hours:
//
//	hv-1: 58.4·2 + 163.6·(0.25 + 0.125) = 116.8 + 61.35 = 178.15 Wh
//	each other host: 58.4·2 = 116.8 Wh
func TestEnergyHourlyFactors(t *testing.T) {
	sets := []string{"topology.clusters[cl].drs.enabled=false", "topology.clusters[cl].dpm.enabled=false", "run.duration=2h",
		"topology.vms[app-1].demand={cpu: 1, profile: [1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}"}
	for _, vm := range []string{"app-2", "app-3", "app-4", "app-5", "app-6", "app-7", "app-8"} {
		sets = append(sets, "topology.vms["+vm+"].demand=null")
	}
	r := dpmLab(t, sets...).Report()
	want := map[string]float64{"hv-1": 0.17815, "hv-2": 0.1168, "hv-3": 0.1168, "hv-4": 0.1168}
	for _, h := range r.Energy.Hosts {
		if math.Abs(h.KWh-want[h.Host]) > 1e-9 {
			t.Errorf("%s: %.9f kWh, want %.9f", h.Host, h.KWh, want[h.Host])
		}
	}
}

// TestDPMPowersOffByTheArithmetic: at night every host of dpm-lab is at 2·0.36/16 =
// 4.5 % CPU and 32/128 = 25 % memory, under DPM's 63 − 18 = 45 % (reference-facts
// §6.5); the 40-minute window is full at 2400 s, so DPM powers off the least loaded
// host (all tie: the first, hv-1), its VMs going to the least loaded others (hv-2,
// then hv-3). At the next invocation (2700 s) hv-2 and hv-3 carry three VMs, hv-4 two:
// 48/128 = 37.5 % memory at most, so hv-4 goes too. With two hosts of four VMs each,
// memory is 64/128 = 50 % ≥ 45 %: DPM stops there (and HA's one host failure
// tolerated would keep two on anyway). Three hours of night.
func TestDPMPowersOffByTheArithmetic(t *testing.T) {
	r := dpmLab(t, "run.duration=3h").Report()
	rs := r.Resources
	if rs == nil {
		t.Fatal("DPM did nothing")
	}
	var got []string
	for _, a := range rs.PowerActions {
		got = append(got, a.Action+" "+a.Host)
		if a.DoneS == nil || a.Failed != "" {
			t.Errorf("%+v did not complete", a)
		}
	}
	if want := []string{"power off hv-1", "power off hv-4"}; !slices.Equal(got, want) {
		t.Fatalf("power actions %v, want %v", got, want)
	}
	if rs.PowerActions[0].AtS != 2400 || rs.PowerActions[1].AtS != 2700 {
		t.Errorf("decided at %v and %v s, want 2400 and 2700", rs.PowerActions[0].AtS, rs.PowerActions[1].AtS)
	}
	if len(r.Migrations) != 4 {
		t.Errorf("%d migrations, want the 4 evacuations", len(r.Migrations))
	}
	// Without HA and with the VMs using 30 % of their memory, one host takes all eight
	// (8·4.8/128 = 30 % memory, 8·0.36/16 = 18 % CPU, both ≤ 81 %): three go off.
	sets := []string{"run.duration=3h", "topology.clusters[cl].ha.enabled=false"}
	for i := 1; i <= 8; i++ {
		sets = append(sets, "topology.vms[app-"+string(rune('0'+i))+"].demand.ram=0.3")
	}
	r = dpmLab(t, sets...).Report()
	if v, _ := r.Metric("dpm.power_offs"); v != 3 {
		t.Errorf("without HA: %v power offs, want 3", v)
	}
}

// TestDPMPowersOnInTheMorning: two hosts of four office VMs each. At 8:00 the factor
// is 0.8: 4·0.9·4·0.8/16 = 72 % CPU, under 81 %. From 9:00 it is 1: 90 % on both, and
// the invocation at 9:05 (32700 s) sees five minutes of it, so DPM powers one on; it
// boots for 300 s (a hypervisor's, reference-facts §8), and DRS moves VMs to it at
// 33000 s. At 17:35 (63300 s) the 40-minute mean of three hosts of three VMs, 5 min
// at 0.9 and 35 at 0.6, is 3·3.6·0.6375/16 = 43 % < 45 %: one goes off again (at
// 17:30 it was 3·3.6·0.675/16 = 45.6 %).
func TestDPMPowersOnInTheMorning(t *testing.T) {
	tw := dpmLab(t)
	r := tw.Report()
	var on, off []float64
	for _, a := range r.Resources.PowerActions {
		if a.Action == "power on" {
			on = append(on, a.AtS)
			if a.DoneS == nil || *a.DoneS != a.AtS+300 {
				t.Errorf("power on at %v done %v, want after the 300 s boot", a.AtS, a.DoneS)
			}
		} else {
			off = append(off, a.AtS)
		}
	}
	if !slices.Equal(on, []float64{32700}) || !slices.Equal(off, []float64{2400, 2700, 63300}) {
		t.Errorf("on at %v, off at %v; want on at 32700, off at 2400, 2700, 63300", on, off)
	}
	drsMoves := 0
	for _, m := range r.Migrations {
		if m.Reason == "DRS load balancing" {
			drsMoves++
			if m.AtS != 33000 {
				t.Errorf("DRS migration at %v s, want 33000 (after the boot)", m.AtS)
			}
		}
	}
	if drsMoves == 0 || float64(drsMoves) != metricOf(r.Metric("drs.migrations")) {
		t.Errorf("%d DRS migrations, metric %v", drsMoves, metricOf(r.Metric("drs.migrations")))
	}
	// A host asleep is not cut off: the service view lists only the VMs' stuns.
	for _, sv := range r.Services {
		if sv.Node == "hv-1" || sv.Node == "hv-4" {
			t.Errorf("standby host %s counted as cut off for %v ms", sv.Node, sv.UnreachableMs)
		}
	}
	// Energy: the day with DPM uses less than the 8.816 kWh of TestEnergyFollowsDemand.
	if r.Energy.TotalKWh >= 8.8 {
		t.Errorf("%.3f kWh with DPM", r.Energy.TotalKWh)
	}
}

func metricOf(v float64, _ bool) float64 { return v }

// TestDRSMovesWhatTopologyDRSDecides: all eight VMs on hv-1 and hv-2 (four each), DPM
// off, DRS at threshold 5. The first invocation (300 s, night factor 0.1) sees each VM
// at 0.9·4·0.1 = 0.36 cores and 16 GB; fully automated DRS migrates exactly the moves
// topology/drs recommends for that picture, written out here; manual DRS migrates
// nothing and recommends the same moves.
func TestDRSMovesWhatTopologyDRSDecides(t *testing.T) {
	hosts := []drs.Host{{Name: "hv-1", CPU: 16, RAM: 128, On: true}, {Name: "hv-2", CPU: 16, RAM: 128, On: true},
		{Name: "hv-3", CPU: 16, RAM: 128, On: true}, {Name: "hv-4", CPU: 16, RAM: 128, On: true}}
	var vms []drs.VM
	sets := []string{"run.duration=301s", "topology.clusters[cl].dpm.enabled=false", "topology.clusters[cl].drs.threshold=5"}
	for i := 1; i <= 8; i++ {
		name, host := "app-"+string(rune('0'+i)), "hv-1"
		if i > 4 {
			host = "hv-2"
		}
		sets = append(sets, "topology.vms["+name+"].host="+host)
		vms = append(vms, drs.VM{Name: name, Host: host, CPU: 0.36, RAM: 16})
	}
	want := drs.Balance(hosts, vms, 5)
	if len(want) == 0 {
		t.Fatal("topology/drs recommends nothing; the test needs an imbalance")
	}
	var wantMoves []string
	for _, m := range want {
		wantMoves = append(wantMoves, m.VM+" "+m.From+"→"+m.To)
	}
	r := dpmLab(t, sets...).Report()
	var got []string
	for _, m := range r.Migrations {
		if m.Reason != "DRS load balancing" || m.AtS != 300 {
			t.Errorf("unexpected migration %+v", m)
		}
		got = append(got, m.VM+" "+m.From+"→"+m.To)
	}
	if !slices.Equal(got, wantMoves) {
		t.Errorf("fully automated DRS migrated %v, topology/drs decides %v", got, wantMoves)
	}
	r = dpmLab(t, append(sets, "topology.clusters[cl].drs.automation=manual")...).Report()
	if len(r.Migrations) != 0 {
		t.Errorf("manual DRS migrated %d VMs", len(r.Migrations))
	}
	got = nil
	for _, rc := range r.Resources.Recommendations {
		got = append(got, rc.VM+" "+rc.From+"→"+rc.To)
	}
	if !slices.Equal(got, wantMoves) {
		t.Errorf("manual DRS recommended %v, want %v", got, wantMoves)
	}
}

// TestDPMPowerOffFailsWithItsMigration: hv-2 fails 5 s into DPM's evacuation of hv-1,
// while app-1 is being copied to it: the copy is aborted, the power off fails with
// that reason and hv-1 stays in service with app-2; at the next invocation (2700 s)
// DPM empties hv-4 instead, onto the hosts still up.
func TestDPMPowerOffFailsWithItsMigration(t *testing.T) {
	r := dpmLab(t, "run.duration=1h", "failures.scheduled=[{at: 2405s, component: hv-2, kind: host, repair_after: 10m}]").Report()
	a := r.Resources.PowerActions
	if len(a) < 2 || a[0].Host != "hv-1" || a[0].DoneS != nil || a[0].Failed != "the migration of app-1 failed: hv-2 is down" {
		t.Fatalf("power actions %+v", a)
	}
	if a[1].Host != "hv-4" || a[1].AtS != 2700 || a[1].DoneS == nil {
		t.Errorf("second action %+v, want hv-4 off from 2700 s", a[1])
	}
	if v, _ := r.Metric("dpm.power_offs"); v != 1 {
		t.Errorf("%v power offs completed, want 1", v)
	}
}
