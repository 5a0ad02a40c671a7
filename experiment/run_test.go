package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dctwin/scenario"
)

// smallSpec is a real experiment small enough for tests: 4 configurations of
// teaming-lab, 15 simulated seconds, metrics and a MOS series.
const smallSpec = `version: 1
experiment: small
scenario: teaming-lab
duration: 15s
replications: 4
parameters:
  detection:
    path: topology.hosts[srv-1].teams[bond0].detection.method
    values: [carrier, miimon]
  interval:
    path: topology.hosts[srv-1].teams[bond0].detection.interval
    values: [50ms, 200ms]
metrics:
  - service[srv-1].unreachable_ms
  - failure[0].detected_after_ms
  - calls.max_gap_ms
series:
  - {metric: calls.mos, from: 8s, to: 14s, step: 2s}
`

func load(t testing.TB, text string) *Spec {
	t.Helper()
	s, err := Parse("small.yaml", []byte(text), FileOpener("."))
	if err != nil {
		t.Fatalf("%v", err)
	}
	return s
}

func runInto(t testing.TB, s *Spec, opt Options) *Meta {
	t.Helper()
	m, err := Run(context.Background(), s, opt)
	if err != nil {
		t.Fatalf("run into %s: %v", opt.Dir, err)
	}
	return m
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// synthetic stands in for the twin where a test needs many cheap runs: the values
// depend on the configuration and the seed only (and some are absent), as a twin
// run's do.
func synthetic(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(c.Index)))
	out := make([]float64, 0, 8)
	for i := range 2 + 3 {
		v := 10*float64(c.Index+1) + rng.NormFloat64()*float64(i+1)
		if rng.IntN(7) == 0 {
			v = math.NaN()
		}
		out = append(out, v)
	}
	return out, ctx.Err()
}

// syntheticSpec has 2 metrics and a series of 3 points: 5 items, as synthetic makes.
const syntheticSpec = `version: 1
experiment: synthetic
scenario: teaming-lab
replications: 4
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb, slb]
metrics: [calls.dropped, calls.mean_mos]
series:
  - {metric: calls.active, from: 1s, to: 3s, step: 1s}
`

// runs.csv is the same byte for byte with one worker or several: rows are written in
// the fixed order whatever order the runs finish in.
func TestWorkersGiveTheSameFile(t *testing.T) {
	s := load(t, smallSpec)
	var files [][]byte
	for _, w := range []int{1, 2, 5} {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(w))
		m := runInto(t, s, Options{Dir: dir, Workers: w})
		if m.Status != "complete" || m.Runs != 16 {
			t.Fatalf("%d workers: %+v", w, m)
		}
		files = append(files, readFile(t, filepath.Join(dir, RunsFile)))
	}
	if !bytes.Equal(files[0], files[1]) || !bytes.Equal(files[0], files[2]) {
		t.Errorf("runs.csv differs between 1, 2 and 5 workers:\n%s\n---\n%s", files[0], files[1])
	}
	// 16 runs of 3 metrics and 4 series points, and the header.
	if lines := bytes.Count(files[0], []byte("\n")); lines != 1+16*7 {
		t.Errorf("%d lines", lines)
	}
	// Common random numbers: replication k has the same seed in every configuration,
	// and the miimon poll phase it draws gives the same detection time at 50 ms and
	// 200 ms whenever it falls within the first 50 ms... at least the seeds agree.
	if !bytes.Contains(files[0], []byte("\n1,carrier,50ms,1,1,")) || !bytes.Contains(files[0], []byte("\n4,miimon,200ms,1,1,")) {
		t.Errorf("replication 1 does not run with seed 1 in every configuration:\n%s", files[0][:400])
	}
}

