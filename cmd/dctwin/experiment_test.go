package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dctwin/experiment"
)

// The experiment commands end to end on a small run of a built-in experiment:
// run, report, a second run refused, shards merged to the same rows.
func TestExperimentCommands(t *testing.T) {
	out, _, err := run(t, "experiment", "list")
	for _, want := range []string{"teaming-modes", "teaming-vs-cluster", "rtp-timeout", "availability-year"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("experiment list lacks %s: %v\n%s", want, err, out)
		}
	}
	out, _, err = run(t, "experiment", "show", "teaming-vs-cluster", "--scenario")
	if err != nil || !strings.Contains(out, "failover_delay") {
		t.Errorf("show --scenario: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "tvc")
	out, errOut, err := run(t, "experiment", "run", "teaming-vs-cluster", "--out", dir, "--replications", "2", "--workers", "2")
	if err != nil || !strings.Contains(out, "16 runs of 8 configurations") || !strings.Contains(errOut, "16/16 runs (100%)") {
		t.Fatalf("run: %v\n%s\n%s", err, out, errOut)
	}
	if _, _, err := run(t, "experiment", "run", "teaming-vs-cluster", "--out", dir, "--replications", "2"); exitCode(err) != 1 || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("a second run into the directory: %v", err)
	}
	if _, _, err := run(t, "experiment", "run", "teaming-vs-cluster", "--out", dir, "--resume"); exitCode(err) != 1 ||
		!strings.Contains(err.Error(), "it holds runs of teaming-vs-cluster from another spec: replications 2 there, 20 here (those runs were made with --replications 2)") {
		t.Errorf("resume with other replications: %v", err)
	}
	out, _, err = run(t, "experiment", "report", dir)
	if err != nil || !strings.Contains(out, "2 plots") {
		t.Fatalf("report: %v\n%s", err, out)
	}
	// --spec takes on the --replications the runs were made with.
	if out, _, err = run(t, "experiment", "report", dir, "--spec", "teaming-vs-cluster"); err != nil || !strings.Contains(out, "16 runs") {
		t.Errorf("report --spec of the runs' own experiment: %v\n%s", err, out)
	}
	for _, f := range []string{"summary.csv", "paired.csv", "index.html", "report.md", "plots/01-bar-calls-max-setup-ms.png", "plots/01-bar-calls-max-setup-ms.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	var shards []string
	for _, s := range []string{"0/2", "1/2"} {
		d := filepath.Join(t.TempDir(), strings.Replace(s, "/", "-", 1))
		if _, _, err := run(t, "experiment", "run", "teaming-vs-cluster", "--out", d, "--replications", "2", "--shard", s); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	merged := filepath.Join(t.TempDir(), "merged")
	if _, _, err := run(t, append([]string{"experiment", "merge", "--out", merged}, shards...)...); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	b, _ := os.ReadFile(filepath.Join(merged, "runs.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("merged shards differ from the run")
	}
}

// Usage errors exit 2, a file with mistakes 1 with its positions on stderr.
func TestExperimentErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nscenario: teaming-lab\nmetrics: [calls.droped]\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"experiment", "run", "teaming-modes"}, 2, "--out DIR is required"},
		{[]string{"experiment", "run", "no-such", "--out", "x"}, 2, "no built-in experiment"},
		{[]string{"experiment", "run", "teaming-modes", "--out", "x", "--shard", "3/2"}, 2, "--shard 3/2: the index (I) must be from 0 to 1"},
		{[]string{"experiment", "run", "teaming-modes", "--out", "x", "--precision", "calls.blocked=5%"}, 2, "not one of the experiment's metrics"},
		{[]string{"experiment", "run", bad, "--out", "x"}, 1, "bad.yaml:3:11: error: unknown metric"},
		{[]string{"experiment", "show", "nope"}, 2, "no built-in experiment"},
		{[]string{"experiment", "report", t.TempDir()}, 1, "no experiment.json"},
	}
	for _, c := range cases {
		_, errOut, err := run(t, c.args...)
		if exitCode(err) != c.code || !strings.Contains(errOut+errString(err), c.want) {
			t.Errorf("%v: status %d (%v), stderr %q; want %d with %q", c.args, exitCode(err), err, errOut, c.code, c.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The array job script runs each task's shard into its own directory with --shard
// auto and --resume, with absolute paths the nodes can use.
func TestExperimentSlurmScript(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "job")
	bin := filepath.Join(t.TempDir(), "dctwin")
	out, _, err := run(t, "experiment", "slurm", "teaming-modes", "--out", dir, "--tasks", "3", "--workers", "2",
		"--dctwin", bin, "--replications", "5", "--", "--partition=short", "--time=10")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	script, err := os.ReadFile(filepath.Join(dir, "job.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --partition=short\n", "#SBATCH --time=10\n",
		"#SBATCH --output=" + dir + "/slurm-%A_%a.out\n",
		"exec " + bin + " experiment run teaming-modes --out \"" + dir + "/shard-${SLURM_ARRAY_TASK_ID}\" --shard auto --resume --workers \"${SLURM_CPUS_PER_TASK:-1}\" --replications 5\n"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("job.sh lacks %q:\n%s", want, script)
		}
	}
	if _, _, err := run(t, "experiment", "slurm", "teaming-modes", "--out", dir, "--tasks", "0"); exitCode(err) != 2 {
		t.Errorf("--tasks 0: %v", err)
	}
}

// Without a terminal, progress is a line every ten seconds and one at the end; on a
// terminal, a bar redrawn in place and cleared at the end.
func TestExperimentProgress(t *testing.T) {
	now := time.Unix(0, 0)
	var b bytes.Buffer
	p := newExperimentProgress(&b, "tm", false)
	p.now = func() time.Time { return now }
	p.drawn = now
	for i := 1; i <= 30; i++ {
		now = now.Add(time.Second)
		p.update(experiment.Progress{Done: i, Total: 60, Elapsed: time.Duration(i) * time.Second})
	}
	p.update(experiment.Progress{Done: 60, Total: 60, Elapsed: time.Minute, Final: true})
	want := "dctwin: tm: 10/60 runs (17%), 50s left\ndctwin: tm: 20/60 runs (33%), 40s left\ndctwin: tm: 30/60 runs (50%), 30s left\ndctwin: tm: 60/60 runs (100%), 0s left\n"
	if b.String() != want {
		t.Errorf("plain progress:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	p = newExperimentProgress(&b, "tm", true)
	p.now, p.drawn = func() time.Time { return now.Add(time.Second) }, now
	p.update(experiment.Progress{Done: 15, Total: 60, Resumed: 10, Elapsed: 5 * time.Second})
	if s := b.String(); !strings.HasPrefix(s, "\r\033[Ktm ") || !strings.Contains(s, "15/60 runs, 45s left") || !strings.Contains(s, "25%") {
		t.Errorf("bar: %q", s)
	}
	p.update(experiment.Progress{Done: 60, Total: 60, Final: true})
	if !strings.HasSuffix(b.String(), "\r\033[K") {
		t.Errorf("the bar is not cleared at the end: %q", b.String())
	}
}

// What a file allows but likely does not mean is a warning on stderr, in the form of
// check's findings, and the run goes on.
func TestExperimentWarnings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sweep.yaml")
	os.WriteFile(file, []byte(`version: 1
scenario: teaming-lab
duration: 12s
parameters:
  interval:
    path: topology.hosts[srv-1].teams[bond0].detection.interval
    range: {from: 100ms, to: 200ms, step: 60ms}
metrics: ["failure[0].detected_after_ms"]
`), 0o644)
	out, errOut, err := run(t, "experiment", "run", file, "--out", filepath.Join(dir, "out"))
	want := file + ":7:30: warning: parameter interval: the range ends at 160ms, below to (200ms)"
	if err != nil || !strings.Contains(errOut, want) || !strings.Contains(out, "2 runs of 2 configurations") {
		t.Errorf("%v\nstdout %s\nstderr %s\nwant %q", err, out, errOut, want)
	}
}

// A metric no run has a value of: run warns at the end, report on stderr and in the
// report, naming the plot it left out.
func TestExperimentMetricWithoutValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "nocalls.yaml")
	os.WriteFile(file, []byte(`version: 1
scenario: teaming-lab
duration: 12s
set:
  workloads.calls: null
metrics: ["failure[0].detected_after_ms", calls.dropped]
plots:
  - {kind: box, metric: calls.dropped}
  - {kind: box, metric: "failure[0].detected_after_ms"}
`), 0o644)
	out := filepath.Join(dir, "out")
	_, errOut, err := run(t, "experiment", "run", file, "--out", out)
	if err != nil || !strings.Contains(errOut, "dctwin: warning: no run had a value of the metric calls.dropped: ") {
		t.Errorf("run: %v\n%s", err, errOut)
	}
	stdout, errOut, err := run(t, "experiment", "report", out)
	if err != nil || !strings.Contains(errOut, "dctwin: warning: plot 1 (box: calls.dropped) is left out: no run had a value of calls.dropped\n") ||
		!strings.Contains(stdout, "1 plot (PNG and SVG), index.html and report.md; 2 warnings (on stderr and at the top of the report)") {
		t.Errorf("report: %v\nstdout %s\nstderr %s", err, stdout, errOut)
	}
}

// Ctrl-C during a run (a real SIGINT to this process, sent once rows are written):
// the runs stop with their rows kept, the status is 130 (128 + SIGINT's number 2, the
// shell's convention), stderr gives the runs done and the command that continues; that
// command finishes with the rows of an uninterrupted run.
func TestExperimentCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an experiment twice")
	}
	// While this test listens, a SIGINT that comes late (after the run has stopped
	// listening) cannot end the test process.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, os.Interrupt)
	defer signal.Stop(guard)

	dir := filepath.Join(t.TempDir(), "tm")
	args := []string{"experiment", "run", "teaming-modes", "--out", dir, "--replications", "10", "--workers", "1"}
	var stderr bytes.Buffer
	code := make(chan int)
	go func() {
		root := NewRootCmd()
		root.SetOut(io.Discard)
		root.SetErr(&stderr)
		code <- execute(root, args, &stderr)
	}()
	// Wait for rows (not for a time), then press Ctrl-C.
	for rows := 0; rows < 2; {
		select {
		case c := <-code:
			t.Fatalf("the run ended (status %d) before any row was seen:\n%s", c, stderr.String())
		default:
		}
		time.Sleep(time.Millisecond)
		data, _ := os.ReadFile(filepath.Join(dir, experiment.RunsFile))
		rows = bytes.Count(data, []byte("\n"))
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if c := <-code; c != 130 {
		t.Fatalf("status %d after Ctrl-C, want 130:\n%s", c, stderr.String())
	}
	m, err := experiment.ReadMeta(dir)
	if err != nil || m.Status != "interrupted" || m.Runs == 0 || m.Runs >= 520 {
		t.Fatalf("experiment.json after Ctrl-C: %v %+v", err, m)
	}
	msg := stderr.String()
	want := fmt.Sprintf("dctwin: interrupted by SIGINT (Ctrl-C): %d of 520 runs written to %s (experiment.json says interrupted); continue with:\n",
		m.Runs, filepath.Join(dir, "runs.csv"))
	again := "dctwin experiment run teaming-modes --out " + dir + " --replications 10 --workers 1 --resume"
	if !strings.Contains(msg, want) || !strings.HasSuffix(msg, "\n  "+again+"\n") {
		t.Fatalf("stderr after Ctrl-C:\n%s\nwant %q and %q", msg, want, again)
	}
	if _, _, err := run(t, strings.Fields(again)[1:]...); err != nil {
		t.Fatalf("%s: %v", again, err)
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if _, _, err := run(t, "experiment", "run", "teaming-modes", "--out", whole, "--replications", "10"); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	b, _ := os.ReadFile(filepath.Join(whole, "runs.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("resumed after Ctrl-C: runs.csv differs from the uninterrupted run's")
	}
}
