package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	bar "github.com/charmbracelet/bubbles/progress"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"dctwin/experiment"
	"dctwin/experiments"
	"dctwin/scenario"
	"dctwin/scenarios"
)

func newExperimentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "experiment",
		Short: "Batch experiments: sweeps and replications with confidence intervals and plots",
		Long: `An experiment runs a scenario many times: over a grid of settings (scenario paths, as
--set takes them) and over replications (seeds; replication k uses the same seed in
every configuration, so configurations are compared pairwise), in parallel, and
writes runs.csv (one row per run and metric) and experiment.json. 'report' turns a
directory into summary.csv, paired differences, plots (PNG and SVG) and index.html.
Runs resume after an interruption, split over the tasks of a Slurm array job, and
merge back.`,
		Example: `  dctwin experiment list
  dctwin experiment show teaming-modes > my-experiment.yaml
  dctwin experiment run teaming-modes --out out/teaming-modes
  dctwin experiment report out/teaming-modes
  dctwin experiment slurm teaming-modes --out /shared/tm --tasks 8 --submit`,
		Args: usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newExperimentListCmd(), newExperimentShowCmd(), newExperimentRunCmd(),
		newExperimentReportCmd(), newExperimentMergeCmd(), newExperimentSlurmCmd())
	return cmd
}

func newExperimentListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in experiments",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			for _, e := range experiments.List() {
				fmt.Fprintf(tw, "%s\t%s\n", e.Name, e.Description)
			}
			return tw.Flush()
		},
	}
}

func newExperimentShowCmd() *cobra.Command {
	var showScenario bool
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in experiment's YAML (or, with --scenario, the scenario it runs)",
		Example: `  dctwin experiment show teaming-modes
  dctwin experiment show teaming-vs-cluster --scenario > cluster-lab.yaml`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := experiments.Read(args[0])
			if err != nil {
				return usageError{fmt.Errorf("%w (see 'dctwin experiment list')", err)}
			}
			if showScenario {
				spec, err := experiments.Load(args[0])
				if err != nil {
					return err
				}
				data = spec.Scenario.Text
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().BoolVar(&showScenario, "scenario", false, "print the experiment's base scenario instead")
	return cmd
}

// loadExperiment loads a built-in experiment or a file; positioned mistakes are
// printed as check prints findings.
func loadExperiment(cmd *cobra.Command, arg string) (*experiment.Spec, error) {
	spec, err := experiments.Load(arg)
	if err == nil {
		writeWarnings(cmd.ErrOrStderr(), spec.Warnings)
		return spec, nil
	}
	if list := scenario.AsErrors(err); list != nil {
		_ = list.WriteText(cmd.ErrOrStderr())
		return nil, exitError{code: exitFailure, msg: fmt.Sprintf("%s could not be loaded", arg)}
	}
	if scenarios.IsBuiltinName(arg) {
		return nil, usageError{err}
	}
	return nil, err
}

// writeWarnings prints what a file allows but likely does not mean, as check prints
// its findings: file:line:col: warning: message.
func writeWarnings(w io.Writer, ws scenario.Errors) {
	for _, e := range ws {
		fmt.Fprintf(w, "%s: warning: %s\n", e.Pos, e.Msg)
	}
}

type experimentRunOptions struct {
	out       string
	workers   int
	resume    bool
	shard     string
	overrides experiment.Overrides
}

func (o *experimentRunOptions) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&o.workers, "workers", 0, "runs at once (default: one per CPU)")
	cmd.Flags().IntVar(&o.overrides.Replications, "replications", 0, "replications (seeds) per configuration (default: the file's)")
	cmd.Flags().StringVar(&o.overrides.Precision, "precision", "", "add replications until the 95% CI half-width of METRIC is under SHARE of its mean: METRIC=5%")
	cmd.Flags().IntVar(&o.overrides.MaxReplications, "max-replications", 0, "the most replications --precision adds up to (default: the file's, or 200)")
}

