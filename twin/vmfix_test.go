package twin_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/twin"
	"dctwin/workloads/uc"
)

// loadRun runs a scenario file of testdata with its records.
func loadRun(t *testing.T, path string) (*twin.Twin, []sim.Record, []sim.Time) {
	t.Helper()
	sc, err := twin.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []sim.Record
	var at []sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		recs, at = append(recs, r), append(at, now)
	}))
	tw.Run()
	return tw, recs, at
}

// vmLine finds a VM's line among a failure's.
func vmLine(t *testing.T, f twin.FailureResult, vm string) twin.VMOutageResult {
	t.Helper()
	for _, v := range f.VMs {
		if v.VM == vm {
			return v
		}
	}
	t.Fatalf("no VM line for %s in %+v", vm, f.VMs)
	return twin.VMOutageResult{}
}

// ft-both.yaml (a newcomer review): FT VM app-3 runs on hv-3 with its secondary on
// hv-2, and both hosts fail at 60 s. No secondary is left to go live, so nothing takes
// over and no new secondary is placed for the failed VM; HA restarts app-3 when it
// declares hv-3 dead, and the VM runs after its boot (topology.DefaultVMBootTime,
// 60 s): down from 60 s to (declared dead + 60 s). A new secondary is only sought
// once app-3 runs again.
func TestFTBothHostsFail(t *testing.T) {
	tw, recs, at := loadRun(t, "testdata/ft-both.yaml")
	dead, ranAgain := sim.Never, sim.Never
	for i, r := range recs {
		switch r := r.(type) {
		case twin.FTTakeover:
			t.Errorf("at %v: %v, want no takeover (the secondary died too)", at[i], r)
		case ha.HostDeclaredDead:
			if r.Host == "hv-3" && dead == sim.Never {
				dead = at[i]
			}
		case twin.VMStateChanged:
			if r.VM == "app-3" && r.State == twin.VMRunning && ranAgain == sim.Never && at[i] > 60*sim.Second {
				ranAgain = at[i]
			}
		case twin.FTProtection:
			if r.VM == "app-3" && r.Secondary != "" && (ranAgain == sim.Never || at[i] < ranAgain) {
				t.Errorf("at %v: %v, want no new secondary for a failed VM", at[i], r)
			}
		}
	}
	if dead == sim.Never {
		t.Fatal("HA never declared hv-3 dead")
	}
	v := vmLine(t, tw.Report().Failures[1], "app-3")
	want := (dead + 60*sim.Second - 60*sim.Second).Milliseconds()
	if v.OutageMs == nil || *v.OutageMs != want || v.Mechanism != "HA restart" {
		t.Errorf("app-3 %+v, want down %v ms (declared dead at %v + 60 s boot), HA restart", v, want, dead)
	}
	if ranAgain != dead+60*sim.Second {
		t.Errorf("app-3 runs again at %v, want %v", ranAgain, dead+60*sim.Second)
	}
}

// m2.yaml (a newcomer review), failure 4: array san-1, which holds every VM's disk,
// fails at 800 s and is repaired at 860 s. HA restarts its VMs once a host reaches the
// datastore again: at 860 s, each booting 60 s, so each is down 60 + 60 = 120 s; the
// FT VM app-3 too (both copies failed with the datastore). A restart that lands on the
// VM's own host is a restart, not a VM-monitoring reset (vm_monitoring is off). The
// pair's two VMs were both down: the service line says so and what brought it back;
// their restarts go to different hosts (the VM cluster's soft anti-affinity).
func TestDatastoreFailureRestartsFT(t *testing.T) {
	tw, recs, _ := loadRun(t, "testdata/m2.yaml")
	f := tw.Report().Failures[3]
	for _, vm := range []string{"app-1", "app-3", "pbx-a", "pbx-b", "app-2"} {
		v := vmLine(t, f, vm)
		if v.OutageMs == nil || *v.OutageMs != 120_000 || v.Mechanism != "HA restart" {
			t.Errorf("%s %+v, want down 120000 ms by HA restart", vm, v)
		}
	}
	for _, r := range recs {
		if r, ok := r.(twin.VMStateChanged); ok && strings.Contains(r.Reason, "monitoring") {
			t.Errorf("%s: %v, want no VM monitoring (it is off)", r.VM, r)
		}
	}
	if a, b := vmLine(t, f, "pbx-a"), vmLine(t, f, "pbx-b"); a.ResumedOn == b.ResumedOn {
		t.Errorf("pbx-a and pbx-b both restarted on %s, want apart", a.ResumedOn)
	}
	if len(f.VMClusters) != 1 || f.VMClusters[0].OutageMs == nil || *f.VMClusters[0].OutageMs != 120_000 ||
		!strings.HasPrefix(f.VMClusters[0].How, "both VMs down; ") || !strings.Contains(f.VMClusters[0].How, "HA restart") {
		t.Errorf("service lines %+v, want pair down 120 s, both VMs down, back by an HA restart", f.VMClusters)
	}
}

