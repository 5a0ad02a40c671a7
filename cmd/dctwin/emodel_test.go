package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// runEmodel runs `dctwin emodel args...` on a fresh command tree and returns its output.
func runEmodel(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := NewRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"emodel"}, args...))
	err := root.Execute()
	return out.String(), err
}

// emodelJSON runs the command with --json and decodes the object.
func emodelJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := runEmodel(t, append([]string{"--json"}, args...)...)
	if err != nil {
		t.Fatalf("emodel %v: %v\n%s", args, err, out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("emodel %v: not JSON: %v\n%s", args, err, out)
	}
	return m
}

func wantNumber(t *testing.T, m map[string]any, key string, want, tol float64) {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("JSON key %q missing or not a number in %v", key, m)
	}
	if math.Abs(v-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %g", key, v, want, tol)
	}
}

// --codec takes Ie and Bpl from the table: G.729A at Ta 250 ms and 2 % loss rates 65.29
// (workloads/emodel's TestAssessG729AtQuarterSecond derives it), in JSON and in text.
func TestEmodelExample(t *testing.T) {
	m := emodelJSON(t, "--ta", "250", "--ppl", "2", "--codec", "g729a")
	wantNumber(t, m, "R", 65.29, 0.01)
	if m["category"] != "Low" || m["codec"] != "G.729A+VAD" {
		t.Errorf("category %v, codec %v", m["category"], m["codec"])
	}
	out, err := runEmodel(t, "--ta", "250", "--ppl", "2", "--codec", "g729a")
	if err != nil || !strings.Contains(out, "R    65.29") || !strings.Contains(out, "150–400 ms") {
		t.Errorf("text output (%v):\n%s", err, out)
	}
}

// --delay sets Ta, T = delay and Tr = 2·delay (reference-facts 1.9 "T = Ta, Tr = 2·Ta"
// row: Ta 200 → 85.80); explicit --t/--tr/--ta override it (echo-free row: 90.16).
func TestEmodelDelay(t *testing.T) {
	m := emodelJSON(t, "--delay", "200")
	wantNumber(t, m, "R", 85.80, 0.02)
	p := m["params"].(map[string]any)
	if p["ta"] != 200.0 || p["t"] != 200.0 || p["tr"] != 400.0 {
		t.Errorf("params after --delay 200: %v", p)
	}
	wantNumber(t, emodelJSON(t, "--delay", "200", "--t", "0", "--tr", "0"), "R", 90.16, 0.02)
	wantNumber(t, emodelJSON(t, "--delay", "200", "--t", "0", "--tr", "0", "--ta", "300"), "R", 78.45, 0.02)
}

// --codec takes Ie/Bpl from the table (G.711+PLC at 2 %: 86.20, reference-facts 1.9);
// explicit --bpl wins (Bpl 4.3 at 2 %: 63.05).
func TestEmodelCodecOverride(t *testing.T) {
	wantNumber(t, emodelJSON(t, "--codec", "G.711-PLC", "--ppl", "2"), "R", 86.20, 0.02)
	wantNumber(t, emodelJSON(t, "--codec", "g711-plc", "--ppl", "2", "--bpl", "4.3"), "R", 63.05, 0.02)
	m := emodelJSON(t, "--codec", "g729a", "--ie", "0")
	wantNumber(t, m, "Ie_eff", 0, 0)
}

func TestEmodelBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--ta", "600"}, "--ta"},
		{[]string{"--ppl", "-1"}, "--ppl"},
		{[]string{"--burstr", "0.5"}, "--burstr"},
		{[]string{"--qdu", "20"}, "--qdu"},
		{[]string{"--nfor", "NaN"}, "--nfor"},
		{[]string{"--st", "0"}, "--st"},
		{[]string{"--ppl", "abc"}, "--ppl"},
		{[]string{"--delay", "-5"}, "--delay"},
		{[]string{"--codec", "opus"}, "G.729A+VAD"},
		{[]string{"--codec", "g722"}, "wideband"},
		{[]string{"extra"}, "extra"},
	}
	for _, c := range cases {
		out, err := runEmodel(t, c.args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("emodel %v: want a usage error (exit 2), got %v\n%s", c.args, err, out)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("emodel %v: error %q does not mention %q", c.args, err, c.want)
		}
	}
}

// --list-codecs prints the table (workloads/emodel's TestCodecTable checks its
// figures), and with --json an array of rows.
func TestEmodelListCodecs(t *testing.T) {
	out, err := runEmodel(t, "--list-codecs")
	if err != nil || !strings.HasPrefix(out, "codec ") || !strings.Contains(out, "G.729A+VAD") {
		t.Fatalf("codec table (%v):\n%s", err, out)
	}
	out, err = runEmodel(t, "--list-codecs", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) < 7 {
		t.Fatalf("codec JSON (%v): %s", err, out)
	}
	if rows[0]["name"] != "G.711" || rows[0]["ethernet_kbps"] != 87.2 {
		t.Errorf("first row: %v", rows[0])
	}
}
