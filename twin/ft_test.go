package twin_test

import (
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/twin"
)

// ftRun runs classic-dc with overrides and keeps the FT records with their instants.
func ftRun(t *testing.T, sets ...[2]string) (*twin.Twin, []twin.FTTakeover, []sim.Time, []twin.FTProtection, []sim.Time) {
	t.Helper()
	tw := builtinTwin(t, "classic-dc", sets...)
	var takeovers []twin.FTTakeover
	var at []sim.Time
	var prot []twin.FTProtection
	var protAt []sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		switch r := r.(type) {
		case twin.FTTakeover:
			takeovers, at = append(takeovers, r), append(at, now)
		case twin.FTProtection:
			prot, protAt = append(prot, r), append(protAt, now)
		}
	}))
	tw.Run()
	return tw, takeovers, at, prot, protAt
}

// web-broker's FT primary runs on hv-3, its secondary on hv-1 (the first other host
// of the cluster). hv-3 fails at 300 s, a whole multiple of the FT heartbeat interval
// (100 ms, topology.DefaultFTHeartbeat); the primary sends at its phase in each
// interval (seed 1, stream ft/web-broker), so the last heartbeat is at 300 s − 100 ms
// + phase (300 s at phase 0) and the secondary goes live 3 intervals later
// (DefaultFTMissed). The VM's outage, and its flows', is from 300 s to then (the
// virtual switch's RARP re-points the switches at once). A new secondary goes to
// hv-2: the VM's memory crosses the FT logging network first, during which the VM is
// unprotected (TestFTSecondaryCopy has its duration).
func TestFTTakeover(t *testing.T) {
	tw, takeovers, at, prot, protAt := ftRun(t, [2]string{"failures.scheduled", "[{at: 5m, component: hv-3, kind: host, repair_after: 2m}]"})
	if len(takeovers) != 1 || takeovers[0].VM != "web-broker" || takeovers[0].From != "hv-3" || takeovers[0].To != "hv-1" {
		t.Fatalf("takeovers %+v, want web-broker from hv-3 to hv-1", takeovers)
	}
	want := beatBefore(300*sim.Second, phaseOf(1, "ft/web-broker", 100*sim.Millisecond), 100*sim.Millisecond) + 300*sim.Millisecond
	if at[0] != want {
		t.Errorf("takeover at %v, want %v (last heartbeat + 3 x 100 ms)", at[0], want)
	}
	down := (want - 300*sim.Second).Milliseconds()
	if len(prot) != 2 || prot[0].Protected || !prot[1].Protected || prot[1].Secondary != "hv-2" ||
		!strings.Contains(prot[0].Reason, "copying 4 GB of memory to a new secondary on hv-2") {
		t.Errorf("protection records %+v, want unprotected while 4 GB are copied to hv-2, then protected", prot)
	}
	if protAt[0] != at[0] || protAt[1] <= protAt[0] {
		t.Errorf("unprotected from %v to %v, want from the takeover %v until the copy ends", protAt[0], protAt[1], at[0])
	}
	f := tw.Report().Failures[0]
	var vm *twin.VMOutageResult
	for i := range f.VMs {
		if f.VMs[i].VM == "web-broker" {
			vm = &f.VMs[i]
		}
	}
	if vm == nil || vm.OutageMs == nil || *vm.OutageMs != down || vm.Mechanism != "FT takeover" || vm.ResumedOn != "hv-1" {
		t.Fatalf("web-broker's VM line %+v, want down %v ms, FT takeover on hv-1", vm, down)
	}
	for _, fo := range f.Flows {
		if fo.Flow == "browse-1" && (fo.OutageMs == nil || *fo.OutageMs != down) {
			t.Errorf("flow %s %s: outage %v, want %v ms", fo.Flow, fo.Direction, fo.OutageMs, down)
		}
	}
}

// The FT logging network cut while the primary runs (both of hv-3's NICs fail): the
// primary holds the lock on shared storage and stays live; the pair is unprotected,
// nothing takes over (reference-facts §6.2, split-brain avoidance).
func TestFTLoggingCut(t *testing.T) {
	_, takeovers, _, prot, _ := ftRun(t, [2]string{"failures.scheduled",
		`[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}]`})
	if len(takeovers) != 0 {
		t.Errorf("takeovers %+v with the primary running", takeovers)
	}
	lost := false
	for _, p := range prot {
		lost = lost || p.VM == "web-broker" && !p.Protected
	}
	if !lost {
		t.Errorf("protection records %+v, want web-broker unprotected", prot)
	}
}