// classic-dc, hv-2 into maintenance at 120 s: its VMs leave by vMotion, each stunned
// for its switchover (~148 ms for voicemail). A stunned VM is paused, not lost: the
// calls through it see a media gap far below rtp_timeout (60 s), so none is dropped,
// and certainly not for a lost server.
func TestStunKeepsCalls(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("failures.scheduled", "[{at: 2m, component: hv-2, kind: maintenance, repair_after: 5m}]"); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var dropped []uc.CallDropped
	tw.Observe(sim.ObserverFunc(func(_ sim.Time, r sim.Record) {
		if d, ok := r.(uc.CallDropped); ok {
			dropped = append(dropped, d)
		}
	}))
	tw.Run()
	stunned := false
	for _, v := range tw.VMOutages() {
		stunned = stunned || v.VM == "voicemail" && v.Mechanism == "vMotion from hv-2" && v.Up-v.Down < sim.Second
	}
	if !stunned {
		t.Fatalf("voicemail not migrated off hv-2 with a stun: %+v", tw.VMOutages())
	}
	if len(dropped) != 0 {
		t.Errorf("calls dropped %+v, want none (a stun is a gap, not a server loss)", dropped)
	}
}

// classic-dc with both of hv-1's NICs cut from 300 s to 480 s: pbx-a runs on, unheard.
// pbx-b takes over once (split brain), pbx-a goes on considering itself active, and
// the two do not take over from each other again while the cut lasts; when the
// network returns, pbx-b, which has served since, keeps the service.
func TestVMClusterSplitBrainNoFlap(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("failures.scheduled", `[{at: 5m, component: "hv-1:vmnic0", kind: nic, repair_after: 3m}, {at: 5m, component: "hv-1:vmnic1", kind: nic, repair_after: 3m}]`); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fo []twin.VMClusterFailover
	var over []twin.VMClusterSplitBrainOver
	var overAt sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		switch r := r.(type) {
		case twin.VMClusterFailover:
			fo = append(fo, r)
		case twin.VMClusterSplitBrainOver:
			over, overAt = append(over, r), now
		}
	}))
	tw.Run()
	if len(fo) != 1 || fo[0].To != "pbx-b" || !fo[0].SplitBrain {
		t.Errorf("failovers %+v, want one split-brain takeover by pbx-b", fo)
	}
	if len(over) != 1 || over[0].Keeps != "pbx-b" || over[0].StepsDown != "pbx-a" || overAt < 480*sim.Second {
		t.Errorf("split brain ends %+v at %v, want once after the repair at 480 s, pbx-b keeping the service", over, overAt)
	}
}

// classic-dc, hv-1 into maintenance at 120 s: DRS's plan by load alone sends pbx-a to
// hv-3, where its mate pbx-b runs; the VM cluster's soft anti-affinity sends it to
// another host that fits. hv-1 was HA's master (the first host of vcluster) and hands
// the role over at once.
func TestMaintenanceKeepsPairApart(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Set("failures.scheduled", "[{at: 2m, component: hv-1, kind: maintenance, repair_after: 5m}]"); err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var handover []ha.MasterElected
	var handAt sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		if r, ok := r.(ha.MasterElected); ok {
			handover, handAt = append(handover, r), now
		}
	}))
	tw.Run()
	a, b := "", ""
	for _, o := range tw.VMOutages() {
		if o.VM == "pbx-a" && o.Mechanism == "vMotion from hv-1" {
			a = o.ResumedOn
		}
	}
	if v, _ := tw.VM("pbx-b"); true {
		b = v.Host
	}
	if a == "" || a == b {
		t.Errorf("pbx-a migrated to %q, pbx-b on %q: want apart", a, b)
	}
	if len(handover) != 1 || handover[0].Handover == "" || handover[0].Host == "hv-1" || handAt != 120*sim.Second {
		t.Errorf("master records %+v at %v, want one handover away from hv-1 at 120 s", handover, handAt)
	}
}
