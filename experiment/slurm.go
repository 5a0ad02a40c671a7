package experiment

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// SlurmJob is an experiment as a Slurm array job: Tasks tasks, task i running shard
// i/Tasks into Dir/shard-i with `--shard auto`, after which `dctwin experiment merge`
// joins the shards.
type SlurmJob struct {
	Name string // the experiment's name, for the job name
	// Dctwin is the dctwin binary every node runs (an absolute path on shared storage).
	Dctwin string
	// Spec is what `dctwin experiment run` takes: a built-in name or an absolute path.
	Spec    string
	Dir     string // absolute
	Tasks   int
	Workers int // runs at once per task; --cpus-per-task
	// Overrides are passed on as --replications, --precision, --max-replications.
	Overrides Overrides
	// Sbatch are further #SBATCH options (--partition=short, --time=30).
	Sbatch []string
}

// ShardDir is where task i of the job writes.
func (j SlurmJob) ShardDir(i int) string { return filepath.Join(j.Dir, fmt.Sprintf("shard-%d", i)) }

// WriteScript writes the batch script: #SBATCH lines for the array, one output file
// per task in Dir, and the run with --shard auto and --resume (a requeued task goes on
// where it stopped).
func (j SlurmJob) WriteScript(w io.Writer) error {
	workers := max(j.Workers, 1)
	args := []string{quote(j.Dctwin), "experiment", "run", quote(j.Spec),
		"--out", `"` + strings.ReplaceAll(j.Dir, `"`, `\"`) + `/shard-${SLURM_ARRAY_TASK_ID}"`,
		"--shard", "auto", "--resume", "--workers", `"${SLURM_CPUS_PER_TASK:-1}"`}
	o := j.Overrides
	if o.Replications > 0 {
		args = append(args, "--replications", fmt.Sprint(o.Replications))
	}
	if o.Precision != "" {
		args = append(args, "--precision", quote(o.Precision))
	}
	if o.MaxReplications > 0 {
		args = append(args, "--max-replications", fmt.Sprint(o.MaxReplications))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", sbatchWord("dctwin-"+j.Name))
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", j.Tasks-1)
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n")
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", workers)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", sbatchWord(filepath.Join(j.Dir, "slurm-%A_%a.out")))
	for _, opt := range j.Sbatch {
		fmt.Fprintf(&b, "#SBATCH %s\n", sbatchWord(opt))
	}
	fmt.Fprintf(&b, "#\n# dctwin experiment %s as %d array tasks: task i runs shard i/%d into %s/shard-i.\n", j.Name, j.Tasks, j.Tasks, j.Dir)
	fmt.Fprintf(&b, "# When all are done:\n#   %s experiment merge %s/shard-* --out %s/merged\n", j.Dctwin, j.Dir, j.Dir)
	fmt.Fprintf(&b, "set -euo pipefail\nexec %s\n", strings.Join(args, " "))
	_, err := io.WriteString(w, b.String())
	return err
}

// quote makes a word safe for the shell in single quotes.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sbatchWord keeps an #SBATCH line on one line.
func sbatchWord(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }
