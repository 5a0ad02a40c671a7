package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunJSONHasTheReportFields(t *testing.T) {
	out, _, err := run(t, "run", "teaming-lab", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"scenario", "seed", "duration_s", "failures", "calls"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report has no %q", k)
		}
	}
	fs := rep["failures"].([]any)
	if len(fs) != 1 {
		t.Fatalf("%d failures, want the NIC failure", len(fs))
	}
	f := fs[0].(map[string]any)
	for _, k := range []string{"component", "kind", "at_s", "detected_after_ms", "flows", "calls_dropped", "calls_degraded"} {
		if _, ok := f[k]; !ok {
			t.Errorf("failure has no %q: %v", k, f)
		}
	}
	if f["component"] != "srv-1:eth0" || f["kind"] != "nic" || f["at_s"] != 10.0 {
		t.Errorf("failure %v, want srv-1:eth0 nic at 10 s", f)
	}
	flow := f["flows"].([]any)[0].(map[string]any)
	if _, ok := flow["flow"]; !ok {
		t.Errorf("flow entry without name: %v", flow)
	}
	if _, ok := flow["outage_ms"]; !ok {
		t.Errorf("flow entry without outage_ms: %v", flow)
	}
	calls := rep["calls"].(map[string]any)
	for _, k := range []string{"in_progress_at_start", "attempted", "completed", "blocked", "busy", "failed_setup",
		"dropped", "degraded", "over_delay_budget", "mean_mos", "min_mos", "degraded_mos", "mos_interval_s", "delay_budget_ms"} {
		if _, ok := calls[k]; !ok {
			t.Errorf("calls has no %q", k)
		}
	}
}

func TestBareDctwinRunsTheDefaultScenario(t *testing.T) {
	bare, _, err := run(t)
	if err != nil {
		t.Fatal(err)
	}
	explicit, _, err := run(t, "run", "teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	if bare != explicit || !strings.HasPrefix(bare, "dctwin run teaming-lab") {
		t.Fatalf("bare dctwin printed\n%s\nwant the teaming-lab report", bare)
	}
}

func TestRunFlags(t *testing.T) {
	a, _, err := run(t, "run", "teaming-lab", "--seed", "7", "--duration", "30s", "--json")
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := run(t, "run", "teaming-lab", "--seed", "7", "--duration", "30s", "--json")
	if a != b {
		t.Fatal("same seed, different reports")
	}
	var rep struct {
		Seed      uint64  `json:"seed"`
		DurationS float64 `json:"duration_s"`
	}
	if err := json.Unmarshal([]byte(a), &rep); err != nil || rep.Seed != 7 || rep.DurationS != 30 {
		t.Fatalf("seed %d duration %v (%v), want 7 and 30", rep.Seed, rep.DurationS, err)
	}
	out, _, err := run(t, "run", "teaming-lab", "--trace", "--duration", "11s")
	if err != nil || !strings.Contains(out, "team switchover srv-1:eth0 -> srv-1:eth1") {
		t.Fatalf("--trace does not show the switchover (%v):\n%s", err, out)
	}
}

func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\ntopology:\n  switchs: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", bad}, 1, "bad.yaml:3:3"},
		{[]string{"run", "no-such-scenario"}, 2, "no-such-scenario"},
		{[]string{"run", "misconfigured-dc"}, 1, "dctwin check misconfigured-dc"},
		{[]string{"run", "teaming-lab", "--duration", "soon"}, 2, "duration"},
		{[]string{"run", "teaming-lab", "--duration", "1000001h"}, 2, "at most 1000000h"},
		{[]string{"run", "teaming-lab", "--trace-flow", "nope"}, 2, "web-1, web-2"},
		{[]string{"run"}, 2, "accepts 1 arg"},
	}
	for _, c := range cases {
		out, errOut, err := run(t, c.args...)
		if code := exitCode(err); code != c.code {
			t.Errorf("%v: exit %d, want %d (%v)", c.args, code, c.code, err)
		}
		msg := out + errOut
		if err != nil {
			msg += err.Error()
		}
		if !strings.Contains(msg, c.want) {
			t.Errorf("%v: output does not mention %q:\n%s", c.args, c.want, msg)
		}
	}
}

func TestForceRunsAScenarioWithCheckErrors(t *testing.T) {
	_, _, err := run(t, "run", "blade-lab")
	if code := exitCode(err); code != 1 || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("blade-lab without --force: exit %d (%v), want 1 and a hint at --force", code, err)
	}
	out, errOut, err := run(t, "run", "blade-lab", "--force")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "running anyway") || !strings.Contains(out, "flow to-mii client-1 → blade-mii: not restored before repair") {
		t.Fatalf("--force: stderr %q\n%s", errOut, out)
	}
}

// A value no run can be made of stops --force too, with the error at its place and
// without a "running anyway" first.
func TestForceStopsAtAValueNoRunCanUse(t *testing.T) {
	_, errOut, err := run(t, "run", "teaming-lab", "--force", "--set", "topology.hosts[srv-1].teams[bond0].detection.interval=0s")
	if code := exitCode(err); code != 1 || strings.Contains(errOut, "running anyway") ||
		!strings.Contains(err.Error(), "not past values no run can be made of") || !strings.Contains(err.Error(), "error:") {
		t.Fatalf("exit %d, stderr %q, error %v", code, errOut, err)
	}
}

// TestRunShowsTheErrorsOfASetValue: an error that only a --set value makes is printed
// by run itself, at its place in the --set, and the check command it points to
// repeats the --set (without it, check of the scenario finds no error).
func TestRunShowsTheErrorsOfASetValue(t *testing.T) {
	set := "failures.scheduled=[{at: 5m, component: web-1, kind: migrate}]"
	_, _, err := run(t, "run", "classic-dc", "--set", set)
	if err == nil {
		t.Fatal("run accepted a migration without a target")
	}
	msg := err.Error()
	for _, want := range []string{
		"classic-dc has 1 configuration error:",
		"--set failures.scheduled:1:35: error: migrate of web-1: say where to, with to: HOST",
		"dctwin check classic-dc --set '" + set + "' explains it",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("run's refusal does not say %q:\n%s", want, msg)
		}
	}
	out, _, err := run(t, "check", "classic-dc", "--set", set)
	if err == nil || !strings.Contains(out, "migrate of web-1: say where to") {
		t.Errorf("the check command run points to does not show the error (err %v):\n%s", err, out)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"classic-dc":            "classic-dc",
		"run.seed=7":            "run.seed=7",
		"a b":                   "'a b'",
		"x=[{at: 5m}]":          "'x=[{at: 5m}]'",
		"it's":                  `'it'\''s'`,
		"":                      "''",
		"./my dc/scenario.yaml": "'./my dc/scenario.yaml'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
