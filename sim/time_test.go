package sim_test

import (
	"testing"

	"dctwin/sim"
)

func TestTimeUnitsAndPrinting(t *testing.T) {
	cases := []struct {
		got  sim.Time
		want sim.Time
		str  string
	}{
		{sim.Milliseconds(250), 250 * sim.Millisecond, "250ms"},
		{sim.Seconds(1.5), 1500 * sim.Millisecond, "1.5s"},
		{sim.Minutes(2.5), 150 * sim.Second, "2m30s"},
		{sim.Hours(1), 3600 * sim.Second, "1h0m0s"},
		{sim.Seconds(1e-9), 1, "1ns"},
		{sim.Never, sim.Never, "never"},
	}
	for _, c := range cases {
		if c.got != c.want || c.got.String() != c.str {
			t.Errorf("got %d (%s), want %d (%s)", c.got, c.got, c.want, c.str)
		}
	}
	if s := (90 * sim.Second).Minutes(); s != 1.5 {
		t.Errorf("90s = %v min, want 1.5", s)
	}
	if ms := (1500 * sim.Microsecond).Milliseconds(); ms != 1.5 {
		t.Errorf("1500µs = %v ms, want 1.5", ms)
	}
	if sim.Seconds(1e300) != sim.Never {
		t.Error("overflowing seconds do not saturate at Never")
	}
}
