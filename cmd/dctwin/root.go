package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// usageError marks a mistake in how dctwin was called (bad flag, wrong arguments); it
// exits with status 2, like other command-line tools.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// exitError carries an exit status other than 1 for a command that has already printed
// its own report (for example `check` finding errors in a scenario).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// NewRootCmd builds the dctwin command tree. Commands keep their flags in locals, not
// package globals, so tests can build fresh trees.
func NewRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "dctwin",
		Short: "A discrete-event digital twin of an enterprise data center",
		Long: `dctwin simulates hosts, blade enclosures, switches, teamed NICs, shared storage,
virtual machines and unified-communications workloads; it injects failures and shows
how long each failover takes and what it does to call quality.

Exit status: 0 success; 1 a failed check, a scenario that cannot be loaded or run, or
a run that outgrew the memory it may use; 2 a usage error (bad flag or argument); 3 an
internal error (a bug in dctwin: it prints the stack, please report it); 130 (143) an
experiment run stopped by Ctrl-C (SIGTERM), its runs so far kept.`,
		Example: `  dctwin                        # the TUI on teaming-lab (on a terminal; else its report)
  dctwin tui classic-dc         # the TUI on another scenario
  dctwin scenarios              # the built-in scenarios
  dctwin check classic-dc       # review a scenario for misconfigurations
  dctwin run classic-dc --json  # run a scenario headless, report as JSON
  dctwin emodel --codec g729a --delay 150 --ppl 1`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          usageArgs(cobra.NoArgs),
	}
	// Without a command, dctwin shows the default scenario at work: the TUI on a
	// terminal, the report otherwise (a pipe, CI) or when a report flag is given.
	var o runOptions
	o.register(root)
	root.RunE = func(cmd *cobra.Command, args []string) error {
		report := o.asJSON || o.trace || o.traceFlow != "" || cmd.Flags().Changed("duration")
		if !report && isTerminal(os.Stdin) && isTerminal(cmd.OutOrStdout()) {
			return runTUI(cmd, defaultScenario, tuiOptions{seed: o.seed, sets: o.sets, speed: 1, force: o.force})
		}
		if err := runScenario(cmd, defaultScenario, o); err != nil {
			return err
		}
		if !o.asJSON {
			fmt.Fprintln(cmd.ErrOrStderr(), "\n(no terminal, so dctwin printed the report; run `dctwin` in a terminal for the live view, or `dctwin tui NAME|FILE`)")
		}
		return nil
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(
		newVersionCmd(),
		newBenchCmd(),
		newEmodelCmd(),
		newCheckCmd(),
		newSpofCmd(),
		newScenariosCmd(),
		newRunCmd(),
		newTUICmd(),
		newExperimentCmd(),
	)
	return root
}

// usageArgs wraps a cobra argument check so that its failures exit with status 2.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the dctwin version and the Go toolchain it was built with",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			version := "(devel)"
			goVersion := "unknown"
			if info, ok := debug.ReadBuildInfo(); ok {
				if info.Main.Version != "" {
					version = info.Main.Version
				}
				goVersion = info.GoVersion
			}
			fmt.Fprintf(cmd.OutOrStdout(), "dctwin %s (%s)\n", version, goVersion)
			return nil
		},
	}
}

// writeJSON writes v as indented JSON, as every --json of dctwin does.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
