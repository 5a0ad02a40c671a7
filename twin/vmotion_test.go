package twin_test

import (
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// quiet leaves classic-dc without flows and calls, so that the vMotion network gives a
// copy its whole link speed.
var quiet = [][2]string{{"workloads.flows", "[]"}, {"workloads.calls", "null"}, {"run.duration", "200s"}}

// migrationRun runs classic-dc with overrides and returns the twin and the VM outages
// and migrations it recorded.
func migrationRun(t *testing.T, sets ...[2]string) *twin.Twin {
	t.Helper()
	tw := builtinTwin(t, "classic-dc", sets...)
	tw.Run()
	return tw
}

func nearS(t *testing.T, what string, got sim.Time, want float64) {
	t.Helper()
	if math.Abs(got.Seconds()-want) > 1e-6 {
		t.Errorf("%s: %.6f s, want %.6f s", what, got.Seconds(), want)
	}
}

// TestMigrationFollowsPreCopyArithmetic: web-1 (4 GiB = 4294967296 bytes, dirtying
// 25 MB/s: topology.DefaultDirtyRateBps) migrates from hv-1 to hv-3 at 60 s. Pre-copy
// (topology/vmotion): round i takes t_i = B_i·8/b; the guest dirties
// D_i = min(WWS, 25e6·t_i) meanwhile, B_{i+1} = D_i; pre-copy stops when D_i·8/b fits
// the 500 ms switchover goal, and the stun is D_i·8/b + 10 ms of device state.
//
// Over 10 GbE (b = 10e9): t1 = 3.435974 s, D1 = 85.899 MB, 0.068719 s ≤ 0.5 s: one
// round, stun 0.078719 s. With hv-3's NICs at 1 GbE (b = 1e9, the path's bottleneck):
// t1 = 34.359738 s, D1 = 858.99 MB (6.871948 s > 0.5 s), t2 = 6.871948 s, t3 =
// 1.374390 s, D3·8/b = 0.274878 s: three rounds, stun 0.284878 s. The VM's downtime,
// measured from its states, is the stun; the slower link takes longer.
func TestMigrationFollowsPreCopyArithmetic(t *testing.T) {
	migrate := [2]string{"failures.scheduled", "[{at: 60s, component: web-1, kind: migrate, to: hv-3}]"}
	for _, c := range []struct {
		name   string
		sets   [][2]string
		rounds []float64
		stun   float64
	}{
		{"10 GbE", nil, []float64{3.435974}, 0.078719},
		{"1 GbE", [][2]string{{"topology.hosts[hv-3].nics[vmnic0].speed", "1G"}, {"topology.hosts[hv-3].nics[vmnic1].speed", "1G"}},
			[]float64{34.359738, 6.871948, 1.374390}, 0.284878},
	} {
		t.Run(c.name, func(t *testing.T) {
			tw := migrationRun(t, append(append(append([][2]string{}, quiet...), migrate), c.sets...)...)
			ms := tw.Migrations()
			if len(ms) != 1 || ms[0].Aborted != "" || ms[0].Rounds != len(c.rounds) {
				t.Fatalf("migrations %+v, want one of %d rounds", ms, len(c.rounds))
			}
			m := ms[0]
			pre := 0.0
			for _, r := range c.rounds {
				pre += r
			}
			nearS(t, "pre-copy", m.PreCopy, pre)
			nearS(t, "stun", m.Stun, c.stun)
			nearS(t, "downtime", m.Downtime, c.stun)
			nearS(t, "end", m.End, 60+pre+c.stun)
			if v, _ := tw.VM("web-1"); v.Host != "hv-3" || v.State != twin.VMRunning {
				t.Errorf("web-1 %+v, want running on hv-3", v)
			}
		})
	}
}

// TestMigrationRefused: a migration the target cannot take is refused with the reason.
func TestMigrationRefused(t *testing.T) {
	for _, c := range []struct {
		set  [2]string
		to   string
		want string
	}{
		{[2]string{"topology.vms[web-1].disk", "local"}, "hv-3", "local storage"},
		{[2]string{"topology.vms[web-1].ram_gb", "300"}, "hv-3", "memory free"},
		{[2]string{"topology.clusters[vcluster].hosts", "[hv-1, hv-2, hv-4]"}, "hv-3", "not in the cluster"},
		{[2]string{"topology.clusters[vcluster].vmotion_vlan", "null"}, "hv-3", "no vmotion_vlan"},
		{[2]string{"topology.hosts[hv-3].storage", "[]"}, "hv-3", "does not reach its datastore san-1"},
		{[2]string{"topology.hosts[hv-3].port_groups", "[{name: pg-mgmt, vlan: mgmt, vmkernel: true}, " +
			"{name: pg-vmotion, vlan: vmotion, vmkernel: true}, {name: pg-db, vlan: db}]"}, "hv-3", "lacks its port groups [pg-web]"},
		{[2]string{"topology.hosts[hv-3].port_groups", "[{name: pg-mgmt, vlan: mgmt, vmkernel: true}, " +
			"{name: pg-web, vlan: web}, {name: pg-db, vlan: db}]"}, "hv-3", "no VMkernel port group in the vMotion VLAN"},
		{[2]string{"run.seed", "1"}, "hv-1", "it runs there"},
		{[2]string{"run.seed", "1"}, "db-write", "not a hypervisor"},
	} {
		sc, err := twin.Load("classic-dc")
		must(t, err)
		must(t, sc.Set(c.set[0], c.set[1]))
		tw, err := twin.New(sc, twin.Options{Force: true}) // a VM too big for its host is a check error
		must(t, err)
		tw.RunUntil(10 * sim.Second)
		err = tw.MigrateVM("web-1", c.to)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: migrating web-1 to %s: %v, want an error saying %q", c.set, c.to, err, c.want)
		}
		if len(tw.Journal()) != 0 {
			t.Errorf("%v: a refused migration is in the journal", c.set)
		}
	}
}

