package experiment

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// RunsFile is the name of the rows file in an experiment directory.
const RunsFile = "runs.csv"

// Result is one run (one replication of one configuration) with the value of every
// item (the metrics, then the series samples; NaN where the run had none).
type Result struct {
	Config      int // configuration index, from 0
	Replication int // from 1
	Seed        uint64
	Values      []float64
}

// header is the first line of runs.csv: the configuration number, one column per
// parameter, the replication and its seed, and the measured item (metric, the series
// time in seconds, value).
func (s *Spec) header() []string {
	h := []string{"config"}
	for _, p := range s.Parameters {
		h = append(h, p.Name)
	}
	return append(h, "replication", "seed", "metric", "t_s", "value")
}

// formatValue writes a value so that it reads back exactly; an absent value is empty.
func formatValue(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// appendRun encodes a run as its block of rows, one per item.
func (s *Spec) appendRun(buf *bytes.Buffer, configs []Configuration, items []item, r Result) {
	w := csv.NewWriter(buf)
	c := configs[r.Config]
	labels := s.Labels(c)
	for i, it := range items {
		row := make([]string, 0, len(labels)+6)
		row = append(row, strconv.Itoa(c.Number()))
		row = append(row, labels...)
		t := ""
		if it.series {
			t = strconv.FormatFloat(it.at.Seconds(), 'g', -1, 64)
		}
		row = append(row, strconv.Itoa(r.Replication), strconv.FormatUint(r.Seed, 10), it.metric, t, formatValue(r.Values[i]))
		w.Write(row)
	}
	w.Flush()
}

// runsFile is what a runs.csv holds: its complete runs in file order, and the length
// of the file up to the end of the last complete run.
type runsFile struct {
	runs  []Result
	valid int64
}

// readRuns reads a runs.csv written for this spec. A torn last line, and the rows of a
// run whose block is incomplete (the process was killed while writing it), are not
// part of the result: valid says where they begin, for the caller to cut them off. Any
// other mismatch (another spec's header, rows out of order) is an error.
func (s *Spec) readRuns(path string, configs []Configuration) (*runsFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Only whole lines count; a line cut short by a crash is dropped.
	end := bytes.LastIndexByte(data, '\n') + 1
	data = data[:end]
	items := s.items()
	rd := csv.NewReader(bytes.NewReader(data))
	rd.FieldsPerRecord = len(s.header())
	rd.ReuseRecord = true
	head, err := rd.Read()
	if err == io.EOF {
		return &runsFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if !slices.Equal(head, s.header()) {
		return nil, fmt.Errorf("%s:1: the header %q is not this experiment's %q", path, head, s.header())
	}
	out := &runsFile{valid: rd.InputOffset()}
	np := len(s.Parameters)
	var cur *Result
	k := 0 // rows of cur read so far
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			// A row that does not parse can only be the remains of a torn write if it is
			// the last; anything else is a damaged file.
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		cfg, err1 := strconv.Atoi(rec[0])
		rep, err2 := strconv.Atoi(rec[np+1])
		seed, err3 := strconv.ParseUint(rec[np+2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || cfg < 1 || cfg > len(configs) {
			return nil, fmt.Errorf("%s:%d: expected a configuration number, replication and seed, got %q", path, line, rec)
		}
		if k == 0 {
			cur = &Result{Config: cfg - 1, Replication: rep, Seed: seed, Values: make([]float64, 0, len(items))}
		} else if cfg-1 != cur.Config || rep != cur.Replication {
			return nil, fmt.Errorf("%s:%d: a row of configuration %d replication %d among the rows of configuration %d replication %d",
				path, line, cfg, rep, cur.Config+1, cur.Replication)
		}
		if !slices.Equal(rec[1:1+np], s.Labels(configs[cfg-1])) {
			return nil, fmt.Errorf("%s:%d: configuration %d has the values %q, not %q", path, line, cfg, rec[1:1+np], s.Labels(configs[cfg-1]))
		}
		it := items[k]
		if rec[np+3] != it.metric {
			return nil, fmt.Errorf("%s:%d: expected metric %s, got %s", path, line, it.metric, rec[np+3])
		}
		v := math.NaN()
		if rec[np+5] != "" {
			if v, err = strconv.ParseFloat(rec[np+5], 64); err != nil {
				return nil, fmt.Errorf("%s:%d: value %q is not a number", path, line, rec[np+5])
			}
		}
		cur.Values = append(cur.Values, v)
		k++
		if k == len(items) {
			out.runs = append(out.runs, *cur)
			out.valid = rd.InputOffset()
			k = 0
		}
	}
	return out, nil
}

// errMismatch marks a directory made from another spec.
var errMismatch = errors.New("made from a different experiment spec")

func writeHeader(buf *bytes.Buffer, header []string) {
	w := csv.NewWriter(buf)
	w.Write(header)
	w.Flush()
}
