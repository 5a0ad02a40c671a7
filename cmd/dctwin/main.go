// Command dctwin is the data-center digital twin: scenario checks, headless runs,
// calculators and benchmarks. See `dctwin help`.
//
// The commands wire flags to the packages that do the work (scenario, scenarios,
// twin, topology/check, topology/spof, workloads/emodel, twin/netbench) and choose
// where the output goes; what they print, those packages write. What belongs to the
// process stays here: exit statuses, the progress line on a terminal and the memory
// guard.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit statuses, as README and `dctwin --help` list them.
const (
	exitOK       = 0
	exitFailure  = 1 // a failed check, a scenario that cannot be loaded or run, memory exhausted
	exitUsage    = 2 // a bad flag or argument
	exitInternal = 3 // a bug in dctwin (a panic): please report it
)

func main() {
	stopGuard := guardMemory(os.Stderr)
	code := execute(NewRootCmd(), os.Args[1:], os.Stderr)
	stopGuard()
	os.Exit(code)
}

// execute runs the command tree on args and returns the exit status. A panic anywhere
// in a command is an internal error: it is reported with its stack and exits with
// exitInternal, never with the usage status 2 (which is also what an unrecovered Go
// panic would give).
func execute(cmd *cobra.Command, args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "dctwin: internal error: %v\n"+
				"This is a bug in dctwin, please report it with the command line and the stack below.\n\n%s",
				r, debug.Stack())
			code = exitInternal
		}
	}()
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "dctwin:", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "run 'dctwin help' for usage")
		return exitUsage
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}