// A runs.csv cut at any byte (a crash in the middle of a write; here cut at bytes
// spaced 1 to 19 apart, which falls at every position within a row somewhere) resumes
// to the file an uninterrupted run writes: the torn run is cut off and run again, nothing is lost or
// written twice.
func TestResumeFromEveryCut(t *testing.T) {
	s := load(t, syntheticSpec)
	full := filepath.Join(t.TempDir(), "full")
	runInto(t, s, Options{Dir: full, Workers: 2, run: synthetic})
	want := readFile(t, filepath.Join(full, RunsFile))
	meta := readFile(t, filepath.Join(full, MetaFile))
	header := bytes.IndexByte(want, '\n') + 1
	for cut := 0; cut <= len(want); cut += 1 + cut%19 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(cut))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, MetaFile), meta, 0o644)
		os.WriteFile(filepath.Join(dir, RunsFile), want[:cut], 0o644)
		var resumed int
		m := runInto(t, s, Options{Dir: dir, Workers: 3, Resume: true, run: synthetic,
			Progress: func(p Progress) { resumed = p.Resumed }})
		if got := readFile(t, filepath.Join(dir, RunsFile)); !bytes.Equal(got, want) {
			t.Fatalf("cut at byte %d: resumed file differs:\n%s\n---want---\n%s", cut, got, want)
		}
		// Whole runs before the cut were kept, not run again.
		if complete := bytes.Count(want[:max(cut, header)], []byte("\n")) - 1; resumed != complete/5 {
			t.Fatalf("cut at byte %d: %d runs resumed, want %d", cut, resumed, complete/5)
		}
		if m.Status != "complete" || len(m.Resumed) != 1 {
			t.Fatalf("cut at byte %d: %+v", cut, m)
		}
	}
}

// Cancelling (Ctrl-C) keeps what was written and says how to go on; resuming
// finishes the same file.
func TestInterruptAndResume(t *testing.T) {
	s := load(t, syntheticSpec)
	full := filepath.Join(t.TempDir(), "full")
	runInto(t, s, Options{Dir: full, run: synthetic})
	dir := filepath.Join(t.TempDir(), "cut")
	ctx, cancel := context.WithCancel(context.Background())
	// The runs of replications 3 and 4 (seeds 3 and 4; jobs go replication by
	// replication) wait for the cancellation, so that the workers cannot finish every
	// run before it (they can when a slow first run holds up writing). Replications 1
	// and 2 are six runs, enough to write the fifth.
	held := func(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
		if seed >= 3 {
			<-ctx.Done()
		}
		return synthetic(ctx, sc, c, seed)
	}
	m, err := Run(ctx, s, Options{Dir: dir, Workers: 2, run: held, Progress: func(p Progress) {
		if p.Done == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) || m.Status != "interrupted" || m.Ended != nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("interrupted run: %v, %+v", err, m)
	}
	if _, err := Run(context.Background(), s, Options{Dir: dir, run: synthetic}); err == nil || !strings.Contains(err.Error(), "--resume continues it") {
		t.Errorf("a second run into the directory without --resume: %v", err)
	}
	runInto(t, s, Options{Dir: dir, Resume: true, run: synthetic})
	if !bytes.Equal(readFile(t, filepath.Join(dir, RunsFile)), readFile(t, filepath.Join(full, RunsFile))) {
		t.Error("interrupted and resumed file differs from the uninterrupted one")
	}
}

// A directory of another spec is not resumed, and a spec's runs.csv that does not
// continue the spec's order is refused.
func TestResumeRefusesAnotherSpec(t *testing.T) {
	s := load(t, syntheticSpec)
	dir := t.TempDir()
	runInto(t, s, Options{Dir: dir, run: synthetic})
	// The message says what differs, or names the two experiments: not two hashes.
	other := load(t, strings.Replace(syntheticSpec, "replications: 4", "replications: 5", 1))
	if _, err := Run(context.Background(), other, Options{Dir: dir, Resume: true, run: synthetic}); !errors.Is(err, errMismatch) ||
		err.Error() != "cannot resume "+dir+": it holds runs of synthetic from another spec: replications 4 there, 5 here; run into another --out" {
		t.Errorf("resume with another spec: %v", err)
	}
	other = load(t, strings.Replace(strings.Replace(syntheticSpec, "experiment: synthetic", "experiment: sweep", 1), "tlb, ", "", 1))
	if _, err := Run(context.Background(), other, Options{Dir: dir, Resume: true, run: synthetic}); !errors.Is(err, errMismatch) ||
		err.Error() != "cannot resume "+dir+": it holds the runs of experiment synthetic (small.yaml), not of sweep (small.yaml); run into another --out" {
		t.Errorf("resume with another experiment: %v", err)
	}
	// Swap two runs' blocks: the rows no longer follow the order.
	data := readFile(t, filepath.Join(dir, RunsFile))
	lines := strings.SplitAfter(string(data), "\n")
	swapped := append(append(append([]string{lines[0]}, lines[6:11]...), lines[1:6]...), lines[11:]...)
	os.WriteFile(filepath.Join(dir, RunsFile), []byte(strings.Join(swapped, "")), 0o644)
	if _, err := Run(context.Background(), s, Options{Dir: dir, Resume: true, run: synthetic}); !errors.Is(err, errMismatch) {
		t.Errorf("resume of a file out of order: %v", err)
	}
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Run(context.Background(), s, Options{Dir: empty, Resume: true, run: synthetic}); err == nil {
		t.Error("ran into a directory holding other files")
	}
}

// Shards of a real experiment, merged, give the full run's runs.csv byte for byte,
// and the shards are about equal.
func TestShardsMergeToTheFullRun(t *testing.T) {
	s := load(t, smallSpec)
	full := filepath.Join(t.TempDir(), "full")
	runInto(t, s, Options{Dir: full})
	var dirs []string
	for i := range 3 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint("shard-", i))
		m := runInto(t, s, Options{Dir: dir, Shard: Shard{Index: i, Count: 3}})
		if m.Runs < 5 || m.Runs > 6 {
			t.Errorf("shard %d has %d of 16 runs", i, m.Runs)
		}
		dirs = append(dirs, dir)
	}
	out := filepath.Join(t.TempDir(), "merged")
	m, err := Merge([]string{dirs[2], dirs[0], dirs[1]}, out, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Runs != 16 || m.Status != "complete" || len(m.Shard.Indexes) != 3 {
		t.Errorf("merged: %+v", m)
	}
	if !bytes.Equal(readFile(t, filepath.Join(out, RunsFile)), readFile(t, filepath.Join(full, RunsFile))) {
		t.Error("merged shards differ from the full run")
	}
}

