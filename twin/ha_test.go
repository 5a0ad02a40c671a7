package twin_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/ha"
	"dctwin/twin"
)

// HA restarts in the twin, against the timelines of reference-facts §6.1 (vSphere HA
// Deepdive, FDM): heartbeats every second, each host at its own phase, so a host that
// fails at 300 s was last heard at L, 299 s < L ≤ 300 s.
//
//	slave fails:  declared dead at L + 15 s, or L + 18 s with heartbeat datastores;
//	              its VMs restart at once and run after their boot time (60 s,
//	              topology.DefaultVMBootTime): L + 75 s or L + 78 s.
//	master fails: the slaves enter the election at L + 10 s, it takes 15 s (elected at
//	              L + 25 s), the new master restarts the old one's VMs 10 s later
//	              (L + 35 s); they run at L + 95 s.

// haRun is a classic-dc run with overrides whose HA records and VM changes are kept
// with their instants.
type haRun struct {
	tw      *twin.Twin
	elected []sim.Time
	dead    map[string]sim.Time // host → declared dead
	alive   map[string]sim.Time // host → silent but writing its datastore
	isoAt   map[string]sim.Time // host → declared itself isolated
	respAt  map[string]sim.Time // host → applied its isolation response
	running map[string]sim.Time // VM → first time running again after 300 s
	on      map[string]string   // VM → where it ran again
	failed  map[string]int      // VM → restart attempts that failed
}

func runHA(t *testing.T, sets ...[2]string) *haRun {
	t.Helper()
	tw := builtinTwin(t, "classic-dc", sets...)
	r := &haRun{tw: tw, dead: map[string]sim.Time{}, alive: map[string]sim.Time{}, isoAt: map[string]sim.Time{}, respAt: map[string]sim.Time{}, running: map[string]sim.Time{}, on: map[string]string{}, failed: map[string]int{}}
	tw.Observe(sim.ObserverFunc(func(at sim.Time, rec sim.Record) {
		switch rec := rec.(type) {
		case ha.MasterElected:
			r.elected = append(r.elected, at)
		case ha.HostDeclaredDead:
			r.dead[rec.Host] = at
		case ha.HostAlive:
			r.alive[rec.Host] = at
		case ha.HostIsolated:
			r.isoAt[rec.Host] = at
		case ha.IsolationResponseApplied:
			r.respAt[rec.Host] = at
		case ha.VMRestartFailed:
			r.failed[rec.VM]++
		case twin.VMStateChanged:
			if _, ok := r.running[rec.VM]; !ok && rec.State == twin.VMRunning && at > 300*sim.Second {
				r.running[rec.VM], r.on[rec.VM] = at, rec.Host
			}
		}
	}))
	tw.Run()
	return r
}

// lastBeat checks that a declaration at at, delay after the last heartbeat, puts that
// heartbeat in (299 s, 300 s], and returns it.
func lastBeat(t *testing.T, what string, at, delay sim.Time) sim.Time {
	t.Helper()
	l := at - delay
	if l <= 299*sim.Second || l > 300*sim.Second {
		t.Fatalf("%s at %v: last heartbeat %v before it, want in (299 s, 300 s]", what, at, delay)
	}
	return l
}

const boot = sim.Time(topology.DefaultVMBootTime)

