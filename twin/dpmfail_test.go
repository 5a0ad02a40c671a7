package twin_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// TestFailedStandbyHostStaysDown: in dpm-lab DPM powers hv-1 off at 2400 s and hv-4
// at 2700 s. Each is emptied of its two VMs (16 GiB = 17179869184 bytes, 25 MB/s
// dirtied) by two migrations at once, which split the host's 10 GbE link: 5 Gbit/s
// each. Pre-copy (topology/vmotion): t1 = 17179869184·8/5e9 = 27.487791 s, dirty
// 25e6·t1 = 687194767 bytes, 1.099512 s to send (> 0.5 s): round 2 of 1.099512 s,
// dirty 27487791 bytes, 0.043980 s (≤ 0.5 s): stun 0.043980 + 0.010 s. Both end after
// 28.641283 s: hv-1 is empty and off at 2428.641283 s, hv-4 at 2728.641283 s. hv-1 fails at 2500 s, while in standby. When demand rises
// DPM's first choice for power-on is hv-1, at 32700 s: it cannot boot, the attempt
// is reported failed, and DPM wakes hv-4 instead in the same invocation, booted after
// its boot_time of 5 min, at 33000 s. hv-1 runs nothing and takes no migration for
// the rest of the day. Standby time, counting a host from power-off until DPM wakes
// it or it fails:
//
//	hv-1  2500 − 2428.641283                      =    71.358717 s
//	hv-4  32700 − 2728.641283                     = 29971.358717 s
//	hv-4  again off at 63328.641283 s to the end: 86400 − 63328.641283 = 23071.358717 s
//	in all 53114.076151 s = 14.753910 h
func TestFailedStandbyHostStaysDown(t *testing.T) {
	tw := dpmLab(t, "failures.scheduled=[{at: 2500s, component: hv-1, kind: host}]")
	var failed, woke bool
	for _, a := range tw.PowerActions() {
		if a.Action != "power on" {
			continue
		}
		switch {
		case a.Host == "hv-1" && a.Failed != "" && a.At == sim.Seconds(32700):
			failed = true
		case a.Host == "hv-1":
			t.Errorf("hv-1 powered on: %+v", a)
		case a.Host == "hv-4" && a.At == sim.Seconds(32700) && a.Done == sim.Seconds(33000):
			woke = true
		}
	}
	if !failed || !woke {
		t.Errorf("wake of hv-1 failed %v, hv-4 woken instead %v: %+v", failed, woke, tw.PowerActions())
	}
	for _, m := range tw.Migrations() {
		if m.To == "hv-1" {
			t.Errorf("migration onto the failed hv-1: %+v", m)
		}
	}
	for _, v := range tw.VMs() {
		if v.Host == "hv-1" {
			t.Errorf("%s on the failed hv-1", v.VM)
		}
	}
	want := 53114.076151 / 3600
	if got := tw.Report().Resources.HostOffHours; math.Abs(got-want) > 1e-6 {
		t.Errorf("host off %.6f h, want %.6f", got, want)
	}
}

// TestRepairedStandbyHostStaysOff: hv-1 fails at 2500 s in standby and is repaired at
// 2560 s. A repair returns the host, not its power: it stays off in standby until DPM
// wakes it when demand rises, at 32700 s (booted at 33000 s after its 5 min boot), as
// in the run without the failure; DPM powers it off again at 63300 s (off at
// 63328.641283 s; the evacuation's 28.641283 s as in TestFailedStandbyHostStaysDown).
// Standby time, the 60 s failed not counted:
//
//	hv-1  2500 − 2428.641283 = 71.358717 s;  32700 − 2560 = 30140 s;  86400 − 63328.641283 = 23071.358717 s
//	hv-4  86400 − 2728.641283                                                          = 83671.358717 s
//	in all 136954.076151 s = 38.042799 h
//
// The migrations DRS and DPM make hours later on demand are not the failure's: its
// report lists no VM outage and no node cut off.
func TestRepairedStandbyHostStaysOff(t *testing.T) {
	tw := dpmLab(t, "failures.scheduled=[{at: 2500s, component: hv-1, kind: host, repair_after: 60s}]")
	var ons []string
	for _, a := range tw.PowerActions() {
		if a.Host == "hv-1" && a.Action == "power on" {
			ons = append(ons, fmt.Sprintf("%v-%v %q", a.At, a.Done, a.Failed))
		}
	}
	if want := fmt.Sprintf("%v-%v %q", sim.Seconds(32700), sim.Seconds(33000), ""); len(ons) != 1 || ons[0] != want {
		t.Errorf("hv-1 power ons %v, want [%s]", ons, want)
	}
	r := tw.Report()
	want := 136954.076151 / 3600
	if got := r.Resources.HostOffHours; math.Abs(got-want) > 1e-6 {
		t.Errorf("host off %.6f h, want %.6f", got, want)
	}
	f := r.Failures[0]
	if len(f.VMs) != 0 || len(f.CutOff) != 0 || len(f.Flows) != 0 {
		t.Errorf("the failure blamed for DRS's and DPM's migrations: VMs %+v, cut off %+v, flows %+v", f.VMs, f.CutOff, f.Flows)
	}
}

