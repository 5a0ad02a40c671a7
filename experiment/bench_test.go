package experiment

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"dctwin/sim"
	"dctwin/twin"
)

// The runner's cost over the runs themselves, on 1,000 replications of a built-in
// scenario as it is (no parameters; four metrics per run):
//
//	go test ./experiment/ -run XXX -bench 'BareRuns|Runner' -benchtime 1x
//
// BareRuns builds, runs and reports each replication in a loop on one goroutine;
// Runner does the same through Run with 1 and 2 workers (preparing the scenario,
// collecting the metrics, ordering and writing 4,000 rows of runs.csv). Each reports
// runs/s of wall time and cpu-ms/run, the process's CPU time (user and system, the
// garbage collector's included) per run: on a machine shared with other work the wall
// time of 2 workers depends on the cores left free, the CPU time much less. The
// overhead is Runner/workers=1 against BareRuns, the speed-up workers=2 against
// workers=1.
const benchReplications = 1000

var benchScenarios = []string{"teaming-lab", "classic-dc"}

func benchSpec(b *testing.B, scenario string) *Spec {
	b.Helper()
	return load(b, fmt.Sprintf(`version: 1
experiment: bench
scenario: %s
replications: %d
metrics: [summary.failures, summary.flow_outages, summary.max_outage_ms, "failure[0].detected_after_ms"]
`, scenario, benchReplications))
}

func BenchmarkBareRuns(b *testing.B) {
	for _, name := range benchScenarios {
		b.Run(name, func(b *testing.B) {
			s := benchSpec(b, name)
			sc, err := s.Prepare(s.Configurations()[0])
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				for k := range benchReplications {
					tw, err := twin.New(sc, twin.Options{Seed: uint64(k + 1), SeedSet: true, Duration: sim.Time(s.Duration)})
					if err != nil {
						b.Fatal(err)
					}
					if err := tw.RunContext(context.Background()); err != nil {
						b.Fatal(err)
					}
					tw.Report()
				}
			}
			reportRate(b, cpu)
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportRate(b *testing.B, cpuBefore time.Duration) {
	runs := float64(b.N * benchReplications)
	b.ReportMetric(runs/b.Elapsed().Seconds(), "runs/s")
	b.ReportMetric(float64(cpuTime()-cpuBefore)/float64(time.Millisecond)/runs, "cpu-ms/run")
}

func BenchmarkRunner(b *testing.B) {
	for _, name := range benchScenarios {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", name, workers), func(b *testing.B) {
				s := benchSpec(b, name)
				b.ResetTimer()
				cpu := cpuTime()
				for i := range b.N {
					m := runInto(b, s, Options{Dir: filepath.Join(b.TempDir(), fmt.Sprint(i)), Workers: workers})
					if m.Runs != benchReplications {
						b.Fatalf("%d runs", m.Runs)
					}
				}
				reportRate(b, cpu)
			})
		}
	}
}
