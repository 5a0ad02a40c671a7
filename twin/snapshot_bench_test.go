package twin_test

import (
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/twin"
)

// BenchmarkSnapshot measures one Snapshot in the middle of a run: what a TUI pays per
// frame. classic-dc at 45 s (during agg-1's failure), and the generated 2,000-host
// fabric (20,000 flows) 10 minutes into its hour.
//
//	go test ./twin/ -run '^$' -bench Snapshot -benchmem
func BenchmarkSnapshot(b *testing.B) {
	b.Run("classic-dc", func(b *testing.B) {
		sc, err := scenarios.Load("classic-dc")
		if err != nil {
			b.Fatal(err)
		}
		benchSnapshot(b, sc, 45*sim.Second)
	})
	b.Run("fabric-2000", func(b *testing.B) {
		if testing.Short() {
			b.Skip("the full fabric takes seconds to build")
		}
		data, err := scenarios.FabricDefaults.YAML()
		if err != nil {
			b.Fatal(err)
		}
		sc, err := scenario.Parse("fabric.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		benchSnapshot(b, sc, sim.Time(10*time.Minute))
	})
}

func benchSnapshot(b *testing.B, sc *scenario.Scenario, at sim.Time) {
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		b.Fatal(err)
	}
	tw.RunUntil(at)
	b.ResetTimer()
	for b.Loop() {
		tw.Snapshot()
	}
}
