package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes dctwin with args and returns stdout, stderr and the error RunE gave.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := NewRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func TestCheckClean(t *testing.T) {
	out, _, err := run(t, "check", "classic-dc")
	if err != nil {
		t.Fatalf("classic-dc: %v\n%s", err, out)
	}
	if !strings.Contains(out, "classic-dc.yaml: 0 errors") {
		t.Errorf("summary missing:\n%s", out)
	}
}

func TestCheckMisconfigured(t *testing.T) {
	out, _, err := run(t, "check", "misconfigured-dc")
	if exitCode(err) != 1 {
		t.Fatalf("exit %d (%v), want 1", exitCode(err), err)
	}
	for _, want := range []string{
		"misconfigured-dc.yaml:", ": error: team bond0: acc-1 and agg-2 have no L2 path in VLAN servers",
		"\n    An NFT/TLB team spread over two switches", "errors,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	out, _, err := run(t, "check", "misconfigured-dc", "--json")
	if exitCode(err) != 1 {
		t.Fatalf("exit %d", exitCode(err))
	}
	var rep struct {
		Errors   int `json:"errors"`
		Findings []struct {
			Kind, Severity, Message, Why, File string
			Line, Col                          int
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Errors == 0 || len(rep.Findings) == 0 || rep.Findings[0].Line == 0 || rep.Findings[0].Why == "" {
		t.Errorf("report: %+v", rep)
	}
}

func TestCheckMalformedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte("version: 1\ntopology:\n  switches:\n    - {name: a, ports: many}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := run(t, "check", path)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d", exitCode(err))
	}
	if want := path + `:4:24: error: expected a whole number, got "many"`; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	out, _, err := run(t, "check", path, "--json")
	if exitCode(err) != 1 || !strings.Contains(out, `"load_errors"`) || !strings.Contains(out, `"line": 4`) {
		t.Errorf("json load error: %v\n%s", err, out)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	if _, _, err := run(t, "check"); exitCode(err) != 2 {
		t.Errorf("no argument: exit %d", exitCode(err))
	}
	if _, _, err := run(t, "check", "no-such-builtin"); exitCode(err) != 2 {
		t.Errorf("unknown built-in: exit %d", exitCode(err))
	}
	if _, _, err := run(t, "check", "./missing.yaml"); exitCode(err) != 1 {
		t.Errorf("missing file: exit %d", exitCode(err))
	}
}

// hv-1, the HA master, costs an election: web-1 is back after 10 s + 15 s + 10 s +
// 60 s boot = 95 s; pbx-a's peer takes over after 3 s timeout + 2 s (classic-dc.yaml).
func TestSpof(t *testing.T) {
	out, _, err := run(t, "spof", "classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"enclosure encl-pt", "services lost: directory", "switch agg-1",
		"isolated: legacy-fax (host, fax)", "down until HA restart: web-1 (vm, web, out up to 1m35s)", "service taken over by its VM-cluster peer: pbx-a (vm, pbx, out up to 5s)", "continues on FT secondary"} {
		if !strings.Contains(out, want) {
			t.Errorf("spof output lacks %q", want)
		}
	}
	out, _, err = run(t, "spof", "teaming-lab", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Checked int `json:"components_checked"`
		Results []struct {
			Component struct{ Class, Name string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Checked == 0 || len(rep.Results) == 0 {
		t.Errorf("json: %v %+v", err, rep)
	}
}

func TestScenarios(t *testing.T) {
	out, _, err := run(t, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"teaming-lab (default)", "classic-dc", "misconfigured-dc", "two-NIC NFT team"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out, _, err = run(t, "scenarios", "show", "teaming-lab")
	if err != nil || !strings.HasPrefix(out, "# description:") || !strings.Contains(out, "version: 1") {
		t.Errorf("show: %v\n%.200s", err, out)
	}
	if _, _, err := run(t, "scenarios", "show", "nope"); exitCode(err) != 2 {
		t.Errorf("unknown scenario: exit %d", exitCode(err))
	}
}
