package twin_test

import (
	"fmt"
	"slices"
	"testing"

	"dctwin/twin"
)

// ramProfileLab runs testdata/dpm-ram-profile.yaml with overrides.
func ramProfileLab(t *testing.T, sets ...string) *twin.Report {
	t.Helper()
	tw := twinWith(t, "testdata/dpm-ram-profile.yaml", sets...)
	tw.Run()
	return tw.Report()
}

// TestDPMFollowsRAMProfile: three hosts of 16 cores and 128 GB, no HA (DPM may go
// down to one host), two VMs on each of 4 vCPUs at cpu 0.9 and 42 GB at ram 1, CPU
// and memory both following the office profile (factor f: 0.1 at night, 0.3 at 7,
// 0.8 at 8, 1 from 9, 0.7 at 12, 0.9 at 16, 0.6 at 17). DPM's band is 63 ± 18 %
// (reference-facts §6.5): off when CPU and memory are under 45 % on every host over
// the last 40 min, on when either is over 81 % on every host over the last 5.
//
// Two VMs a host are 2·0.9·4·f/16 = 45f % CPU and 84·f/128 = 65.625f % memory; three
// (on two hosts) 67.5f % CPU and 126·f/128 = 98.4375f % memory.
//
//   - Constant memory (no ram_profile): 65.6 % on every host all day, never under
//     45 %, and CPU at most 45 % with memory under 81 %: no power action at all.
//   - ram_profile office: at 2400 s (the 40-min window full) every host is at 4.5 %
//     CPU and 6.6 % memory, so DPM powers off the least loaded host (all tie: hv-1),
//     its VMs going to hv-2, then hv-3 (3, 3: 126 GB of 128 configured, so vMotion
//     takes no seventh VM on one host and DPM stops at two). At 8:00 memory is
//     98.4375·0.8 = 78.75 % ≤ 81 %; from 9:00 98.4 % on both, so the invocation at 9:05
//     (32700 s) powers hv-1 on; it boots for 300 s and DRS spreads the VMs 2, 2, 2. At
//     9:15 the 40-min mean (25 min at 0.8, 15 at 1) is 0.875: 57.4 % memory, no power
//     off; at lunch the mean is at least 0.7: 45.9 % ≥ 45 %, none either. At 17:25
//     the mean (15 min at 0.9, 25 at 0.6) is 0.7125, 46.8 %; at 17:30 (10 at 0.9, 30 at
//     0.6) 0.675: 44.3 % memory and 30.4 % CPU, and three VMs a host are then 66.4 %
//     memory and 45.6 % CPU ≤ 81 %: hv-1 (all tie) goes off at 63000 s.
//
// With constant memory each host draws 58.4 + 163.6·0.45f W, 2.204 kWh a day (as in
// TestEnergyFollowsDemand): 6.612 kWh in all; with the RAM profile DPM saves on that.
func TestDPMFollowsRAMProfile(t *testing.T) {
	var flat []string
	for i := 1; i <= 6; i++ {
		flat = append(flat, fmt.Sprintf("topology.vms[vm-%d].demand.ram_profile=null", i))
	}
	r := ramProfileLab(t, flat...)
	if r.Resources != nil && len(r.Resources.PowerActions) > 0 {
		t.Errorf("constant memory: power actions %+v, want none", r.Resources.PowerActions)
	}
	const flatKWh = 3 * (24*58.4 + 163.6*0.45*10.9) / 1000
	if d := r.Energy.TotalKWh - flatKWh; d > 1e-9 || d < -1e-9 {
		t.Errorf("constant memory: %.9f kWh, want %.9f", r.Energy.TotalKWh, flatKWh)
	}

	r = ramProfileLab(t)
	if r.Resources == nil {
		t.Fatal("ram_profile office: DPM did nothing")
	}
	var got []string
	for _, a := range r.Resources.PowerActions {
		got = append(got, fmt.Sprintf("%s %s at %.0f", a.Action, a.Host, a.AtS))
		if a.DoneS == nil || a.Failed != "" {
			t.Errorf("%+v did not complete", a)
		}
	}
	want := []string{"power off hv-1 at 2400", "power on hv-1 at 32700", "power off hv-1 at 63000"}
	if !slices.Equal(got, want) {
		t.Fatalf("ram_profile office: power actions %v, want %v", got, want)
	}
	if on := r.Resources.PowerActions[1]; *on.DoneS != 33000 {
		t.Errorf("hv-1 booted at %v s, want 33000 (300 s boot)", *on.DoneS)
	}
	var night []string
	for _, m := range r.Migrations {
		if m.AtS == 2400 {
			night = append(night, m.VM+"→"+m.To)
		}
	}
	if want := []string{"vm-1→hv-2", "vm-2→hv-3"}; !slices.Equal(night, want) {
		t.Errorf("evacuation of hv-1 %v, want %v", night, want)
	}
	if r.Energy.TotalKWh >= flatKWh {
		t.Errorf("ram_profile office: %.3f kWh, no less than %.3f with constant memory", r.Energy.TotalKWh, flatKWh)
	}
}