// The logging stream is a flow from the primary's host to the secondary's at the
// cluster's logging rate: web-broker's from hv-3 to hv-1 at 100 Mbit/s
// (topology.DefaultFTLoggingRate, dctwin's choice), or as ft.logging_rate says. The
// links it crosses carry that load: hv-3's active uplink at least the stream's rate.
func TestFTLoggingStream(t *testing.T) {
	for _, c := range []struct {
		set  string
		rate float64
	}{{"", 100e6}, {"2G", 2e9}} {
		var sets [][2]string
		if c.set != "" {
			sets = append(sets, [2]string{"topology.clusters[vcluster].ft.logging_rate", c.set})
		}
		sets = append(sets, [2]string{"failures.scheduled", "[]"})
		tw, _, _, _, _ := ftRun(t, sets...)
		f := tw.Net.Flow("ft-logging:web-broker")
		if f == nil || !f.Delivering() {
			t.Fatalf("%s: no delivering logging stream for web-broker", c.set)
		}
		if cfg := f.Config(); cfg.From != "hv-3" || cfg.To != "hv-1" || cfg.RateBps != c.rate {
			t.Errorf("%s: stream %s → %s at %g bit/s, want hv-3 → hv-1 at %g", c.set, cfg.From, cfg.To, cfg.RateBps, c.rate)
		}
		path := f.Path()
		if len(path) < 2 {
			t.Fatalf("path %v", path)
		}
		if load := tw.Net.Load(path[1], path[0]); load < c.rate {
			t.Errorf("%s: %s carries %g bit/s from %s, want at least the stream's %g", c.set, path[1], load, path[0], c.rate)
		}
	}
}

// TestFTIsolationResponse: hv-3, which runs web-broker's FT primary (secondary on
// hv-1), loses its management interface at 300 s (host-isolation, repaired at
// 540 s). What FT does depends on where its logging runs and on the isolation
// response (reference-facts §6.1, §6.2):
//
//   - ft.logging_vlan on the vMotion network, which the isolation leaves up, and
//     power-off: the pair stays in lockstep until HA's response powers the primary
//     off at P (L + 60 s, TestHostIsolationKind). To FT that is the loss of the
//     primary: its last FT heartbeat is the last at or before P at its phase in each
//     100 ms (stream ft/web-broker), B = phase + ⌊(P − phase)/100 ms⌋·100 ms, and the
//     secondary goes live on hv-1 at B + 3·100 ms. web-broker is down from P until
//     then, by FT takeover, and HA restarts nothing for it; a new secondary goes to
//     hv-2.
//   - the same with leave-powered-on: nothing happens; the pair stays protected and
//     the primary runs on hv-3.
//   - logging over the management network (classic-dc as it is) and
//     leave-powered-on: the logging is cut with the management interface; the
//     secondary stops hearing the primary at the last FT heartbeat before 300 s,
//     B0 = beatBefore(300 s), and decides at B0 + 300 ms: the primary runs and holds
//     the lock on shared storage, so it stays live and the pair is unprotected until
//     the interface is back at 540 s (a new secondary then). web-broker is never down.
//     (With power-off it is powered off with no secondary left, and HA restarts it:
//     TestHostIsolationKind.)
func TestFTIsolationResponse(t *testing.T) {
	const interval = 100 * sim.Millisecond
	phase := phaseOf(1, "ft/web-broker", interval)
	iso := [2]string{"failures.scheduled", `[{at: 5m, component: hv-3, kind: host-isolation, repair_after: 4m}]`}
	logVLAN := [2]string{"topology.clusters[vcluster].ft.logging_vlan", "vmotion"}
	run := func(sets ...[2]string) (tw *twin.Twin, takeovers []twin.FTTakeover, takeAt []sim.Time, prot []twin.FTProtection, protAt []sim.Time, respAt sim.Time, restarts int) {
		tw = builtinTwin(t, "classic-dc", sets...)
		respAt = sim.Never
		tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
			switch r := r.(type) {
			case twin.FTTakeover:
				takeovers, takeAt = append(takeovers, r), append(takeAt, now)
			case twin.FTProtection:
				prot, protAt = append(prot, r), append(protAt, now)
			case ha.IsolationResponseApplied:
				respAt = now
			case ha.VMRestarting:
				if r.VM == "web-broker" {
					restarts++
				}
			}
		}))
		tw.Run()
		return
	}
	vmLine := func(tw *twin.Twin) *twin.VMOutageResult {
		f := tw.Report().Failures[0]
		for i := range f.VMs {
			if f.VMs[i].VM == "web-broker" {
				return &f.VMs[i]
			}
		}
		return nil
	}

	t.Run("power-off, separate logging", func(t *testing.T) {
		tw, takeovers, takeAt, prot, protAt, p, restarts := run(iso, logVLAN, [2]string{"topology.clusters[vcluster].ha.isolation_response", "power-off"})
		if p == sim.Never {
			t.Fatal("no isolation response")
		}
		b := phase + (p-phase)/interval*interval
		want := b + 3*interval
		if len(takeovers) != 1 || takeovers[0].From != "hv-3" || takeovers[0].To != "hv-1" || takeAt[0] != want {
			t.Fatalf("takeovers %+v at %v, want hv-3 → hv-1 at %v (power-off at %v)", takeovers, takeAt, want, p)
		}
		if restarts != 0 {
			t.Errorf("HA restarted web-broker %d times though its secondary took over", restarts)
		}
		vm := vmLine(tw)
		if vm == nil || vm.OutageMs == nil || *vm.OutageMs != (want-p).Milliseconds() || vm.Mechanism != "FT takeover" || vm.ResumedOn != "hv-1" {
			t.Errorf("web-broker's VM line %+v, want down %v by FT takeover on hv-1", vm, want-p)
		}
		if len(prot) < 2 || protAt[0] != want || prot[len(prot)-1].Secondary != "hv-2" || !prot[len(prot)-1].Protected {
			t.Errorf("protection %+v at %v, want unprotected from the takeover, then a secondary on hv-2", prot, protAt)
		}
	})
	t.Run("leave-powered-on, separate logging", func(t *testing.T) {
		tw, takeovers, _, prot, _, p, restarts := run(iso, logVLAN)
		if len(takeovers) != 0 || len(prot) != 0 || p != sim.Never || restarts != 0 {
			t.Errorf("takeovers %+v, protection %+v, response at %v, %d restarts: want none", takeovers, prot, p, restarts)
		}
		if v, _ := tw.VM("web-broker"); v.Host != "hv-3" || v.State != twin.VMRunning {
			t.Errorf("web-broker %+v, want running on hv-3", v)
		}
	})
	t.Run("leave-powered-on, logging over management", func(t *testing.T) {
		tw, takeovers, _, prot, protAt, _, restarts := run(iso)
		split := beatBefore(300*sim.Second, phase, interval) + 3*interval
		if len(takeovers) != 0 || restarts != 0 {
			t.Errorf("takeovers %+v, %d restarts: want none", takeovers, restarts)
		}
		if len(prot) < 2 || prot[0].Protected || protAt[0] != split || !strings.Contains(prot[0].Reason, "keeps the storage lock") ||
			!prot[len(prot)-1].Protected || protAt[1] < 540*sim.Second {
			t.Errorf("protection %+v at %v, want unprotected at %v (the storage lock), protected again after 540 s", prot, protAt, split)
		}
		if vm := vmLine(tw); vm != nil {
			t.Errorf("web-broker down: %+v", vm)
		}
	})
}

