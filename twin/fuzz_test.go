package twin_test

import (
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/topology/check"
	"dctwin/topology/spof"
	"dctwin/twin"
)

// FuzzLoad feeds the loader arbitrary text: it must return a scenario or an error,
// never panic, and whatever loads must survive the checker and the SPOF analysis.
func FuzzLoad(f *testing.F) {
	for _, name := range scenarios.Names() {
		data, _ := scenarios.Read(name)
		f.Add(data)
	}
	for _, s := range []string{
		"", "version: 1\n", "version: 1\ntopology: {}\n", "version: 1\ntopology: [\n",
		"version: 1\ntopology:\n  switches:\n    - {name: a, ports: -1}\n",
		"version: 1\ntopology:\n  hosts:\n    - {name: h, kind: blade, enclosure: e, bay: 99, nics: [{name: a}]}\n  enclosures:\n    - {name: e, bays: 0, modules: [{name: m, kind: pass-through}]}\n",
		"version: 1\ntopology:\n  links:\n    - {a: ':', b: 'x:'}\n",
		"version: 1\nworkloads: &w\n  flows: *w\n", "a: &a [*a]\n", "version: 1\n---\n---\n",
		"version: 1\nrun: {duration: 1e400s, seed: -1}\n", "version: !!binary AAAA\n",
		"version: 1\ntopology:\n  vlans: [{name: v, id: 99999999999999999999}]\n",
		"version: 1\nfailures:\n  scheduled:\n    - {at: 1s, component: 'x:psu1', kind: psu}\n",
		"<<: {version: 1}\n", "version: 1\ntopology:\n  hosts:\n    - name: h\n      teams:\n        - {name: t, members: [a, a], mode: lacp}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Parse("fuzz.yaml", data)
		if err != nil {
			if strings.Contains(err.Error(), scenario.InternalErrorText) {
				t.Fatalf("loader panicked: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		fs := twin.Check(sc)
		// the analysis fails every component in turn; keep each fuzz run cheap so that
		// minimising an interesting input does not take minutes
		n := len(sc.Topology().Components())
		if n < 40 {
			spof.Analyze(sc.Topology())
		}
		// what passes the check must also build and run (a few simulated seconds)
		if n < 300 && fs.Count(check.Error) == 0 {
			tw, err := twin.New(sc, twin.Options{Duration: 3 * sim.Second})
			if err != nil {
				t.Fatalf("check accepts the scenario, but the twin refuses it: %v", err)
			}
			tw.Run()
			tw.Report()
		}
	})
}