// hv-1 is the HA master (first of the cluster); its failure costs an election.
func TestHARestartAfterMasterFailure(t *testing.T) {
	r := runHA(t)
	if len(r.elected) != 1 {
		t.Fatalf("elections at %v, want one", r.elected)
	}
	l := lastBeat(t, "election", r.elected[0], 25*sim.Second)
	if got, want := r.dead["hv-1"], l+35*sim.Second; got != want {
		t.Errorf("hv-1 declared dead at %v, want %v (L + 35 s)", got, want)
	}
	for _, vm := range []string{"pbx-a", "web-1"} {
		if got, want := r.running[vm], l+35*sim.Second+boot; got != want {
			t.Errorf("%s running again at %v, want %v (L + 35 s + boot)", vm, got, want)
		}
		if r.on[vm] == "hv-1" || r.on[vm] == "" {
			t.Errorf("%s ran again on %q", vm, r.on[vm])
		}
	}
	f := r.tw.Report().Failures[1]
	byHA := -1.0
	for _, d := range f.Detections {
		if d.Mechanism == "HA" && d.By == "hv-1" {
			byHA = d.AfterMs
		}
	}
	if got, want := byHA, (l + 35*sim.Second - 300*sim.Second).Milliseconds(); f.Component != "hv-1" || got != want {
		t.Errorf("%s detected by HA after %v ms, want %v (-1: not by HA)", f.Component, got, want)
	}
	for _, v := range f.VMs {
		if v.OutageMs == nil || *v.OutageMs != (l+35*sim.Second+boot-300*sim.Second).Milliseconds() || v.Mechanism != "HA restart" {
			t.Errorf("VM line %+v, want the outage L + 35 s + boot - 300 s by HA restart", v)
		}
	}
	if len(f.VMs) != 2 {
		t.Errorf("VM lines %+v, want pbx-a and web-1", f.VMs)
	}
	if m := r.tw.Snapshot().HAMasters["vcluster"]; m != "hv-2" {
		t.Errorf("HA master at the end %q, want hv-2 (elected; hv-1 still booting)", m)
	}
}

var hv2Down = [2]string{"failures.scheduled", "[{at: 5m, component: hv-2, kind: host, repair_after: 2m}]"}

// hv-2 is a slave: dead at L + 18 s with the heartbeat datastore that every host of
// the cluster shares (san-1), at L + 15 s without.
func TestHARestartAfterSlaveFailure(t *testing.T) {
	for _, c := range []struct {
		datastore string
		dead      sim.Time
	}{{"true", 18 * sim.Second}, {"false", 15 * sim.Second}} {
		r := runHA(t, hv2Down, [2]string{"topology.clusters[vcluster].ha.datastore_heartbeats", c.datastore})
		if len(r.elected) != 0 {
			t.Errorf("datastore heartbeats %s: elections at %v, want none", c.datastore, r.elected)
		}
		l := lastBeat(t, "hv-2 declared dead", r.dead["hv-2"], c.dead)
		for _, vm := range []string{"voicemail", "mcu", "web-2", "db-read-1"} {
			if got, want := r.running[vm], l+c.dead+boot; got != want {
				t.Errorf("datastore heartbeats %s: %s running again at %v, want %v", c.datastore, vm, got, want)
			}
		}
	}
}

// Capacity and priority, counted by hand. hv-2 (voicemail 8 GB, mcu 8 GB, web-2 4 GB,
// db-read-1 16 GB) fails; hv-1 has 8 GB and runs 8 GB of VMs (full), hv-3 16 GB with 8
// used (pbx-b, and web-broker's FT primary, reserved), hv-4 30 GB with 22 used (web-3,
// db-read-2, mgw's FT primary): 8 GB free on each of two hosts. db-read-1 (high) goes
// first and fits nowhere; voicemail and mcu (medium) take hv-3 and hv-4; web-2 (low)
// finds no room. Two restarted, two failing their first attempt.
func TestHARestartCapacityAndPriority(t *testing.T) {
	r := runHA(t, hv2Down,
		[2]string{"topology.hosts[hv-1].ram_gb", "8"}, [2]string{"topology.hosts[hv-3].ram_gb", "16"},
		[2]string{"topology.hosts[hv-4].ram_gb", "30"},
		[2]string{"topology.vms[db-read-1].restart_priority", "high"}, [2]string{"topology.vms[web-2].restart_priority", "low"})
	if r.on["voicemail"] != "hv-3" || r.on["mcu"] != "hv-4" {
		t.Errorf("voicemail on %q, mcu on %q; want hv-3 and hv-4", r.on["voicemail"], r.on["mcu"])
	}
	for _, vm := range []string{"db-read-1", "web-2"} {
		if _, ok := r.running[vm]; ok || r.failed[vm] == 0 {
			t.Errorf("%s ran again on %q (%d failed attempts); want no room for it", vm, r.on[vm], r.failed[vm])
		}
	}
}

