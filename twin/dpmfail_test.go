package twin_test

import (
	"math"
	"testing"

	"dctwin/sim"
)

// TestFailedStandbyHostStaysDown: in dpm-lab DPM powers hv-1 off at 2400 s (empty and
// off at 2428.058 s, its two VMs' migrations of 14.029 s each) and hv-4 at 2700 s
// (off at 2728.058 s). hv-1 fails at 2500 s, while in standby. When demand rises
// DPM's first choice for power-on is hv-1, at 32700 s: it cannot boot, the attempt
// is reported failed, and DPM wakes hv-4 instead in the same invocation, booted after
// its boot_time of 5 min, at 33000 s. hv-1 runs nothing and takes no migration for
// the rest of the day. Standby time, counting a host from power-off until DPM wakes
// it or it fails:
//
//	hv-1  2500 − 2428.058                         =    71.942 s
//	hv-4  32700 − 2728.058                        = 29971.942 s
//	hv-4  again off at 63328.058 s to the end: 86400 − 63328.058 = 23071.942 s
//	in all 53115.826 s = 14.754396 h
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
	want := 53115.826 / 3600
	if got := tw.Report().Resources.HostOffHours; math.Abs(got-want) > 1e-6 {
		t.Errorf("host off %.6f h, want %.6f", got, want)
	}
}
