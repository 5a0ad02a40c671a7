package tui

import (
	"os"
	"strings"
	"testing"
)

// The screen README's quick start shows is the golden file of the test that fails
// the active NIC, so the two cannot drift apart.
func TestReadmeScreenIsTheGolden(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/TestFailActiveNIC.golden")
	if err != nil {
		t.Fatal(err)
	}
	const start = " dctwin ▸ teaming-lab  seed 1   t = 00:00:06.000"
	r := string(readme)
	i := strings.Index(r, start)
	if i < 0 {
		t.Fatal("README has no quick-start screen")
	}
	screen := r[i:]
	screen = screen[:strings.Index(screen, "```")]
	trim := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			out = append(out, strings.TrimRight(l, " "))
		}
		return out
	}
	got, want := trim(screen), trim(string(golden))
	if len(got) != len(want) {
		t.Fatalf("README's screen has %d lines, the golden %d", len(got), len(want))
	}
	for k := range got {
		if got[k] != want[k] {
			t.Errorf("line %d differs:\nREADME %q\ngolden %q", k+1, got[k], want[k])
		}
	}
}