// Without HA a VM waits for its host: hv-1 is repaired at 420 s and boots for 5 min,
// past the end of the run, so web-1 does not run again.
func TestNoHAVMsWaitForTheirHost(t *testing.T) {
	r := runHA(t, [2]string{"topology.clusters[vcluster].ha.enabled", "false"})
	if _, ok := r.running["web-1"]; ok {
		t.Errorf("web-1 ran again at %v on %s without HA", r.running["web-1"], r.on["web-1"])
	}
	for _, d := range r.tw.Report().Failures[1].Detections {
		if d.Mechanism == "HA" {
			t.Errorf("detected by %+v without HA", d)
		}
	}
	// A shorter host boot brings it back with its host.
	r = runHA(t, [2]string{"topology.clusters[vcluster].ha.enabled", "false"}, [2]string{"topology.hosts[hv-1].boot_time", "30s"})
	if got, want := r.running["web-1"], 450*sim.Second; got != want || r.on["web-1"] != "hv-1" {
		t.Errorf("web-1 ran again at %v on %s, want %v on hv-1 (repair at 420 s + 30 s boot)", got, r.on["web-1"], want)
	}
}

// hv-3 loses both NICs at 300 s: it is alive but hears nobody and cannot ping its
// isolation address. reference-facts §6.1, isolation timeline: the master sees it
// silent but writing its heartbeat datastore at L + 18 s (not dead); the slave
// declares itself isolated at L + 30 s (10 s to the election state, 15 s of election,
// 5 s) and applies the response 30 s later (fdm.isolationPolicyDelaySec). Powered off,
// its VMs are restarted by the master: running at L + 60 s + boot. Left powered on,
// they stay where they are, cut off, until the NICs are repaired at 540 s.
func TestHAIsolationResponse(t *testing.T) {
	nics := [2]string{"failures.scheduled", `[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}]`}
	for _, resp := range []string{"power-off", "leave-powered-on"} {
		r := runHA(t, nics, [2]string{"topology.clusters[vcluster].ha.isolation_response", resp})
		l := lastBeat(t, resp+": hv-3 alive by its datastore", r.alive["hv-3"], 18*sim.Second)
		if got, want := r.isoAt["hv-3"], l+30*sim.Second; got != want {
			t.Errorf("%s: hv-3 isolated at %v, want %v (L + 30 s)", resp, got, want)
		}
		if _, ok := r.dead["hv-3"]; ok {
			t.Errorf("%s: hv-3 declared dead though it writes its datastore", resp)
		}
		switch resp {
		case "power-off":
			if got, want := r.respAt["hv-3"], l+60*sim.Second; got != want {
				t.Errorf("response at %v, want %v (L + 30 s + 30 s)", got, want)
			}
			// web-broker, FT-protected, is left to FT: its primary keeps running cut off
			// (it holds the storage lock), as ft.go says.
			for _, vm := range []string{"pbx-b"} {
				if got, want := r.running[vm], l+60*sim.Second+boot; got != want || r.on[vm] == "hv-3" {
					t.Errorf("%s running again at %v on %s, want %v elsewhere", vm, got, r.on[vm], want)
				}
			}
		default:
			if at, ok := r.respAt["hv-3"]; ok {
				t.Errorf("response applied at %v with leave-powered-on", at)
			}
			if at, ok := r.running["pbx-b"]; ok {
				t.Errorf("pbx-b restarted at %v on %s though left powered on", at, r.on["pbx-b"])
			}
		}
	}
}

