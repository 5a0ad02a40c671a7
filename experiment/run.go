package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"dctwin/scenario"
	"dctwin/twin"
)

// Options say where and how an experiment runs. The rows it writes do not depend on
// Workers: runs.csv is the same byte for byte for any number of workers.
type Options struct {
	// Dir is the output directory (created if need be).
	Dir string
	// Workers is how many runs go on at once (0: one per CPU the process may use).
	Workers int
	// Resume continues the runs in Dir: rows already written are kept, a run cut off
	// in the middle of its rows is run again, and a directory of another spec is
	// refused. Without Resume, a directory that holds an experiment is refused.
	Resume bool
	// Shard selects a part of the runs (see Shard); the zero value runs them all.
	Shard Shard
	// Progress is called after every run written, and once at the end with Final set.
	Progress func(Progress)
	// Now is the clock for experiment.json (time.Now if nil).
	Now func() time.Time
	// Overrides are the command line's changes to the spec, recorded so that `report`
	// and `merge` read the spec as it ran.
	Overrides Overrides

	// run replaces the twin's run in tests of the runner itself.
	run func(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error)
}

// Progress is how far an experiment has got.
type Progress struct {
	Done  int // runs in the directory, resumed ones included
	Total int // runs planned so far (with precision it grows round by round)
	// Resumed counts the runs found in the directory when it was resumed.
	Resumed int
	Round   int // precision round, from 1
	Elapsed time.Duration
	Final   bool
}

// ErrInterrupted is returned (wrapped) when the context is cancelled: the rows of the
// runs finished in order are kept, and --resume continues from there.
var ErrInterrupted = errors.New("interrupted")

// Run runs an experiment's runs (or a shard of them) into opt.Dir: experiment.json and
// runs.csv, one row per run and item, written in a fixed order (replication by
// replication, configuration by configuration) one run's rows at a time. Replication k
// runs with seed FirstSeed+k−1 in every configuration. With precision, replications
// are added in rounds (each 1.5 times the replications so far, up to the maximum) to
// the configurations whose interval is still too wide.
func Run(ctx context.Context, s *Spec, opt Options) (*Meta, error) {
	configs := s.Configurations()
	x := &execution{spec: s, opt: opt, configs: configs, items: s.items(), now: opt.Now}
	x.seen = make(valueSeen, len(x.items))
	if x.now == nil {
		x.now = time.Now
	}
	x.workers = opt.Workers
	if x.workers <= 0 {
		x.workers = runtime.GOMAXPROCS(0)
	}
	if err := x.prepare(); err != nil {
		return nil, err
	}
	if err := x.open(); err != nil {
		return nil, err
	}
	defer x.file.Close()
	err := x.rounds(ctx)
	return x.finish(err)
}

type execution struct {
	spec    *Spec
	opt     Options
	configs []Configuration
	items   []item
	workers int
	now     func() time.Time

	scenarios []*scenario.Scenario // per configuration in the shard, nil otherwise
	meta      *Meta
	file      *os.File
	resumed   []Result // runs found in runs.csv, in file order
	pos       int      // runs of the canonical sequence seen so far
	written   int      // runs in the file
	planned   int
	round     int
	start     time.Time
	synced    time.Time
	buf       bytes.Buffer

	// precision state: the values of the precision metric per configuration, by
	// replication, and the configurations still adding replications.
	metricIdx int
	values    [][]float64
	outcome   map[int]PrecisionOfConfig
	// seen notes the items any run had a value of.
	seen valueSeen
}

