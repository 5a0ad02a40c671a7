package vmotion

import (
	"math"
	"testing"

	"dctwin/sim"
)

const gib = 1 << 30

// near compares times to the microsecond.
func near(t *testing.T, what string, got sim.Time, want float64) {
	t.Helper()
	if math.Abs(got.Seconds()-want) > 1e-6 {
		t.Errorf("%s: %.6f s, want %.6f s", what, got.Seconds(), want)
	}
}

// TestGeometric: with a working set as large as memory, rounds shrink by ρ = dirty
// rate / bandwidth: t_i = (M/b)·ρ^(i−1), until ρ·t_i fits the 500 ms goal.
//
// 4 GiB over 1 Gbit/s (125 MB/s) at 25 MB/s (ρ = 0.2): t1 = 4294967296/125e6 =
// 34.359738 s, t2 = 6.871948 s, t3 = 1.374390 s; the dirty set after round 3 takes
// 0.274878 s ≤ 0.5 s: stun = 0.274878 + 0.010 = 0.284878 s.
// Over 10 GbE: t1 = 3.435974 s, then 0.068719 s of dirty pages fit: stun 0.078719 s.
func TestGeometric(t *testing.T) {
	r, err := Migrate(Params{MemoryBytes: 4 * gib, DirtyRate: 25e6, Bandwidth: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rounds) != 3 || !r.Converged {
		t.Fatalf("%d rounds, converged %v", len(r.Rounds), r.Converged)
	}
	for i, want := range []float64{34.359738, 6.871948, 1.374390} {
		near(t, "round", r.Rounds[i].Duration, want)
	}
	near(t, "stun", r.Stun, 0.284878)
	near(t, "total", r.Total, 34.359738+6.871948+1.374390+0.284878)

	r, _ = Migrate(Params{MemoryBytes: 4 * gib, DirtyRate: 25e6, Bandwidth: 10e9})
	if len(r.Rounds) != 1 {
		t.Errorf("10 GbE: %d rounds", len(r.Rounds))
	}
	near(t, "10 GbE stun", r.Stun, 0.078719)
}

// TestWritableWorkingSet: a guest that writes fast (1 GB/s) into a small working set
// is bounded by it: its 32 MiB are sent in 0.268 s at 1 Gbit/s, within the goal, so
// one round of all memory and a 0.278 s stun.
func TestWritableWorkingSet(t *testing.T) {
	r, _ := Migrate(Params{MemoryBytes: 4 * gib, DirtyRate: 1e9, WWSBytes: 32 << 20, Bandwidth: 1e9})
	if len(r.Rounds) != 1 || !r.Converged {
		t.Errorf("32 MiB WWS: %d rounds, converged %v", len(r.Rounds), r.Converged)
	}
	near(t, "stun", r.Stun, float64(32<<20)/125e6+0.010)
}

// TestNoConvergence: a guest dirtying 150 MB/s over 1 Gbit/s (125 MB/s) with a 1 GiB
// working set never shrinks its dirty set below 8.59 s of copying. vSphere's rounds
// stop at 29; Xen stops when more than 3 × 4 GiB has gone: 4 + 1·k GiB > 12 GiB at
// k = 9, after 10 rounds. Either way the stun is the whole working set: 8.589935 s
// + 10 ms.
func TestNoConvergence(t *testing.T) {
	p := Params{MemoryBytes: 4 * gib, DirtyRate: 150e6, WWSBytes: gib, Bandwidth: 1e9}
	r, _ := Migrate(p)
	if r.Converged || len(r.Rounds) != 29 {
		t.Errorf("vSphere rules: %d rounds, converged %v (%s)", len(r.Rounds), r.Converged, r.Reason)
	}
	near(t, "stun", r.Stun, 8.589935+0.010)
	p.Rules = Xen
	r, _ = Migrate(p)
	if r.Converged || len(r.Rounds) != 10 {
		t.Errorf("Xen rules: %d rounds, converged %v (%s)", len(r.Rounds), r.Converged, r.Reason)
	}
}

func TestRefused(t *testing.T) {
	for _, p := range []Params{{}, {MemoryBytes: 1, Bandwidth: 0}, {MemoryBytes: 1, Bandwidth: 1, DirtyRate: -1}, {MemoryBytes: math.NaN(), Bandwidth: 1}} {
		if _, err := Migrate(p); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}
