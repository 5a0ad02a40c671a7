package twin

import (
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// Bridge priorities for the root election: a real data center pins the spanning-tree
// root on its core, so the first L3 switch is the root, the second the backup root,
// everything else keeps the 802.1D default.
const (
	rootPriority       = 4096
	backupRootPriority = 8192
	defaultPriority    = 32768
)

// buildNetwork puts the static topology onto a runtime network: switches, modules,
// hosts and endpoints as devices, every link (implicit ones included) as a cable,
// switch clusters, gateways and NIC teams.
func buildNetwork(s *sim.Simulation, t *topology.Topology) (*network.Network, error) {
	n := network.New(s, network.Options{})
	l3 := 0
	for _, sw := range t.Switches {
		prio := defaultPriority
		if sw.Layer == topology.L3 {
			prio = [...]int{rootPriority, backupRootPriority, defaultPriority}[min(l3, 2)]
			l3++
		}
		cfg := network.SwitchConfig{
			Layer:        sw.Layer,
			SpanningTree: sw.SpanningTree,
			Priority:     prio,
			MACAging:     sim.Time(sw.MACAging),
			HelloTime:    sim.Time(sw.STP.Hello),
			MaxAge:       sim.Time(sw.STP.MaxAge),
			ForwardDelay: sim.Time(sw.STP.ForwardDelay),
		}
		if err := n.AddSwitch(sw.Name, cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", sw.Pos, err)
		}
	}
	for _, e := range t.Enclosures {
		for _, m := range e.Modules {
			cfg := network.InterconnectConfig{Kind: m.Kind, UplinkFailureDetection: m.UplinkFailureDetection}
			if m.Kind == topology.PassThrough {
				cfg.Pairs = map[string]string{}
				for bay := 1; bay <= e.Bays; bay++ {
					cfg.Pairs[fmt.Sprintf("bay%d", bay)] = fmt.Sprintf("ext%d", bay)
				}
			} else {
				cfg.Switch = network.SwitchConfig{Layer: topology.L2, SpanningTree: m.SpanningTree, Priority: defaultPriority}
			}
			if err := n.AddInterconnect(m.Name, cfg); err != nil {
				return nil, fmt.Errorf("%s: %w", m.Pos, err)
			}
		}
	}
	gatewayOf := map[string]string{} // VLAN → gateway name
	for _, g := range t.Gateways {
		gatewayOf[g.VLAN] = g.Name
	}
	for _, h := range t.Hosts {
		subnet := ""
		if len(h.NICs) > 0 && len(h.NICs[0].VLANs) > 0 {
			subnet = h.NICs[0].VLANs[0]
		}
		if err := n.AddHost(h.Name, network.HostConfig{Subnet: subnet, Gateway: gatewayOf[subnet]}); err != nil {
			return nil, fmt.Errorf("%s: %w", h.Pos, err)
		}
	}
	for _, e := range t.Endpoints {
		if err := n.AddHost(e.Name, network.HostConfig{Subnet: e.VLAN, Gateway: gatewayOf[e.VLAN]}); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Pos, err)
		}
	}
	for _, l := range t.Links {
		cfg := network.LinkConfig{Speed: float64(l.Speed), Latency: sim.Time(l.Latency), PHYDelay: sim.Time(l.CarrierDelay)}
		if err := n.AddLink(l.Name, l.A.String(), l.B.String(), cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", l.Pos, err)
		}
	}
	clusters := map[string][]string{}
	var order []string
	for _, sw := range t.Switches {
		if sw.Cluster == "" {
			continue
		}
		if clusters[sw.Cluster] == nil {
			order = append(order, sw.Cluster)
		}
		clusters[sw.Cluster] = append(clusters[sw.Cluster], sw.Name)
	}
	for _, c := range order {
		if m := clusters[c]; len(m) == 2 {
			if err := n.AddCluster(c, m[0], m[1]); err != nil {
				return nil, err
			}
		}
	}
	for _, g := range t.Gateways {
		cfg := network.GatewayConfig{Members: slices.Clone(g.Routers), Hello: sim.Time(g.Hello)}
		if err := n.AddGateway(g.Name, cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", g.Pos, err)
		}
	}
	for _, h := range t.Hosts {
		for _, tm := range h.Teams {
			if err := n.AddTeam(h.Name, teamConfig(h, tm, gatewayOf)); err != nil {
				return nil, fmt.Errorf("%s: team %s of %s: %w", tm.Pos, tm.Name, h.Name, err)
			}
		}
	}
	return n, nil
}

func teamConfig(h *topology.Host, tm *topology.Team, gatewayOf map[string]string) network.TeamConfig {
	members := tm.Members
	if len(tm.Preference) > 0 {
		members = append(slices.Clone(tm.Preference), notIn(tm.Members, tm.Preference)...)
	}
	cfg := network.TeamConfig{
		Mode:           tm.Mode,
		Members:        members,
		Flavour:        tm.Flavour,
		Failback:       tm.Failback,
		Reselect:       tm.PrimaryReselect,
		Detection:      tm.Detection.Method,
		UpDelay:        sim.Time(tm.Detection.UpDelay),
		DownDelay:      sim.Time(tm.Detection.DownDelay),
		GratuitousARPs: tm.GratuitousARP,
		LACPRate:       network.LACPRate(tm.LACPRate),
	}
	if len(members) > 0 {
		cfg.Primary = members[0]
	}
	switch tm.Detection.Method {
	case topology.MIIMon:
		cfg.MIIMonInterval = sim.Time(tm.Detection.Interval)
	case topology.Heartbeat:
		cfg.HeartbeatInterval = sim.Time(tm.Detection.Interval)
		cfg.HeartbeatMissed = tm.Detection.Missed
		// Probes go to the default gateway of the team's VLAN, as Linux's arp_ip_target
		// usually does, so a dead path anywhere up to the router is noticed.
		for _, nic := range h.NICs {
			if slices.Contains(tm.Members, nic.Name) && len(nic.VLANs) > 0 {
				cfg.HeartbeatTarget = gatewayOf[nic.VLANs[0]]
				break
			}
		}
	}
	return cfg
}

func notIn(all, drop []string) []string {
	var out []string
	for _, a := range all {
		if !slices.Contains(drop, a) {
			out = append(out, a)
		}
	}
	return out
}
