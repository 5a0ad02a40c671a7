package experiment

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killSpec is a real experiment of 2 × 30 runs of teaming-lab.
var killSpec = strings.Replace(strings.Replace(smallSpec, "replications: 4", "replications: 30", 1),
	"values: [50ms, 200ms]", "values: [100ms]", 1)

// The child half of TestResumeAfterKill: run killSpec into the directory named by
// the environment, slowly (the progress callback sleeps after every run written, as
// a busy machine would), until the parent kills it.
func TestKillChild(t *testing.T) {
	dir := os.Getenv("DCTWIN_KILL_CHILD_DIR")
	if dir == "" {
		t.Skip("the child process of TestResumeAfterKill")
	}
	runInto(t, load(t, killSpec), Options{Dir: dir, Workers: 2, Progress: func(Progress) { time.Sleep(20 * time.Millisecond) }})
}

// A run killed with SIGKILL (no chance to clean up) in the middle of its runs resumes
// to the same runs.csv as an uninterrupted run: no row lost, none twice.
func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	s := load(t, killSpec)
	full := filepath.Join(t.TempDir(), "full")
	runInto(t, s, Options{Dir: full})
	want := readFile(t, filepath.Join(full, RunsFile))

	dir := filepath.Join(t.TempDir(), "killed")
	child := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	child.Env = append(os.Environ(), "DCTWIN_KILL_CHILD_DIR="+dir)
	var out bytes.Buffer
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for some runs to be written (not for a time: for the rows), then kill.
	rows := 0
	for deadline := time.Now().Add(time.Minute); rows < 1+10*7 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		data, _ := os.ReadFile(filepath.Join(dir, RunsFile))
		rows = bytes.Count(data, []byte("\n"))
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := child.Wait()
	if ws, ok := child.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed (it ended with %v before the kill?):\n%s", err, out.String())
	}
	killed := readFile(t, filepath.Join(dir, RunsFile))
	if done := bytes.Count(killed, []byte("\n")) - 1; done < 10*7 || done >= 60*7 {
		t.Fatalf("killed after %d rows; want some of the 420", done)
	}
	m, err := ReadMeta(dir)
	if err != nil || m.Status != "running" {
		t.Fatalf("experiment.json of the killed run: %v %+v", err, m)
	}
	var resumed int
	runInto(t, s, Options{Dir: dir, Resume: true, Progress: func(p Progress) { resumed = p.Resumed }})
	if got := readFile(t, filepath.Join(dir, RunsFile)); !bytes.Equal(got, want) {
		t.Errorf("resumed after kill -9: runs.csv differs from the uninterrupted run's")
	}
	if resumed < 10 || !bytes.HasPrefix(want, killed[:bytes.LastIndexByte(killed, '\n')+1]) {
		t.Errorf("%d runs kept from the killed run; its rows are not a prefix of the full file", resumed)
	}
}
