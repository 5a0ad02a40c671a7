package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"dctwin/scenarios"
	"dctwin/twin/netbench"
)

func newBenchNetworkCmd() *cobra.Command {
	var (
		asJSON, quick, scaling bool
		emit                   string
		cpuProfile, memProfile string
		sizes                  []int
		spec                   = scenarios.FabricDefaults
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
flows, one simulated hour. --phones adds IP phones (one endpoint per access switch
for its share) in a voice VLAN with a busy-hour call load through a PBX pair;
--vlans spreads servers and clients over VLANs; every gateway's master is core-1
unless --asymmetric-vrrp. --scaling runs several sizes and prints the exponent k of
cost ∝ hosts^k. The machine is usually shared: compare runs made together.`,
		Example: `  dctwin bench network
  dctwin bench network --json
  dctwin bench network --quick      # a tenth of the sizes, for a smoke test
  dctwin bench network --switches 100 --hosts 1000 --flows 5000 --duration 10m
  dctwin bench network --switches 2000 --hosts 20000 --flows 200000 --phones 100000
  dctwin bench network --phones 10000 --scaling   # 1,000 to 20,000 hosts, fitted exponents
  dctwin bench network --emit-scenario fabric.yaml && dctwin run fabric.yaml`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if quick {
				// A tenth of the sizes not given on the command line.
				q := netbench.Quick(spec)
				for _, f := range []struct {
					name     string
					v, tenth *int
				}{{"switches", &spec.Switches, &q.Switches}, {"hosts", &spec.Hosts, &q.Hosts}, {"flows", &spec.Flows, &q.Flows}} {
					if !cmd.Flags().Changed(f.name) {
						*f.v = *f.tenth
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
				if err := os.WriteFile(emit, data, 0o644); err != nil {
					return err
				}
				c, _ := spec.Counts()
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%.1f MB: %d switches, %d hosts, %d flows); dctwin run %s or dctwin tui %s\n",
					emit, float64(len(data))/1e6, c.Switches, c.Hosts, c.Flows, emit, emit)
				return nil
			}
			if scaling {
				sc, err := netbench.RunScaling(spec, sizes, cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				if asJSON {
					return json.NewEncoder(cmd.OutOrStdout()).Encode(sc)
				}
				return sc.WriteText(cmd.OutOrStdout())
			}
			var prof netbench.Profiles
			for _, p := range []struct {
				name string
				w    *io.Writer
			}{{cpuProfile, &prof.CPU}, {memProfile, &prof.Heap}} {
				if p.name == "" {
					continue
				}
				f, err := os.Create(p.name)
				if err != nil {
					return err
				}
				defer f.Close()
				*p.w = f
			}
			r, err := netbench.RunProfiled(spec, cmd.ErrOrStderr(), prof)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(r)
			}
			return r.WriteText(out)
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
	f.IntVar(&spec.Phones, "phones", 0, "IP phones on the access switches, calling through a PBX pair at 0.1 erlang each")
	f.IntVar(&spec.VLANs, "vlans", 1, "server VLANs (and as many client VLANs) the servers and clients are spread over")
	f.BoolVar(&spec.AsymmetricVRRP, "asymmetric-vrrp", false, "make core-2 the gateway master of every other VLAN (by default core-1 of all)")
	f.BoolVar(&scaling, "scaling", false, "run at each of --sizes hosts (switches hosts/10, flows 10 x hosts, phones and VLANs in proportion) and fit the exponent of time and memory")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run phase to this file (go tool pprof)")
	f.StringVar(&memProfile, "memprofile", "", "write a heap profile taken at the end of the run phase to this file (go tool pprof)")
	f.IntSliceVar(&sizes, "sizes", netbench.DefaultSizes, "host counts of --scaling")
	return cmd
}
