package experiment

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Written is what WriteReport wrote.
type Written struct {
	Files []string // paths relative to the directory
	Plots []PlotFile
	Runs  int
	// Warnings are what the reader of the report must know: plots left out and why,
	// metrics no run had a value of, a directory that holds a part of the runs only.
	// The report shows them at its top.
	Warnings []string
}

// WriteReport reads an experiment directory and writes its report into it:
// summary.csv, paired.csv, the plots (PNG and SVG under plots/), and index.html and
// report.md, which show the plots with the tables. spec replaces the spec the
// directory holds (same hash) to draw other plots; nil keeps it.
func WriteReport(dir string, spec *Spec) (*Written, error) {
	r, err := ReadResults(dir, spec)
	if err != nil {
		return nil, err
	}
	if r.Runs() == 0 {
		return nil, fmt.Errorf("%s has no runs yet", dir)
	}
	out := &Written{Runs: r.Runs()}
	summary := r.Summary()
	paired := r.PairedDifferences()
	if err := r.WriteSummaryCSV(filepath.Join(dir, SummaryFile), summary); err != nil {
		return nil, err
	}
	if err := r.WritePairedCSV(filepath.Join(dir, PairedFile), paired); err != nil {
		return nil, err
	}
	out.Files = append(out.Files, SummaryFile, PairedFile)
	plots, left, err := r.DrawPlots(dir)
	if err != nil {
		return nil, err
	}
	out.Plots = plots
	out.Warnings = r.warnings(left)
	for _, p := range plots {
		out.Files = append(out.Files, p.Name+".png", p.Name+".svg")
	}
	page := r.page(summary, paired, plots)
	page.Warnings = out.Warnings
	var html, md bytes.Buffer
	if err := indexTemplate.Execute(&html, page); err != nil {
		return nil, err
	}
	writeMarkdown(&md, page)
	if err := os.WriteFile(filepath.Join(dir, IndexFile), html.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, MarkdownFile), md.Bytes(), 0o644); err != nil {
		return nil, err
	}
	out.Files = append(out.Files, IndexFile, MarkdownFile)
	return out, nil
}

// page is what index.html and report.md show.
type page struct {
	Title, Description string
	Facts              [][2]string
	Plots              []PlotFile
	Params             []string
	Summary            [][]string
	Paired             [][]string
	Note               string
	SummaryNote        string
	Warnings           []string
}

// summaryNote says what the summary table's columns are.
const summaryNote = "Per configuration and metric: runs with a value (n), mean, 95 % confidence interval of the mean (Student's t), median, 5th and 95th percentiles (Hyndman and Fan's type 7, the default of R and numpy: linear between the order statistics, so the median of an even number of runs is the mean of the middle two)."

func (r *Results) page(summary []SummaryRow, paired []PairedRow, plots []PlotFile) page {
	m := r.Meta
	pg := page{Title: "Experiment " + r.Spec.Name, Description: r.Spec.Description, Plots: plots, SummaryNote: summaryNote}
	for _, p := range r.Spec.Parameters {
		pg.Params = append(pg.Params, p.Name)
	}
	ended := "not yet (" + m.Status + ")"
	if m.Ended != nil {
		ended = m.Ended.Format(time.RFC3339)
	}
	pg.Facts = [][2]string{
		{"scenario", r.Spec.ScenarioRef},
		{"configurations", strconv.Itoa(len(r.Configs))},
		{"runs", strconv.Itoa(r.Runs())},
		{"seeds", fmt.Sprintf("%d to %d (%s in every configuration)", m.Seeds.First, m.Seeds.Last, seedRule(m.Seeds.First))},
		{"spec hash", m.Hash},
		{"dctwin", m.DctwinVersion + " (" + m.GoVersion + ")"},
		{"started", m.Started.Format(time.RFC3339)},
		{"ended", ended},
	}
	if len(m.Merged) > 0 {
		pg.Facts = append(pg.Facts, [2]string{"merged from", strings.Join(m.Merged, ", ")})
	}
	if p := m.Precision; p != nil {
		pg.Facts = append(pg.Facts, [2]string{"precision", fmt.Sprintf("%s: 95 %% CI half-width ≤ %s of the mean in %d of %d configurations (at most %d replications)",
			p.Metric, strconv.FormatFloat(p.HalfWidth*100, 'g', -1, 64)+" %", p.Met, len(p.Configs), p.MaxReplications)})
	}
	for _, row := range summary {
		if !math.IsNaN(row.At) {
			continue // series points are in summary.csv and the plots
		}
		cells := r.configCells(row.Config)
		cells = append(cells, row.Metric, strconv.Itoa(row.N), show(row.Mean), interval(row.CILow, row.CIHigh),
			show(row.Median), show(row.P5), show(row.P95))
		pg.Summary = append(pg.Summary, cells)
	}
	for _, row := range paired {
		cells := r.configCells(row.Config)
		cells = append(cells, strconv.Itoa(row.Baseline+1), row.Metric, strconv.Itoa(row.N), show(row.Mean), interval(row.CILow, row.CIHigh))
		pg.Paired = append(pg.Paired, cells)
	}
	if len(pg.Paired) > 0 {
		pg.Note = "Paired differences: each configuration minus its baseline, the configuration with " + r.baselineText() +
			" and all else equal, replication by replication over the same seeds (common random numbers)."
	}
	return pg
}

