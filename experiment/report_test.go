package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"dctwin/scenario"
)

// plotSpec draws every kind of plot from synthetic runs.
const plotSpec = `version: 1
experiment: plots
description: every kind of plot, from synthetic runs
scenario: teaming-lab
replications: 12
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb]
  hello:
    path: topology.gateways[gw-voice].hello
    values: [1s, 3s, 10s]
metrics: [calls.dropped, summary.flow_availability]
series:
  - {metric: calls.mos, from: 1s, to: 10s, step: 1s}
plots:
  - {kind: box, metric: calls.dropped, x: hello, group: mode}
  - {kind: ecdf, metric: calls.dropped, group: mode}
  - {kind: bar, metric: calls.dropped, x: hello, group: mode}
  - {kind: line, metric: calls.dropped, x: hello, group: mode}
  - {kind: series, metric: calls.mos, group: mode}
  - {kind: availability, metric: summary.flow_availability, x: hello, facet: mode}
`

// plotRuns makes values of known shape from the seed: drops grow with the hello
// interval and are higher for tlb; availability 1 − 10^−(4 + mode) with noise; a MOS
// that dips at 4 s and recovers by 7 s.
func plotRuns(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
	rng := rand.New(rand.NewPCG(seed, 99))
	mode, hello := float64(c.Values[0]), float64(c.Values[1])
	out := []float64{math.Max(0, math.Round(2*hello+3*mode+rng.NormFloat64()*1.5)),
		1 - math.Pow(10, -(4+mode))*math.Exp(rng.NormFloat64()*0.3)}
	for t := 1; t <= 10; t++ {
		mos := 4.3
		if t >= 4 && t < 7 {
			mos -= 1.2 / (1 + mode) * math.Exp(-float64(t-4)/2)
		}
		out = append(out, mos+rng.NormFloat64()*0.05)
	}
	return out, ctx.Err()
}

