package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"dctwin/scenario"
)

// MetaFile is the name of the description file of an experiment directory.
const MetaFile = "experiment.json"

// Meta is experiment.json: the spec as written (with its scenario, so that `report`
// and `merge` need nothing else), its hash, the dctwin version, when the runs started
// and ended, which shard of the runs the directory holds, the seeds used and, with
// precision, how many replications each configuration needed.
type Meta struct {
	Experiment  string `json:"experiment"`
	Description string `json:"description,omitempty"`
	// Hash identifies everything that decides the rows of runs.csv: the scenario text,
	// the overrides, the parameters, exclusions, seeds, replications, metrics, series and
	// precision (not plots, descriptions or the baseline).
	Hash          string    `json:"spec_hash"`
	Spec          SpecText  `json:"spec"`
	DctwinVersion string    `json:"dctwin_version"`
	GoVersion     string    `json:"go_version"`
	Started       time.Time `json:"started"`
	// Ended is unset while the runs go on or when they were interrupted.
	Ended *time.Time `json:"ended,omitempty"`
	// Status is running, complete, interrupted or failed.
	Status  string      `json:"status"`
	Error   string      `json:"error,omitempty"`
	Resumed []time.Time `json:"resumed,omitempty"`
	Shard   ShardInfo   `json:"shard"`
	// Merged lists the directories a merge joined.
	Merged         []string `json:"merged,omitempty"`
	Configurations int      `json:"configurations"`
	Items          int      `json:"rows_per_run"`
	Runs           int      `json:"runs"`
	Workers        int      `json:"workers,omitempty"`
	Seeds          Seeds    `json:"seeds"`
	// Precision says, with --precision or precision:, how far each configuration got.
	Precision *PrecisionOutcome `json:"precision,omitempty"`
	// NoValue lists the metrics no run had a value of: most likely a name of
	// something the runs do not have (failure[3] of one failure, calls.* without
	// calls).
	NoValue []string `json:"metrics_without_value,omitempty"`
}

// SpecText is the experiment file and its base scenario as they were, and the command
// line settings that changed them.
type SpecText struct {
	File         string `json:"file"`
	Text         string `json:"text"`
	Scenario     string `json:"scenario"`
	ScenarioFile string `json:"scenario_file"`
	ScenarioText string `json:"scenario_text"`
	// Overrides are the command line's changes to the spec.
	Overrides
}

// ShardInfo is the part of the runs a directory holds.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// By is "run" or "configuration" (with precision); see Shard.
	By string `json:"by"`
	// Indexes lists the shards a merged directory holds.
	Indexes []int `json:"indexes,omitempty"`
}

// Seeds are the seeds replications used: replication k ran with First+k-1.
type Seeds struct {
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
}

// PrecisionOutcome is the result of sequential stopping.
type PrecisionOutcome struct {
	Metric          string  `json:"metric"`
	HalfWidth       float64 `json:"half_width"`
	MaxReplications int     `json:"max_replications"`
	// Met counts the configurations whose interval got narrow enough.
	Met     int                 `json:"met"`
	Configs []PrecisionOfConfig `json:"configurations"`
}

// PrecisionOfConfig is where one configuration stopped.
type PrecisionOfConfig struct {
	Config       int     `json:"config"`
	Replications int     `json:"replications"`
	N            int     `json:"n"` // runs with a value of the metric
	Mean         float64 `json:"mean"`
	HalfWidth    float64 `json:"ci95_half_width"`
	Met          bool    `json:"met"`
}

// canonSpec is everything that decides the rows of runs.csv, as Hash digests it. Its
// JSON must not change: experiment directories hold the hash.
type canonSpec struct {
	Scenario     string
	Sets         [][2]string
	Duration     time.Duration
	FirstSeed    uint64
	Replications int
	Force        bool
	Parameters   []canonParam
	Excludes     []map[string]string
	Metrics      []canonMetric
	Series       [][4]string
	Precision    *[3]string `json:",omitempty"`
}

type canonParam struct {
	Name, Path, Zip string
	Values          []string
}

type canonMetric struct {
	Name     string
	IfAbsent *float64 `json:",omitempty"`
}

func (s *Spec) canonical() canonSpec {
	canon := canonSpec{Duration: s.Duration, FirstSeed: s.FirstSeed, Replications: s.Replications, Force: s.Force}
	sum := sha256.Sum256(s.Scenario.Text)
	canon.Scenario = hex.EncodeToString(sum[:])
	for _, st := range s.Sets {
		canon.Sets = append(canon.Sets, [2]string{st.Path, st.Value})
	}
	for _, p := range s.Parameters {
		q := canonParam{Name: p.Name, Path: p.Path, Zip: p.Zip}
		for _, v := range p.Values {
			q.Values = append(q.Values, v.Text)
		}
		canon.Parameters = append(canon.Parameters, q)
	}
	for _, ex := range s.Excludes {
		canon.Excludes = append(canon.Excludes, ex.Values)
	}
	for _, m := range s.Metrics {
		canon.Metrics = append(canon.Metrics, canonMetric{m.Name, m.IfAbsent})
	}
	for _, sr := range s.Series {
		canon.Series = append(canon.Series, [4]string{sr.Metric, sr.From.String(), sr.To.String(), sr.Step.String()})
	}
	if p := s.Precision; p != nil {
		canon.Precision = &[3]string{p.Metric, fmt.Sprint(p.HalfWidth), fmt.Sprint(p.MaxReplications)}
	}
	return canon
}

// Hash is the spec's identity (see Meta.Hash), "sha256:…".
func (s *Spec) Hash() string {
	data, _ := json.Marshal(s.canonical())
	h := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(h[:])
}

// BuildVersion is the dctwin version as the binary knows it: the module version, or
// the VCS revision a development build was made from ("(devel)" otherwise).
func BuildVersion() (version, goVersion string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)", "unknown"
	}
	version = info.Main.Version
	var rev, modified string
	for _, st := range info.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			modified = st.Value
		}
	}
	if (version == "" || version == "(devel)") && rev != "" {
		version = "(devel) " + rev
		if modified == "true" {
			version += "+modified"
		}
	}
	if version == "" {
		version = "(devel)"
	}
	return version, info.GoVersion
}

// ErrNoExperiment marks a directory without experiment.json.
var ErrNoExperiment = errors.New("no experiment")

// ReadMeta reads the experiment.json of a directory.
func ReadMeta(dir string) (*Meta, error) {
	data, err := readLimited(filepath.Join(dir, MetaFile), 64<<20)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s is not an experiment directory: it has no %s: %w", dir, MetaFile, ErrNoExperiment)
		}
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, MetaFile), err)
	}
	return &m, nil
}

// writeMeta replaces experiment.json in one step (a temporary file renamed over it), so
// that a crash leaves the old or the new one, never half of one.
func writeMeta(dir string, m *Meta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, MetaFile+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, MetaFile))
}

// SpecOf parses the spec a directory's experiment.json holds, with the scenario it
// held, and the command-line settings applied as they were.
func SpecOf(m *Meta) (*Spec, error) {
	open := func(string) (*scenario.Scenario, error) {
		sc, err := scenario.Parse(m.Spec.ScenarioFile, []byte(m.Spec.ScenarioText))
		if sc != nil {
			sc.Name = m.Spec.Scenario
		}
		return sc, err
	}
	s, err := Parse(m.Spec.File, []byte(m.Spec.Text), open)
	if err != nil {
		return nil, err
	}
	if err := s.Apply(m.Spec.Overrides); err != nil {
		return nil, err
	}
	return s, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d KiB", path, limit>>10)
	}
	return data, nil
}
