package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"dctwin/scenario"
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
			results := spof.Analyze(sc.Topology())
			total := 0
			for _, c := range spof.Classes {
				total += len(sc.Topology().ComponentsOf(c))
			}
			if asJSON {
				rep := struct {
					Scenario string        `json:"scenario"`
					Checked  int           `json:"components_checked"`
					Results  []spof.Result `json:"results"`
				}{sc.Name, total, serious(results)}
				if rep.Results == nil {
					rep.Results = []spof.Result{}
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			writeSpof(cmd.OutOrStdout(), sc, total, serious(results))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as one JSON object")
	addSetFlag(cmd, &sets)
	return cmd
}

func serious(rs []spof.Result) []spof.Result {
	var out []spof.Result
	for _, r := range rs {
		if r.Serious() {
			out = append(out, r)
		}
	}
	return out
}

func writeSpof(w io.Writer, sc *scenario.Scenario, total int, rs []spof.Result) {
	fmt.Fprintf(w, "%s: %d of %d components are single points of failure\n", sc.File, len(rs), total)
	for _, r := range rs {
		fmt.Fprintf(w, "\n%s %s  (%s)\n", r.Component.Class, r.Component.Name, r.Component.Pos)
		if len(r.ServicesLost) > 0 {
			fmt.Fprintf(w, "  services lost: %s\n", strings.Join(r.ServicesLost, ", "))
		}
		if len(r.ServicesDegraded) > 0 {
			fmt.Fprintf(w, "  services degraded: %s\n", strings.Join(r.ServicesDegraded, ", "))
		}
		byEffect := map[spof.Effect][]spof.Impact{}
		for _, im := range r.Impacts {
			byEffect[im.Effect] = append(byEffect[im.Effect], im)
		}
		for _, e := range []spof.Effect{spof.Down, spof.HARestart, spof.FTTakeover} {
			if ims := byEffect[e]; len(ims) > 0 {
				fmt.Fprintf(w, "  %s: %s\n", e, itemList(ims))
			}
		}
		// isolated items cut off from the same rest of the data center are listed
		// together (each is also cut off from the others in the list, unless they
		// share a switch that is still up)
		isolated := map[string]bool{}
		for _, im := range byEffect[spof.Isolated] {
			isolated[im.Item.Name] = true
		}
		var order []string
		groups := map[string][]spof.Impact{}
		rests := map[string][]string{}
		for _, im := range byEffect[spof.Isolated] {
			var rest []string
			for _, n := range im.LosesContactWith {
				if !isolated[n] {
					rest = append(rest, n)
				}
			}
			key := strings.Join(rest, ",")
			if _, ok := groups[key]; !ok {
				order = append(order, key)
				rests[key] = rest
			}
			groups[key] = append(groups[key], im)
		}
		for _, key := range order {
			rest := rests[key]
			fmt.Fprintf(w, "  isolated: %s\n    from %s: %s\n", itemList(groups[key]), plural(len(rest), "other"), abbreviate(rest, 10))
		}
	}
}

func itemList(ims []spof.Impact) string {
	parts := make([]string, len(ims))
	for i, im := range ims {
		desc := im.Item.Kind
		if im.Item.Role != "" {
			desc += ", " + im.Item.Role
		}
		parts[i] = fmt.Sprintf("%s (%s)", im.Item.Name, desc)
	}
	return strings.Join(parts, ", ")
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-n)
}