// TestFTSecondaryCopy: after web-broker's takeover on hv-1 (hv-3 fails at 100 s;
// classic-dc without flows and calls, so that the logging network is the copy's),
// its 4 GiB (4294967296 bytes, 25 MB/s dirtied: topology.DefaultDirtyRateBps) are
// copied to the new secondary on hv-2 by pre-copy (topology/vmotion), at what the
// logging path gives b: round i takes t_i = 8·B_i/b, B_1 = M, B_{i+1} = 25e6·t_i,
// until 8·B/b fits 0.5 s; then the last pages, 8·B/b + 10 ms. The pair is
// unprotected from the takeover for that long.
//
//	10 GbE (b = 10e9): t1 = 3.435974 s; 85899346 B → 0.068719 s: 3.435974 + 0.078719 = 3.514693 s
//	hv-2 on 1 GbE (b = 1e9): t1 = 34.359738, t2 = 6.871948, t3 = 1.374390; 34359738 B →
//	0.274878 s: 34.359738 + 6.871948 + 1.374390 + 0.284878 = 42.890954 s
//
// The copy is a flow on the links: hv-2's link carries it meanwhile.
func TestFTSecondaryCopy(t *testing.T) {
	fail := [2]string{"failures.scheduled", "[{at: 100s, component: hv-3, kind: host}]"}
	for _, c := range []struct {
		name string
		sets [][2]string
		want float64
		bw   float64
	}{
		{"10 GbE", nil, 3.514693, 10e9},
		{"hv-2 on 1 GbE", [][2]string{{"topology.hosts[hv-2].nics[vmnic0].speed", "1G"}, {"topology.hosts[hv-2].nics[vmnic1].speed", "1G"}}, 42.890954, 1e9},
	} {
		t.Run(c.name, func(t *testing.T) {
			tw := builtinTwin(t, "classic-dc", append(append(append([][2]string{}, quiet...), fail), c.sets...)...)
			var prot []sim.Time
			var load float64
			tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
				if r, ok := r.(twin.FTProtection); ok && r.VM == "web-broker" {
					prot = append(prot, now)
				}
			}))
			tw.RunUntil(102 * sim.Second)
			if f := tw.Net.Flow("ft-copy:web-broker"); f != nil && f.Delivering() {
				path := f.Path()
				load = tw.Net.Load(path[len(path)-2], path[len(path)-3])
			}
			tw.Run()
			if len(prot) != 2 {
				t.Fatalf("protection records at %v, want unprotected, then protected", prot)
			}
			if got := (prot[1] - prot[0]).Seconds(); math.Abs(got-c.want) > 1e-6 {
				t.Errorf("unprotected for %.6f s, want %.6f s", got, c.want)
			}
			if math.Abs(load-c.bw)/c.bw > 1e-6 {
				t.Errorf("the copy loads hv-2's link with %.0f bit/s at 102 s, want %.0f", load, c.bw)
			}
		})
	}
}

