package kernelbench

import (
	"bytes"
	"strings"
	"testing"
)

// The table shows speed in millions per second and "-" where a model has no figure,
// right-aligned once flushed.
func TestTable(t *testing.T) {
	var b bytes.Buffer
	tab := NewTable(&b)
	tab.Add(Result{Model: "bank", Style: Callback, Params: "c=5", Count: 100, Unit: "customers", Seconds: 0.5,
		PerS: 2.5e6, MeanWait: 1.5, ErlangCWait: 1.52499})
	tab.Add(Result{Model: "pingpong", Style: Process, Params: "N=10", Count: 11, Unit: "switches", Seconds: 2, PerS: 5.5})
	if b.Len() != 0 {
		t.Fatalf("rows written before Flush: %q", b.String())
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	for i, want := range [][]string{
		{"model", "style", "parameters", "count", "unit", "seconds", "per", "second", "mean", "wait", "Erlang", "C", "bytes/process"},
		{"bank", "callback", "c=5", "100", "customers", "0.50", "2.5M", "1.5000", "1.52499", "-"},
		{"pingpong", "process", "N=10", "11", "switches", "2.00", "5.5e-06M", "-", "-", "-"},
	} {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("line %d: %q, want the fields %q", i+1, lines[i], want)
		}
	}
	if len(lines[1]) != len(lines[2]) || len(lines[0]) != len(lines[1]) {
		t.Errorf("columns not aligned:\n%s", b.String())
	}
}
