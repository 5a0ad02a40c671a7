package main

import (
	"fmt"
	"strings"

	"dctwin/scenario"
	"dctwin/topology/check"
)

// configErrors is the refusal of a scenario with configuration errors: the errors
// themselves, as 'dctwin check' prints them (a --set value's errors are not in the
// file, so a bare 'dctwin check NAME' would not show them), and the check command
// that explains them, with the same --set flags. nil if there are none.
func configErrors(sc *scenario.Scenario, fs check.Findings, arg string, sets []string, anyway string) error {
	n := fs.Count(check.Error)
	if n == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %s:\n", sc.Name, countErrors(n))
	for _, f := range fs {
		if f.Severity == check.Error {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	them := "them"
	if n == 1 {
		them = "it"
	}
	fmt.Fprintf(&b, "%s explains %s; %s", checkCommand(arg, sets), them, anyway)
	return fmt.Errorf("%s", b.String())
}

// countErrors is "1 configuration error", "3 configuration errors".
func countErrors(n int) string {
	if n == 1 {
		return "1 configuration error"
	}
	return fmt.Sprintf("%d configuration errors", n)
}

// checkCommand is the dctwin check command for the scenario with its --set flags,
// quoted for a POSIX shell.
func checkCommand(arg string, sets []string) string {
	parts := []string{"dctwin check", shellQuote(arg)}
	for _, s := range sets {
		parts = append(parts, "--set "+shellQuote(s))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes a word for a POSIX shell where it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=", r))
	}) < 0 {
		return s
	}
	return `'` + strings.ReplaceAll(s, `'`, `'\''`) + `'`
}
