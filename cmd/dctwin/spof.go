package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"dctwin/topology/check"
	"dctwin/topology/spof"
	"dctwin/twin"
)

func newSpofCmd() *cobra.Command {
	var asJSON bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "spof FILE|NAME",
		Short: "Find single points of failure: what each single failure takes down",
		Long: `Fails every link, NIC, switch, interconnect module, enclosure power supply (it
matters only as the last one), enclosure, host and storage array on its own and
reports which endpoints, hosts and VMs go down or lose connectivity to what.

This is static graph reachability over the VLANs, without timing: 'down until HA
restart' means the VM dies with its host and HA brings it back on another host;
'isolated' means it runs but is cut off from the rest of the data center. How long
each outage lasts is what 'dctwin run' measures.`,
		Example: `  dctwin spof classic-dc
  dctwin spof teaming-lab --json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(cmd, args[0], asJSON, sets)
			if err != nil {
				return err
			}
			if n := twin.Check(sc).Count(check.Error); n > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s has %s (see 'dctwin check %s'); the analysis may mislead\n",
					sc.File, plural(n, "error"), args[0])
			}
			rep := spof.Review(sc.Topology())
			if asJSON {
				return rep.WriteJSON(cmd.OutOrStdout(), sc.Name)
			}
			return rep.WriteText(cmd.OutOrStdout(), sc.File)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as one JSON object")
	addSetFlag(cmd, &sets)
	return cmd
}