func newExperimentRunCmd() *cobra.Command {
	var o experimentRunOptions
	cmd := &cobra.Command{
		Use:   "run FILE|NAME --out DIR",
		Short: "Run an experiment's runs into a directory",
		Long: `Runs every configuration of the experiment's grid with every replication, in parallel,
and writes DIR/runs.csv (one row per run and metric, in a fixed order: the file is the
same for any number of workers) and DIR/experiment.json (the spec, its hash, the
dctwin version, start and end). Rows are written run by run as the runs finish, so
that an interrupted run (Ctrl-C, a killed process) loses nothing written: --resume
continues it, and refuses a directory made from another spec. Ctrl-C (or SIGTERM)
stops the runs, marks experiment.json interrupted, prints the command that continues
and exits with status 130 (143 for SIGTERM); a second Ctrl-C ends it at once.

--shard I/N runs a deterministic part of the runs (for the tasks of an array job);
--shard auto takes I and N from a Slurm array task (SLURM_ARRAY_TASK_ID and _COUNT)
or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with auto/N). 'dctwin experiment
merge' joins the parts.

A progress bar shows on a terminal; otherwise a line every ten seconds.`,
		Example: `  dctwin experiment run teaming-modes --out out/teaming-modes
  dctwin experiment run my-sweep.yaml --out out/sweep --workers 2 --replications 50
  dctwin experiment run teaming-modes --out out/tm --precision 'service[srv-1].unreachable_ms=5%'
  dctwin experiment run teaming-modes --out out/tm --resume`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExperiment(cmd, args[0], o)
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.out, "out", "", "the output directory (required)")
	cmd.Flags().BoolVar(&o.resume, "resume", false, "continue an interrupted run in --out")
	cmd.Flags().StringVar(&o.shard, "shard", "", "run part I of N of the runs: I/N (from 0), auto, or auto/N")
	return cmd
}

// experimentGCPercent is the garbage collector's target for batch runs: at Go's
// default (100) the collector of one worker's many small runs already keeps a second
// core busy, so a second worker gained 1.31x; at 400 the runs need 15 % less CPU and
// two workers give 1.74x (classic-dc, 1,000 replications, 2026-12-02). Each run's heap
// is small, so the extra headroom costs little memory. GOGC, when set, wins.
const experimentGCPercent = 400

func runExperiment(cmd *cobra.Command, arg string, o experimentRunOptions) error {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(experimentGCPercent))
	}
	if o.out == "" {
		return usageError{errors.New("--out DIR is required")}
	}
	if o.workers < 0 {
		return usageError{fmt.Errorf("--workers %d: expected a positive number", o.workers)}
	}
	var sh experiment.Shard
	if o.shard != "" {
		var err error
		if sh, err = experiment.ParseShard(o.shard, nil); err != nil {
			return usageError{err}
		}
	}
	spec, err := loadExperiment(cmd, arg)
	if err != nil {
		return err
	}
	if err := spec.Apply(o.overrides); err != nil {
		return usageError{err}
	}
	ctx, caught := interruptible(cmd.Context())
	bar := newExperimentProgress(cmd.ErrOrStderr(), spec.Name, isTerminal(cmd.ErrOrStderr()))
	meta, err := experiment.Run(ctx, spec, experiment.Options{Dir: o.out, Workers: o.workers, Resume: o.resume,
		Shard: sh, Progress: bar.update, Overrides: o.overrides})
	if errors.Is(err, experiment.ErrInterrupted) && meta != nil {
		return interrupted(cmd, arg, o.out, bar.last, caught())
	}
	if err != nil {
		if list := scenario.AsErrors(err); list != nil {
			_ = list.WriteText(cmd.ErrOrStderr())
			return exitError{code: exitFailure, msg: fmt.Sprintf("%s cannot run", arg)}
		}
		return err
	}
	line := fmt.Sprintf("%s: %s of %s in %s", o.out, plural(meta.Runs, "run"), plural(meta.Configurations, "configuration"),
		meta.Ended.Sub(meta.Started).Round(time.Millisecond))
	if !sh.Whole() {
		line += fmt.Sprintf(" (%s: merge the shards' directories for the whole experiment)", sh.Describe())
	}
	if p := meta.Precision; p != nil {
		line += fmt.Sprintf("; precision met in %d of %d configurations", p.Met, len(p.Configs))
	}
	fmt.Fprintln(cmd.OutOrStdout(), line+"; next: dctwin experiment report "+o.out)
	warnNoValue(cmd.ErrOrStderr(), meta.NoValue)
	return nil
}