// warnings are what the report's reader must know before the figures.
func (r *Results) warnings(left []LeftOut) []string {
	out := r.partWarnings()
	seen := make(valueSeen, len(r.items))
	for c := range r.Configs {
		for i := range r.items {
			for _, v := range r.vals[c][i] {
				if !math.IsNaN(v) {
					seen[i] = true
					break
				}
			}
		}
	}
	if missing := seen.missing(r.items); len(missing) > 0 {
		out = append(out, "no run had a value of "+strings.Join(missing, ", ")+" (n = 0 in every configuration): most likely the runs do not have what it measures (failure[i] needs i+1 failures, calls.* a calls workload)")
	}
	for _, l := range left {
		out = append(out, l.String())
	}
	return out
}

// partWarnings say when the directory holds a part of the experiment's runs only: one
// shard, a merge of some shards, or runs that were interrupted.
func (r *Results) partWarnings() []string {
	m := r.Meta
	var out []string
	total := ""
	if r.Spec.Precision == nil {
		total = fmt.Sprintf(" of the experiment's %d", len(r.Configs)*r.Spec.Replications)
	}
	merge := "merge the shards' directories (dctwin experiment merge DIR... --out DIR) and report the merge for figures of the whole experiment"
	switch {
	case len(m.Merged) == 0 && m.Shard.Count > 1:
		out = append(out, fmt.Sprintf("this directory holds shard %d of %d only: %d%s runs; %s",
			m.Shard.Index, m.Shard.Count, r.Runs(), total, merge))
	case len(m.Merged) > 0 && len(m.Shard.Indexes) < m.Shard.Count:
		var missing []int
		for i := range m.Shard.Count {
			if !slices.Contains(m.Shard.Indexes, i) {
				missing = append(missing, i)
			}
		}
		out = append(out, fmt.Sprintf("a partial merge: %s missing, so it holds %d%s runs; %s",
			missingShards(missing, m.Shard.Count), r.Runs(), total, merge))
	}
	if m.Status != "complete" && m.Status != "partial" {
		out = append(out, fmt.Sprintf("the runs are not complete (%s): %d%s runs are in the directory; dctwin experiment run ... --resume continues them",
			m.Status, r.Runs(), total))
	}
	return out
}

// seedRule says which seed replication k ran with: seed k, or k plus an offset.
func seedRule(first uint64) string {
	switch first {
	case 1:
		return "replication k runs with seed k"
	case 0:
		return "replication k runs with seed k−1"
	}
	return fmt.Sprintf("replication k runs with seed k+%d", first-1)
}

// baselineText names the baseline values (with the parameters zipped with them, which
// follow them) and where they come from.
func (r *Results) baselineText() string {
	base, given := r.baseline()
	var parts []string
	for _, p := range r.Spec.Parameters {
		for _, q := range r.Spec.Parameters {
			if label, ok := base[q.Name]; ok && q.group == p.group {
				parts = append(parts, p.Name+" = "+p.Values[q.index(label)].Label)
				break
			}
		}
	}
	text := strings.Join(parts, ", ")
	if given {
		return text + " (the experiment file's baseline:)"
	}
	return text + " (by default the first value of the first parameter; baseline: in the experiment file names another)"
}

