package twin_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/twin"
)

// storage-lab: san-1 has a port on each access switch (ctrl-a on sw-a, ctrl-b on
// sw-b); each host's I/O starts on its ctrl-a path. Expectations from the scenario's
// settings and the reference facts:
//
//	sw-a fails at 60 s: every host's active path stops at once; multipathing gives it
//	  up path_failover (30 s) later and moves I/O to ctrl-b: each VM stalled 30 s,
//	  detected by multipathing after 30 s.
//	hv-1 loses its paths at 300 s: app-1 stalls at once; APD 140 s after the last path
//	  (reference-facts §6.1), HA's APD response 3 min after that (apd_delay), then
//	  app-1 boots elsewhere for 60 s: 140 + 180 + 60 = 380 s.
//	ds-1 fails at 900 s for 120 s: app-1 and app-2 fail at once; no host reaches ds-1
//	  until 1020 s, then HA restarts them with a 60 s boot: 120 + 60 = 180 s.
func TestStorageLab(t *testing.T) {
	rep := runBuiltin(t, "storage-lab").Report()
	if len(rep.Failures) != 3 {
		t.Fatalf("%d failures, want 3", len(rep.Failures))
	}
	sw, paths, ds := rep.Failures[0], rep.Failures[1], rep.Failures[2]

	stalls := map[string]twin.VMOutageResult{}
	for _, v := range sw.VMs {
		if _, seen := stalls[v.VM]; !seen && v.DownAfterMs == 0 {
			stalls[v.VM] = v
		}
	}
	for _, vm := range []string{"app-1", "app-2"} {
		v, ok := stalls[vm]
		if !ok || v.OutageMs == nil || *v.OutageMs != 30_000 {
			t.Errorf("sw-a: %s stall %+v, want 30000 ms (path_failover)", vm, v)
			continue
		}
		if !v.Stalled {
			t.Errorf("sw-a: %s's outage is not marked stalled", vm)
		}
		if !strings.HasPrefix(v.Mechanism, "path failover to ") || !strings.HasSuffix(v.Mechanism, "san-1/ctrl-b") {
			t.Errorf("sw-a: %s came back by %q, want path failover to its ctrl-b path", vm, v.Mechanism)
		}
	}
	if !detectedBy(sw, "multipathing", 30_000) {
		t.Errorf("sw-a: detections %+v, want multipathing after 30000 ms", sw.Detections)
	}

	if len(paths.VMs) != 1 || paths.VMs[0].VM != "app-1" || paths.VMs[0].OutageMs == nil {
		t.Fatalf("hv-1's paths: VMs %+v, want app-1 back", paths.VMs)
	}
	a := paths.VMs[0]
	if *a.OutageMs != 380_000 || a.Mechanism != "HA restart (APD response)" || a.ResumedOn == "hv-1" || a.BootMs != 60_000 {
		t.Errorf("hv-1's paths: app-1 %+v, want 380000 ms (140 s + 180 s + 60 s boot) by the APD response, elsewhere", a)
	}
	if !detectedBy(paths, "APD", 140_000) || !detectedBy(paths, "multipathing", 30_000) {
		t.Errorf("hv-1's paths: detections %+v, want multipathing after 30 s and APD after 140 s", paths.Detections)
	}

	if len(ds.VMs) != 2 {
		t.Fatalf("ds-1: VMs %+v, want app-1 and app-2", ds.VMs)
	}
	for _, v := range ds.VMs {
		if v.OutageMs == nil || *v.OutageMs != 180_000 || v.Mechanism != "HA restart" || v.Stalled {
			t.Errorf("ds-1: %s %+v, want 180000 ms (120 s repair + 60 s boot) by an HA restart", v.VM, v)
		}
	}
	if !detectedBy(ds, "storage I/O error", 0) {
		t.Errorf("ds-1: detections %+v, want storage I/O error at once", ds.Detections)
	}
}

func detectedBy(f twin.FailureResult, mechanism string, afterMs float64) bool {
	for _, d := range f.Detections {
		if d.Mechanism == mechanism && d.AfterMs == afterMs {
			return true
		}
	}
	return false
}

