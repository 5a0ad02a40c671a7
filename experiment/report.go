package experiment

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Files `report` writes into an experiment directory.
const (
	SummaryFile  = "summary.csv"
	PairedFile   = "paired.csv"
	IndexFile    = "index.html"
	MarkdownFile = "report.md"
	PlotsDir     = "plots"
)

// Results are an experiment directory read back: its spec, configurations and runs,
// with every item's values per configuration in replication order.
type Results struct {
	Spec    *Spec
	Meta    *Meta
	Configs []Configuration
	items   []item
	// reps and vals are per configuration: the replications run, and per item the
	// values in that order.
	reps [][]int
	vals [][][]float64
}

// ReadResults reads an experiment directory (a run, a shard or a merge). spec replaces
// the spec experiment.json holds (to change plots or the baseline without running
// again); with the command line's overrides the runs were made with (--replications,
// --precision), which it takes on, it must have the same hash.
func ReadResults(dir string, spec *Spec) (*Results, error) {
	meta, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	if spec != nil && meta.Spec.Overrides != (Overrides{}) {
		if err := spec.Apply(meta.Spec.Overrides); err != nil {
			return nil, mismatchf("%s: the runs were made with %v, which %s does not take: %v", dir, meta.Spec.Overrides, spec.File, err)
		}
	}
	if spec == nil {
		if spec, err = SpecOf(meta); err != nil {
			return nil, fmt.Errorf("%s: the spec it holds does not load: %w", filepath.Join(dir, MetaFile), err)
		}
	} else if spec.Hash() != meta.Hash {
		return nil, mismatchf("%s: %s (there: the directory, here: %s); another spec may change only the plots, the baseline and the descriptions",
			dir, mismatch(meta, spec), spec.File)
	}
	configs := spec.Configurations()
	rf, err := spec.readRuns(filepath.Join(dir, RunsFile), configs)
	if err != nil {
		return nil, err
	}
	r := &Results{Spec: spec, Meta: meta, Configs: configs, items: spec.items(),
		reps: make([][]int, len(configs)), vals: make([][][]float64, len(configs))}
	for c := range configs {
		r.vals[c] = make([][]float64, len(r.items))
	}
	for _, run := range rf.runs {
		c := run.Config
		r.reps[c] = append(r.reps[c], run.Replication)
		for i, v := range run.Values {
			r.vals[c][i] = append(r.vals[c][i], v)
		}
	}
	return r, nil
}

// Runs is the number of runs read.
func (r *Results) Runs() int {
	n := 0
	for _, reps := range r.reps {
		n += len(reps)
	}
	return n
}

// Values returns a scalar metric's values in configuration c, by replication.
func (r *Results) Values(c int, metric string) []float64 {
	for i, it := range r.items {
		if !it.series && it.metric == metric {
			return r.vals[c][i]
		}
	}
	return nil
}

// SummaryRow is one line of summary.csv.
type SummaryRow struct {
	Config int // index
	Metric string
	At     float64 // series time in seconds; NaN for a scalar metric
	Stats
}

// Summary computes the statistics of every configuration that has runs, item by item.
func (r *Results) Summary() []SummaryRow {
	var out []SummaryRow
	for _, c := range r.Configs {
		if len(r.reps[c.Index]) == 0 {
			continue
		}
		for i, it := range r.items {
			at := math.NaN()
			if it.series {
				at = it.at.Seconds()
			}
			out = append(out, SummaryRow{Config: c.Index, Metric: it.metric, At: at, Stats: Summarize(r.vals[c.Index][i])})
		}
	}
	return out
}

// PairedRow is one line of paired.csv: a configuration against its baseline.
type PairedRow struct {
	Config, Baseline int
	Metric           string
	Paired
}

// baseline is the values paired differences are taken against: the file's baseline:
// (given), or else the first value of the first parameter.
func (r *Results) baseline() (base map[string]string, given bool) {
	s := r.Spec
	if len(s.Baseline) > 0 {
		return s.Baseline, true
	}
	if len(s.Parameters) > 0 {
		return map[string]string{s.Parameters[0].Name: s.Parameters[0].Values[0].Label}, false
	}
	return nil, false
}

