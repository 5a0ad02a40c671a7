package twin_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// TestAdmissionRefusesPowerOn: classic-dc with web-1 not restarted by HA (priority
// disabled), so that it starts with hv-1 when hv-1 is back (failed at 300 s, repaired
// 2 min later, booting for 5 min: up at 720 s, so the run lasts 15 min), and admission control by percentage of memory. The cluster's hosts
// have 192 + 192 + 256 + 256 = 896 GB; its VMs, with the two FT secondaries (mgw 2 GB,
// web-broker 4 GB), use
//
//	pbx-a 4 + pbx-b 4 + voicemail 8 + mcu 8 + mgw 2·2 + web-broker 2·4 + web-1 4
//	+ web-2 4 + web-3 4 + db-read-1 16 + db-read-2 16 = 80 GB with web-1.
//
// Reserving 91 % leaves 896 · 0.09 = 80.64 GB ≥ 80: web-1 starts with its host.
// Reserving 92 % leaves 71.68 GB < 80: the power-on is refused and web-1 stays down,
// while HA's restart of pbx-a (not subject to admission control) goes ahead.
func TestAdmissionRefusesPowerOn(t *testing.T) {
	for _, c := range []struct {
		percent string
		starts  bool
	}{{"91", true}, {"92", false}} {
		sc, err := twin.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range [][2]string{{"topology.vms[web-1].restart_priority", "disabled"}, {"run.duration", "15m"},
			{"topology.clusters[vcluster].ha.memory_failover_percent", c.percent}} {
			if err := sc.Set(s[0], s[1]); err != nil {
				t.Fatal(err)
			}
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var refused []twin.AdmissionRefused
		running := map[string]bool{}
		tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
			switch r := r.(type) {
			case twin.AdmissionRefused:
				refused = append(refused, r)
			case twin.VMStateChanged:
				if at > 300*sim.Second && r.State == twin.VMRunning {
					running[r.VM] = true
				}
			}
		}))
		tw.Run()
		if running["web-1"] != c.starts {
			t.Errorf("%s %%: web-1 running again %v, want %v", c.percent, running["web-1"], c.starts)
		}
		if !running["pbx-a"] {
			t.Errorf("%s %%: HA did not restart pbx-a", c.percent)
		}
		if !c.starts {
			line := false
			for _, v := range tw.Report().Failures[1].VMs {
				line = line || v.VM == "web-1" && v.OutageMs == nil && strings.Contains(v.NotStarted, "refused by admission control (percentage)")
			}
			if !line {
				t.Errorf("%s %%: hv-1's VM lines %+v do not say web-1 was refused", c.percent, tw.Report().Failures[1].VMs)
			}
		}
		switch {
		case c.starts && len(refused) > 0:
			t.Errorf("%s %%: refused %+v", c.percent, refused)
		case !c.starts && (len(refused) != 1 || refused[0].VM != "web-1" || refused[0].Host != "hv-1" ||
			!strings.Contains(refused[0].Reason, "VMs use 80 GB of memory; keeping 92% of 896 GB free leaves 71.68 GB")):
			t.Errorf("%s %%: refusals %+v, want web-1 on hv-1 with 80 GB > 71.68 GB", c.percent, refused)
		}
	}
}

// TestSlotsRefusePowerOn: classic-dc as in TestAdmissionRefusesPowerOn (web-1 starts
// with hv-1 when hv-1 is back at 720 s), admission control by host failures, with
// mcu reserving 4800 MHz and db-read-1 16 GB. The slot is 16 GB and 4800 MHz; the
// hosts (2400 MHz a core) hold hv-1, hv-2 min(24·2400/4800, 192/16) = 12 and hv-3,
// hv-4 min(32·2400/4800, 256/16) = 16 slots. With web-1 the 11 VMs and the two FT
// secondaries take 13: tolerating 2 leaves 12 + 12 = 24 (web-1 starts), tolerating
// 3 leaves 12 (refused).
func TestSlotsRefusePowerOn(t *testing.T) {
	for _, c := range []struct {
		tolerated string
		starts    bool
	}{{"2", true}, {"3", false}} {
		sc, err := twin.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		for _, kv := range []string{"topology.vms[web-1].restart_priority=disabled", "run.duration=15m",
			"topology.clusters[vcluster].ha.host_failures_tolerated=" + c.tolerated,
			"topology.vms[mcu].cpu_reservation_mhz=4800", "topology.vms[db-read-1].ram_reservation_gb=16"} {
			if err := sc.Override(kv); err != nil {
				t.Fatal(err)
			}
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var refused []twin.AdmissionRefused
		tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
			if r, ok := r.(twin.AdmissionRefused); ok {
				refused = append(refused, r)
			}
		}))
		tw.Run()
		switch {
		case c.starts && len(refused) > 0:
			t.Errorf("tolerating %s: refused %+v", c.tolerated, refused)
		case !c.starts && (len(refused) != 1 || refused[0].VM != "web-1" ||
			refused[0].Reason != "13 VMs need 13 slots of 16 GB and 4800 MHz; the hosts hold [16 16 12 12], 12 after losing the 3 largest"):
			t.Errorf("tolerating %s: refusals %+v, want web-1 with 13 slots > 12", c.tolerated, refused)
		}
	}
}
