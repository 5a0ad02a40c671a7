package experiment

import (
	"bytes"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/twin"
)

func report(t *testing.T, sc *scenario.Scenario) []byte {
	t.Helper()
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tw.Run()
	var b bytes.Buffer
	tw.Report().WriteText(&b)
	return b.Bytes()
}

// A copy runs exactly as the original, and overriding the copy leaves the original
// as it was (deepest: a team's detection, a list item's source positions).
func TestCloneScenario(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		base, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		want := report(t, base)
		c := cloneScenario(base)
		if got := report(t, c); !bytes.Equal(got, want) {
			t.Errorf("%s: the copy runs differently", name)
		}
		if err := c.Set("topology.hosts[0].teams", "null"); err != nil {
			t.Fatal(err)
		}
		if err := c.Set("failures.scheduled[0].at", "1s"); err != nil {
			t.Fatal(err)
		}
		if got := report(t, base); !bytes.Equal(got, want) {
			t.Errorf("%s: overriding the copy changed the original", name)
		}
	}
}
