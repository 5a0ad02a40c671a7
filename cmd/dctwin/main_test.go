package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// rootWithPanic is the real command tree plus a command that panics, as a bug would.
func rootWithPanic(value any) *cobra.Command {
	root := NewRootCmd()
	root.AddCommand(&cobra.Command{
		Use: "crash",
		RunE: func(cmd *cobra.Command, args []string) error {
			var m map[string]int
			if value == nil {
				m["write to a nil map"]++ // a runtime error, as in real bugs
			}
			panic(value)
		},
	})
	return root
}

// A panic in a command is an internal error: the message says so and asks for a
// report, the stack follows, and the status is 3, never the usage status 2.
func TestPanicIsAnInternalError(t *testing.T) {
	for _, value := range []any{nil, "emodel: rating not finite", fmt.Errorf("wrapped")} {
		var stderr bytes.Buffer
		code := execute(rootWithPanic(value), []string{"crash"}, &stderr)
		out := stderr.String()
		if code != exitInternal || code == exitUsage {
			t.Errorf("panic %v: exit status %d, want %d", value, code, exitInternal)
		}
		for _, want := range []string{"dctwin: internal error: ", "please report it", "goroutine ", "main_test.go"} {
			if !strings.Contains(out, want) {
				t.Errorf("panic %v: stderr lacks %q:\n%s", value, want, out)
			}
		}
	}
}

// The other statuses: 0, 1 for a scenario that cannot be loaded, 2 for usage errors.
func TestExitStatuses(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"emodel"}, exitOK},
		{[]string{"run", "no-such-scenario.yaml"}, exitFailure},
		{[]string{"emodel", "--nfor", "1e308"}, exitUsage},
		{[]string{"run", "--no-such-flag"}, exitUsage},
	}
	for _, c := range cases {
		root := NewRootCmd()
		root.SetOut(io.Discard)
		var stderr bytes.Buffer
		if got := execute(root, c.args, &stderr); got != c.want {
			t.Errorf("dctwin %v: exit status %d, want %d\n%s", c.args, got, c.want, stderr.String())
		}
	}
	var help bytes.Buffer
	root := NewRootCmd()
	root.SetOut(&help)
	execute(root, []string{"--help"}, io.Discard)
	if h := help.String(); !strings.Contains(h, "Exit status:") || !strings.Contains(h, "3 an") {
		t.Errorf("dctwin --help does not document exit status 3:\n%s", help.String())
	}
}

// The memory guard stops the program with a message once the live heap passes its
// limit, and not before.
func TestMemoryGuard(t *testing.T) {
	var live uint64 = 900 << 20
	var msg string
	g := memoryGuard{limit: 1 << 30, source: "80% of the machine's memory",
		live: func() uint64 { return live }, exit: func(m string) { msg = m }}
	if g.check() || msg != "" {
		t.Fatalf("900 MiB under a 1 GiB limit stopped the run: %q", msg)
	}
	live = 1100 << 20
	if !g.check() {
		t.Fatal("1100 MiB over a 1 GiB limit did not stop the run")
	}
	for _, want := range []string{"out of memory", "1100 MiB", "1024 MiB", "80% of the machine's memory"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

// MemTotal is read in kB from /proc/meminfo's format.
func TestMeminfoTotal(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/meminfo"
	if err := os.WriteFile(path, []byte("MemTotal:       24684336 kB\nMemFree:        23030924 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := meminfoTotalKB(path); got != 24684336 {
		t.Errorf("MemTotal %d kB, want 24684336", got)
	}
	if got := meminfoTotalKB(dir + "/missing"); got != 0 {
		t.Errorf("missing file gives %d, want 0", got)
	}
}
