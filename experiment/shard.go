package experiment

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Shard is one of Count parts of an experiment's runs (Index from 0), so that an array
// job's tasks run an experiment together and `merge` joins their directories. The
// zero Shard is the whole experiment.
//
// Without precision, shard I takes the runs whose position in the full run order
// (replication by replication, configuration by configuration) is I modulo Count,
// which spreads every configuration and replication evenly. With precision, whether a
// configuration needs more replications depends on all of its runs, so a shard takes
// whole configurations instead (index I modulo Count).
type Shard struct {
	Index, Count int
}

// Whole reports whether the shard is the whole experiment.
func (s Shard) Whole() bool { return s.Count <= 1 }

// String prints the shard as --shard takes it, I/N.
func (s Shard) String() string {
	if s.Whole() {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Describe names the shard in words: "shard 1 of 4", or "all the runs".
func (s Shard) Describe() string {
	if s.Whole() {
		return "all the runs"
	}
	return fmt.Sprintf("shard %d of %d", s.Index, s.Count)
}

// ParseShard reads --shard: "I/N" (0 ≤ I < N), "auto" (from the environment of a Slurm
// array task or a Kubernetes Indexed Job) or "auto/N" (the index from the environment,
// the count given: a Kubernetes Indexed Job does not export its completions).
func ParseShard(text string, getenv func(string) string) (Shard, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	idx, count, hasCount := strings.Cut(strings.TrimSpace(text), "/")
	var sh Shard
	if idx == "auto" {
		if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
			i, err1 := strconv.Atoi(id)
			n, err2 := strconv.Atoi(getenv("SLURM_ARRAY_TASK_COUNT"))
			if err1 != nil || err2 != nil {
				return sh, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID=%q and SLURM_ARRAY_TASK_COUNT=%q are not whole numbers", id, getenv("SLURM_ARRAY_TASK_COUNT"))
			}
			// An array written --array=1-4 numbers its tasks from 1.
			if lo := getenv("SLURM_ARRAY_TASK_MIN"); lo != "" {
				if m, err := strconv.Atoi(lo); err == nil {
					i -= m
				}
			}
			sh = Shard{Index: i, Count: n}
		} else if id := getenv("JOB_COMPLETION_INDEX"); id != "" {
			i, err := strconv.Atoi(id)
			if err != nil {
				return sh, fmt.Errorf("--shard auto: JOB_COMPLETION_INDEX=%q is not a whole number", id)
			}
			if !hasCount {
				return sh, fmt.Errorf("--shard auto: a Kubernetes Indexed Job gives its index (JOB_COMPLETION_INDEX=%s) but not the number of completions; write --shard auto/N", id)
			}
			sh.Index = i
		} else {
			return sh, fmt.Errorf("--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array task) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set")
		}
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil {
				return sh, fmt.Errorf("--shard %s: %q is not a whole number", text, count)
			}
			sh.Count = n
		}
	} else {
		if !hasCount {
			return sh, fmt.Errorf("--shard %q: expected I/N (this task's index from 0, and the number of tasks), auto or auto/N", text)
		}
		i, err1 := strconv.Atoi(idx)
		n, err2 := strconv.Atoi(count)
		if err1 != nil || err2 != nil {
			return sh, fmt.Errorf("--shard %q: expected I/N with whole numbers, e.g. 0/4", text)
		}
		sh = Shard{Index: i, Count: n}
	}
	switch {
	case sh.Count < 1:
		return sh, fmt.Errorf("--shard %d/%d: the count (N) must be at least 1", sh.Index, sh.Count)
	case sh.Index < 0 || sh.Index >= sh.Count:
		return sh, fmt.Errorf("--shard %d/%d: the index (I) must be from 0 to %d, the count less one (shards are numbered from 0)", sh.Index, sh.Count, sh.Count-1)
	}
	return sh, nil
}

// byConfiguration reports whether a shard takes whole configurations (with precision).
func (s *Spec) byConfiguration() bool { return s.Precision != nil }

// inShard reports whether the run of configuration c and replication rep (from 1)
// belongs to the shard, among configs configurations.
func (s *Spec) inShard(sh Shard, c, rep, configs int) bool {
	if sh.Whole() {
		return true
	}
	if s.byConfiguration() {
		return c%sh.Count == sh.Index
	}
	return ((rep-1)*configs+c)%sh.Count == sh.Index
}