// Merge refuses what does not belong together.
func TestMergeRefuses(t *testing.T) {
	s := load(t, syntheticSpec)
	shard := func(spec *Spec, i, n int) string {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(i))
		runInto(t, spec, Options{Dir: dir, Shard: Shard{Index: i, Count: n}, run: synthetic})
		return dir
	}
	a0, a1 := shard(s, 0, 2), shard(s, 1, 2)
	other := load(t, strings.Replace(syntheticSpec, "slb]", "lacp]", 1))
	b1 := shard(other, 1, 2)
	c1 := shard(s, 1, 3)
	out := func() string { return filepath.Join(t.TempDir(), "out") }
	cases := []struct {
		name string
		dirs []string
		want string
	}{
		{"another spec", []string{a0, b1}, "they hold runs of synthetic from different specs: the parameters differ (there: "},
		{"another split", []string{a0, c1}, "split differently"},
		{"twice", []string{a0, a1, a0}, "is in both"},
		{"missing", []string{a0}, "shard 1 of 2 is missing; merge it too, or merge with --partial"},
	}
	for _, c := range cases {
		if _, err := Merge(c.dirs, out(), MergeOptions{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if m, err := Merge([]string{a0}, out(), MergeOptions{Partial: true}); err != nil || m.Status != "partial" {
		t.Errorf("partial merge: %v %+v", err, m)
	}
}

// precisionSpec's configurations spread differently: synthetic's item i has standard
// deviation i+1 around 10·(configuration+1), so the first metric's interval gets
// narrow fast in every configuration, ...
const precisionSpec = `version: 1
experiment: precise
scenario: teaming-lab
replications: 4
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb, slb]
metrics: [calls.dropped, calls.mean_mos]
series:
  - {metric: calls.active, from: 1s, to: 3s, step: 1s}
precision: {metric: calls.mean_mos, half_width: 3%, max_replications: 60}
`

// Precision adds replications round by round (4, 6, 9, 14, ... up to 60) until the
// interval is narrow enough; the file is the same for any number of workers, and
// shards (by configuration) merge to it.
func TestPrecision(t *testing.T) {
	s := load(t, precisionSpec)
	one := filepath.Join(t.TempDir(), "one")
	m := runInto(t, s, Options{Dir: one, Workers: 1, run: synthetic})
	p := m.Precision
	if p == nil || len(p.Configs) != 3 {
		t.Fatalf("precision outcome %+v", p)
	}
	schedule := map[int]bool{4: true, 6: true, 9: true, 14: true, 21: true, 32: true, 48: true, 60: true}
	for _, c := range p.Configs {
		if !schedule[c.Replications] {
			t.Errorf("configuration %d stopped after %d replications, not at a round's end", c.Config, c.Replications)
		}
		if c.Met != (c.HalfWidth <= 0.03*math.Abs(c.Mean)) || !c.Met && c.Replications != 60 {
			t.Errorf("configuration %d: %+v", c.Config, c)
		}
	}
	// Configuration 1 (mean 10, sd 2) needs about (2.0·2/(0.03·10))² ≈ 180 runs: it
	// stops at the maximum; configuration 3 (mean 30) needs about 20.
	if p.Configs[0].Met || !p.Configs[2].Met {
		t.Errorf("outcome %+v", p.Configs)
	}
	many := filepath.Join(t.TempDir(), "many")
	runInto(t, s, Options{Dir: many, Workers: 4, run: synthetic})
	want := readFile(t, filepath.Join(one, RunsFile))
	if !bytes.Equal(readFile(t, filepath.Join(many, RunsFile)), want) {
		t.Error("1 and 4 workers differ with precision")
	}
	var dirs []string
	for i := range 2 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(i))
		runInto(t, s, Options{Dir: dir, Workers: 2, Shard: Shard{Index: i, Count: 2}, run: synthetic})
		dirs = append(dirs, dir)
	}
	out := filepath.Join(t.TempDir(), "merged")
	if _, err := Merge(dirs, out, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(out, RunsFile)), want) {
		t.Error("shards by configuration merge to another file")
	}
}

