package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"dctwin/sim/kernelbench"
)

func newBenchCmd() *cobra.Command {
	bench := &cobra.Command{
		Use:     "bench",
		Short:   "Measure the speed of dctwin's components",
		Example: "  dctwin bench kernel --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown benchmark %q (expected one of: kernel, network)", args[0])}
			}
			return cmd.Help()
		},
	}
	bench.AddCommand(newBenchKernelCmd(), newBenchNetworkCmd())
	return bench
}

func newBenchKernelCmd() *cobra.Command {
	var asJSON, quick bool
	cmd := &cobra.Command{
		Use:   "kernel",
		Short: "Run the standard kernel models (clocks, bank, pingpong) and print their speed",
		Long: `Runs three standard discrete-event models on the sim kernel and prints events per
second of wall time:

  clocks    P processes, process i waits 1 + (i mod 7) units in a loop; P = 1,000 until
            T = 27,000 and P = 100,000 until T = 270 (about 10M timeouts each);
            callback and process style; bytes per process at P = 100,000
  bank      M/M/c with c = 5, λ = 4.5, μ = 1 and 1,000,000 customers on a Resource;
            the mean wait is compared with Erlang C (Wq = 1.52499)
  pingpong  two processes triggering each other's events 5,000,000 times

The machine is usually shared: compare ratios within one run, not single figures.`,
		Example: `  dctwin bench kernel
  dctwin bench kernel --json
  dctwin bench kernel --quick   # a tenth of the work, for a smoke test`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			scale := 1
			if quick {
				scale = 10
			}
			out := cmd.OutOrStdout()
			var emit func(kernelbench.Result)
			var done func()
			if asJSON {
				enc := json.NewEncoder(out)
				emit = func(r kernelbench.Result) { _ = enc.Encode(r) }
				done = func() {}
			} else {
				table := kernelbench.NewTable(out)
				// Rows are aligned once all are in; progress goes to stderr meanwhile.
				emit = func(r kernelbench.Result) {
					table.Add(r)
					fmt.Fprintf(cmd.ErrOrStderr(), "measured %s/%s %s\n", r.Model, r.Style, r.Params)
				}
				done = func() { _ = table.Flush() }
			}
			kernelbench.RunAll(scale, emit)
			done()
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per model run")
	cmd.Flags().BoolVar(&quick, "quick", false, "run a tenth of the work (figures are less stable)")
	return cmd
}
