package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// When the Go runtime runs out of memory it stops with a fatal error and exit status 2,
// the status dctwin keeps for usage errors, and no deferred recover can catch it; the
// kernel's OOM killer ends the process with SIGKILL and no word at all. dctwin bounds
// what a run keeps whatever its duration (twin keeps summaries, not histories), so what
// is left is a data center too large for the machine. guardMemory catches that first:
// it sets the runtime's soft memory limit, so that the garbage collector works harder
// as the limit nears, and stops the program with a message and exitFailure when the
// live heap (what is left after a collection) passes it anyway.

// memoryShare is the part of the machine's (or the container's) memory dctwin lets its
// live heap grow to: the rest is headroom for the collector and the other programs.
const memoryShare = 0.8

// memoryPoll is how often the guard reads the live heap; a collection updates it.
const memoryPoll = 100 * time.Millisecond

// liveHeapMetric is the heap a collection found reachable (Go 1.21+).
const liveHeapMetric = "/gc/heap/live:bytes"

// memoryGuard decides when memory is exhausted; live and exit are replaced in tests.
type memoryGuard struct {
	limit  uint64        // bytes of live heap allowed
	source string        // where the limit comes from, for the message
	live   func() uint64 // the live heap now
	exit   func(msg string)
}

// check reads the live heap once and calls exit if it passed the limit. It reports
// whether it did.
func (g memoryGuard) check() bool {
	used := g.live()
	if used <= g.limit {
		return false
	}
	g.exit(fmt.Sprintf("dctwin: out of memory: the run holds %s, more than the %s it may use (%s); "+
		"a run's memory grows with the size of the data center, not with its duration: "+
		"try a smaller scenario, or a larger GOMEMLIMIT on a machine that has it",
		mib(used), mib(g.limit), g.source))
	return true
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// guardMemory starts the memory guard of the dctwin process and returns the function
// that stops it. Without a known limit (GOMEMLIMIT unset, and the machine's memory not
// readable) it does nothing.
func guardMemory(stderr io.Writer) (stop func()) {
	limit, source := memoryLimit()
	if limit == 0 {
		return func() {}
	}
	if source != "GOMEMLIMIT" {
		debug.SetMemoryLimit(int64(min(limit, math.MaxInt64)))
	}
	sample := []metrics.Sample{{Name: liveHeapMetric}}
	g := memoryGuard{limit: limit, source: source,
		live: func() uint64 {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return 0
			}
			return sample[0].Value.Uint64()
		},
		exit: func(msg string) {
			fmt.Fprintln(stderr, msg)
			os.Exit(exitFailure)
		},
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(memoryPoll)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				g.check()
			}
		}
	}()
	return func() { close(done) }
}

// memoryLimit is the live heap dctwin allows itself: GOMEMLIMIT when it is set,
// otherwise memoryShare of the smaller of the container's limit (cgroup v2 or v1) and
// the machine's memory (Linux). 0 means unknown.
func memoryLimit() (uint64, string) {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return uint64(l), "GOMEMLIMIT"
	}
	var total uint64
	source := ""
	if kb := meminfoTotalKB("/proc/meminfo"); kb > 0 {
		total, source = kb*1024, "the machine's memory"
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64) // "max": no limit
		if err == nil && v > 0 && (total == 0 || v < total) {
			total, source = v, "the container's memory limit"
		}
	}
	if total == 0 {
		return 0, ""
	}
	return uint64(memoryShare * float64(total)), fmt.Sprintf("%.0f%% of %s", 100*memoryShare, source)
}

// meminfoTotalKB reads MemTotal from a /proc/meminfo file; 0 if it cannot.
func meminfoTotalKB(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			v, _ := strconv.ParseUint(fields[1], 10, 64)
			return v
		}
	}
	return 0
}
