// Package netbench measures the twin at scale: it generates a data center
// (scenarios.Fabric), takes it through the path every scenario takes — load (strict
// YAML decoding and the topology model), build (check and assembly onto one
// simulation), run, report — and records the wall time of each phase, the kernel
// events per second of the run, peak memory and the flow outages measured.
// `dctwin bench network` prints a Result; the README's performance table quotes it.
//
// Speed is measured here, never asserted: the figures depend on the machine and on
// whatever else runs on it, so compare runs made together.
package netbench

import (
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/twin"
)

// Result is one run of the benchmark: the generated model's size, what happened in it
// and what it cost. Its JSON form is one line of `dctwin bench network --json`.
type Result struct {
	Switches  int     `json:"switches"`
	Hosts     int     `json:"hosts"`
	NICs      int     `json:"nics"`
	Clients   int     `json:"clients"`
	Links     int     `json:"links"`
	Flows     int     `json:"flows"`
	Phones    int     `json:"phones"`
	VLANs     int     `json:"vlans"`
	SimS      float64 `json:"sim_duration_s"`
	Seed      uint64  `json:"seed"`
	YAMLBytes int     `json:"scenario_bytes"`

	// What happened, from the twin's report.
	Failures         int      `json:"failures"`
	FlowOutages      int      `json:"flow_outages"`
	Unrestored       int      `json:"unrestored"`
	MaxOutageMs      *float64 `json:"max_outage_ms"`
	FlowAvailability float64  `json:"flow_availability"`
	// Calls attempted during the run and in progress at its start (with phones).
	CallsAttempted int `json:"calls_attempted"`
	CallsAtStart   int `json:"calls_at_start"`

	// What it cost: kernel events and flow evaluations, wall time per phase in
	// seconds, and memory in bytes (peaks sampled every 100 ms and after each phase).
	Events       uint64  `json:"events"`
	Evaluations  uint64  `json:"flow_evaluations"`
	EventsPerS   float64 `json:"events_per_s"`
	SimPerWall   float64 `json:"sim_s_per_wall_s"`
	GenerateS    float64 `json:"generate_s"`
	LoadS        float64 `json:"load_s"`
	BuildS       float64 `json:"build_s"`
	RunS         float64 `json:"run_s"`
	ReportS      float64 `json:"report_s"`
	TotalS       float64 `json:"total_s"`
	PeakHeap     uint64  `json:"peak_heap_inuse_bytes"`
	PeakSys      uint64  `json:"peak_sys_bytes"`
	HeapAfterRun uint64  `json:"heap_inuse_after_run_bytes"`
	TotalAlloc   uint64  `json:"total_alloc_bytes"`
	GoVersion    string  `json:"go"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
}

// Quick is a tenth of a fabric's switches, hosts and flows, for a smoke test; the
// switches stay even, since the generator puts access switches in pairs.
func Quick(spec scenarios.Fabric) scenarios.Fabric {
	spec.Switches /= 10
	spec.Switches += spec.Switches % 2
	spec.Hosts /= 10
	spec.Flows /= 10
	return spec
}

// Profiles are where a run writes Go profiles (pprof format); a nil writer is no
// profile. CPU covers the run phase; Heap is taken at the end of the run phase, before
// the report, after a collection: what the running twin holds (in-use space) and what
// the whole benchmark allocated (alloc space).
type Profiles struct {
	CPU, Heap io.Writer
}

// Run generates, loads, builds, runs and measures one fabric. Progress goes to
// progress: a line as each phase starts and one per tenth of the simulated time.
func Run(spec scenarios.Fabric, progress io.Writer) (*Result, error) {
	return RunProfiled(spec, progress, Profiles{})
}

// RunProfiled is Run writing the profiles prof asks for.
func RunProfiled(spec scenarios.Fabric, progress io.Writer, prof Profiles) (*Result, error) {
	counts, err := spec.Counts()
	if err != nil {
		return nil, err
	}
	// A collection first, so the figures start from what this run allocates.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	mem := startMemPeak()
	r := &Result{Switches: counts.Switches, Hosts: counts.Hosts, NICs: counts.NICs,
		Clients: counts.Clients, Links: counts.Links, Flows: counts.Flows, Phones: counts.Phones, VLANs: counts.VLANs,
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	phase := func(name string, f func() error) (float64, error) {
		fmt.Fprintf(progress, "%s ...\n", name)
		start := time.Now()
		err := f()
		d := time.Since(start).Seconds()
		mem.sample()
		return d, err
	}
	var data []byte
	var sc *scenario.Scenario
	var tw *twin.Twin
	var rep *twin.Report
	total := time.Now()
	r.GenerateS, err = phase(fmt.Sprintf("generating %d switches, %d hosts, %d flows", counts.Switches, counts.Hosts, counts.Flows),
		func() (err error) { data, err = spec.YAML(); return })
	if err == nil {
		r.YAMLBytes = len(data)
		r.LoadS, err = phase(fmt.Sprintf("loading %.1f MB of YAML", float64(len(data))/1e6),
			func() (err error) { sc, err = scenario.Parse("fabric.yaml", data); return })
	}
	if err == nil {
		r.BuildS, err = phase("checking and building the twin", func() (err error) { tw, err = twin.New(sc, twin.Options{}); return })
	}
	if err != nil {
		mem.finish()
		return nil, err
	}
	data = nil // the text is not needed any more; let it go before the run's peak
	r.Seed, r.SimS = tw.Seed, tw.Duration.Seconds()
	if prof.CPU != nil {
		if err := pprof.StartCPUProfile(prof.CPU); err != nil {
			mem.finish()
			return nil, err
		}
	}
	r.RunS, _ = phase(fmt.Sprintf("running %s simulated", tw.Duration), func() error {
		step := tw.Duration / 10
		start := time.Now()
		for t := step; !tw.Done(); t += step {
			tw.RunUntil(t)
			fmt.Fprintf(progress, "  %5.0f s simulated, %d events, %d failures, %.1f s wall\n",
				tw.Sim.Now().Seconds(), tw.Sim.Steps(), tw.Failures.Count(), time.Since(start).Seconds())
		}
		return nil
	})
	if prof.CPU != nil {
		pprof.StopCPUProfile()
	}
	r.Events, r.Evaluations = tw.Sim.Steps(), tw.Net.Evaluations()
	if prof.Heap != nil {
		runtime.GC()
		if err := pprof.WriteHeapProfile(prof.Heap); err != nil {
			mem.finish()
			return nil, err
		}
	}
	r.HeapAfterRun = mem.sample().HeapInuse
	r.ReportS, _ = phase("measuring outages", func() error { rep = tw.Report(); return nil })
	r.TotalS = time.Since(total).Seconds()
	r.PeakHeap, r.PeakSys = mem.finish()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	r.TotalAlloc = after.TotalAlloc - before.TotalAlloc
	if r.RunS > 0 {
		r.EventsPerS = float64(r.Events) / r.RunS
		r.SimPerWall = r.SimS / r.RunS
	}
	s := rep.Summary
	if rep.Calls != nil {
		r.CallsAttempted, r.CallsAtStart = rep.Calls.Attempted, rep.Calls.InProgressAtStart
	}
	r.Failures, r.FlowOutages, r.Unrestored = s.Failures, s.FlowOutages, s.Unrestored
	r.MaxOutageMs, r.FlowAvailability = s.MaxOutageMs, s.FlowAvailability
	return r, nil
}

// WriteText writes the result as a table of labelled lines: the model, the run, the
// failures and outages, the events, the wall time per phase, memory and the machine.
func (r *Result) WriteText(w io.Writer) error {
	mb := func(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "model\t%d switches, %d hosts (%d NICs in NFT teams), %d clients, %d links, %d flows, %d phones, %d server and %d client VLANs\n",
		r.Switches, r.Hosts, r.NICs, r.Clients, r.Links, r.Flows, r.Phones, r.VLANs, r.VLANs)
	if r.Phones > 0 {
		fmt.Fprintf(tw, "calls\t%d in progress at the start, %d attempted\n", r.CallsAtStart, r.CallsAttempted)
	}
	fmt.Fprintf(tw, "run\t%.0f s simulated, seed %d, scenario %.1f MB of YAML\n", r.SimS, r.Seed, float64(r.YAMLBytes)/1e6)
	maxOut := "-"
	if r.MaxOutageMs != nil {
		maxOut = fmt.Sprintf("%.3f s", *r.MaxOutageMs/1000)
	}
	fmt.Fprintf(tw, "failures\t%d injected; %d flow outages (%d not restored before repair), longest restored %s, flow availability %.5f%%\n",
		r.Failures, r.FlowOutages, r.Unrestored, maxOut, 100*r.FlowAvailability)
	fmt.Fprintf(tw, "events\t%d processed, %.3gM/s in the run phase, %.0f simulated s per wall s; %d flow evaluations\n",
		r.Events, r.EventsPerS/1e6, r.SimPerWall, r.Evaluations)
	fmt.Fprintf(tw, "wall time\tgenerate %.2f s, load %.2f s, build %.2f s, run %.2f s, report %.2f s, total %.2f s\n",
		r.GenerateS, r.LoadS, r.BuildS, r.RunS, r.ReportS, r.TotalS)
	fmt.Fprintf(tw, "memory\tpeak heap in use %s, peak from the OS %s, heap after the run %s, %s allocated in total\n",
		mb(r.PeakHeap), mb(r.PeakSys), mb(r.HeapAfterRun), mb(r.TotalAlloc))
	fmt.Fprintf(tw, "machine\t%s, GOMAXPROCS %d\n", r.GoVersion, r.GOMAXPROCS)
	return tw.Flush()
}