// "Uniform network connectivity": hv-3, where HA restarts web-1 (the host with the
// most free memory), lacks web-1's port group pg-web. web-1 runs there after the
// restart but its eth0 reaches nothing: the VM line says so and web-1 stays cut off
// from its gateway to the end of the run, while its eth1 (pg-db) carries web-1-db
// again after the restart.
func TestHARestartOntoHostWithoutPortGroup(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("topology.hosts[hv-3].port_groups", "[{name: pg-mgmt, vlan: mgmt, vmkernel: true}, {name: pg-vmotion, vlan: vmotion, vmkernel: true}, "+
		"{name: pg-servers, vlan: servers}, {name: pg-voice, vlan: voice}, {name: pg-db, vlan: db}]"); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{Force: true}) // web-broker on hv-3 needs pg-web: an error
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	f := tw.Report().Failures[1]
	var line *twin.VMOutageResult
	for i := range f.VMs {
		if f.VMs[i].VM == "web-1" {
			line = &f.VMs[i]
		}
	}
	if line == nil || line.ResumedOn != "hv-3" || len(line.CutOff) != 1 || line.CutOff[0] != "pg-web" {
		t.Fatalf("web-1's VM line %+v, want restarted on hv-3 with pg-web cut off", line)
	}
	cut := false
	for _, c := range f.CutOff {
		cut = cut || c.Flow == "web-1" && c.OutageMs == nil
	}
	if !cut {
		t.Errorf("web-1 not cut off to the end: %+v", f.CutOff)
	}
	for _, fo := range f.Flows {
		if fo.Flow == "web-1-db" && (fo.OutageMs == nil || *fo.OutageMs != *line.OutageMs) {
			t.Errorf("web-1-db %s: outage %v, want the VM's %v (eth1 on pg-db works on hv-3)", fo.Direction, fo.OutageMs, *line.OutageMs)
		}
	}
}

// A hung hypervisor keeps its NICs' carrier: no NIC team, switch or spanning tree
// notices. Only HA does, by the silence of its agent and of its heartbeat datastore:
// hv-2 (a slave) declared dead at L + 18 s, its VMs running elsewhere at L + 78 s.
func TestHAHostHang(t *testing.T) {
	r := runHA(t, [2]string{"failures.scheduled", "[{at: 5m, component: hv-2, kind: host-hang, repair_after: 2m}]"})
	l := lastBeat(t, "hv-2 declared dead", r.dead["hv-2"], 18*sim.Second)
	for _, vm := range []string{"voicemail", "mcu", "web-2", "db-read-1"} {
		if got, want := r.running[vm], l+18*sim.Second+boot; got != want || r.on[vm] == "hv-2" {
			t.Errorf("%s running again at %v on %s, want %v elsewhere", vm, got, r.on[vm], want)
		}
	}
	f := r.tw.Report().Failures[0]
	if len(f.Detections) != 1 || f.Detections[0].Mechanism != "HA" {
		t.Errorf("detections %+v, want HA alone (the carrier stays up)", f.Detections)
	}
}

// An enclosure takes both its blades, hv-1 (the master) and hv-2: the surviving rack
// hosts elect a master (L + 25 s, L the old master's last heartbeat) which restarts
// the VMs of both 10 s later; all six run again at L + 35 s + boot, on hv-3 and hv-4.
func TestHAEnclosureFailure(t *testing.T) {
	r := runHA(t, [2]string{"failures.scheduled", "[{at: 5m, component: encl-sw, kind: enclosure, repair_after: 2m}]"})
	if len(r.elected) != 1 {
		t.Fatalf("elections at %v, want one", r.elected)
	}
	l := lastBeat(t, "election", r.elected[0], 25*sim.Second)
	for _, vm := range []string{"pbx-a", "web-1", "voicemail", "mcu", "web-2", "db-read-1"} {
		if got, want := r.running[vm], l+35*sim.Second+boot; got != want || (r.on[vm] != "hv-3" && r.on[vm] != "hv-4") {
			t.Errorf("%s running again at %v on %q, want %v on hv-3 or hv-4", vm, got, r.on[vm], want)
		}
	}
}

