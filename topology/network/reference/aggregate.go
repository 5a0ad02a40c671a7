package reference

import (
	"fmt"
	"strings"
)

// AddAggregate bundles switch ports ("switch:port") whose links lead to one other
// switch or cluster; the far ends are bundled too. The bundle is one logical port for
// MAC learning and spanning tree: its links forward together, frames are hashed over
// the active members (local members first on a cluster).
func (n *Network) AddAggregate(name string, ports []string, cfg AggregateConfig) error {
	if err := n.checkBuilding("aggregate " + name); err != nil {
		return err
	}
	if len(ports) == 0 {
		return fmt.Errorf("aggregate %s: no ports", name)
	}
	if cfg.Rate == "" {
		cfg.Rate = LACPSlow
	}
	if cfg.Rate != LACPSlow && cfg.Rate != LACPFast {
		return fmt.Errorf("aggregate %s: unknown LACP rate %q (slow or fast)", name, cfg.Rate)
	}
	var near, far []*Port
	for _, s := range ports {
		dev, _, _ := strings.Cut(s, ":")
		if d := n.devices[dev]; d == nil || d.kind != kindSwitch {
			return fmt.Errorf("aggregate %s: %q is not a switch port", name, s)
		}
		p, err := n.parsePort(s)
		if err != nil {
			return fmt.Errorf("aggregate %s: %w", name, err)
		}
		q := p.peer()
		if q == nil || q.dev.kind != kindSwitch {
			return fmt.Errorf("aggregate %s: %s has no link to a switch (add links first)", name, s)
		}
		if p.aggName != "" || q.aggName != "" {
			return fmt.Errorf("aggregate %s: %s is already bundled", name, s)
		}
		if len(near) > 0 && (p.dev.br != near[0].dev.br || q.dev.br != far[0].dev.br) {
			return fmt.Errorf("aggregate %s: the ports must lead from one switch or cluster to one other", name)
		}
		if p.dev.br == q.dev.br {
			return fmt.Errorf("aggregate %s: %s is a cluster peer link", name, s)
		}
		near, far = append(near, p), append(far, q)
	}
	for i := range near {
		near[i].aggName, far[i].aggName = name, name
		if cfg.LACP {
			n.newLACP(nil, near[i], far[i], nil, cfg.Rate, cfg.Phase)
		}
	}
	n.aggs = append(n.aggs, [2][]*Port{near, far})
	return nil
}

// bundleSwitches creates the logical ports of inter-switch aggregates.
func (n *Network) bundleSwitches() {
	for _, a := range n.aggs {
		for _, side := range a {
			lp := &lport{br: side[0].dev.br, name: side[0].aggName + "@" + side[0].dev.br.name, agg: true}
			for _, p := range side {
				lp.members = append(lp.members, p)
				p.lp = lp
			}
		}
	}
}