// BaselineOf is the configuration c is compared with: the same values, except the
// baseline parameters (the file's baseline:, or else the first value of the first
// parameter) at their baseline values, and the parameters zipped with them in step;
// -1 if that configuration is c itself or is not in the grid.
func (r *Results) BaselineOf(c Configuration) int {
	s := r.Spec
	want := slices.Clone(c.Values)
	base, _ := r.baseline()
	for i, p := range s.Parameters {
		if label, ok := base[p.Name]; ok {
			want[i] = p.index(label)
			// Parameters zipped with a baseline parameter follow it.
			for j, q := range s.Parameters {
				if q.group == p.group {
					want[j] = want[i]
				}
			}
		}
	}
	if slices.Equal(want, c.Values) {
		return -1
	}
	for _, o := range r.Configs {
		if slices.Equal(o.Values, want) {
			return o.Index
		}
	}
	return -1
}

// PairedDifferences compares every configuration with its baseline, metric by metric,
// over the replications both ran (the same seeds: common random numbers).
func (r *Results) PairedDifferences() []PairedRow {
	var out []PairedRow
	for _, c := range r.Configs {
		b := r.BaselineOf(c)
		if b < 0 || len(r.reps[c.Index]) == 0 || len(r.reps[b]) == 0 {
			continue
		}
		at := map[int]int{}
		for k, rep := range r.reps[b] {
			at[rep] = k
		}
		for _, m := range r.Spec.Metrics {
			x, y := r.Values(c.Index, m.Name), r.Values(b, m.Name)
			var xs, ys []float64
			for k, rep := range r.reps[c.Index] {
				if j, ok := at[rep]; ok {
					xs, ys = append(xs, x[k]), append(ys, y[j])
				}
			}
			out = append(out, PairedRow{Config: c.Index, Baseline: b, Metric: m.Name, Paired: PairedDifference(xs, ys)})
		}
	}
	return out
}

// WriteSummaryCSV writes summary.csv: per configuration (number and parameter values)
// and metric (and series time), n, missing, mean, std, median, p5, p95, ci95_low,
// ci95_high.
func (r *Results) WriteSummaryCSV(path string, rows []SummaryRow) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := r.configColumns()
	head = append(head, "metric", "t_s", "n", "missing", "mean", "std", "median", "p5", "p95", "ci95_low", "ci95_high")
	w.Write(head)
	for _, row := range rows {
		rec := r.configCells(row.Config)
		t := ""
		if !math.IsNaN(row.At) {
			t = strconv.FormatFloat(row.At, 'g', -1, 64)
		}
		rec = append(rec, row.Metric, t, strconv.Itoa(row.N), strconv.Itoa(row.Missing))
		for _, v := range []float64{row.Mean, row.Std, row.Median, row.P5, row.P95, row.CILow, row.CIHigh} {
			rec = append(rec, formatStat(v))
		}
		w.Write(rec)
	}
	w.Flush()
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// WritePairedCSV writes paired.csv: per configuration and metric, the baseline
// configuration and the mean of the paired differences with its 95 % interval.
func (r *Results) WritePairedCSV(path string, rows []PairedRow) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := r.configColumns()
	head = append(head, "baseline_config", "metric", "pairs", "mean_diff", "std_diff", "ci95_low", "ci95_high")
	w.Write(head)
	for _, row := range rows {
		rec := r.configCells(row.Config)
		rec = append(rec, strconv.Itoa(row.Baseline+1), row.Metric, strconv.Itoa(row.N))
		for _, v := range []float64{row.Mean, row.Std, row.CILow, row.CIHigh} {
			rec = append(rec, formatStat(v))
		}
		w.Write(rec)
	}
	w.Flush()
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func (r *Results) configColumns() []string {
	h := []string{"config"}
	for _, p := range r.Spec.Parameters {
		h = append(h, p.Name)
	}
	return h
}

func (r *Results) configCells(c int) []string {
	return append([]string{strconv.Itoa(c + 1)}, r.Spec.Labels(r.Configs[c])...)
}

// formatStat prints a statistic with 6 significant digits (empty when unknown), enough
// for any measured figure and stable across platforms.
func formatStat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(roundTo(v, 6), 'g', -1, 64)
}