// A failure of kind host-isolation takes hv-3's management interface down at 300 s
// (repaired at 540 s) while hv-3 and its VMs run on: its last heartbeat L is in
// (299 s, 300 s]. reference-facts §6.1, isolation timeline of a slave, with heartbeat
// datastores (classic-dc's hosts share san-1):
//
//	L + 18 s   the master sees hv-3 silent but writing its datastore: alive, not dead
//	L + 30 s   hv-3 declares itself isolated (10 s to election, 15 s election, 5 s)
//	L + 60 s   the response, after the 30 s policy delay:
//	           power-off:        pbx-b and web-broker off, restarted by the master at
//	                             once, running at L + 60 s + 60 s boot
//	           shutdown:         the guests shut down for 30 s (dctwin's choice, within
//	                             das.isolationShutdownTimeout's 5 min), off at L + 90 s,
//	                             running elsewhere at L + 90 s + 60 s
//	           leave-powered-on: nothing; both run on hv-3 throughout
//
// web-broker is an FT primary, but its secondary on hv-1 cannot take over: its FT
// logging runs over the management network (classic-dc has no ft.logging_vlan), cut
// with it, so the pair split at once and the primary kept the storage lock; powered
// off, it is HA's to restart (TestFTIsolationResponse has the takeover).
// The report's failure says "isolated" with the response and the VM lines.
func TestHostIsolationKind(t *testing.T) {
	iso := [2]string{"failures.scheduled", `[{at: 5m, component: hv-3, kind: host-isolation, repair_after: 4m}]`}
	for _, c := range []struct {
		resp    string
		stopped sim.Time // after L; 0: not stopped
		line    string
	}{
		{"power-off", 60 * sim.Second, "isolation response power-off after"},
		{"shutdown", 90 * sim.Second, "isolation response shutdown after"},
		{"leave-powered-on", 0, "isolation response leave-powered-on: its VMs keep running"},
	} {
		r := runHA(t, iso, [2]string{"topology.clusters[vcluster].ha.isolation_response", c.resp})
		l := lastBeat(t, c.resp+": hv-3 alive by its datastore", r.alive["hv-3"], 18*sim.Second)
		if got, want := r.isoAt["hv-3"], l+30*sim.Second; got != want {
			t.Errorf("%s: isolated at %v, want %v (L + 30 s)", c.resp, got, want)
		}
		if _, ok := r.dead["hv-3"]; ok {
			t.Errorf("%s: hv-3 declared dead though it writes its datastore", c.resp)
		}
		rep := r.tw.Report()
		f := rep.Failures[0]
		if f.Kind != "host-isolation" || len(f.Isolated) != 1 || f.Isolated[0].Host != "hv-3" || f.Isolated[0].AfterMs != (l+30*sim.Second-300*sim.Second).Milliseconds() {
			t.Fatalf("%s: failure %s %s isolated %+v", c.resp, f.Kind, f.Component, f.Isolated)
		}
		var text strings.Builder
		if err := rep.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "isolated:   hv-3") || !strings.Contains(text.String(), c.line) {
			t.Errorf("%s: the report does not say %q", c.resp, c.line)
		}
		if c.stopped == 0 {
			if at, ok := r.running["pbx-b"]; ok || len(f.VMs) > 0 {
				t.Errorf("%s: pbx-b restarted at %v, VM lines %+v", c.resp, at, f.VMs)
			}
			continue
		}
		if got, want := r.respAt["hv-3"], l+60*sim.Second; got != want {
			t.Errorf("%s: response at %v, want %v (L + 60 s)", c.resp, got, want)
		}
		for _, vm := range []string{"pbx-b", "web-broker"} {
			if got, want := r.running[vm], l+c.stopped+boot; got != want || r.on[vm] == "hv-3" {
				t.Errorf("%s: %s running again at %v on %s, want %v elsewhere", c.resp, vm, got, r.on[vm], want)
			}
		}
		if len(f.VMs) != 2 {
			t.Fatalf("%s: VM lines %+v, want pbx-b's and web-broker's", c.resp, f.VMs)
		}
		for i, vm := range []string{"pbx-b", "web-broker"} {
			if f.VMs[i].VM != vm || *f.VMs[i].OutageMs != boot.Milliseconds() || f.VMs[i].Mechanism != "HA restart" {
				t.Errorf("%s: VM line %+v, want %s down for its boot, by HA restart", c.resp, f.VMs[i], vm)
			}
		}
	}
}