// recordsOf runs classic-dc (quiet, hv-3 on 1 GbE) with scheduled entries and keeps
// the vMotion records with their instants.
func recordsOf(t *testing.T, scheduled string) (*twin.Twin, []sim.Time, []sim.Record) {
	t.Helper()
	sets := append(append([][2]string{}, quiet...), [2]string{"failures.scheduled", scheduled},
		[2]string{"topology.hosts[hv-3].nics[vmnic0].speed", "1G"}, [2]string{"topology.hosts[hv-3].nics[vmnic1].speed", "1G"})
	tw := builtinTwin(t, "classic-dc", sets...)
	var at []sim.Time
	var recs []sim.Record
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		switch r.(type) {
		case twin.VMotionRound, twin.VMotionStalled, twin.VMotionDone:
			at, recs = append(at, now), append(recs, r)
		}
	}))
	tw.Run()
	return tw, at, recs
}

// TestMigrationPathFailure: hv-3 loses both NICs 10 s into web-1's copy over 1 GbE.
// Back after 5 s (carrier, then the LACP team's own recovery), the copy goes on where
// it stopped: round 1 takes 34.359738 s plus the stall, as the stall records measure
// it. Left down for 60 s, the copy gives up vmotionNetTimeout (20 s) after it
// stalled: aborted at 90 s, and web-1 runs on hv-1 as before, never down.
func TestMigrationPathFailure(t *testing.T) {
	both := func(repair string) string {
		return `[{at: 60s, component: web-1, kind: migrate, to: hv-3}, {at: 70s, component: "hv-3:vmnic0", kind: nic, repair_after: ` +
			repair + `}, {at: 70s, component: "hv-3:vmnic1", kind: nic, repair_after: ` + repair + `}]`
	}
	_, at, recs := recordsOf(t, both("5s"))
	var stalled, resumed sim.Time
	var round1 *twin.VMotionRound
	for i, r := range recs {
		switch r := r.(type) {
		case twin.VMotionStalled:
			if r.Stalled {
				stalled = at[i]
			} else {
				resumed = at[i]
			}
		case twin.VMotionRound:
			if r.Round == 1 {
				round1 = &r
			}
		}
	}
	if stalled != 70*sim.Second || resumed <= 75*sim.Second || round1 == nil {
		t.Fatalf("stalled at %v, resumed at %v, round 1 %+v: want a stall from 70 s to after 75 s", stalled, resumed, round1)
	}
	nearS(t, "round 1 with the stall", round1.Took, 34.359738+(resumed-stalled).Seconds())

	tw, at, recs := recordsOf(t, both("60s"))
	last, ok := recs[len(recs)-1].(twin.VMotionDone)
	if !ok || last.Aborted == "" || at[len(at)-1] != 90*sim.Second {
		t.Fatalf("last record %v at %v, want the migration aborted at 90 s", recs[len(recs)-1], at[len(at)-1])
	}
	if v, _ := tw.VM("web-1"); v.Host != "hv-1" || v.State != twin.VMRunning {
		t.Errorf("web-1 %+v, want running on hv-1", v)
	}
	for _, o := range tw.VMOutages() {
		if o.VM == "web-1" {
			t.Errorf("web-1 was down: %+v", o)
		}
	}
}

