package drs

import (
	"math"
	"testing"
)

// TestBalance: two 10 GHz hosts, four 2 GHz VMs all on h1: loads 0.8 and 0, standard
// deviation 0.4. Moving one VM: 0.6 / 0.2, σ = 0.2 (gain 0.2); a second: 0.4 / 0.4,
// σ = 0 (gain 0.2). At threshold 3 (tolerance 0.1) DRS recommends exactly those two.
func TestBalance(t *testing.T) {
	hosts := []Host{{Name: "h1", CPU: 10000, RAM: 64, On: true}, {Name: "h2", CPU: 10000, RAM: 64, On: true}}
	var vms []VM
	for _, n := range []string{"a", "b", "c", "d"} {
		vms = append(vms, VM{Name: n, Host: "h1", CPU: 2000, RAM: 4})
	}
	moves := Balance(hosts, vms, 3)
	if len(moves) != 2 {
		t.Fatalf("moves %+v, want 2", moves)
	}
	for _, m := range moves {
		if m.From != "h1" || m.To != "h2" || math.Abs(m.Gain-0.2) > 1e-9 {
			t.Errorf("move %+v, want h1 → h2 gaining 0.2", m)
		}
	}
	if got := Balance(hosts, vms, 1); len(got) != 0 {
		t.Errorf("threshold 1 moved %+v", got)
	}
	// h2 with memory for one of them only: one move.
	hosts[1].RAM = 6
	if got := Balance(hosts, vms, 3); len(got) != 1 {
		t.Errorf("with 6 GB on h2: %+v, want one move", got)
	}
}

// TestTolerance: the levels halve the tolerance; 1 balances nothing.
func TestTolerance(t *testing.T) {
	want := map[int]float64{1: math.Inf(1), 2: 0.2, 3: 0.1, 4: 0.05, 5: 0.025}
	for l, w := range want {
		if got := Tolerance(l); got != w {
			t.Errorf("level %d: %v, want %v", l, got, w)
		}
	}
}

// TestDPMOff: three 10 GHz / 64 GB hosts at 20 %, 30 % and 25 % CPU (and 20 % memory)
// over the last 40 minutes: all under 45 %, so DPM powers off the least loaded (h1)
// and moves its two 1 GHz VMs to the hosts with the lowest load that stay under 81 %:
// the first to h3 (25 % → 35 %), the second to h2 (30 % → 40 % beats h3's 45 %).
func TestDPMOff(t *testing.T) {
	hosts := []Host{{Name: "h1", CPU: 10000, RAM: 64, On: true}, {Name: "h2", CPU: 10000, RAM: 64, On: true}, {Name: "h3", CPU: 10000, RAM: 64, On: true}}
	vms := []VM{
		{Name: "a1", Host: "h1", CPU: 1000, RAM: 6.4}, {Name: "a2", Host: "h1", CPU: 1000, RAM: 6.4},
		{Name: "b", Host: "h2", CPU: 3000, RAM: 12.8},
		{Name: "c", Host: "h3", CPU: 2500, RAM: 12.8},
	}
	d := Power(vms, vms, hosts, 1)
	if d.Off != "h1" || len(d.Evacuate) != 2 || d.Evacuate[0].To != "h3" || d.Evacuate[1].To != "h2" {
		t.Errorf("decision %+v, want h1 off, a1 → h3, a2 → h2", d)
	}
	// HA needs all three on: nothing.
	if d := Power(vms, vms, hosts, 3); d.Off != "" {
		t.Errorf("with 3 hosts needed: %+v", d)
	}
	// One host at 50 %: not every host is under 45 %, nothing.
	busy := append([]VM(nil), vms...)
	busy[2].CPU = 5000
	if d := Power(busy, busy, hosts, 1); d.Off != "" || d.On != "" {
		t.Errorf("a host at 50 %%: %+v", d)
	}
}

// TestDPMOn: both powered-on hosts over 81 % CPU over the last 5 minutes: DPM powers
// the standby host on.
func TestDPMOn(t *testing.T) {
	hosts := []Host{{Name: "h1", CPU: 10000, RAM: 64, On: true}, {Name: "h2", CPU: 10000, RAM: 64, On: true}, {Name: "h3", CPU: 10000, RAM: 64}}
	vms := []VM{{Name: "a", Host: "h1", CPU: 8500, RAM: 8}, {Name: "b", Host: "h2", CPU: 9000, RAM: 8}}
	if d := Power(vms, vms, hosts, 1); d.On != "h3" {
		t.Errorf("decision %+v, want h3 on", d)
	}
}
