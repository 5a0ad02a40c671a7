package experiment

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MergeOptions change what Merge accepts.
type MergeOptions struct {
	// Partial merges the shards given even if some are missing or were interrupted;
	// the result says which it holds.
	Partial bool
}

// Merge joins the directories of an experiment's shards into out: runs.csv with every
// run in the order a single run writes them (so that it equals, byte for byte, the
// runs.csv of the whole experiment run on one machine), and an experiment.json that
// lists what was merged. It refuses directories of different specs (by hash), shards
// of different counts, a shard given twice, and, unless Partial, missing or unfinished
// shards.
func Merge(dirs []string, out string, opt MergeOptions) (*Meta, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	metas := make([]*Meta, len(dirs))
	for i, d := range dirs {
		m, err := ReadMeta(d)
		if err != nil {
			return nil, err
		}
		metas[i] = m
	}
	first := metas[0]
	covered := map[int]string{}
	for i, m := range metas {
		if m.Hash != first.Hash {
			if m.Experiment != first.Experiment {
				return nil, mismatchf("cannot merge %s and %s: they hold the runs of two experiments, %s (%s) and %s (%s)",
					dirs[0], dirs[i], first.Experiment, first.Spec.File, m.Experiment, m.Spec.File)
			}
			why := fmt.Sprintf("%s there, %s here", first.Hash, m.Hash)
			if s, err := SpecOf(m); err == nil {
				why = specDifferences(first, s)
			}
			return nil, mismatchf("cannot merge %s and %s: they hold runs of %s from different specs: %s (there: %s, here: %s)",
				dirs[0], dirs[i], first.Experiment, why, dirs[0], dirs[i])
		}
		if m.Shard.Count != first.Shard.Count || m.Shard.By != first.Shard.By {
			return nil, fmt.Errorf("cannot merge %s (shard of %d, by %s) with %s (shard of %d, by %s): the runs were split differently",
				dirs[0], first.Shard.Count, first.Shard.By, dirs[i], m.Shard.Count, m.Shard.By)
		}
		if m.Status != "complete" && !opt.Partial {
			return nil, fmt.Errorf("%s is %s, not complete: resume it (dctwin experiment run ... --resume --shard %d/%d), or merge with --partial",
				dirs[i], m.Status, m.Shard.Index, m.Shard.Count)
		}
		for _, idx := range shardIndexes(m) {
			if other, dup := covered[idx]; dup {
				return nil, fmt.Errorf("shard %d of %d is in both %s and %s", idx, m.Shard.Count, other, dirs[i])
			}
			covered[idx] = dirs[i]
		}
	}
	var missing []int
	for i := range max(first.Shard.Count, 1) {
		if _, ok := covered[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 && !opt.Partial {
		them := "them"
		if len(missing) == 1 {
			them = "it"
		}
		return nil, fmt.Errorf("%s missing; merge %s too, or merge with --partial", missingShards(missing, first.Shard.Count), them)
	}
	spec, err := SpecOf(first)
	if err != nil {
		return nil, fmt.Errorf("%s: the spec it holds does not load: %w", filepath.Join(dirs[0], MetaFile), err)
	}
	configs := spec.Configurations()
	var runs []Result
	for _, d := range dirs {
		rf, err := spec.readRuns(filepath.Join(d, RunsFile), configs)
		if err != nil {
			return nil, err
		}
		runs = append(runs, rf.runs...)
	}
	slices.SortStableFunc(runs, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.Replication, b.Replication), cmp.Compare(a.Config, b.Config))
	})
	for i := 1; i < len(runs); i++ {
		if runs[i].Replication == runs[i-1].Replication && runs[i].Config == runs[i-1].Config {
			return nil, fmt.Errorf("configuration %d replication %d is in more than one of the directories", runs[i].Config+1, runs[i].Replication)
		}
	}
	if _, err := ReadMeta(out); err == nil {
		return nil, fmt.Errorf("%s holds an experiment already; merge into a new directory", out)
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty; merge into a new directory", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	writeHeader(&buf, spec.header())
	items := spec.items()
	seen := make(valueSeen, len(items))
	for _, r := range runs {
		spec.appendRun(&buf, configs, items, r)
		seen.note(r.Values)
	}
	if err := os.WriteFile(filepath.Join(out, RunsFile), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	merged := *first
	merged.Merged = dirs
	merged.Runs = len(runs)
	merged.NoValue = nil
	if len(runs) > 0 {
		merged.NoValue = seen.missing(items)
	}
	merged.Resumed = nil
	merged.Workers = 0
	merged.Error = ""
	merged.Shard = ShardInfo{Index: 0, Count: first.Shard.Count, By: first.Shard.By}
	for idx := range covered {
		merged.Shard.Indexes = append(merged.Shard.Indexes, idx)
	}
	slices.Sort(merged.Shard.Indexes)
	merged.Status = "complete"
	if len(missing) > 0 {
		merged.Status = "partial"
	}
	var versions []string
	var latest *time.Time
	for _, m := range metas {
		if m.Started.Before(merged.Started) {
			merged.Started = m.Started
		}
		if m.Ended != nil && (latest == nil || m.Ended.After(*latest)) {
			latest = m.Ended
		}
		if m.Status != "complete" {
			merged.Status = "partial"
		}
		if !slices.Contains(versions, m.DctwinVersion) {
			versions = append(versions, m.DctwinVersion)
		}
		merged.Seeds.Last = max(merged.Seeds.Last, m.Seeds.Last)
	}
	merged.Ended = latest
	merged.DctwinVersion = strings.Join(versions, ", ")
	if first.Precision != nil {
		po := *first.Precision
		po.Configs, po.Met = nil, 0
		for _, m := range metas {
			if m.Precision != nil {
				po.Configs = append(po.Configs, m.Precision.Configs...)
			}
		}
		slices.SortFunc(po.Configs, func(a, b PrecisionOfConfig) int { return cmp.Compare(a.Config, b.Config) })
		for _, c := range po.Configs {
			if c.Met {
				po.Met++
			}
		}
		merged.Precision = &po
	}
	return &merged, writeMeta(out, &merged)
}

// missingShards is "shard 1 of 2 is", "shards 1 and 3 of 4 are".
func missingShards(idx []int, count int) string {
	words := make([]string, len(idx))
	for i, n := range idx {
		words[i] = strconv.Itoa(n)
	}
	if len(words) == 1 {
		return fmt.Sprintf("shard %s of %d is", words[0], count)
	}
	return fmt.Sprintf("shards %s and %s of %d are", strings.Join(words[:len(words)-1], ", "), words[len(words)-1], count)
}

// shardIndexes are the shards a directory holds: its own, or those it merged.
func shardIndexes(m *Meta) []int {
	if len(m.Merged) > 0 {
		return m.Shard.Indexes
	}
	return []int{m.Shard.Index}
}
