package spof

import "dctwin/topology"

// DeathEffect lets the external tests' reference analysis share the rules for dead items.
var DeathEffect = deathEffect

// AnalyzeRebuilding is Analyze on the fallback path that rebuilds the network for every
// failure, as for a topology whose wiring is not exact.
func AnalyzeRebuilding(t *topology.Topology) []Result {
	a := newAnalysis(t, itemsOf(t))
	a.reach = nil
	a.baseline()
	var out []Result
	for _, class := range Classes {
		for _, c := range t.ComponentsOf(class) {
			if r := a.fail(c); len(r.Impacts) > 0 {
				out = append(out, r)
			}
		}
	}
	return out
}