// interruptible cancels the returned context at the first SIGINT (Ctrl-C) or SIGTERM,
// so that the runs stop with their rows written; caught reports that signal (nil if
// none came) and stops listening. A second Ctrl-C ends the process at once, as it
// would without dctwin's handler: what it cuts off is at most one torn run, which
// --resume removes.
func interruptible(parent context.Context) (ctx context.Context, caught func() os.Signal) {
	ctx, cancel := context.WithCancel(parent)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	got := make(chan os.Signal, 1)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-signals:
			signal.Stop(signals)
			got <- sig
			cancel()
		case <-done:
		}
	}()
	return ctx, func() os.Signal {
		close(done)
		signal.Stop(signals)
		cancel()
		select {
		case sig := <-got:
			return sig
		default:
			return nil
		}
	}
}

// interrupted says what an interrupted run left and how to go on, and exits with the
// shell's status for the signal: 128 + its number (130 for Ctrl-C, 143 for SIGTERM).
func interrupted(cmd *cobra.Command, arg, dir string, pr experiment.Progress, sig os.Signal) error {
	why, code := "interrupted", exitFailure
	if s, ok := sig.(syscall.Signal); ok {
		why, code = "interrupted by "+signalName(s), 128+int(s)
	}
	var again []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name == "resume" {
			return
		}
		if f.Value.Type() == "bool" {
			again = append(again, "--"+f.Name)
			return
		}
		again = append(again, "--"+f.Name, shellWord(f.Value.String()))
	})
	again = append(append([]string{cmd.CommandPath(), shellWord(arg)}, again...), "--resume")
	return exitError{code: code, msg: fmt.Sprintf("%s: %d of %s written to %s (experiment.json says interrupted); continue with:\n  %s",
		why, pr.Done, plural(pr.Total, "run"), filepath.Join(dir, experiment.RunsFile), strings.Join(again, " "))}
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// shellWord quotes a word for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// warnNoValue says which metrics no run had a value of: a name of something the runs
// do not have, most likely, whose summary is empty and whose plots are left out.
func warnNoValue(w io.Writer, names []string) {
	if len(names) == 0 {
		return
	}
	word, it, measures := "metric", "it", "it measures"
	if len(names) > 1 {
		word, it, measures = "metrics", "them", "they measure"
	}
	fmt.Fprintf(w, "dctwin: warning: no run had a value of the %s %s: the summary has no figures and the report no plots of %s; "+
		"check that the runs have what %s (failure[i] needs i+1 failures, calls.* a calls workload; see 'go doc dctwin/twin Metric')\n",
		word, strings.Join(names, ", "), it, measures)
}

// experimentProgress shows an experiment's progress: a bar (bubbles progress) with the
// runs done and the time left, redrawn in place on a terminal; a plain line every ten
// seconds otherwise.
type experimentProgress struct {
	w        io.Writer
	name     string
	terminal bool
	bar      bar.Model
	drawn    time.Time
	now      func() time.Time
	last     experiment.Progress // the latest report, drawn or not
}

func newExperimentProgress(w io.Writer, name string, terminal bool) *experimentProgress {
	// The first plain line comes after ten seconds, when the time left means something.
	return &experimentProgress{w: w, name: name, terminal: terminal, now: time.Now, drawn: time.Now(),
		bar: bar.New(bar.WithDefaultGradient(), bar.WithWidth(30))}
}