// TestHAFollowsAMigratedVM: after web-1 moved to hv-3 (done at 102.891 s), hv-3 fails
// at 120 s: HA restarts web-1, as a VM of hv-3, on another host.
func TestHAFollowsAMigratedVM(t *testing.T) {
	tw, _, _ := recordsOf(t, `[{at: 60s, component: web-1, kind: migrate, to: hv-3}, {at: 120s, component: hv-3, kind: host, repair_after: 60s}]`)
	var found bool
	for _, o := range tw.VMOutages() {
		if o.VM == "web-1" && o.Down == 120*sim.Second {
			found = true
			if o.Host != "hv-3" || o.Mechanism != "HA restart" || o.ResumedOn == "hv-3" {
				t.Errorf("web-1's outage %+v, want an HA restart from hv-3 elsewhere", o)
			}
		}
	}
	if !found {
		t.Errorf("web-1 did not go down with hv-3: %+v", tw.VMOutages())
	}
}

// TestMigrationsShareTheLink: web-1 and pbx-a (4 GiB = 4294967296 bytes each) both go
// to hv-3 over its 1 GbE NIC, pbx-a 10 s later. web-1 has sent 10 s × 125 MB/s =
// 1.25e9 bytes when pbx-a's copy starts; from then on the two split the link evenly
// (500 Mbit/s, 62.5 MB/s each). web-1's round 1 ends after
// 10 + (4294967296 − 1.25e9)·8/0.5e9 = 58.719477 s, at 500 Mbit/s. pbx-a's round 1 ends
// after 4294967296·8/0.5e9 = 68.719477 s, before web-1's copy is over: web-1's round 2
// (its dirty set of 25e6·58.72 = 1.468e9 bytes at 62.5 MB/s) still runs at 70 + 68.72 s
// (it began at 118.72 s and takes 23.49 s). Together the two copies fill the link.
func TestMigrationsShareTheLink(t *testing.T) {
	const scheduled = `[{at: 60s, component: web-1, kind: migrate, to: hv-3}, {at: 70s, component: pbx-a, kind: migrate, to: hv-3}]`
	tw, _, _ := recordsOf(t, scheduled)
	ms := tw.Migrations()
	if len(ms) != 2 || ms[0].Aborted != "" || ms[1].Aborted != "" {
		t.Fatalf("migrations %+v", ms)
	}
	web1Round1 := 10 + (4294967296-1.25e9)*8/0.5e9
	pbxRound1 := 4294967296 * 8 / 0.5e9
	got := map[string]float64{}
	for _, r := range recordsRound1(t, scheduled) {
		got[r.VM] = r.Took.Seconds()
		if math.Abs(r.Bandwidth-0.5e9) > 1 {
			t.Errorf("%s's round 1 ends at %.0f bit/s, want 500 Mbit/s", r.VM, r.Bandwidth)
		}
	}
	if math.Abs(got["web-1"]-web1Round1) > 1e-6 || math.Abs(got["pbx-a"]-pbxRound1) > 1e-6 {
		t.Errorf("rounds 1: web-1 %.6f s (want %.6f), pbx-a %.6f s (want %.6f)", got["web-1"], web1Round1, got["pbx-a"], pbxRound1)
	}
}

