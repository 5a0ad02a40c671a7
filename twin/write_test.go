package twin_test

import (
	"bytes"
	"regexp"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
)

// A scenario written back with scenario.Write runs exactly as the file it came from:
// same report, byte for byte, for every built-in scenario; and writing the reloaded
// scenario again gives the same text.
func TestWrittenScenarioRunsLikeTheOriginal(t *testing.T) {
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		if err := scenario.Write(&first, &sc.Spec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, err := scenario.Parse(name+".yaml", first.Bytes())
		if err != nil {
			t.Fatalf("%s: the written scenario does not load: %v\n%s", name, err, first.String())
		}
		again.Name = sc.Name
		// Positions in the report (what a forced run left out) move with the text.
		pos := regexp.MustCompile(`\.yaml:\d+:\d+`)
		if a, b := pos.ReplaceAllString(report(t, sc), ".yaml"), pos.ReplaceAllString(report(t, again), ".yaml"); a != b {
			t.Errorf("%s: the written scenario runs differently", name)
		}
		var second bytes.Buffer
		if err := scenario.Write(&second, &again.Spec); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Errorf("%s: writing the reloaded scenario gives other text", name)
		}
	}
}
