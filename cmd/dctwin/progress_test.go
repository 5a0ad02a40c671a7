package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"dctwin/sim"
	"dctwin/twin"
)

// fakeClock advances by tick at every reading: each step of the run seems to take
// tick, so the progress line is drawn without waiting.
type fakeClock struct {
	t    time.Time
	tick time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.tick); return c.t }

func twinOf(t *testing.T, name string, d time.Duration) *twin.Twin {
	t.Helper()
	sc, err := twin.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{Duration: sim.Time(d)})
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

func reportOf(t *testing.T, tw *twin.Twin) []byte {
	t.Helper()
	var b bytes.Buffer
	rep := tw.Report()
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return append(b.Bytes(), js...)
}

// Run in the steps the progress line takes, the report is the same byte for byte as
// run at once; the line shows simulated time, percent, events per second and the
// time left, redrawn in place, and is cleared at the end.
func TestProgressSteppingKeepsTheReport(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		whole := twinOf(t, name, 2*time.Hour)
		whole.Run()
		want := reportOf(t, whole)

		var line bytes.Buffer
		clock := &fakeClock{t: time.Unix(0, 0), tick: 300 * time.Millisecond}
		p := newProgress(&line)
		p.now = clock.now
		p.stepWall = clock.tick // each step seems to take what it aims at: steps of 1 min
		stepped := twinOf(t, name, 2*time.Hour)
		runTwin(stepped, p)
		if got := reportOf(t, stepped); !bytes.Equal(got, want) {
			t.Errorf("%s: the report changes when the run is stepped for progress", name)
		}
		out := line.String()
		draws := strings.Count(out, "\r\033[Kdctwin: simulated ")
		if draws < 3 || !strings.Contains(out, " of 2h0m0s (") || !strings.Contains(out, "%), ") ||
			!strings.Contains(out, " events/s, ") || !strings.Contains(out, " left") {
			t.Errorf("%s: progress output %q", name, out)
		}
		if !strings.HasSuffix(out, "\r\033[K") || strings.Contains(out, "\n") {
			t.Errorf("%s: the line is not redrawn in place and cleared: %q", name, out)
		}
	}
}

// A run that ends within a second shows nothing, and `dctwin run` writing to a pipe or
// a buffer (not a terminal) shows nothing either.
func TestNoProgressOffATerminal(t *testing.T) {
	var line bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), tick: time.Millisecond}
	p := newProgress(&line)
	p.now = clock.now
	runTwin(twinOf(t, "teaming-lab", 2*time.Minute), p)
	if line.Len() != 0 {
		t.Errorf("a quick run drew %q", line.String())
	}
	if isTerminal(&line) {
		t.Error("a buffer is taken for a terminal")
	}
	root := NewRootCmd()
	var stdout, stderr bytes.Buffer
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.SetArgs([]string{"run", "teaming-lab", "--duration", "10h", "--json"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 || !json.Valid(stdout.Bytes()) {
		t.Errorf("stderr %q; stdout valid JSON: %v", stderr.String(), json.Valid(stdout.Bytes()))
	}
}

// TestDevNullIsNoTerminal: /dev/null is a character device but not a terminal; with
// stdout there, `dctwin` prints the report instead of opening the TUI.
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("%s is taken for a terminal", os.DevNull)
	}
}
