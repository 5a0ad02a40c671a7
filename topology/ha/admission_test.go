package ha

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
)

// TestRestartConcurrency40: h2 runs 40 VMs (32 medium, 8 low priority, 1 vCPU and
// 2 GB each, 60 s boot) and fails; h1 has room for all of them. At most 32 power-ons
// run at a time per host (reference-facts §6.1, HA Deepdive), so:
//
//	L + 15 s          h2 declared dead; the 32 medium VMs power on (priority first);
//	                  the 8 low ones wait for a slot
//	L + 15 s + 60 s   the 32 run; their slots free; the 8 power on
//	L + 75 s + 60 s   the 8 run (L + 135 s)
func TestRestartConcurrency40(t *testing.T) {
	s := sim.New(1)
	w := newWorld(s, "h1", "h2")
	hosts := []Host{{Name: "h1", Cores: 64, RAMGB: 512}, {Name: "h2", Cores: 64, RAMGB: 512}}
	var vms []VM
	for i := range 40 {
		p := Medium
		if i >= 32 {
			p = Low
		}
		vms = append(vms, VM{Name: fmt.Sprintf("vm%02d", i), Host: "h2", VCPU: 1, RAMGB: 2, Priority: p, BootTime: sim.Minute})
	}
	c, err := New(s, "cl", Config{}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	fail(s, w, c, 100*sim.Second, "h2")
	s.RunUntil(600 * sim.Second)
	h2 := c.byName["h2"]
	last := h2.phase + (100*sim.Second-h2.phase)/sim.Second*sim.Second
	dead := last + 15*sim.Second
	startsAt := map[sim.Time]int{}
	for _, l := range w.recorded {
		if strings.Contains(l, "HA restarts the VM on h1") {
			var sec float64
			fmt.Sscanf(l, "%f", &sec)
			startsAt[sim.Seconds(sec)]++
		}
	}
	if startsAt[dead] != 32 || startsAt[dead+sim.Minute] != 8 || len(startsAt) != 2 {
		t.Errorf("power-ons by instant %v, want 32 at %v and 8 at %v", startsAt, dead, dead+sim.Minute)
	}
	for i, v := range vms {
		want := dead + sim.Minute
		if i >= 32 {
			want = dead + 2*sim.Minute
		}
		if got := w.first(t, v.Name, "running again on h1"); got != want {
			t.Errorf("%s running at %v, want %v", v.Name, got, want)
		}
	}
}

// slotHosts: A and B with 64 GB and 16 cores of 2000 MHz (32000 MHz), C with 32 GB
// and 8 cores (16000 MHz). The VM "big" reserves 16 GB and 4000 MHz, the small ones
// nothing (32 MHz, 0 GB: reference-facts §6.1). The slot is the largest
// reservations, 16 GB and 4000 MHz:
//
//	A: min(32000/4000, 64/16) = min(8, 4) = 4 slots; B: 4; C: min(16000/4000, 32/16) = 2
//	total 10; after losing the largest host (4): 6; after the two largest: 2.
func slotHosts(small int) []Load {
	a := Load{Host: Host{Name: "A", Cores: 16, RAMGB: 64, MHz: 32000}, Up: true}
	a.VMs = append(a.VMs, VM{Name: "big", VCPU: 4, RAMGB: 16, RAMReservationGB: 16, CPUReservationMHz: 4000})
	for i := range small {
		a.VMs = append(a.VMs, VM{Name: fmt.Sprint("s", i), VCPU: 2, RAMGB: 8})
	}
	return []Load{a, {Host: Host{Name: "B", Cores: 16, RAMGB: 64, MHz: 32000}, Up: true}, {Host: Host{Name: "C", Cores: 8, RAMGB: 32, MHz: 16000}, Up: true}}
}

func TestSlots(t *testing.T) {
	s := SlotsOf(slotHosts(5), 1)
	if s.RAMGB != 16 || s.MHz != 4000 || fmt.Sprint(s.PerHost) != "[4 4 2]" || s.Used != 6 || s.Capacity != 6 {
		t.Errorf("slots %+v, want 16 GB/4000 MHz, [4 4 2], 6 used, 6 left after one failure", s)
	}
	one := Admission{Policy: HostFailures, HostFailures: 1}
	if why := one.Shortfall(slotHosts(5), 4); why != "" {
		t.Errorf("6 VMs in 6 slots: %s", why)
	}
	// A seventh VM needs a seventh slot: 7 > 6, refused wherever it goes.
	for _, h := range []string{"A", "B", "C"} {
		if why := one.Admit(slotHosts(5), VM{Name: "x", VCPU: 1, RAMGB: 1}, h, 4); !strings.Contains(why, "7 VMs need 7 slots") {
			t.Errorf("seventh VM on %s: %q, want refused", h, why)
		}
	}
	two := Admission{Policy: HostFailures, HostFailures: 2}
	if why := two.Shortfall(slotHosts(1), 4); why != "" {
		t.Errorf("2 VMs in 10 − 8 = 2 slots: %s", why)
	}
	if why := two.Shortfall(slotHosts(2), 4); why == "" {
		t.Error("3 VMs in 2 slots admitted")
	}
	if why := (Admission{Policy: HostFailures, HostFailures: 3}).Shortfall(slotHosts(0), 4); !strings.Contains(why, "3 host failures with 3 hosts") {
		t.Errorf("3 failures of 3 hosts: %q", why)
	}
	// A failed host gives no slots: with C down, 4 + 4 − 4 = 4 slots, and the 6 VMs
	// are more than that.
	down := slotHosts(5)
	down[2].Up = false
	if why := one.Shortfall(down, 4); !strings.Contains(why, "[4 4], 4 after") {
		t.Errorf("C down: %q", why)
	}
}

// TestSlotsWithoutReservations: the hosts of slotHosts with VMs that reserve nothing
// but the large one's CPU, or nothing at all.
//
//	no reservations: slot 32 MHz and 0 GB (memory overhead left out): memory bounds
//	  nothing; A 32000/32 = 1000 slots, B 1000, C 16000/32 = 500
//	big reserves 6000 MHz only: A ⌊32000/6000⌋ = 5, B 5, C ⌊16000/6000⌋ = 2;
//	  tolerating one failure: 12 − 5 = 7 slots for 8 VMs: refused
func TestSlotsWithoutReservations(t *testing.T) {
	loads := slotHosts(5)
	loads[0].VMs[0].RAMReservationGB, loads[0].VMs[0].CPUReservationMHz = 0, 0
	if s := SlotsOf(loads, 1); s.RAMGB != 0 || s.MHz != 32 || fmt.Sprint(s.PerHost) != "[1000 1000 500]" || s.Capacity != 1500 {
		t.Errorf("no reservations: %+v, want 32 MHz slots [1000 1000 500], 1500 after one failure", s)
	}
	loads = slotHosts(7)
	loads[0].VMs[0].RAMReservationGB, loads[0].VMs[0].CPUReservationMHz = 0, 6000
	s := SlotsOf(loads, 1)
	if s.MHz != 6000 || fmt.Sprint(s.PerHost) != "[5 5 2]" || s.Used != 8 || s.Capacity != 7 {
		t.Errorf("6000 MHz reserved: %+v, want [5 5 2], 8 used, 7 left", s)
	}
	if why := (Admission{Policy: HostFailures, HostFailures: 1}).Shortfall(loads, 4); !strings.Contains(why, "8 VMs need 8 slots of 0 GB and 6000 MHz") {
		t.Errorf("shortfall %q", why)
	}
}

// TestPercentage: two hosts of 64 GB and 16 cores: 128 GB and 128 vCPUs (4 per core).
// Reserving 25 % of memory leaves 96 GB, 50 % of CPU leaves 64 vCPUs.
func TestPercentage(t *testing.T) {
	loads := []Load{{Host: Host{Name: "A", Cores: 16, RAMGB: 64}, Up: true, VMs: []VM{{Name: "a", VCPU: 30, RAMGB: 48}}},
		{Host: Host{Name: "B", Cores: 16, RAMGB: 64}, Up: true, VMs: []VM{{Name: "b", VCPU: 30, RAMGB: 40}}}}
	p := Admission{Policy: Percentage, MemoryPercent: 25, CPUPercent: 50}
	for _, c := range []struct {
		vm VM
		ok bool
	}{
		{VM{Name: "fits", VCPU: 4, RAMGB: 8}, true},         // 96 GB ≤ 96, 64 vCPUs ≤ 64
		{VM{Name: "ram", VCPU: 1, RAMGB: 16}, false},        // 104 GB > 96
		{VM{Name: "cpu", VCPU: 5, RAMGB: 1}, false},         // 65 vCPUs > 64
		{VM{Name: "nothing", VCPU: 0, RAMGB: 0}, true},      // 88 GB, 60 vCPUs
		{VM{Name: "exact-cpu", VCPU: 4, RAMGB: 0.5}, true},  // 64 ≤ 64
		{VM{Name: "over-both", VCPU: 40, RAMGB: 40}, false}, // both
	} {
		why := p.Admit(loads, c.vm, "B", 4)
		if (why == "") != c.ok {
			t.Errorf("%s: %q, want admitted %v", c.vm.Name, why, c.ok)
		}
	}
}

// TestFailoverHosts: h3 is the failover host (32 GB, empty). h2 fails; its two 8 GB
// VMs would go to h1 by free memory (64 − 16 = 48 GB against 32 GB), but the failover
// host is tried first and has room for both (16 ≤ 32). A power-on on h3 is refused.
func TestFailoverHosts(t *testing.T) {
	s := sim.New(1)
	w := newWorld(s, "h1", "h2", "h3")
	hosts := []Host{{Name: "h1", Cores: 16, RAMGB: 64}, {Name: "h2", Cores: 16, RAMGB: 64}, {Name: "h3", Cores: 16, RAMGB: 32}}
	vms := []VM{{Name: "a1", Host: "h1", VCPU: 2, RAMGB: 8, BootTime: sim.Minute}, {Name: "a2", Host: "h1", VCPU: 2, RAMGB: 8, BootTime: sim.Minute},
		{Name: "b1", Host: "h2", VCPU: 2, RAMGB: 8, BootTime: sim.Minute}, {Name: "b2", Host: "h2", VCPU: 2, RAMGB: 8, BootTime: sim.Minute}}
	adm := Admission{Policy: FailoverHosts, FailoverHosts: []string{"h3"}}
	c, err := New(s, "cl", Config{Admission: adm}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	fail(s, w, c, 100*sim.Second, "h2")
	s.RunUntil(400 * sim.Second)
	for _, v := range []string{"b1", "b2"} {
		if w.running[v] != "h3" {
			t.Errorf("%s restarted on %q, want the failover host h3", v, w.running[v])
		}
	}
	if why := adm.Admit(nil, VM{Name: "x"}, "h3", 4); why == "" {
		t.Error("a power-on on the failover host admitted")
	}
	if why := adm.Admit(nil, VM{Name: "x"}, "h1", 4); why != "" {
		t.Errorf("a power-on on h1 refused: %s", why)
	}
	// Written with VMs on the failover host, the policy is broken.
	loads := []Load{{Host: hosts[0], Up: true, VMs: vms[:2]}, {Host: hosts[2], Up: true, VMs: vms[2:]}}
	if why := adm.Shortfall(loads, 4); !strings.Contains(why, "failover host h3 runs 2 VMs") {
		t.Errorf("shortfall %q", why)
	}
}

// TestRestartsIgnoreAdmission: two hosts of 64 GB (and 32000 MHz), tolerating one
// failure with 16 GB slots (every VM reserves its 16 GB: 4 slots per host, 4 left
// after a failure); h1 runs three 16 GB VMs and h2 two:
// 5 slots used > 4, so admission control refuses every power-on. When h1 fails HA
// restarts its VMs anyway, as far as h2's memory goes: 32 GB free takes two of the
// three (scenario order), the third finds no host with 16 GB free at each of its five
// attempts.
func TestRestartsIgnoreAdmission(t *testing.T) {
	s := sim.New(1)
	w := newWorld(s, "h1", "h2")
	hosts := []Host{{Name: "h1", Cores: 16, RAMGB: 64, MHz: 32000}, {Name: "h2", Cores: 16, RAMGB: 64, MHz: 32000}}
	var vms []VM
	for i, h := range []string{"h1", "h1", "h1", "h2", "h2"} {
		vms = append(vms, VM{Name: fmt.Sprint("v", i), Host: h, VCPU: 2, RAMGB: 16, RAMReservationGB: 16, BootTime: sim.Minute})
	}
	adm := Admission{Policy: HostFailures, HostFailures: 1}
	loads := []Load{{Host: hosts[0], Up: true, VMs: vms[:3]}, {Host: hosts[1], Up: true, VMs: vms[3:]}}
	if why := adm.Shortfall(loads, 4); !strings.Contains(why, "5 VMs need 5 slots") {
		t.Fatalf("shortfall %q, want 5 slots > 4", why)
	}
	c, err := New(s, "cl", Config{Admission: adm}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	fail(s, w, c, 100*sim.Second, "h1")
	s.RunUntil(2 * sim.Hour)
	if w.running["v0"] != "h2" || w.running["v1"] != "h2" {
		t.Errorf("v0 on %q, v1 on %q: want both restarted on h2", w.running["v0"], w.running["v1"])
	}
	if _, ok := w.running["v2"]; ok {
		t.Error("v2 runs although h2 has 64 − 4·16 = 0 GB left")
	}
	w.first(t, "v2", "attempt 5 failed", "no host has 16 GB")
}

// TestSlotsSaturate: absurd sizes saturate a host's slot count instead of
// overflowing it. A host of 16 cores at 1e300 MHz holds 1.6e301/32 slots by CPU, far
// beyond an int; a tiny memory reservation (1e-300 GB) gives 64/1e-300 by memory.
// Both saturate at maxSlotsPerHost (2^31 − 1), so with A saturated and B, C as in
// slotHosts without reservations (1000 and 500 slots), losing the largest host
// leaves 1500, not a negative count.
func TestSlotsSaturate(t *testing.T) {
	loads := slotHosts(5)
	loads[0].VMs[0].RAMReservationGB, loads[0].VMs[0].CPUReservationMHz = 0, 0
	loads[0].MHz = 16 * 1e300
	s := SlotsOf(loads, 1)
	if fmt.Sprint(s.PerHost) != "[2147483647 1000 500]" || s.Capacity != 1500 {
		t.Errorf("1e300 MHz cores: %+v, want [2147483647 1000 500], 1500 after one failure", s)
	}
	loads = slotHosts(5)
	loads[0].VMs[0].RAMReservationGB, loads[0].VMs[0].CPUReservationMHz = 1e-300, 0
	for i := range loads {
		loads[i].MHz = 1e300
	}
	s = SlotsOf(loads, 2)
	if fmt.Sprint(s.PerHost) != "[2147483647 2147483647 2147483647]" || s.Capacity != 2147483647 {
		t.Errorf("1e-300 GB slots: %+v, want every host saturated, 2^31 − 1 after two failures", s)
	}
}
