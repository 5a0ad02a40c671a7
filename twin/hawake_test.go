package twin_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/twin"
)

// TestHAWakesStandbyHost: dpm-lab (four hosts of 16 cores and 128 GB, HA with
// heartbeat datastores on san-1) with app-3 at 20 GB. At night DPM powers hv-1 off
// (2428 s) and hv-4 (2728 s), as in the plain scenario (DPM's memory picture: 68/128
// and 64/128 GB with two hosts on is over 45 %, so it stops there). HA's admission
// control (one host failure tolerated) does not hold DPM back: no VM reserves
// anything, so a slot is 32 MHz and a host holds 16·2400/32 = 1200; after losing one
// of two hosts 1200 slots remain for 8 VMs. hv-2 then runs
// app-1, app-3, app-4, app-7 (16 + 20 + 16 + 16 = 68 GB), hv-3 app-2, app-5, app-6,
// app-8 (64 GB). hv-3, a slave (hv-2 took over as master when hv-1 went to standby),
// fails at 3 h = 10800 s, last heard at L in (10799 s, 10800 s]:
//
//	L + 18 s   declared dead (15 s + 3 s for the datastore heartbeats, §6.1);
//	           hv-2 has 128 − 68 = 60 GB free: app-2, app-5, app-6 restart there
//	           (48 GB), app-8 (16 GB) finds 12 GB: no room. HA asks DPM, which wakes
//	           hv-1 (the first standby host; hv-4 is not needed)
//	L + 78 s   app-2, app-5, app-6 run (60 s boot)
//	L + 318 s  hv-1 has booted (300 s, a hypervisor's default boot) and left standby:
//	           HA places app-8 there at once
//	L + 378 s  app-8 runs on hv-1
//
// app-8's downtime is (L − 10800 s) + 18 s + 300 s + 60 s: HA's detection, the host's
// boot, the VM's boot. When hv-1 has failed in standby (at 2 h), its wake fails and
// DPM wakes hv-4 instead, with the same times.
func TestHAWakesStandbyHost(t *testing.T) {
	t.Run("hv-1", func(t *testing.T) {
		wakesStandby(t, "hv-1", "failures.scheduled=[{at: 3h, component: hv-3, kind: host}]")
	})
	t.Run("hv-4", func(t *testing.T) {
		wakesStandby(t, "hv-4", "failures.scheduled=[{at: 2h, component: hv-1, kind: host}, {at: 3h, component: hv-3, kind: host}]")
	})
}

func wakesStandby(t *testing.T, woken, failures string) {
	sc, err := twin.Load("dpm-lab")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range []string{"topology.vms[app-3].ram_gb=20", failures, "run.duration=4h"} {
		if err := sc.Override(kv); err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const fail = 10800 * sim.Second
	var dead sim.Time
	running, on := map[string]sim.Time{}, map[string]string{}
	tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		switch r := r.(type) {
		case ha.HostDeclaredDead:
			if r.Host == "hv-3" {
				dead = at
				if r.Silent != 18*sim.Second {
					t.Errorf("hv-3 declared dead after %v of silence, want 18 s", r.Silent)
				}
			}
		case twin.VMStateChanged:
			if _, ok := running[r.VM]; !ok && at > fail && r.State == twin.VMRunning {
				running[r.VM], on[r.VM] = at, r.Host
			}
		}
	}))
	tw.Run()
	last := dead - 18*sim.Second
	if last <= fail-sim.Second || last > fail {
		t.Fatalf("hv-3 declared dead at %v: last heartbeat %v, want in (10799 s, 10800 s]", dead, last)
	}
	for _, v := range []string{"app-2", "app-5", "app-6"} {
		if running[v] != last+78*sim.Second || on[v] != "hv-2" {
			t.Errorf("%s running on %s at %v, want hv-2 at %v", v, on[v], running[v], last+78*sim.Second)
		}
	}
	if want := last + 378*sim.Second; running["app-8"] != want || on["app-8"] != woken {
		t.Errorf("app-8 running on %s at %v, want %s at %v (L + 18 s + 300 s + 60 s)", on["app-8"], running["app-8"], woken, want)
	}
	var woke []twin.PowerAction
	for _, a := range tw.PowerActions() {
		if a.Action == "power on" && a.Failed == "" {
			woke = append(woke, a)
		}
	}
	if len(woke) != 1 || woke[0].Host != woken || woke[0].At != dead || woke[0].Done != dead+300*sim.Second ||
		!strings.Contains(woke[0].Reason, "HA: app-8 found no host with room") {
		t.Errorf("DPM's power-ons %+v, want %s at %v for app-8, booted 300 s later", woke, woken, dead)
	}
	var line *twin.VMOutageResult
	fr := tw.Report().Failures
	for _, v := range fr[len(fr)-1].VMs {
		if v.VM == "app-8" {
			line = &v
		}
	}
	want := (last + 378*sim.Second - fail).Milliseconds()
	if line == nil || line.OutageMs == nil || *line.OutageMs != want || line.ResumedOn != woken || line.HostBootMs != 300000 || line.BootMs != 60000 {
		t.Errorf("app-8's VM line %+v, want %v ms on %s with 300 s of host boot and 60 s of VM boot", line, want, woken)
	}
}