// recordsRound1 returns the first round of every migration of a run.
func recordsRound1(t *testing.T, scheduled string) []twin.VMotionRound {
	t.Helper()
	_, _, recs := recordsOf(t, scheduled)
	var out []twin.VMotionRound
	for _, r := range recs {
		if r, ok := r.(twin.VMotionRound); ok && r.Round == 1 {
			out = append(out, r)
		}
	}
	return out
}

// TestTargetLostInTheSwitchover: web-1's copy over 10 GbE ends at 63.442884 s (one
// round: 4 GiB at the 9.98 Gbit/s the scenario's flows leave, as the report shows),
// and its stun lasts until 63.521881 s. hv-3 fails at 63.45 s, within the stun: the
// migration is not committed, so web-1 resumes on hv-1 at the stun's end, down for
// the stun only, and HA has nothing to restart.
func TestTargetLostInTheSwitchover(t *testing.T) {
	tw := migrationRun(t, [2]string{"failures.scheduled", "[{at: 60s, component: web-1, kind: migrate, to: hv-3}, " +
		"{at: 63.45s, component: hv-3, kind: host, repair_after: 60s}]"}, [2]string{"run.duration", "200s"})
	ms := tw.Migrations()
	if len(ms) != 1 || !strings.Contains(ms[0].Aborted, "resumed on hv-1") || ms[0].Downtime != ms[0].Stun {
		t.Fatalf("migrations %+v, want aborted in the switchover, down for the stun", ms)
	}
	if v, _ := tw.VM("web-1"); v.Host != "hv-1" || v.State != twin.VMRunning {
		t.Errorf("web-1 %+v, want running on hv-1", v)
	}
	for _, o := range tw.VMOutages() {
		if o.VM == "web-1" && o.Down > 64*sim.Second {
			t.Errorf("web-1 down again: %+v", o)
		}
	}
}

// A VM whose disk names a datastore (ds-1 on san-1) migrates to a host attached to
// the array, and a host holding such VMs enters maintenance: the target is judged by
// whether it reaches the datastore now, as HA's restarts are, not by comparing the
// array names a host lists with the datastore's name (which refused every such move).
func TestMigrationToAHostReachingTheDatastore(t *testing.T) {
	tw := twinWith(t, "testdata/vmotion-datastore.yaml")
	tw.Run()
	var moved []string
	for _, m := range tw.Migrations() {
		if m.Aborted == "" {
			moved = append(moved, m.VM+" "+m.From+"→"+m.To)
		}
	}
	// app-1 at 30 s by hand; hv-2's maintenance at 90 s moves pbx-b and app-2. By load
	// alone pbx-b would go to hv-1, where its VM cluster's pbx-a runs: it goes to hv-3,
	// which fits (the pair's soft anti-affinity).
	if got := strings.Join(moved, ", "); got != "app-1 hv-1→hv-3, pbx-b hv-2→hv-3, app-2 hv-2→hv-1" {
		t.Errorf("migrations: %s", got)
	}
	if r := tw.Report(); len(r.NotInjected) > 0 {
		t.Errorf("operations refused: %v", r.NotInjected)
	}
}
