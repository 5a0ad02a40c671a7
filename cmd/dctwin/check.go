package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology/check"
	"dctwin/twin"
)

func newCheckCmd() *cobra.Command {
	var asJSON bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "check FILE|NAME",
		Short: "Review a scenario for misconfigurations, like a compiler",
		Long: `Loads a scenario (a YAML file, or a built-in scenario by name) and reports what an
experienced data-center planner would object to: dangling names, ports used twice,
blades in missing bays, NIC teams whose members sit in different VLANs or on switches
without an L2 path between them, SLB/LACP teams across independent switches, VMs on
local disks in HA/DRS clusters, cluster hosts with different networks, blade teams
that cannot see an uplink failure, and more.

Each finding prints as file:line:col: severity: message, followed by why it matters.
The exit status is 1 if there are errors (or the file cannot be loaded), 0 otherwise.
An argument without a path separator and without .yaml is a built-in scenario
(see 'dctwin scenarios').`,
		Example: `  dctwin check classic-dc
  dctwin check misconfigured-dc     # a workshop scenario full of planted mistakes
  dctwin check ./my-dc.yaml --json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(cmd, args[0], asJSON, sets)
			if err != nil {
				return err
			}
			fs := twin.Check(sc)
			out := cmd.OutOrStdout()
			if asJSON {
				err = fs.WriteJSON(out, sc.Name, sc.File)
			} else {
				err = fs.WriteText(out, sc.File)
			}
			if err != nil {
				return err
			}
			if n := fs.Count(check.Error); n > 0 {
				return exitError{code: 1, msg: fmt.Sprintf("%s: %s", sc.File, plural(n, "error"))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as one JSON object")
	addSetFlag(cmd, &sets)
	return cmd
}

// addSetFlag registers the repeatable --set PATH=VALUE flag.
func addSetFlag(cmd *cobra.Command, sets *[]string) {
	cmd.Flags().StringArrayVar(sets, "set", nil, "override a setting of the scenario: PATH=VALUE, e.g.\n"+
		"topology.hosts[srv-1].teams[bond0].detection.method=carrier (repeatable; list items by name or index)")
}

// applySets applies --set overrides in order, validated together after the last; a
// bad path or value is a usage error.
func applySets(sc *scenario.Scenario, sets []string) error {
	if err := sc.OverrideAll(sets); err != nil {
		return usageError{err}
	}
	return nil
}

// loadScenario loads a file or built-in scenario. A positioned load error is printed
// in the same form as findings (or as JSON) and ends the command with status 1; an
// unknown built-in name is a usage error (status 2).
func loadScenario(cmd *cobra.Command, arg string, asJSON bool, sets []string) (*scenario.Scenario, error) {
	sc, err := twin.Load(arg)
	if err == nil {
		return sc, applySets(sc, sets)
	}
	list := scenario.AsErrors(err)
	switch {
	case list != nil && asJSON:
		_ = list.WriteJSON(cmd.OutOrStdout(), arg)
	case list != nil:
		_ = list.WriteText(cmd.ErrOrStderr())
	case scenarios.IsBuiltinName(arg):
		return nil, usageError{err}
	default:
		return nil, err
	}
	return nil, exitError{code: 1, msg: fmt.Sprintf("%s could not be loaded", arg)}
}

// plural writes a count with its noun, for the commands' messages: "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