func (p *experimentProgress) update(pr experiment.Progress) {
	p.last = pr
	now := p.now()
	every := 10 * time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if !pr.Final && now.Sub(p.drawn) < every {
		return
	}
	p.drawn = now
	share := 0.0
	if pr.Total > 0 {
		share = float64(pr.Done) / float64(pr.Total)
	}
	left := "?"
	if ran := pr.Done - pr.Resumed; ran > 0 && pr.Done < pr.Total {
		left = time.Duration(float64(pr.Elapsed) / float64(ran) * float64(pr.Total-pr.Done)).Round(time.Second).String()
	} else if pr.Done >= pr.Total {
		left = "0s"
	}
	text := fmt.Sprintf("%d/%d runs", pr.Done, pr.Total)
	if pr.Round > 1 {
		text += fmt.Sprintf(", precision round %d", pr.Round)
	}
	if p.terminal {
		if pr.Final {
			fmt.Fprint(p.w, "\r\033[K")
			return
		}
		fmt.Fprintf(p.w, "\r\033[K%s %s  %s, %s left", p.name, p.bar.ViewAs(share), text, left)
		return
	}
	fmt.Fprintf(p.w, "dctwin: %s: %s (%.0f%%), %s left\n", p.name, text, 100*share, left)
}

func newExperimentReportCmd() *cobra.Command {
	var specFile string
	cmd := &cobra.Command{
		Use:   "report DIR",
		Short: "Write summary.csv, paired differences, plots and index.html for an experiment directory",
		Long: `Reads DIR (a run, a shard or a merge) and writes into it: summary.csv (per configuration
and metric: n, mean, std, median, p5, p95 (Hyndman and Fan's type 7, R's and
numpy's default) and the 95% confidence interval of the mean), paired.csv (each
configuration minus its baseline over the same seeds, with its interval; the baseline
is the configuration with the values of the file's baseline:, by default the first
value of the first parameter, all else equal), the plots as PNG and SVG under plots/, and index.html and report.md with
the plots and the tables. --spec draws the plots of another version of the file (the
runs must be the same: same hash).`,
		Example: `  dctwin experiment report out/teaming-modes
  dctwin experiment report out/teaming-modes --spec my-plots.yaml`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var spec *experiment.Spec
			if specFile != "" {
				var err error
				if spec, err = loadExperiment(cmd, specFile); err != nil {
					return err
				}
			}
			w, err := experiment.WriteReport(args[0], spec)
			if err != nil {
				return err
			}
			for _, warning := range w.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "dctwin: warning:", warning)
			}
			warned := ""
			if len(w.Warnings) > 0 {
				warned = "; " + plural(len(w.Warnings), "warning") + " (on stderr and at the top of the report)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d runs; wrote %s, %s, %s (PNG and SVG), %s and %s%s\n", args[0], w.Runs,
				experiment.SummaryFile, experiment.PairedFile, plural(len(w.Plots), "plot"), experiment.IndexFile, experiment.MarkdownFile, warned)
			return nil
		},
	}
	cmd.Flags().StringVar(&specFile, "spec", "", "the experiment file (or built-in) to take plots and baseline from")
	return cmd
}

func newExperimentMergeCmd() *cobra.Command {
	var out string
	var opt experiment.MergeOptions
	cmd := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Join the shard directories of an experiment into one",
		Long: `Joins the directories that --shard runs wrote into --out: runs.csv with every run in
the order one machine writes them (it equals a local run's file byte for byte) and an
experiment.json that lists the shards. Refuses directories of different specs or
shard counts, a shard given twice, and missing or unfinished shards (unless --partial).`,
		Example: `  dctwin experiment merge out/tm/shard-* --out out/tm/merged`,
		Args:    usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("--out DIR is required")}
			}
			m, err := experiment.Merge(args, out, opt)
			if err != nil {
				return err
			}
			dirs := fmt.Sprintf("%d directories", len(args))
			if len(args) == 1 {
				dirs = "1 directory"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s from %s (%s); next: dctwin experiment report %s\n",
				out, plural(m.Runs, "run"), dirs, m.Status, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the merged directory (required; new or empty)")
	cmd.Flags().BoolVar(&opt.Partial, "partial", false, "merge even if shards are missing or unfinished")
	return cmd
}