// TestDPMWithFT: dpm-lab with app-1 under FT (testdata/dpm-ft.yaml; its secondary on
// hv-2). At night each host runs two VMs: 2·0.36/16 = 4.5 % CPU and 32/128 = 25 %
// memory; hv-2 with app-1's secondary counted as load is at 4.5 + 2.25 = 6.75 % CPU
// and 48/128 = 37.5 % memory, still under DPM's 45 % (§6.5).
//
// HA's admission control (one host failure tolerated) counts slots: the FT VM
// reserves its 16 GB, the others nothing, so a slot is 16 GB and 32 MHz and a host
// (128 GB, 16 × 2400 MHz) holds min(38400/32, 128/16) = 8. The 8 VMs and the
// secondary take 9 slots. Four hosts on: 32 − 8 = 24 ≥ 9; three: 24 − 8 = 16 ≥ 9;
// two: 16 − 8 = 8 < 9. So DPM powers one host off (40 min, 2400 s) and keeps three
// on all day (§6.5: DPM respects HA admission control); with three hosts at 9:00 CPU
// is 3·3.6/16 = 67.5 % at most, under 81 %, so it powers none on.
//
// Tolerating no failure, admission control binds nothing here and DPM powers hosts
// off as without FT: one at 40 min (2400 s), another at the next invocation
// (2700 s), and one back on at 32700 s (90 % CPU on both hosts at 9:00, over 81 %),
// off again at 63300 s. The primary is never sent where its secondary runs, and a
// host holding the secondary is emptied by placing the secondary elsewhere.
func TestDPMWithFT(t *testing.T) {
	for _, c := range []struct {
		tolerated string
		want      []sim.Time
		actions   string
	}{
		{"1", []sim.Time{2400 * sim.Second}, "power off"},
		{"0", []sim.Time{2400 * sim.Second, 2700 * sim.Second, 32700 * sim.Second, 63300 * sim.Second}, "power off, power off, power on, power off"},
	} {
		sc, err := twin.Load("testdata/dpm-ft.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Override("topology.clusters[cl].ha.host_failures_tolerated=" + c.tolerated); err != nil {
			t.Fatal(err)
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tw.Run()
		var got, want []string
		for _, a := range tw.PowerActions() {
			if a.Failed != "" || a.Done == sim.Never {
				t.Errorf("DPM action did not complete: %+v", a)
			}
			got = append(got, fmt.Sprintf("%s %v", a.Action, a.At))
		}
		for i, a := range strings.Split(c.actions, ", ") {
			want = append(want, fmt.Sprintf("%s %v", a, c.want[i]))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("tolerating %s: DPM actions %v, want %v", c.tolerated, got, want)
		}
		for _, m := range tw.Migrations() {
			if m.Aborted != "" {
				t.Errorf("migration aborted: %+v", m)
			}
		}
	}
}

// TestFailoverHostKeptFreeAndOn: dpm-lab with HA's dedicated failover host hv-4
// (testdata/dpm-failover-host.yaml; hv-4 starts empty, hv-3 runs four VMs). HA keeps
// a failover host free and on for restarts (reference-facts §6.1, admission control
// policy 3): DRS moves nothing there and DPM never powers it off. So hv-4 idles all
// day: 24 h · 58.4 W (IBM x3550 idle, §8) = 1401.6 Wh.
func TestFailoverHostKeptFreeAndOn(t *testing.T) {
	tw, _, _ := loadRun(t, "testdata/dpm-failover-host.yaml")
	for _, a := range tw.PowerActions() {
		if a.Host == "hv-4" {
			t.Errorf("DPM acted on the failover host: %+v", a)
		}
	}
	for _, m := range tw.Migrations() {
		if m.To == "hv-4" {
			t.Errorf("migration onto the failover host: %+v", m)
		}
	}
	for _, h := range tw.Report().Energy.Hosts {
		if h.Host == "hv-4" && math.Abs(h.KWh-1.4016) > 1e-9 {
			t.Errorf("hv-4 %.9f kWh, want 1.4016 (idle all day)", h.KWh)
		}
	}
}

// TestStandbyHostFailsWhileWaking: DPM wakes hv-1 at 32700 s; it fails at 32800 s,
// during its 5 min boot. The power-on fails, DPM knows it, and at its next invocation
// (33000 s, one 5 min interval on) wakes hv-4 instead, booted at 33300 s; hv-1 is
// not tried again. Standby time (a host's clock stops when DPM wakes it; power-offs
// as in TestFailedStandbyHostStaysDown):
//
//	hv-1  32700 − 2428.641283 = 30271.358717 s
//	hv-4  33000 − 2728.641283 = 30271.358717 s;  86400 − 63328.641283 = 23071.358717 s
//	in all 83614.076151 s = 23.226132 h
func TestStandbyHostFailsWhileWaking(t *testing.T) {
	tw := dpmLab(t, "failures.scheduled=[{at: 32800s, component: hv-1, kind: host}]")
	var ons []string
	for _, a := range tw.PowerActions() {
		if a.Action == "power on" {
			ons = append(ons, fmt.Sprintf("%s %v %v failed=%v", a.Host, a.At, a.Done, a.Failed != ""))
		}
	}
	want := []string{fmt.Sprintf("hv-1 %v %v failed=true", sim.Seconds(32700), sim.Never),
		fmt.Sprintf("hv-4 %v %v failed=false", sim.Seconds(33000), sim.Seconds(33300))}
	if fmt.Sprint(ons) != fmt.Sprint(want) {
		t.Errorf("power ons %v, want %v", ons, want)
	}
	if got, want := tw.Report().Resources.HostOffHours, 83614.076151/3600; math.Abs(got-want) > 1e-6 {
		t.Errorf("host off %.6f h, want %.6f", got, want)
	}
}