func writePlotReport(t *testing.T) (string, *Written) {
	t.Helper()
	dir := t.TempDir()
	runInto(t, load(t, plotSpec), Options{Dir: dir, run: plotRuns})
	w, err := WriteReport(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, w
}

// Every plot kind as SVG against its golden file (regenerate with go test
// ./experiment/ -run TestPlotsGolden -update, and look at the diff); PNGs decode, are
// 6 × 4 inches at 150 dpi or wider, and hold greys only: they read without colour.
func TestPlotsGolden(t *testing.T) {
	dir, w := writePlotReport(t)
	if len(w.Plots) != 7 { // the availability plot has a facet per mode
		t.Fatalf("%d plots: %+v", len(w.Plots), w.Plots)
	}
	for _, p := range w.Plots {
		t.Run(filepath.Base(p.Name), func(t *testing.T) {
			golden.RequireEqual(t, readFile(t, filepath.Join(dir, p.Name+".svg")))
			f, err := os.Open(filepath.Join(dir, p.Name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			b := img.Bounds()
			if b.Dx() < 900 || b.Dy() != 600 {
				t.Errorf("PNG is %v", b)
			}
			dark := 0
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					if r != g || g != bl {
						t.Fatalf("pixel (%d, %d) has colour %d %d %d", x, y, r>>8, g>>8, bl>>8)
					}
					if r < 0x4000 {
						dark++
					}
				}
			}
			if dark < 2000 {
				t.Errorf("PNG has %d dark pixels: nothing drawn?", dark)
			}
		})
	}
}

// summary.csv holds what Summarize says of each configuration's values; paired.csv
// the differences from the baseline (mode nft, all else equal); index.html and
// report.md show every plot and the tables.
func TestReportFiles(t *testing.T) {
	dir, _ := writePlotReport(t)
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, SummaryFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHead := "config,mode,hello,metric,t_s,n,missing,mean,std,median,p5,p95,ci95_low,ci95_high"
	if strings.Join(rows[0], ",") != wantHead {
		t.Errorf("summary header %q", rows[0])
	}
	// 6 configurations × (2 metrics + 10 series points).
	if len(rows) != 1+6*12 {
		t.Errorf("%d summary rows", len(rows))
	}
	s := load(t, plotSpec)
	r, err := ReadResults(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	want := Summarize(r.Values(4, "calls.dropped")) // configuration 5: tlb, 3s
	var got []string
	for _, row := range rows {
		if row[0] == "5" && row[3] == "calls.dropped" {
			got = row
		}
	}
	if got == nil || got[1] != "tlb" || got[2] != "3s" || got[7] != formatStat(want.Mean) || got[12] != formatStat(want.CILow) {
		t.Errorf("summary row of configuration 5: %q, want mean %v CI low %v", got, want.Mean, want.CILow)
	}
	paired, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, PairedFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// tlb against nft at each hello: 3 configurations × 2 metrics; by construction the
	// drops differ by 3 (rounding aside) in every pair.
	if len(paired) != 1+3*2 {
		t.Fatalf("%d paired rows", len(paired))
	}
	for _, row := range paired[1:] {
		diff, err := strconv.ParseFloat(row[6], 64)
		if row[1] != "tlb" || err != nil || row[4] == "calls.dropped" && math.Abs(diff-3) > 0.5 {
			t.Errorf("paired row %q", row)
		}
	}
	for _, f := range []string{IndexFile, MarkdownFile} {
		text := string(readFile(t, filepath.Join(dir, f)))
		for _, want := range []string{"plots/01-box-calls-dropped.png", "plots/06-availability-summary-flow-availability-tlb.svg",
			"Pooled over hello", "Paired differences", "calls.dropped", "tlb", "Hyndman and Fan", "type 7",
			"1 to 12 (replication k runs with seed k in every configuration)",
			"the configuration with mode = nft (by default the first value of the first parameter; baseline: in the experiment file names another)"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
	}
	// --spec with other plots but the same runs is accepted; with other runs, not.
	other := load(t, strings.Replace(plotSpec, "  - {kind: ecdf, metric: calls.dropped, group: mode}\n", "", 1))
	if w, err := WriteReport(dir, other); err != nil || len(w.Plots) != 6 {
		t.Errorf("report with other plots: %v", err)
	}
	if _, err := WriteReport(dir, load(t, strings.Replace(plotSpec, "replications: 12", "replications: 13", 1))); err == nil {
		t.Error("report with another spec's runs accepted")
	}
}

// A report of one shard, of a partial merge or of interrupted runs says at its top
// that it holds a part of the runs only.
func TestReportOfAPart(t *testing.T) {
	s := load(t, syntheticSpec) // 3 configurations × 4 replications = 12 runs
	shard := filepath.Join(t.TempDir(), "0")
	runInto(t, s, Options{Dir: shard, run: synthetic, Shard: Shard{0, 2}})
	w, err := WriteReport(shard, nil)
	want := "this directory holds shard 0 of 2 only: 6 of the experiment's 12 runs; merge the shards' directories (dctwin experiment merge DIR... --out DIR) and report the merge for figures of the whole experiment"
	if err != nil || len(w.Warnings) != 1 || w.Warnings[0] != want {
		t.Errorf("shard: %v %q", err, w.Warnings)
	}
	merged := filepath.Join(t.TempDir(), "m")
	if _, err := Merge([]string{shard}, merged, MergeOptions{Partial: true}); err != nil {
		t.Fatal(err)
	}
	w, err = WriteReport(merged, nil)
	if err != nil || len(w.Warnings) != 1 || !strings.HasPrefix(w.Warnings[0], "a partial merge: shard 1 of 2 is missing, so it holds 6 of the experiment's 12 runs; ") {
		t.Errorf("partial merge: %v %q", err, w.Warnings)
	}
	whole := filepath.Join(t.TempDir(), "all")
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err = Run(ctx, s, Options{Dir: whole, Workers: 1, run: synthetic, Progress: func(p Progress) {
		if n++; n == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	w, err = WriteReport(whole, nil)
	if err != nil || len(w.Warnings) != 1 || !strings.HasPrefix(w.Warnings[0], "the runs are not complete (interrupted): 5 of the experiment's 12 runs are in the directory") {
		t.Errorf("interrupted: %v %q", err, w.Warnings)
	}
}

// The report names the baseline as the file gives it, with the parameters zipped
// with it, and the seed of replication k from the file's seed:.
func TestBaselineAndSeedText(t *testing.T) {
	s := load(t, `version: 1
scenario: teaming-lab
seed: 5
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb]
  hello:
    path: topology.gateways[gw-voice].hello
    values: [1s, 3s]
  dead:
    path: topology.gateways[gw-voice].dead
    zip: hello
    values: [3s, 9s]
baseline: {hello: 3s}
metrics: [calls.dropped]
`)
	r := &Results{Spec: s, Configs: s.Configurations()}
	if got, want := r.baselineText(), "hello = 3s, dead = 9s (the experiment file's baseline:)"; got != want {
		t.Errorf("baseline %q, want %q", got, want)
	}
	// Configuration 1 (nft, 1s, 3s) is compared with configuration 2 (nft, 3s, 9s).
	if b := r.BaselineOf(r.Configs[0]); b != 1 {
		t.Errorf("baseline of configuration 1 is index %d, want 1", b)
	}
	for first, want := range map[uint64]string{0: "replication k runs with seed k−1", 1: "replication k runs with seed k",
		5: "replication k runs with seed k+4"} {
		if got := seedRule(first); got != want {
			t.Errorf("seedRule(%d) = %q, want %q", first, got, want)
		}
	}
}