func newExperimentSlurmCmd() *cobra.Command {
	var o experimentRunOptions
	var tasks int
	var submit bool
	var binary string
	cmd := &cobra.Command{
		Use:   "slurm FILE|NAME --out DIR [--tasks N] [--submit] [-- SBATCH OPTIONS]",
		Short: "Write (and with --submit, submit) a Slurm array job that runs an experiment",
		Long: `Writes DIR/job.sh, a batch script for sbatch: an array of --tasks tasks, task i running
'dctwin experiment run ... --shard auto --resume' into DIR/shard-i with --workers
CPUs. Options after -- become #SBATCH lines. With --submit it runs sbatch and prints
the job id. When the job is done: dctwin experiment merge DIR/shard-* --out DIR/merged.
Every node must see DIR and the dctwin binary (--dctwin, default this one) at the same
paths.`,
		Example: `  dctwin experiment slurm teaming-modes --out /shared/tm --tasks 8
  dctwin experiment slurm sweep.yaml --out /shared/sweep --tasks 16 --workers 4 --submit -- --partition=short --time=30`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			extra := []string{}
			if at := cmd.ArgsLenAtDash(); at >= 0 {
				extra = args[at:]
				args = args[:at]
			}
			if len(args) != 1 {
				return usageError{fmt.Errorf("expected one experiment (FILE|NAME), got %d", len(args))}
			}
			if o.out == "" {
				return usageError{errors.New("--out DIR is required")}
			}
			if tasks < 1 {
				return usageError{fmt.Errorf("--tasks %d: expected at least 1", tasks)}
			}
			spec, err := loadExperiment(cmd, args[0])
			if err != nil {
				return err
			}
			if err := spec.Apply(o.overrides); err != nil {
				return usageError{err}
			}
			job, err := slurmJob(args[0], spec, o, tasks, binary, extra)
			if err != nil {
				return err
			}
			var script bytes.Buffer
			if err := job.WriteScript(&script); err != nil {
				return err
			}
			if err := os.MkdirAll(job.Dir, 0o755); err != nil {
				return err
			}
			path := filepath.Join(job.Dir, "job.sh")
			if err := os.WriteFile(path, script.Bytes(), 0o755); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d tasks)\n", path, tasks)
			if !submit {
				fmt.Fprintf(cmd.OutOrStdout(), "submit it with: sbatch %s\n", path)
				return nil
			}
			sb := exec.CommandContext(cmd.Context(), "sbatch", "--parsable", path)
			sb.Stderr = cmd.ErrOrStderr()
			id, err := sb.Output()
			if err != nil {
				return fmt.Errorf("sbatch %s: %w", path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "submitted job %s; when it is done: %s experiment merge %s/shard-* --out %s/merged\n",
				strings.TrimSpace(string(id)), job.Dctwin, job.Dir, job.Dir)
			return nil
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.out, "out", "", "the job's directory, seen by every node (required)")
	cmd.Flags().IntVar(&tasks, "tasks", 4, "array tasks (shards)")
	cmd.Flags().BoolVar(&submit, "submit", false, "submit the script with sbatch")
	cmd.Flags().StringVar(&binary, "dctwin", "", "the dctwin binary the nodes run (default: this one)")
	return cmd
}

// slurmJob fills in absolute paths: the nodes do not share this shell's directory.
func slurmJob(arg string, spec *experiment.Spec, o experimentRunOptions, tasks int, binary string, extra []string) (experiment.SlurmJob, error) {
	dir, err := filepath.Abs(o.out)
	if err != nil {
		return experiment.SlurmJob{}, err
	}
	if binary == "" {
		if binary, err = os.Executable(); err != nil {
			return experiment.SlurmJob{}, err
		}
		if strings.Contains(binary, string(filepath.Separator)+"go-build") {
			return experiment.SlurmJob{}, usageError{errors.New("this dctwin is a temporary 'go run' binary the nodes cannot run: build one (go build -o dctwin ./cmd/dctwin) and give it with --dctwin, or run that one")}
		}
	}
	if binary, err = filepath.Abs(binary); err != nil {
		return experiment.SlurmJob{}, err
	}
	specArg := arg
	if !scenarios.IsBuiltinName(arg) {
		if specArg, err = filepath.Abs(arg); err != nil {
			return experiment.SlurmJob{}, err
		}
	}
	workers := o.workers
	if workers == 0 {
		workers = 1
	}
	return experiment.SlurmJob{Name: spec.Name, Dctwin: binary, Spec: specArg, Dir: dir, Tasks: tasks,
		Workers: workers, Overrides: o.overrides, Sbatch: extra}, nil
}