// prepare builds the scenario of every configuration of the shard and checks it, so
// that a configuration that cannot run is refused before anything is written.
func (x *execution) prepare() error {
	s := x.spec
	x.scenarios = make([]*scenario.Scenario, len(x.configs))
	var errs scenario.Errors
	var mistakes []*configMistake
	checked := 0
	for _, c := range x.configs {
		if !x.configInShard(c.Index) {
			continue
		}
		sc, err := s.Prepare(c)
		if err != nil {
			if es := scenario.AsErrors(err); es != nil {
				errs = append(errs, es...)
				continue
			}
			return err
		}
		if !s.Force && x.opt.run == nil {
			checked++
			mistakes = s.checkMistakes(mistakes, c, twin.Check(sc))
		}
		x.scenarios[c.Index] = sc
	}
	for _, m := range mistakes {
		errs = append(errs, m.error(checked))
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	if len(errs) > maxListed {
		more := len(errs) - maxListed
		errs = append(errs[:maxListed], posErr(errs[maxListed].Pos, "and %d more errors like these", more))
	}
	return errs
}

// maxListed is how many errors of configurations that cannot run are listed.
const maxListed = 10

// configInShard reports whether any run of configuration c can be in the shard.
func (x *execution) configInShard(c int) bool {
	sh := x.opt.Shard
	if sh.Whole() || !x.spec.byConfiguration() {
		return true
	}
	return c%sh.Count == sh.Index
}

// open creates or resumes the directory.
func (x *execution) open() error {
	s, opt := x.spec, x.opt
	x.start = x.now()
	version, goVersion := BuildVersion()
	meta := &Meta{Experiment: s.Name, Description: s.Description, Hash: s.Hash(),
		Spec: SpecText{File: filepath.Base(s.File), Text: string(s.Text), Scenario: s.Scenario.Name,
			ScenarioFile: s.Scenario.File, ScenarioText: string(s.Scenario.Text), Overrides: opt.Overrides},
		DctwinVersion: version, GoVersion: goVersion, Started: x.start, Status: "running",
		Shard:          ShardInfo{Index: opt.Shard.Index, Count: max(opt.Shard.Count, 1), By: "run"},
		Configurations: len(x.configs), Items: len(x.items), Workers: x.workers,
		Seeds: Seeds{First: s.FirstSeed, Last: s.FirstSeed + uint64(s.Replications) - 1}}
	if s.byConfiguration() {
		meta.Shard.By = "configuration"
	}
	runs := filepath.Join(opt.Dir, RunsFile)
	old, err := ReadMeta(opt.Dir)
	switch {
	case err == nil && !opt.Resume:
		return fmt.Errorf("%s holds an experiment already (%s, %s): --resume continues it; or choose another --out", opt.Dir, old.Experiment, old.Status)
	case err == nil:
		if old.Hash != meta.Hash {
			return mismatchf("cannot resume %s: %s; run into another --out", opt.Dir, mismatch(old, s))
		}
		if old.Shard.Index != meta.Shard.Index || old.Shard.Count != meta.Shard.Count {
			return fmt.Errorf("cannot resume %s: it holds shard %d of %d, not %s", opt.Dir, old.Shard.Index, old.Shard.Count, Shard(opt.Shard).Describe())
		}
		if len(old.Merged) > 0 {
			return fmt.Errorf("cannot resume %s: it is the result of a merge", opt.Dir)
		}
		rf, err := s.readRuns(runs, x.configs)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if rf != nil {
			x.resumed = rf.runs
			// Cut off a torn row and the rows of a run cut short.
			if err := os.Truncate(runs, rf.valid); err != nil {
				return err
			}
		}
		meta.Started = old.Started
		meta.Resumed = append(old.Resumed, x.start)
	case errors.Is(err, ErrNoExperiment):
		if entries, _ := os.ReadDir(opt.Dir); len(entries) > 0 {
			return fmt.Errorf("%s is not empty and holds no experiment (no %s): choose another --out", opt.Dir, MetaFile)
		}
	default:
		return err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(runs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	x.file = f
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		x.buf.Reset()
		writeHeader(&x.buf, s.header())
		if _, err := f.Write(x.buf.Bytes()); err != nil {
			return err
		}
	}
	x.meta = meta
	x.synced = x.start
	return writeMeta(opt.Dir, meta)
}

// job is one run to do: configuration, replication and seed.
type job struct {
	config, rep int
	seed        uint64
}

// rounds walks the canonical sequence of runs round by round, taking the runs already
// in the directory from it and running the others.
func (x *execution) rounds(ctx context.Context) error {
	s := x.spec
	active := make([]int, 0, len(x.configs))
	for _, c := range x.configs {
		if x.configInShard(c.Index) {
			active = append(active, c.Index)
		}
	}
	if p := s.Precision; p != nil {
		x.values = make([][]float64, len(x.configs))
		x.outcome = map[int]PrecisionOfConfig{}
		for i, m := range s.Metrics {
			if m.Name == p.Metric {
				x.metricIdx = i
			}
		}
	}
	lo, hi := 1, s.Replications
	for len(active) > 0 {
		x.round++
		var jobs []job
		for rep := lo; rep <= hi; rep++ {
			for _, c := range active {
				if s.inShard(x.opt.Shard, c, rep, len(x.configs)) {
					jobs = append(jobs, job{config: c, rep: rep, seed: s.FirstSeed + uint64(rep) - 1})
				}
			}
		}
		x.planned += len(jobs)
		// The runs the directory has already.
		k := 0
		for ; k < len(jobs) && x.pos < len(x.resumed); k++ {
			r, j := x.resumed[x.pos], jobs[k]
			if r.Config != j.config || r.Replication != j.rep || r.Seed != j.seed {
				return fmt.Errorf("%s: run %d is configuration %d replication %d (seed %d), where this experiment has configuration %d replication %d (seed %d): the file was %w",
					RunsFile, x.pos+1, r.Config+1, r.Replication, r.Seed, j.config+1, j.rep, j.seed, errMismatch)
			}
			x.pos++
			x.written++
			x.record(r)
		}
		if err := x.runJobs(ctx, jobs[k:]); err != nil {
			return err
		}
		if s.Precision == nil {
			break
		}
		active = x.stillImprecise(active, hi)
		lo, hi = hi+1, min(s.Precision.MaxReplications, max(hi+1, int(math.Ceil(float64(hi)*1.5))))
	}
	if x.pos < len(x.resumed) {
		return fmt.Errorf("%s has %d runs where this experiment has %d: the file was %w", RunsFile, len(x.resumed), x.pos, errMismatch)
	}
	return nil
}

// stillImprecise returns the configurations whose interval is still too wide and that
// may have more replications, and notes where every configuration stands.
func (x *execution) stillImprecise(active []int, reps int) []int {
	p := x.spec.Precision
	var next []int
	for _, c := range active {
		st := Summarize(x.values[c])
		met := precise(st, p.HalfWidth)
		x.outcome[c] = PrecisionOfConfig{Config: c + 1, Replications: reps, N: st.N, Mean: st.Mean, HalfWidth: st.HalfWidth, Met: met}
		if !met && reps < p.MaxReplications {
			next = append(next, c)
		}
	}
	return next
}

// record keeps what precision and the list of metrics without values need of a run.
func (x *execution) record(r Result) {
	x.seen.note(r.Values)
	if x.values != nil {
		x.values[r.Config] = append(x.values[r.Config], r.Values[x.metricIdx])
	}
}

// runJobs runs jobs on the workers and writes each run's rows as soon as every run
// before it is written. The workers hand the jobs out among themselves and the one
// that completes the next run in order writes it (and any after it that wait), so
// that a run costs no hand-over between goroutines: with two cores, waking another
// goroutine per run cost about a sixth of a teaming-lab run in CPU time. At most a
// window of runs waits for an earlier slow one, so memory stays bounded whatever the
// runs cost.
func (x *execution) runJobs(parent context.Context, jobs []job) error {
	if len(jobs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	run := x.opt.run
	if run == nil {
		run = func(ctx context.Context, sc *scenario.Scenario, c Configuration, seed uint64) ([]float64, error) {
			return x.spec.measure(ctx, sc, seed)
		}
	}
	q := &queue{window: x.workers * 16, pending: map[int][]float64{}}
	q.more = sync.NewCond(&q.mu)
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.more.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	var wg sync.WaitGroup
	for range min(x.workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := q.take(ctx, len(jobs))
				if !ok {
					return
				}
				j := jobs[i]
				v, err := run(ctx, x.scenarios[j.config], x.configs[j.config], j.seed)
				if err == nil && len(v) != len(x.items) {
					err = fmt.Errorf("internal error: %d values for %d items", len(v), len(x.items))
				}
				q.mu.Lock()
				if err != nil {
					if q.failure == nil && parent.Err() == nil {
						q.failure = fmt.Errorf("configuration %d (%s), replication %d (seed %d): %w",
							j.config+1, x.spec.Describe(x.configs[j.config]), j.rep, j.seed, err)
					}
					q.mu.Unlock()
					cancel()
					return
				}
				q.pending[i] = v
				for q.failure == nil {
					v, ok := q.pending[q.written]
					if !ok {
						break
					}
					delete(q.pending, q.written)
					w := jobs[q.written]
					if err := x.write(Result{Config: w.config, Replication: w.rep, Seed: w.seed, Values: v}); err != nil {
						q.failure = err
						cancel()
						break
					}
					q.written++
				}
				q.more.Broadcast()
				q.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if q.failure != nil {
		return q.failure
	}
	if q.written < len(jobs) {
		return ErrInterrupted
	}
	return nil
}

// queue hands out a round's jobs in order and keeps the finished runs that wait for
// an earlier one to be written.
type queue struct {
	mu      sync.Mutex
	more    *sync.Cond // signalled when runs are written, on failure and on cancellation
	next    int        // the next job to hand out
	written int        // jobs written, in order
	window  int
	pending map[int][]float64
	failure error
}

// take returns the next job, waiting while the window of unwritten runs is full;
// false once there is none left, a run failed or ctx is done.
func (q *queue) take(ctx context.Context, n int) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.next-q.written >= q.window && q.failure == nil && ctx.Err() == nil {
		q.more.Wait()
	}
	if q.next >= n || q.failure != nil || ctx.Err() != nil {
		return 0, false
	}
	q.next++
	return q.next - 1, true
}

// write appends one run's rows to runs.csv in one write, so that a crash leaves whole
// rows of earlier runs and at most a torn last run, which resume cuts off.
func (x *execution) write(r Result) error {
	x.buf.Reset()
	x.spec.appendRun(&x.buf, x.configs, x.items, r)
	if _, err := x.file.Write(x.buf.Bytes()); err != nil {
		return err
	}
	x.pos++
	x.written++
	x.record(r)
	// The rows are in the operating system's hands once written (a killed process
	// loses none); syncing now and then bounds what a power cut could take.
	if now := x.now(); now.Sub(x.synced) > 2*time.Second {
		x.file.Sync()
		x.synced = now
	}
	x.progress(false)
	return nil
}

func (x *execution) progress(final bool) {
	if x.opt.Progress != nil {
		x.opt.Progress(Progress{Done: x.written, Total: x.planned, Resumed: len(x.resumed), Round: x.round,
			Elapsed: x.now().Sub(x.start), Final: final})
	}
}

// finish writes experiment.json with the outcome.
func (x *execution) finish(runErr error) (*Meta, error) {
	x.file.Sync()
	m := x.meta
	m.Runs = x.written
	if x.written > 0 {
		m.NoValue = x.seen.missing(x.items)
	}
	m.Seeds.Last = x.spec.FirstSeed + uint64(x.maxReplication()) - 1
	if p := x.spec.Precision; p != nil {
		po := &PrecisionOutcome{Metric: p.Metric, HalfWidth: p.HalfWidth, MaxReplications: p.MaxReplications}
		for _, c := range x.configs {
			if o, ok := x.outcome[c.Index]; ok {
				po.Configs = append(po.Configs, o)
				if o.Met {
					po.Met++
				}
			}
		}
		m.Precision = po
	}
	switch {
	case runErr == nil:
		end := x.now()
		m.Ended, m.Status = &end, "complete"
	case errors.Is(runErr, ErrInterrupted):
		m.Status = "interrupted"
		runErr = fmt.Errorf("%w after %d of %d runs; --resume continues it", ErrInterrupted, x.written, x.planned)
	default:
		m.Status, m.Error = "failed", runErr.Error()
	}
	x.progress(true)
	if err := writeMeta(x.opt.Dir, m); err != nil && runErr == nil {
		runErr = err
	}
	return m, runErr
}

func (x *execution) maxReplication() int {
	if x.spec.Precision == nil {
		return x.spec.Replications
	}
	n := x.spec.Replications
	for _, o := range x.outcome {
		n = max(n, o.Replications)
	}
	return n
}
