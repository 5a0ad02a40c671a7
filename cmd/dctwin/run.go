package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology/check"
	"dctwin/twin"
)

// defaultScenario is what `dctwin` runs without arguments.
const defaultScenario = "teaming-lab"

// runOptions are the flags of `dctwin run` (and of `dctwin` without arguments).
type runOptions struct {
	asJSON    bool
	trace     bool
	traceFlow string
	force     bool
	seed      uint64
	duration  time.Duration
	sets      []string
}

func (o *runOptions) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the report as one JSON object")
	cmd.Flags().BoolVar(&o.trace, "trace", false, "print the event log (time, component, what happened) first; on stderr with --json")
	cmd.Flags().StringVar(&o.traceFlow, "trace-flow", "", "print every packet of one flow in both directions, delivered or lost and why (a teaching aid; keep --duration short)")
	cmd.Flags().BoolVar(&o.force, "force", false, "run even if 'dctwin check' finds errors, to see what the mistakes do")
	cmd.Flags().Uint64Var(&o.seed, "seed", 0, "master random seed (default: the scenario's run.seed)")
	cmd.Flags().DurationVar(&o.duration, "duration", 0, "simulated time to run, e.g. 90s or 1h (default: the scenario's run.duration)")
	addSetFlag(cmd, &o.sets)
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run FILE|NAME",
		Short: "Run a scenario headless and print the failover report",
		Long: `Builds the twin of a scenario, runs it to the end of its duration and prints a report:
every failure with the mechanisms that noticed it and when, each flow direction it
interrupted with its outage (from the failure until that direction's packets were
delivered again), a timeline of the events that explain those times (carrier loss,
detection, switchover, gratuitous ARPs, MAC moves, spanning-tree and gateway changes,
links over capacity), the service view, every flow direction's outages and lost
packets (in outages and to congestion) over the run, and a summary. Times come from
the simulated mechanisms and the scenario's timers.

A run that takes more than a second shows its progress on stderr when that is a
terminal (simulated time done, events per second, time left). What a run keeps does
not grow with its duration: a long run with many random failures lists the first
1,000 in detail and summarizes the rest per kind.

The same scenario and seed always give the same report, byte for byte.`,
		Example: `  dctwin run teaming-lab
  dctwin run classic-dc --seed 7 --duration 10m
  dctwin run ./my-dc.yaml --json > report.json
  dctwin run teaming-lab --trace | less
  dctwin run teaming-lab --trace-flow web-1 --duration 10200ms | tail -30`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScenario(cmd, args[0], o)
		},
	}
	o.register(cmd)
	return cmd
}

func runScenario(cmd *cobra.Command, arg string, o runOptions) error {
	sc, err := loadScenario(cmd, arg, o.asJSON, o.sets)
	if err != nil {
		return err
	}
	opt := twin.Options{Duration: sim.Time(o.duration), Force: o.force}
	if fs := twin.Check(sc); o.force {
		// Values no run can be made of stop --force too: say so instead of "running
		// anyway" followed by a refusal.
		hard := slices.DeleteFunc(slices.Clone(fs), func(f check.Finding) bool { return f.Severity != check.Error || !twin.Unrunnable(f.Kind) })
		if err := configErrors(sc, hard, arg, o.sets, "--force runs past mistakes, not past values no run can be made of"); err != nil {
			return err
		}
		if n := fs.Count(check.Error); n > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "dctwin: %s has %s (see %s); running anyway\n",
				sc.Name, countErrors(n), checkCommand(arg, o.sets))
		}
	} else if err := configErrors(sc, fs, arg, o.sets, "add --force to run it anyway and see what the mistakes do"); err != nil {
		return err
	}
	if o.duration < 0 {
		return usageError{fmt.Errorf("--duration must be positive, got %v", o.duration)}
	}
	if o.duration > scenario.MaxRunDuration {
		return usageError{fmt.Errorf("--duration %v: at most %v (114 years) can be simulated", o.duration, scenario.MaxRunDuration)}
	}
	if cmd.Flags().Changed("seed") {
		opt.Seed, opt.SeedSet = o.seed, true
	}
	tw, err := twin.New(sc, opt)
	if err != nil {
		return err
	}
	traceOut := cmd.OutOrStdout()
	if o.asJSON {
		traceOut = cmd.ErrOrStderr()
	}
	if o.trace {
		tw.TraceTo(traceOut, twin.Filter{})
	}
	if o.traceFlow != "" {
		if err := tw.TracePackets(o.traceFlow); err != nil {
			return usageError{fmt.Errorf("--trace-flow: %w", err)}
		}
		if !o.trace {
			tw.TraceTo(traceOut, twin.PacketsOf(o.traceFlow))
		}
	}
	// A long run shows its progress on a terminal; never when stderr is a pipe or a
	// file, and not amid a trace.
	var p *progress
	if !o.trace && o.traceFlow == "" && isTerminal(cmd.ErrOrStderr()) {
		p = newProgress(cmd.ErrOrStderr())
	}
	runTwin(tw, p)
	rep := tw.Report()
	out := cmd.OutOrStdout()
	if o.asJSON {
		return writeJSON(out, rep)
	}
	if o.trace || o.traceFlow != "" {
		fmt.Fprintln(out)
	}
	return rep.WriteText(out)
}
