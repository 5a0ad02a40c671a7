package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/sim"
	"dctwin/twin"
)

// networkBenchResult is one run of `dctwin bench network`: the generated model's size,
// what happened in it and what it cost. Its JSON form is one line of --json output.
type networkBenchResult struct {
	Switches  int     `json:"switches"`
	Hosts     int     `json:"hosts"`
	NICs      int     `json:"nics"`
	Clients   int     `json:"clients"`
	Links     int     `json:"links"`
	Flows     int     `json:"flows"`
	SimS      float64 `json:"sim_duration_s"`
	Seed      uint64  `json:"seed"`
	YAMLBytes int     `json:"scenario_bytes"`

	Failures         int      `json:"failures"`
	FlowOutages      int      `json:"flow_outages"`
	Unrestored       int      `json:"unrestored"`
	MaxOutageMs      *float64 `json:"max_outage_ms"`
	FlowAvailability float64  `json:"flow_availability"`

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

func newBenchNetworkCmd() *cobra.Command {
	var (
		asJSON, quick bool
		emit          string
		spec          = scenarios.FabricDefaults
	)
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Generate a large L2 data center, run it with random failures and print speed and memory",
		Long: `Generates an L2 data center (scenarios.Fabric): 2 L3 core switches with VRRP gateways,
access switches in pairs joined by an inter-switch link and uplinked to both cores
(RSTP), servers with a two-NIC NFT team (miimon 100 ms, gratuitous ARP) to an access
pair, clients on the access switches, flows between random server pairs and between
servers and clients, and random failures of links, NICs and switches (about 100 in the
run). It then goes through the path every scenario takes — load (strict YAML decoding
and the topology model), build (check and assembly onto one simulation), run, report —
and prints the wall time of each phase, kernel events per second of the run phase,
peak memory (heap in use and memory obtained from the OS, sampled every 100 ms and
after each phase) and the flow outages measured.

Defaults are the benchmark of the network issue: 200 switches, 2,000 hosts, 20,000
flows, one simulated hour. The machine is usually shared: compare runs made together.`,
		Example: `  dctwin bench network
  dctwin bench network --json
  dctwin bench network --quick      # a tenth of the sizes, for a smoke test
  dctwin bench network --switches 100 --hosts 1000 --flows 5000 --duration 10m
  dctwin bench network --emit-scenario fabric.yaml && dctwin run fabric.yaml`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if quick {
				for _, f := range []struct {
					name string
					v    *int
				}{{"switches", &spec.Switches}, {"hosts", &spec.Hosts}, {"flows", &spec.Flows}} {
					if !cmd.Flags().Changed(f.name) {
						*f.v /= 10
						if f.name == "switches" {
							*f.v += *f.v % 2 // the generator needs access switches in pairs
						}
					}
				}
			}
			if _, err := spec.Counts(); err != nil {
				return usageError{err}
			}
			if emit != "" {
				data, err := spec.YAML()
				if err != nil {
					return err
				}
				return os.WriteFile(emit, data, 0o644)
			}
			r, err := benchNetwork(spec, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(r)
			}
			return writeNetworkBench(out, r)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the result as one JSON object")
	f.BoolVar(&quick, "quick", false, "a tenth of the switches, hosts and flows (unless given)")
	f.IntVar(&spec.Switches, "switches", spec.Switches, "switches in total: 2 cores and access pairs (even, at least 4)")
	f.IntVar(&spec.Hosts, "hosts", spec.Hosts, "teamed servers")
	f.IntVar(&spec.Flows, "flows", spec.Flows, "bidirectional flows")
	f.DurationVar(&spec.Duration, "duration", spec.Duration, "simulated time, e.g. 10m or 1h")
	f.Uint64Var(&spec.Seed, "seed", spec.Seed, "seed of the generator and of the run")
	f.StringVar(&spec.Detection, "detection", "miimon", "team failure detection: miimon, carrier or heartbeat")
	f.StringVar(&spec.SpanningTree, "spanning-tree", "rstp", "spanning tree on every switch: rstp or stp")
	f.StringVar(&emit, "emit-scenario", "", "write the generated scenario to this file and exit without running it")
	return cmd
}

// memPeak samples the Go runtime's memory figures in the background, so the peak
// between the phase boundaries (the run allocates as failures happen) is seen too.
type memPeak struct {
	mu        sync.Mutex
	heap, sys uint64
	stop      chan struct{}
	done      chan struct{}
}

func startMemPeak() *memPeak {
	m := &memPeak{stop: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-tick.C:
				m.sample()
			}
		}
	}()
	return m
}

// sample reads the runtime's figures and returns them; it keeps the maxima.
func (m *memPeak) sample() runtime.MemStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.mu.Lock()
	m.heap = max(m.heap, ms.HeapInuse)
	m.sys = max(m.sys, ms.Sys)
	m.mu.Unlock()
	return ms
}

func (m *memPeak) finish() (heap, sys uint64) {
	close(m.stop)
	<-m.done
	m.sample()
	return m.heap, m.sys
}

// benchNetwork generates, loads, builds, runs and measures one fabric; progress goes
// to progress (stderr), one line per phase and one per tenth of the simulated time.
func benchNetwork(spec scenarios.Fabric, progress io.Writer) (*networkBenchResult, error) {
	counts, err := spec.Counts()
	if err != nil {
		return nil, err
	}
	// A collection first, so the figures start from what this run allocates.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	mem := startMemPeak()
	r := &networkBenchResult{Switches: counts.Switches, Hosts: counts.Hosts, NICs: counts.NICs,
		Clients: counts.Clients, Links: counts.Links, Flows: counts.Flows,
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
	r.RunS, _ = phase(fmt.Sprintf("running %s simulated", sim.Time(tw.Duration)), func() error {
		step := tw.Duration / 10
		start := time.Now()
		for t := step; !tw.Done(); t += step {
			tw.RunUntil(t)
			fmt.Fprintf(progress, "  %5.0f s simulated, %d events, %d failures, %.1f s wall\n",
				tw.Sim.Now().Seconds(), tw.Sim.Steps(), tw.Failures.Count(), time.Since(start).Seconds())
		}
		return nil
	})
	r.Events, r.Evaluations = tw.Sim.Steps(), tw.Net.Evaluations()
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
	r.Failures, r.FlowOutages, r.Unrestored = s.Failures, s.FlowOutages, s.Unrestored
	r.MaxOutageMs, r.FlowAvailability = s.MaxOutageMs, s.FlowAvailability
	return r, nil
}

func writeNetworkBench(w io.Writer, r *networkBenchResult) error {
	mb := func(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "model\t%d switches, %d hosts (%d NICs in NFT teams), %d clients, %d links, %d flows\n",
		r.Switches, r.Hosts, r.NICs, r.Clients, r.Links, r.Flows)
	fmt.Fprintf(tw, "run\t%.0f s simulated, seed %d, scenario %.1f MB of YAML\n", r.SimS, r.Seed, float64(r.YAMLBytes)/1e6)
	maxOut := "-"
	if r.MaxOutageMs != nil {
		maxOut = fmt.Sprintf("%.3f ms", *r.MaxOutageMs)
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