// TestFTSecondaryCopyStallsAndStartsOver: as in TestFTSecondaryCopy (10 GbE), the
// copy to hv-2 starts at the takeover, T = 100.215 s, and would take 3.514693 s.
// Both of hv-2's NICs fail at 101 s for 30 s: the copy's path is gone, it stalls and
// breaks off 20 s later (vmotionNetTimeout), at 121 s, leaving the pair unprotected.
// When the logging network reaches hv-2 again the copy starts over from round 1 and
// takes the full 3.514693 s.
func TestFTSecondaryCopyStallsAndStartsOver(t *testing.T) {
	tw := builtinTwin(t, "classic-dc", append(append([][2]string{}, quiet...), [2]string{"failures.scheduled",
		`[{at: 100s, component: hv-3, kind: host}, {at: 101s, component: "hv-2:vmnic0", kind: nic, repair_after: 30s}, {at: 101s, component: "hv-2:vmnic1", kind: nic, repair_after: 30s}]`})...)
	var prot []twin.FTProtection
	var at []sim.Time
	tw.Observe(sim.ObserverFunc(func(now sim.Time, r sim.Record) {
		if r, ok := r.(twin.FTProtection); ok && r.VM == "web-broker" {
			prot, at = append(prot, r), append(at, now)
		}
	}))
	tw.Run()
	if len(prot) != 4 {
		t.Fatalf("protection records %+v at %v, want copying, broke off, copying again, protected", prot, at)
	}
	if !strings.Contains(prot[1].Reason, "broke off") || at[1] != 121*sim.Second {
		t.Errorf("%q at %v, want the copy broken off at 121 s", prot[1].Reason, at[1])
	}
	if at[2] < 131*sim.Second || !strings.Contains(prot[2].Reason, "copying") {
		t.Errorf("%q at %v, want the copy again once hv-2's NICs are back (131 s)", prot[2].Reason, at[2])
	}
	// No host came back (hv-2 ran throughout): the reason names the logging network too.
	if !strings.HasPrefix(prot[2].Reason, "a host or the FT logging network is back") {
		t.Errorf("the copy starts over because %q, want the logging network named", prot[2].Reason)
	}
	if got := (at[3] - at[2]).Seconds(); !prot[3].Protected || math.Abs(got-3.514693) > 1e-6 {
		t.Errorf("protected %v after %.6f s, want after the full copy of 3.514693 s", prot[3].Protected, got)
	}
}

// TestFTSecondaryCopySharesWithAVMotion: web-1 migrates from hv-1 to hv-2 over hv-2's
// 1 GbE NICs from 90 s; at the takeover (100.215 s) web-broker's copy to a new
// secondary on hv-2 starts over the same link. From then on the two copies split it:
// 500 Mbit/s each (web-1's round 1 has 4294967296 − 10.215 s·125 MB/s bytes left,
// 48.3 s at 62.5 MB/s, so both run at 120 s).
func TestFTSecondaryCopySharesWithAVMotion(t *testing.T) {
	tw := builtinTwin(t, "classic-dc", append(append([][2]string{}, quiet...),
		[2]string{"topology.hosts[hv-2].nics[vmnic0].speed", "1G"}, [2]string{"topology.hosts[hv-2].nics[vmnic1].speed", "1G"},
		[2]string{"failures.scheduled", "[{at: 90s, component: web-1, kind: migrate, to: hv-2}, {at: 100s, component: hv-3, kind: host}]"})...)
	tw.RunUntil(120 * sim.Second)
	for _, name := range []string{"vmotion:web-1", "ft-copy:web-broker"} {
		f := tw.Net.Flow(name)
		if f == nil || !f.Delivering() || math.Abs(f.Config().RateBps-500e6) > 1 {
			t.Errorf("%s at 120 s: %v, want delivering at 500 Mbit/s", name, f)
			continue
		}
	}
}