// A host repaired before HA notices its failure boots for its boot_time (300 s in
// classic-dc), and stays silent meanwhile: HA declares it dead while it boots, and
// that is the failure's detection, after its repair. hv-1 (the master) fails at 300 s,
// repaired at 301 s, booting until 601 s: elected at L + 25 s, declared dead at
// L + 35 s < 601 s (L in (299 s, 300 s]); its VMs restart elsewhere.
func TestHADetectsAHostStillBooting(t *testing.T) {
	r := runHA(t, [2]string{"failures.scheduled", "[{at: 5m, component: hv-1, kind: host, repair_after: 1s}]"})
	if len(r.elected) != 1 {
		t.Fatalf("elections at %v, want one", r.elected)
	}
	l := lastBeat(t, "election", r.elected[0], 25*sim.Second)
	f := r.tw.Report().Failures[0]
	want := float64((l + 35*sim.Second - 300*sim.Second).Milliseconds())
	if len(f.Detections) != 1 || f.Detections[0].Mechanism != "HA" || f.Detections[0].AfterMs != want || f.Detections[0].AfterRepair != "was still booting" {
		t.Errorf("detections %+v, want HA after %v ms, after the repair", f.Detections, want)
	}
	var b strings.Builder
	r.tw.Report().WriteText(&b)
	if !strings.Contains(b.String(), "after the repair: hv-1 was still booting") {
		t.Errorf("the report does not say HA detected hv-1 while it booted:\n%s", b.String())
	}
}

// A host that reboots within HA's detection time (boot_time 10 s, repaired 1 s after
// it failed at 300 s: back at 311 s) is never declared dead; its agent rejoins the
// master and reports its VMs powered off, and the master restarts them. (Before, they
// stayed down to the end of the run: nothing restarted them.)
//
//	hv-2, a slave: the master hears it again once its management team carries
//	  traffic, within one miimon interval (100 ms) of the boot's end: restarts in
//	  (311 s, 311.1 s], running 60 s (their boot) later.
//	hv-1, the master: the others elect a master at L + 25 s (hv-1, first of the
//	  cluster and up again), which reads the protected list 10 s later: restarts at
//	  L + 35 s, running at L + 95 s.
func TestHARestartsVMsFoundOff(t *testing.T) {
	for _, c := range []struct {
		host string
		vms  []string
	}{
		{"hv-2", []string{"voicemail", "mcu", "web-2", "db-read-1"}},
		{"hv-1", []string{"pbx-a", "web-1"}},
	} {
		t.Run(c.host, func(t *testing.T) {
			r := runHA(t, [2]string{"failures.scheduled", "[{at: 5m, component: " + c.host + ", kind: host, repair_after: 1s}]"},
				[2]string{"topology.hosts[" + c.host + "].boot_time", "10s"})
			if _, ok := r.dead[c.host]; ok {
				t.Fatalf("%s declared dead, want back before that", c.host)
			}
			f := r.tw.Report().Failures[0]
			if len(f.Detections) == 0 || f.Detections[len(f.Detections)-1].Mechanism != "HA" || f.Detections[len(f.Detections)-1].AfterRepair == "" {
				t.Fatalf("detections %+v, want HA's after the repair", f.Detections)
			}
			found := 300*sim.Second + sim.Time(f.Detections[len(f.Detections)-1].AfterMs)*sim.Millisecond
			if c.host == "hv-2" {
				if found <= 311*sim.Second || found > 311100*sim.Millisecond {
					t.Errorf("VMs found off at %v, want in (311 s, 311.1 s]", found)
				}
			} else {
				if len(r.elected) != 1 {
					t.Fatalf("elections at %v, want one", r.elected)
				}
				if l := lastBeat(t, "election", r.elected[0], 25*sim.Second); found != l+35*sim.Second {
					t.Errorf("VMs found off at %v, want L + 35 s = %v", found, l+35*sim.Second)
				}
			}
			for _, vm := range c.vms {
				if got := r.running[vm]; got != found+boot {
					t.Errorf("%s running again at %v, want %v (found off + boot)", vm, got, found+boot)
				}
			}
		})
	}
}
