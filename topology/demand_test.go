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