// The timers are the scenario's: each setting moves its part of app-1's outage after
// hv-1 lost its paths at 300 s (repaired at 800 s).
func TestStorageTimersFromSettings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		sets      [][2]string
		wantMs    float64
		mechanism string
	}{
		// APD after 60 s, the response 1 min later, 60 s boot: 180 s.
		{"apd 60s, delay 1m", [][2]string{{"topology.storage[san-1].apd_timeout", "60s"}, {"topology.clusters[cl].ha.apd_delay", "1m"}}, 180_000, "HA restart (APD response)"},
		// No APD response: stalled until the repair at 800 s, when a path carries I/O again.
		{"apd response disabled", [][2]string{{"topology.clusters[cl].ha.apd_response", "disabled"}}, 500_000, "I/O on path "},
		// Events only: the same.
		{"apd response events", [][2]string{{"topology.clusters[cl].ha.apd_response", "events"}}, 500_000, "I/O on path "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := runBuiltin(t, "storage-lab", tc.sets...).Report().Failures[1]
			if len(f.VMs) != 1 || f.VMs[0].OutageMs == nil {
				t.Fatalf("VMs %+v, want app-1 back", f.VMs)
			}
			v := f.VMs[0]
			if *v.OutageMs != tc.wantMs || !strings.HasPrefix(v.Mechanism, tc.mechanism) {
				t.Errorf("app-1 %+v, want %v ms by %q", v, tc.wantMs, tc.mechanism)
			}
		})
	}
	// path_failover 10 s: each VM stalls 10 s when sw-a fails.
	f := runBuiltin(t, "storage-lab", [2]string{"topology.storage[san-1].path_failover", "10s"}).Report().Failures[0]
	n := 0
	for _, v := range f.VMs {
		if v.DownAfterMs != 0 {
			continue
		}
		n++
		if v.OutageMs == nil || *v.OutageMs != 10_000 {
			t.Errorf("path_failover 10s: %s %+v, want a 10000 ms stall", v.VM, v)
		}
	}
	if n != 2 {
		t.Errorf("path_failover 10s: %d VMs stalled at the failure, want app-1 and app-2", n)
	}
}

// A host that lost its storage paths does not write its heartbeat datastore. In
// classic-dc hv-3 loses both NICs at 300 s: silent, but still writing its datastore,
// so HA calls it alive (isolated). Losing its storage paths too, it writes nothing and
// is declared dead 18 s after its last heartbeat (15 s + 3 s with datastore
// heartbeats, reference-facts §6.1), L in (299 s, 300 s].
func TestDatastoreHeartbeatsNeedStoragePaths(t *testing.T) {
	isolated := [2]string{"failures.scheduled", `[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}]`}
	r := runHA(t, isolated)
	if _, ok := r.alive["hv-3"]; !ok {
		t.Fatalf("hv-3 with its storage paths: not reported alive by its datastore (dead at %v)", r.dead["hv-3"])
	}
	withPaths := [2]string{"failures.scheduled", `[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}, {at: 5m, component: hv-3, kind: storage-path, repair_after: 4m}]`}
	r = runHA(t, withPaths)
	at, ok := r.dead["hv-3"]
	if !ok {
		t.Fatalf("hv-3 without storage paths: not declared dead (alive at %v)", r.alive["hv-3"])
	}
	lastBeat(t, "hv-3 declared dead", at, 18_000_000_000)
}

// check accepts the storage kinds only where they apply, at the failure's position.
func TestStorageFailuresWhereTheyApply(t *testing.T) {
	for _, tc := range []struct{ failure, want string }{
		{`{at: 5m, component: db-write, kind: storage-path}`, "only a hypervisor has paths"},
		{`{at: 5m, component: hv-1, kind: storage}`, `no storage named "hv-1"`},
		{`{at: 5m, component: san-9, kind: storage}`, `no storage named "san-9"`},
	} {
		sc, err := twin.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Set("failures.scheduled", "["+tc.failure+"]"); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, f := range scenario.Check(sc) {
			if strings.Contains(f.Message, tc.want) && f.Pos.Line > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no positioned finding saying %q", tc.failure, tc.want)
		}
	}
	tw := runBuiltin(t, "classic-dc")
	if got := fmt.Sprint(tw.FailureKinds("hv-1")); got != "[host host-hang host-isolation storage-path]" {
		t.Errorf("hv-1 can fail as %v, want host, host-hang, host-isolation and storage-path", got)
	}
	if got := tw.FailureKinds("san-1"); len(got) != 1 || got[0] != "storage" {
		t.Errorf("san-1 can fail as %v, want storage", got)
	}
}

