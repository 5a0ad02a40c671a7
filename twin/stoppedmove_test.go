package twin_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// TestStoppedGuestMigrates: a VM whose guest stopped is still powered on, and vMotion
// moves it (the hypervisor copies its memory; the guest's state does not matter).
// classic-dc, quiet, web-1 (4 GiB = 4294967296 bytes, boot 45 s) on hv-1; its guest
// stops at 60 s, the repair is due at 60 + 120 = 180 s.
//
// A stopped guest writes no memory: pre-copy is one round of all of it over 10 GbE,
// 4294967296·8/10e9 = 3.435974 s, and the stun is the device state alone, 10 ms. A
// migration asked at 61 s ends at 61 + 3.435974 + 0.01 = 64.445974 s, the VM still
// hung (or halted) on hv-3, with no downtime of its own (it was down already).
//
//   - hang, VM monitoring on: the failure interval counts from the hang, not from the
//     move: reset at 60 + 30 = 90 s on hv-3, boots 45 s, runs at 135 s: down 75 s, as
//     without the move.
//   - crash, on_guest_crash: halt, monitoring off: halted on hv-3 until the repair at
//     180 s, when it serves there: down 120 s.
//   - hang, monitoring on, hv-1 entering maintenance at 61 s: web-1 leaves with the
//     other VMs (not refused), hung wherever the evacuation puts it, and is reset
//     there at 90 s: down 75 s.
func TestStoppedGuestMigrates(t *testing.T) {
	for _, c := range []struct {
		name, kind, action string
		sets               [][2]string
		state              twin.VMState
		down               sim.Time
	}{
		{"hung", "vm-hang", "{at: 61s, component: web-1, kind: migrate, to: hv-3}",
			[][2]string{{"topology.clusters[vcluster].ha.vm_monitoring", "true"}}, twin.VMHung, 75 * sim.Second},
		{"halted", "vm", "{at: 61s, component: web-1, kind: migrate, to: hv-3}",
			[][2]string{{"topology.clusters[vcluster].ha.vm_monitoring", "false"}, {"topology.vms[web-1].on_guest_crash", "halt"}}, twin.VMFailed, 120 * sim.Second},
		{"hung, maintenance", "vm-hang", "{at: 61s, component: hv-1, kind: maintenance}",
			[][2]string{{"topology.clusters[vcluster].ha.vm_monitoring", "true"}}, twin.VMHung, 75 * sim.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			sets := append(append([][2]string{}, quiet...),
				[2]string{"failures.scheduled", "[{at: 60s, component: web-1, kind: " + c.kind + ", repair_after: 2m}, " + c.action + "]"},
				[2]string{"topology.vms[web-1].boot_time", "45s"})
			tw := builtinTwin(t, "classic-dc", append(sets, c.sets...)...)
			tw.RunUntil(80 * sim.Second)
			v, _ := tw.VM("web-1")
			if v.State != c.state || v.Host == "hv-1" {
				t.Fatalf("web-1 at 80 s: %+v, want %s away from hv-1", v, c.state)
			}
			var m *twin.Migration
			for _, mm := range tw.Migrations() {
				if mm.VM == "web-1" {
					m = &mm
				}
			}
			if m == nil || m.Aborted != "" || m.Rounds != 1 {
				t.Fatalf("web-1's migration %+v, want one of one round", m)
			}
			if strings.Contains(c.action, "kind: migrate") {
				// (The evacuation's copies share links: their times are not these.)
				nearS(t, "pre-copy", m.PreCopy, 3.435974)
				nearS(t, "end", m.End, 64.445974)
			}
			nearS(t, "stun", m.Stun, 0.01)
			nearS(t, "downtime", m.Downtime, 0)
			tw.Run()
			var outs []twin.VMOutage
			for _, o := range tw.VMOutages() {
				if o.VM == "web-1" {
					outs = append(outs, o)
				}
			}
			if len(outs) != 1 || outs[0].Down != 60*sim.Second || outs[0].Up-outs[0].Down != c.down || outs[0].ResumedOn != v.Host || outs[0].Planned {
				t.Errorf("web-1's outages %+v, want one from 60 s for %v, ending on %s", outs, c.down, v.Host)
			}
		})
	}
}