// show prints a statistic with 4 significant digits for tables people read; a share
// just under 1 (an availability) with 4 digits of what it lacks to 1 (0.9994123).
func show(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v > 0.99 && v < 1 {
		digits := 4 + int(math.Ceil(-math.Log10(1-v)))
		return strconv.FormatFloat(v, 'f', min(digits, 10), 64)
	}
	return strconv.FormatFloat(roundTo(v, 4), 'g', -1, 64)
}

func interval(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return "–"
	}
	return "[" + show(lo) + ", " + show(hi) + "]"
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 80em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: right; }
th { background: #eee; }
td.l, th.l { text-align: left; }
ul.warn { background: #eee; border-left: 4px solid #333; padding: 0.5em 2em; }
figure { margin: 1.5em 0; }
img { max-width: 100%; border: 1px solid #ccc; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<table>{{range .Facts}}<tr><th class="l">{{index . 0}}</th><td class="l">{{index . 1}}</td></tr>{{end}}</table>
{{if .Warnings}}<h2>Warnings</h2>
<ul class="warn">{{range .Warnings}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{range .Plots}}<figure><img src="{{.Name}}.png" alt="{{.Title}}"><figcaption>{{.Title}}. {{.Caption}} <a href="{{.Name}}.svg">SVG</a></figcaption></figure>
{{end}}
<h2>Summary</h2>
<p>{{.SummaryNote}} All of it, with the standard deviation and the series, is in <a href="summary.csv">summary.csv</a>.</p>
<table>
<tr><th>config</th>{{range .Params}}<th class="l">{{.}}</th>{{end}}<th class="l">metric</th><th>n</th><th>mean</th><th>95 % CI</th><th>median</th><th>p5</th><th>p95</th></tr>
{{range .Summary}}<tr>{{range $i, $c := .}}<td{{if and (gt $i 0) (le $i (len $.Params))}} class="l"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</table>
{{if .Paired}}<h2>Paired differences</h2>
<p>{{.Note}} Also in <a href="paired.csv">paired.csv</a>.</p>
<table>
<tr><th>config</th>{{range .Params}}<th class="l">{{.}}</th>{{end}}<th>baseline</th><th class="l">metric</th><th>pairs</th><th>mean difference</th><th>95 % CI</th></tr>
{{range .Paired}}<tr>{{range $i, $c := .}}<td{{if and (gt $i 0) (le $i (len $.Params))}} class="l"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</table>{{end}}
</body>
</html>
`))

func writeMarkdown(b *bytes.Buffer, pg page) {
	fmt.Fprintf(b, "# %s\n\n", pg.Title)
	if pg.Description != "" {
		fmt.Fprintf(b, "%s\n\n", pg.Description)
	}
	for _, f := range pg.Facts {
		fmt.Fprintf(b, "- %s: %s\n", f[0], f[1])
	}
	b.WriteString("\n")
	if len(pg.Warnings) > 0 {
		b.WriteString("## Warnings\n\n")
		for _, w := range pg.Warnings {
			fmt.Fprintf(b, "- %s\n", w)
		}
		b.WriteString("\n")
	}
	for _, p := range pg.Plots {
		caption := p.Title + "."
		if p.Caption != "" {
			caption += " " + p.Caption
		}
		fmt.Fprintf(b, "![%s](%s.png)\n\n%s ([SVG](%s.svg))\n\n", p.Title, filepath.ToSlash(p.Name), caption, filepath.ToSlash(p.Name))
	}
	b.WriteString("## Summary\n\n" + pg.SummaryNote + "\n\n")
	head := append(append([]string{"config"}, pg.Params...), "metric", "n", "mean", "95 % CI", "median", "p5", "p95")
	markdownTable(b, head, pg.Summary)
	if len(pg.Paired) > 0 {
		fmt.Fprintf(b, "\n## Paired differences\n\n%s\n\n", pg.Note)
		head = append(append([]string{"config"}, pg.Params...), "baseline", "metric", "pairs", "mean difference", "95 % CI")
		markdownTable(b, head, pg.Paired)
	}
}

func markdownTable(b *bytes.Buffer, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = strings.ReplaceAll(c, "|", "\\|")
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
}