func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cases := []struct {
		text string
		env  func(string) string
		want Shard
		err  string
	}{
		{"1/4", env(), Shard{1, 4}, ""},
		{"4/4", env(), Shard{}, "--shard 4/4: the index (I) must be from 0 to 3"},
		{"0/0", env(), Shard{}, "--shard 0/0: the count (N) must be at least 1"},
		{"auto", env("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "3"), Shard{2, 3}, ""},
		{"auto", env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "3", "SLURM_ARRAY_TASK_MIN", "1"), Shard{2, 3}, ""},
		{"auto/5", env("JOB_COMPLETION_INDEX", "4"), Shard{4, 5}, ""},
		{"auto", env("JOB_COMPLETION_INDEX", "4"), Shard{}, "write --shard auto/N"},
		{"auto", env(), Shard{}, "neither SLURM_ARRAY_TASK_ID"},
		{"2", env(), Shard{}, "expected I/N"},
	}
	for _, c := range cases {
		got, err := ParseShard(c.text, c.env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want an error with %q", c.text, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %v %v, want %v", c.text, got, err, c.want)
		}
	}
}

// Configurations that `dctwin check` refuses are refused before anything is written:
// each mistake once, at the value that causes it, with the configurations that have
// it.
func TestConfigurationsThatCannotRun(t *testing.T) {
	s := load(t, `version: 1
scenario: teaming-lab
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [slb, lacp, nft]
  rtp:
    path: workloads.calls.rtp_timeout
    range: {from: 1s, to: 12s, step: 1s}
metrics: [calls.dropped]
`)
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), s, Options{Dir: dir})
	es := scenario.AsErrors(err)
	// slb and lacp need the edge switches as one cluster: 12 configurations each.
	if len(es) != 2 || es[0].Pos.String() != "small.yaml:6:14" || es[1].Pos.String() != "small.yaml:6:19" ||
		!strings.HasPrefix(es[0].Msg, "parameter mode = slb: SLB team bond0 spans edge-a and edge-b") ||
		!strings.Contains(es[0].Msg, "(an error dctwin check finds in 12 configurations: 1, 2, 3, 4, 5 and 7 more)") ||
		!strings.Contains(es[1].Msg, "in 12 configurations: 13, 14, 15, 16, 17 and 7 more") {
		t.Errorf("%d errors: %v", len(es), err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the output directory was made: %v", err)
	}
	// A value refused in some configurations only: the interval 0 s is refused where
	// miimon polls (configurations 1 and 3, mode nft and tlb), once.
	s = load(t, `version: 1
scenario: teaming-lab
parameters:
  mode:
    path: topology.hosts[srv-1].teams[bond0].mode
    values: [nft, tlb]
  interval:
    path: topology.hosts[srv-1].teams[bond0].detection.interval
    values: [0s, 100ms]
metrics: [calls.dropped]
`)
	_, err = Run(context.Background(), s, Options{Dir: dir})
	es = scenario.AsErrors(err)
	if len(es) != 1 || es[0].Error() != "small.yaml:9:14: parameter interval = 0s: team bond0 miimon interval 0s; expected at least 1ms "+
		"(an error dctwin check finds in configurations 1 and 3); change the value, exclude those configurations (exclude:) or set force: true to run them anyway" {
		t.Errorf("%d errors: %v", len(es), err)
	}
}
