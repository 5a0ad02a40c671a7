package twin_test

import (
	"slices"
	"strings"
	"testing"

	"dctwin/twin"
)

// TestMetricFamilies: every metric a report of the built-in scenarios gives is in
// twin.MetricFamilies, so that a program that checks names against it accepts them.
func TestMetricFamilies(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc", "vlan-lab"} {
		sc, err := twin.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		tw, err := twin.New(sc, twin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tw.Run()
		for _, m := range tw.Report().Metrics() {
			dot := strings.LastIndexByte(m.Name, '.')
			family, figure := m.Name[:dot], m.Name[dot+1:]
			if i := strings.IndexByte(family, '['); i >= 0 {
				family = family[:i]
			}
			if !slices.Contains(twin.MetricFamilies[family], figure) {
				t.Errorf("%s: metric %s is not in MetricFamilies[%q]", name, m.Name, family)
			}
		}
	}
}
