package tui

import (
	"context"
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/twin"
)

// BenchmarkFrame measures one frame of the running TUI at 1× real time on a 100×30
// terminal: the twin advanced by one frame interval, a Frame (snapshot, the
// selection's detail, the new events), Update and View. classic-dc from 45 s (during
// agg-1's failure) and the generated 2,000-host fabric from 10 minutes into its hour.
// Targets: 5 ms and 30 ms on the 2-core machine of the README.
//
//	go test ./tui/ -run '^$' -bench Frame -benchmem
func BenchmarkFrame(b *testing.B) {
	b.Run("classic-dc", func(b *testing.B) {
		sc, err := scenarios.Load("classic-dc")
		if err != nil {
			b.Fatal(err)
		}
		benchFrame(b, sc, 45*sim.Second, "agg-1")
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
		benchFrame(b, sc, 10*sim.Minute, "")
	})
}

func benchFrame(b *testing.B, sc *scenario.Scenario, at sim.Time, selectName string) {
	sess, err := NewSession(sc, twin.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sess.Twin().RunUntil(at)
	m := New(sess, Options{Paused: true})
	m.Update(sized(100, 30))
	if selectName != "" && !m.tree.Find(selectName) {
		b.Fatalf("no %s", selectName)
	}
	sel := m.selectedDevice()
	step := sim.Time(frameInterval)
	var run, frame, ui time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		sess.Advance(ctx, sess.Twin().Now()+step)
		cancel()
		t1 := time.Now()
		f := sess.Frame(sel, false)
		t2 := time.Now()
		m.Update(frameMsg{f: f})
		_ = m.View()
		t3 := time.Now()
		run, frame, ui = run+t1.Sub(t0), frame+t2.Sub(t1), ui+t3.Sub(t2)
	}
	// The parts: simulating the frame's 33 ms (the scenario's own cost, which the
	// frame budget caps in the TUI), taking the Frame, and the UI's Update and View.
	n := float64(b.N) * float64(time.Millisecond)
	b.ReportMetric(float64(run)/n, "sim-ms/op")
	b.ReportMetric(float64(frame)/n, "frame-ms/op")
	b.ReportMetric(float64(ui)/n, "ui-ms/op")
}
