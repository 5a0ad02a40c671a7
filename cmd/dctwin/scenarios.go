package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"dctwin/scenarios"
)

func newScenariosCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long: `Lists the scenarios built into dctwin with a one-line description each. Any command
that takes FILE|NAME accepts these names; 'dctwin scenarios show NAME' prints one as
a commented YAML file to copy and change.`,
		Example: `  dctwin scenarios
  dctwin scenarios show teaming-lab > my-lab.yaml
  dctwin check my-lab.yaml`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			for _, e := range scenarios.List() {
				name := e.Name
				if name == scenarios.Default {
					name += " (default)"
				}
				fmt.Fprintf(tw, "%s\t%s\n", name, e.Description)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "show NAME",
		Short:   "Print a built-in scenario's YAML",
		Example: `  dctwin scenarios show classic-dc`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := scenarios.Read(args[0])
			if err != nil {
				return usageError{fmt.Errorf("%w (see 'dctwin scenarios')", err)}
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	})
	return cmd
}
