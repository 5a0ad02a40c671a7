package scenario_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"dctwin/scenario"
)

// A file that cannot be loaded reads like check's findings: file:line:col: error:
// message, one line each, with the column of the offending value (here "many", the
// 24th character of line 4).
func TestErrorsWriteText(t *testing.T) {
	text := "version: 1\ntopology:\n  switches:\n    - {name: a, ports: many}\n"
	if col := strings.Index(strings.Split(text, "\n")[3], "many") + 1; col != 24 {
		t.Fatalf("test text: many at column %d", col)
	}
	_, err := scenario.Parse("bad.yaml", []byte(text))
	list := scenario.AsErrors(err)
	if list == nil {
		t.Fatalf("no positioned error: %v", err)
	}
	var b bytes.Buffer
	if err := list.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "bad.yaml:4:24: error: expected a whole number, got \"many\"\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// The JSON form names the scenario as the user gave it and lists every error with its
// position.
func TestErrorsWriteJSON(t *testing.T) {
	text := "version: 1\ntopology:\n  switchs: []\n  hosts: 3\n"
	_, err := scenario.Parse("bad2.yaml", []byte(text))
	list := scenario.AsErrors(err)
	if len(list) != 2 {
		t.Fatalf("want two errors, got %v", err)
	}
	var b bytes.Buffer
	if err := list.WriteJSON(&b, "./bad2.yaml"); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Scenario   string `json:"scenario"`
		LoadErrors []struct {
			File      string
			Line, Col int
			Message   string
		} `json:"load_errors"`
	}
	if err := json.Unmarshal(b.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if rep.Scenario != "./bad2.yaml" || len(rep.LoadErrors) != 2 {
		t.Fatalf("report %+v", rep)
	}
	for i, e := range rep.LoadErrors {
		if e.File != "bad2.yaml" || e.Line != list[i].Pos.Line || e.Col != list[i].Pos.Col || e.Message != list[i].Msg {
			t.Errorf("load error %d: %+v, want %v", i, e, list[i])
		}
	}
	if !strings.Contains(b.String(), `"line": 3`) || !strings.Contains(b.String(), `"line": 4`) {
		t.Errorf("lines 3 and 4 missing:\n%s", b.String())
	}
}
