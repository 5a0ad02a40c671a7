package sim_test

import (
	"testing"

	"dctwin/sim"
)

// log collects what happened, as "time:what" strings, for ordering assertions.
type log []string

func (l *log) add(s *sim.Simulation, what string) {
	*l = append(*l, s.Now().String()+":"+what)
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("entry %d: got %q, want %q\nall: %q", i, got[i], want[i], got)
		}
	}
}

func mustPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s: no panic", what)
		}
	}()
	fn()
}
