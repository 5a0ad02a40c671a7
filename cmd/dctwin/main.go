// Command dctwin is the data-center digital twin: scenario checks, headless runs,
// calculators and benchmarks. See `dctwin help`.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	cmd := NewRootCmd()
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "dctwin:", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "run 'dctwin help' for usage")
			os.Exit(2)
		}
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}