// A VM powered on on a host whose paths are lost stalls there instead of running, and
// runs when a path carries I/O again: app-1 stalls when hv-1 loses its paths at 300 s
// (apd_response disabled: HA leaves it there); powered off and on again by hand at
// 310 s it stalls at once, and runs at 800 s, when the paths return.
func TestVMStartsStalledWithoutPaths(t *testing.T) {
	sc, err := twin.Load("storage-lab")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range [][2]string{{"topology.clusters[cl].ha.apd_response", "disabled"},
		{"failures.scheduled", "[{at: 300s, component: hv-1, kind: storage-path, repair_after: 500s}]"}} {
		if err := sc.Set(s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.RunUntil(310 * sim.Second)
	if v, _ := tw.VM("app-1"); v.State != twin.VMStalled {
		t.Fatalf("app-1 at 310 s is %s, want stalled", v.State)
	}
	if err := tw.StopVM("app-1", false, "by hand"); err != nil {
		t.Fatal(err)
	}
	if err := tw.StartVM("app-1", "hv-1", 0, "by hand"); err != nil {
		t.Fatal(err)
	}
	if v, _ := tw.VM("app-1"); v.State != twin.VMStalled {
		t.Errorf("app-1 powered on on hv-1 without paths is %s, want stalled", v.State)
	}
	tw.RunUntil(801 * sim.Second)
	if v, _ := tw.VM("app-1"); v.State != twin.VMRunning || v.Since != 800*sim.Second {
		t.Errorf("app-1 at 801 s: %+v, want running since 800 s", v)
	}
}

// The APD response's two restart policies when no host reaches the datastore: every
// host loses its paths at 300 s, hv-3's return at 700 s, hv-1's at 900 s. APD at
// 440 s (140 s), the response at 620 s (3 min):
//
//	restart-conservative: no host can take app-1, so it is left stalled on hv-1 until
//	  hv-1's paths return: 900 - 300 = 600 s, ended by I/O on a path;
//	restart-aggressive: powered off at 620 s; HA's restart waits for a host that
//	  reaches ds-1, hv-3 at 700 s, and boots 60 s: 760 - 300 = 460 s.
func TestAPDResponseWithoutAHost(t *testing.T) {
	lost := [2]string{"failures.scheduled", "[{at: 300s, component: hv-1, kind: storage-path, repair_after: 600s}, " +
		"{at: 300s, component: hv-2, kind: storage-path, repair_after: 600s}, {at: 300s, component: hv-3, kind: storage-path, repair_after: 400s}]"}
	for _, tc := range []struct {
		response  string
		wantMs    float64
		mechanism string
		on        string
	}{
		{"restart-conservative", 600_000, "I/O on path ", "hv-1"},
		{"restart-aggressive", 460_000, "HA restart (APD response)", "hv-3"},
	} {
		rep := runBuiltin(t, "storage-lab", lost, [2]string{"topology.clusters[cl].ha.apd_response", tc.response}).Report()
		var app *twin.VMOutageResult
		for _, f := range rep.Failures {
			for i, v := range f.VMs {
				if v.VM == "app-1" && app == nil {
					app = &f.VMs[i]
				}
			}
		}
		if app == nil || app.OutageMs == nil || *app.OutageMs != tc.wantMs || !strings.HasPrefix(app.Mechanism, tc.mechanism) || app.ResumedOn != tc.on {
			t.Errorf("%s: app-1 %+v, want %v ms by %q on %s", tc.response, app, tc.wantMs, tc.mechanism, tc.on)
		}
	}
}

// A VM whose host is not attached to its disk's array (check's storage-not-attached,
// run with --force) has no path to it: it stalls from the start.
func TestVMOnUnattachedHostStalls(t *testing.T) {
	sc, err := twin.Load("storage-lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("topology.hosts[hv-2].storage", "[]"); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	tw.RunUntil(sim.Second)
	if v, _ := tw.VM("app-2"); v.State != twin.VMStalled {
		t.Errorf("app-2 on hv-2 without storage is %s, want stalled", v.State)
	}
	if v, _ := tw.VM("app-1"); v.State != twin.VMRunning {
		t.Errorf("app-1 on hv-1 is %s, want running", v.State)
	}
}
