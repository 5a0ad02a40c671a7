package twin_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/twin"
)

// TestMaintenanceEmptiesTheHost: hv-1 enters maintenance at 60 s. Its VMs (pbx-a,
// web-1) leave by vMotion one after the other, the FT secondaries it holds (of mgw and
// web-broker) go to other hosts, and then it runs nothing and is in maintenance in the
// snapshot. HA restarts nothing onto it: when hv-3 fails, its VMs go elsewhere. At
// 400 s it leaves maintenance.
func TestMaintenanceEmptiesTheHost(t *testing.T) {
	tw := builtinTwin(t, "classic-dc", [2]string{"failures.scheduled",
		"[{at: 60s, component: hv-1, kind: maintenance, repair_after: 340s}, {at: 120s, component: hv-3, kind: host}]"},
		[2]string{"run.duration", "500s"})
	var secondaries []twin.FTProtection
	tw.Observe(sim.ObserverFunc(func(_ sim.Time, r sim.Record) {
		if p, ok := r.(twin.FTProtection); ok && p.Protected {
			secondaries = append(secondaries, p)
		}
	}))
	tw.RunUntil(110 * sim.Second)
	s := tw.Snapshot()
	if s.Maintenance["hv-1"] != twin.MaintenanceOn || s.State("hv-1") != twin.StateMaintenance {
		t.Fatalf("hv-1 at 110 s: %q, state %q; want in maintenance", s.Maintenance["hv-1"], s.State("hv-1"))
	}
	for _, v := range s.VMs {
		if v.Host == "hv-1" && v.State == twin.VMRunning {
			t.Errorf("%s still runs on hv-1", v.VM)
		}
	}
	moved := map[string]bool{}
	for _, m := range s.Migrations {
		if m.From != "hv-1" || m.Aborted != "" || m.Downtime <= 0 || m.Downtime != m.Stun {
			t.Errorf("migration %+v: want from hv-1, done, down for its stun", m)
		}
		moved[m.VM] = true
	}
	if !moved["pbx-a"] || !moved["web-1"] || len(moved) != 2 {
		t.Errorf("migrated %v, want pbx-a and web-1", moved)
	}
	if len(secondaries) != 2 {
		t.Errorf("FT secondaries placed: %+v, want mgw's and web-broker's off hv-1", secondaries)
	}
	for _, p := range secondaries {
		if p.Secondary == "hv-1" {
			t.Errorf("%s's secondary on hv-1, which is in maintenance", p.VM)
		}
	}
	tw.Run()
	for _, o := range tw.VMOutages() {
		if o.Down == 120*sim.Second && o.ResumedOn == "hv-1" {
			t.Errorf("%s restarted on hv-1 in maintenance: %+v", o.VM, o)
		}
	}
	if got := tw.Maintenance("hv-1"); got != "" {
		t.Errorf("hv-1 at the end: %q, want back in service at 400 s", got)
	}
}

// TestMaintenanceBlockedByALocalDisk: a VM on the host's local disk cannot leave, so
// the host cannot enter maintenance; the error names it.
func TestMaintenanceBlockedByALocalDisk(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	must(t, err)
	must(t, sc.Set("topology.vms[web-2].disk", "local"))
	tw, err := twin.New(sc, twin.Options{Force: true})
	must(t, err)
	tw.RunUntil(10 * sim.Second)
	err = tw.EnterMaintenance("hv-2")
	if err == nil || !strings.Contains(err.Error(), "web-2") || !strings.Contains(err.Error(), "local") {
		t.Errorf("hv-2 into maintenance with web-2 on a local disk: %v", err)
	}
	if tw.Maintenance("hv-2") != "" || len(tw.Journal()) != 0 {
		t.Errorf("a refused maintenance left hv-2 %q, journal %v", tw.Maintenance("hv-2"), tw.Journal())
	}
}

// TestSessionWithMigrationReplays: a session with a migration by hand, a maintenance
// entered and left by hand and a failure replays from its journal, and from the
// scenario it saves, with the same report byte for byte.
func TestSessionWithMigrationReplays(t *testing.T) {
	session := builtinTwin(t, "classic-dc", [2]string{"run.duration", "400s"})
	session.RunUntil(30 * sim.Second)
	must(t, session.MigrateVM("web-1", "hv-4"))
	session.RunUntil(50 * sim.Second)
	must(t, session.EnterMaintenance("hv-2"))
	session.RunUntil(150 * sim.Second)
	must(t, session.ExitMaintenance("hv-2"))
	session.RunUntil(200 * sim.Second)
	must(t, session.FailNow("hv-4", failures.Host))
	snap := session.Snapshot()
	session.Run()
	want := textOf(t, session.Report())
	if !strings.Contains(want, "Live migrations") || strings.Count(want, "maintenance of hv-2") != 4 {
		t.Fatalf("the session's report lacks its migrations:\n%s", want)
	}

	replay, err := twin.Replay(session.Scenario, twin.Options{}, session.Journal())
	must(t, err)
	replay.RunUntil(200 * sim.Second)
	if got := replay.Snapshot(); !reflect.DeepEqual(got.Migrations, snap.Migrations) || !reflect.DeepEqual(got.VMs, snap.VMs) {
		t.Errorf("the replay's snapshot at 200 s differs")
	}
	replay.Run()
	if got := textOf(t, replay.Report()); got != want {
		t.Errorf("the replay reports differently:\n%s\nwant:\n%s", got, want)
	}

	spec := session.SessionSpec()
	var b bytes.Buffer
	must(t, scenario.Write(&b, &spec))
	if !strings.Contains(b.String(), "kind: migrate") || !strings.Contains(b.String(), "to: hv-4") || !strings.Contains(b.String(), "kind: maintenance") {
		t.Errorf("the saved session does not schedule its operations:\n%s", b.String())
	}
	saved, err := scenario.Parse("classic-dc", b.Bytes())
	if err != nil {
		t.Fatalf("the saved session does not load: %v\n%s", err, b.String())
	}
	saved.Name = session.Scenario.Name
	tw, err := twin.New(saved, twin.Options{})
	must(t, err)
	tw.Run()
	if got := textOf(t, tw.Report()); got != want {
		t.Errorf("the saved session reports differently:\n%s\nwant:\n%s", got, want)
	}
}

// TestOperationsChecked: check refuses scheduled operations that cannot make sense,
// at their place in the file.
func TestOperationsChecked(t *testing.T) {
	for _, c := range []struct{ entry, want string }{
		{"{at: 10s, component: web-1, kind: migrate}", "say where to"},
		{"{at: 10s, component: web-1, kind: migrate, to: db-write}", "db-write is a rack server, not a hypervisor"},
		{"{at: 10s, component: hv-9, kind: migrate, to: hv-3}", `no VM named "hv-9"`},
		{"{at: 10s, component: web-1, kind: maintenance}", `"web-1" is a vm, not a hypervisor`},
		{"{at: 10s, component: hv-1, kind: maintenance, to: hv-2}", "only a migrate entry"},
		{`{at: 10s, component: "hv-1:vmnic0", kind: nic, to: hv-2}`, "only a migrate entry"},
	} {
		sc, err := twin.Load("classic-dc")
		must(t, err)
		must(t, sc.Set("failures.scheduled", "["+c.entry+"]"))
		found := false
		for _, f := range twin.Check(sc) {
			if strings.Contains(f.Message, c.want) {
				found = f.Pos.Line > 0
			}
		}
		if !found {
			t.Errorf("%s: no positioned finding saying %q: %v", c.entry, c.want, twin.Check(sc))
		}
	}
}
