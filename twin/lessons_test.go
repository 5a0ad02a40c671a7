package twin_test

import (
	"testing"

	"dctwin/twin"
)

// blade-lab: a switch module's uplink fails. Arithmetic per team (reference-facts §4.1,
// the HOWTO's blade-enclosure note):
//   - miimon behind a plain switch module sees only the blade-to-module link, which
//     stays up: never restored while the uplink is down (the flow returns at repair);
//   - heartbeats every 1 s, 3 missed: the member fails 3 s after the last answered probe,
//     which went out within the second before the failure: detection in (2 s, 3 s];
//   - miimon 100 ms behind a module with uplink failure detection: the module drops its
//     blade ports at once, the next poll sees it: detection in (0, 100 ms].
func TestBladeLabLessons(t *testing.T) {
	sc, err := twin.Load("blade-lab")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := twin.New(sc, twin.Options{}); err == nil {
		t.Fatal("blade-lab has a planted configuration error but ran without --force")
	}
	for seed := uint64(1); seed <= 5; seed++ {
		_, r := run(t, sc, twin.Options{Force: true, Seed: seed, SeedSet: true})
		if len(r.Failures) != 2 {
			t.Fatalf("%d failures, want the two uplink failures", len(r.Failures))
		}
		outage := map[string]*float64{}
		restoredLater := map[string]bool{}
		for _, f := range r.Failures {
			for _, fo := range f.Flows {
				if !fo.AfterRepair {
					outage[fo.Flow] = fo.OutageMs
					restoredLater[fo.Flow] = fo.OutageMs == nil
				}
			}
		}
		if o := outage["to-mii"]; o != nil || !restoredLater["to-mii"] {
			t.Errorf("seed %d: miimon behind a plain module restored after %v ms; want never before repair", seed, *o)
		}
		if o := outage["to-hb"]; o == nil || *o <= 2000 || *o > 3000+1 {
			t.Errorf("seed %d: heartbeat failover %v ms, want in (2000, 3000]", seed, o)
		}
		if o := outage["to-ufd"]; o == nil || *o <= 0 || *o > 100+1 {
			t.Errorf("seed %d: failover with uplink failure detection %v ms, want in (0, 100]", seed, o)
		}
	}
}
