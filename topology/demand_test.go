package topology

import (
	"math"
	"testing"
	"time"
)

// TestDemandFactors: hour h of the office profile is [h h, (h+1) h) of every day; the
// mean over a span crossing hours weighs each hour by its share: from 7:50 to 8:10,
// 10 min at 0.3 and 10 at 0.8 give 0.55; 40 min to 9:05 is 35 at 0.8 and 5 at 1,
// (28 + 5)/40 = 0.825. A VM of 4 vCPUs at cpu 0.5 demands 2·f cores.
func TestDemandFactors(t *testing.T) {
	d := Demand{CPU: 0.5, RAM: 1, Profile: Profiles["office"]}
	at := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	for _, c := range []struct {
		from, to time.Duration
		want     float64
	}{
		{at(7, 50), at(8, 10), 0.55},
		{at(8, 25), at(9, 5), 0.825},
		{at(24+9, 0), at(24+9, 30), 1}, // the second day repeats the first
		{at(3, 0), at(3, 0), 0.1},      // an empty span: the value then
	} {
		if got := d.MeanFactor(c.from, c.to); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("mean factor %v–%v = %v, want %v", c.from, c.to, got, c.want)
		}
	}
	vm := &VM{CPU: 4, Demand: d}
	if got := vm.CPUDemand(at(12, 30)); math.Abs(got-2*0.7) > 1e-12 {
		t.Errorf("CPU demand at 12:30 %v cores, want 1.4", got)
	}
	if (Demand{}).Set() || (Demand{}).Factor(at(5, 0)) != 1 {
		t.Error("an unset demand is set, or its factor is not flat")
	}
}

// TestRAMInUse: a VM of 16 GB at ram 0.8 with the office profile for its memory uses
// 0.8 · 16 · f GB in the hour of factor f: 0.8·16·0.1 = 1.28 GB at 3:00, 0.8·16·1 =
// 12.8 GB at 10:00, 0.8·16·0.7 = 8.96 GB at 12:30 (the lunch dip), 0.8·16·0.3 = 3.84 GB
// at 18:59. Its CPU keeps its own profile (none: flat), and over 7:30–8:30 the memory
// averages 30 min at 0.3 and 30 at 0.8: 0.8·16·0.55 = 7.04 GB. Without ram_profile the
// same VM uses 12.8 GB all day, and one without demand all its 16 GB.
func TestRAMInUse(t *testing.T) {
	at := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	vm := &VM{CPU: 4, RAMGB: 16, Demand: Demand{CPU: 0.5, RAM: 0.8, RAMProfile: Profiles["office"]}}
	for _, c := range []struct {
		t    time.Duration
		want float64
	}{
		{at(3, 0), 1.28}, {at(10, 0), 12.8}, {at(12, 30), 8.96}, {at(18, 59), 3.84}, {at(24+3, 0), 1.28},
	} {
		if got := vm.RAMInUse(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("memory in use at %v: %v GB, want %v", c.t, got, c.want)
		}
	}
	if got := vm.MeanRAMInUse(at(7, 30), at(8, 30)); math.Abs(got-7.04) > 1e-12 {
		t.Errorf("mean memory in use 7:30–8:30: %v GB, want 7.04", got)
	}
	if got := vm.CPUDemand(at(3, 0)); got != 2 {
		t.Errorf("CPU demand at 3:00 %v cores, want 2 (flat: the RAM profile is memory's only)", got)
	}
	flat := &VM{CPU: 4, RAMGB: 16, Demand: Demand{CPU: 0.5, RAM: 0.8, Profile: Profiles["office"]}}
	if got := flat.RAMInUse(at(3, 0)); math.Abs(got-12.8) > 1e-12 {
		t.Errorf("without a RAM profile: %v GB at 3:00, want 12.8", got)
	}
	if got := (&VM{RAMGB: 16}).RAMInUse(at(3, 0)); got != 16 {
		t.Errorf("without demand: %v GB, want all 16", got)
	}
	if !(Demand{RAMProfile: Profiles["office"]}).Set() {
		t.Error("a demand with only a RAM profile is not set")
	}
}
