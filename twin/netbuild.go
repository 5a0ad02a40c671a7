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
//
// With force (dctwin run --force), what the runtime cannot place is left out and named
// in skipped, so that a scenario with mistakes still runs and shows what they cost;
// without force, the first such error ends the build.
func buildNetwork(s *sim.Simulation, t *topology.Topology, force bool) (n *network.Network, vl *vlanPlan, skipped []string, err error) {
	n = network.New(s, network.Options{})
	vl, skipped, err = buildOn(n, t, force)
	if err != nil {
		return nil, nil, nil, err
	}
	more, err := buildVMs(n, t, vl, force)
	if err != nil {
		return nil, nil, nil, err
	}
	return n, vl, append(skipped, more...), nil
}

// buildVMs gives every hypervisor its virtual switch (port groups and teaming policy)
// and puts every VM on its host, each vNIC with the IP interface of its port group's
// VLAN there. It is apart from buildOn because the reference runtime, which the
// network's tests compare with, has no VMs: there a VM's traffic ends at its host.
func buildVMs(n *network.Network, t *topology.Topology, vl *vlanPlan, force bool) (skipped []string, err error) {
	place := func(pos topology.Pos, what string, err error) error {
		if err == nil {
			return nil
		}
		if !force {
			return fmt.Errorf("%s: %s%w", pos, what, err)
		}
		skipped = append(skipped, fmt.Sprintf("%s: %s%v", pos, what, err))
		return nil
	}
	hasVSwitch := map[string]bool{}
	for _, h := range t.Hosts {
		if !h.IsHypervisor() || hasVSwitch[h.Name] {
			continue
		}
		if err := place(h.Pos, "", n.AddVSwitch(h.Name, vswitchConfig(h, vl))); err != nil {
			return nil, err
		}
		hasVSwitch[h.Name] = true
	}
	for _, v := range t.VMs {
		h := t.Host(v.Host)
		if h == nil || !hasVSwitch[h.Name] || len(v.VNICs) == 0 {
			continue // check reports it; --force runs without the VM
		}
		cfg := network.VMConfig{Host: h.Name}
		for _, nic := range v.VNICs {
			c := network.VNICConfig{Name: nic.Name, PortGroup: nic.PortGroup}
			if pg := h.PortGroup(nic.PortGroup); pg != nil {
				c.VLAN, c.Subnet, c.Gateway = vl.id(pg.VLAN), pg.VLAN, vl.gatewayOf[pg.VLAN]
			}
			cfg.VNICs = append(cfg.VNICs, c)
		}
		if err := place(v.Pos, "", n.AddVM(v.Name, cfg)); err != nil {
			return nil, err
		}
	}
	return skipped, nil
}

// vswitchConfig is a hypervisor's virtual switch: its port groups in their VLANs and
// the teaming policy of its `vswitch:` block (scenario defaults applied).
func vswitchConfig(h *topology.Host, vl *vlanPlan) network.VSwitchConfig {
	cfg := network.VSwitchConfig{NotifySwitches: true, Failback: true}
	for _, pg := range h.PortGroups {
		if id := vl.id(pg.VLAN); id != 0 {
			cfg.PortGroups = append(cfg.PortGroups, network.PortGroup{Name: pg.Name, VLAN: id})
		}
	}
	if vs := h.VSwitch; vs != nil {
		cfg.LoadBalancing = vs.LoadBalancing
		cfg.Standby = slices.Clone(vs.Standby)
		cfg.NotifySwitches = vs.NotifySwitches
		cfg.Failback = vs.Failback
		cfg.Latency = sim.Time(vs.Latency)
	}
	return cfg
}

// builder is what buildOn needs of a runtime network: the network package, or the
// reference runtime the tests compare it with.
type builder interface {
	NameVLAN(v int, name string)
	AddSwitch(name string, cfg network.SwitchConfig) error
	AddInterconnect(name string, cfg network.InterconnectConfig) error
	AddHost(name string, cfg network.HostConfig) error
	AddLink(name, a, b string, cfg network.LinkConfig) error
	SetPortVLANs(port string, c network.PortVLANs) error
	AddCluster(name, a, b string) error
	AddGateway(name string, cfg network.GatewayConfig) error
	AddTeam(host string, cfg network.TeamConfig) error
}

// buildOn puts the topology onto n (see buildNetwork).
func buildOn(n builder, t *topology.Topology, force bool) (vl *vlanPlan, skipped []string, err error) {
	place := func(pos topology.Pos, what string, err error) error {
		if err == nil {
			return nil
		}
		if !force {
			return fmt.Errorf("%s: %s%w", pos, what, err)
		}
		skipped = append(skipped, fmt.Sprintf("%s: %s%v", pos, what, err))
		return nil
	}
	vl = newVLANPlan(t)
	for _, v := range t.VLANs {
		if v.ID >= 1 && v.ID <= network.MaxVLAN {
			n.NameVLAN(v.ID, v.Name)
		}
	}
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
			Latency:      sim.Time(sw.Latency),
			HostPortsSTP: !sw.PortFast,
			BootTime:     sim.Time(sw.BootTime),
			VLANs:        vl.ids(sw.VLANs),
		}
		if err := place(sw.Pos, "", n.AddSwitch(sw.Name, cfg)); err != nil {
			return nil, nil, err
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
				cfg.Switch = network.SwitchConfig{Layer: topology.L2, SpanningTree: m.SpanningTree, Priority: defaultPriority,
					Latency: sim.Time(topology.DefaultSwitchLatency), BootTime: sim.Time(m.BootTime), VLANs: vl.ids(m.VLANs)}
			}
			if err := place(m.Pos, "", n.AddInterconnect(m.Name, cfg)); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, h := range t.Hosts {
		if err := place(h.Pos, "", n.AddHost(h.Name, vl.hostConfig(h))); err != nil {
			return nil, nil, err
		}
	}
	for _, e := range t.Endpoints {
		cfg := network.HostConfig{Subnet: e.VLAN, Gateway: vl.gatewayOf[e.VLAN], VLAN: vl.id(e.VLAN)}
		if err := place(e.Pos, "", n.AddHost(e.Name, cfg)); err != nil {
			return nil, nil, err
		}
	}
	if err := addStoragePorts(n, t, vl, place); err != nil {
		return nil, nil, err
	}
	for _, l := range t.Links {
		cfg := network.LinkConfig{Speed: float64(l.Speed), Latency: sim.Time(l.Latency), PHYDelay: sim.Time(l.CarrierDelay),
			HalfDuplex: l.Duplex == topology.Half, VLANs: vl.linkVLANs(l)}
		if err := place(l.Pos, "", n.AddLink(l.Name, netPort(t, l.A), netPort(t, l.B), cfg)); err != nil {
			return nil, nil, err
		}
	}
	// A NIC with VLANs is configured for them whatever its cable's other end is: the
	// server's side of a "service specification" mismatch.
	for _, h := range t.Hosts {
		for _, nic := range h.NICs {
			if len(nic.VLANs) == 0 || t.LinkAt(topology.PortRef{Device: h.Name, Port: nic.Name}) == nil {
				continue
			}
			_ = place(nic.Pos, "", n.SetPortVLANs(nic.FullName(), vl.portVLANs(nic.VLANs)))
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
			if err := place(t.Switch(m[0]).Pos, "", n.AddCluster(c, m[0], m[1])); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, g := range t.Gateways {
		// HSRP does not preempt unless configured to; VRRP does (topology/defaults.go).
		cfg := network.GatewayConfig{Members: slices.Clone(g.Routers), Hello: sim.Time(g.Hello),
			Dead: sim.Time(g.Dead), NoPreempt: g.Protocol == "hsrp", VLAN: vl.id(g.VLAN)}
		if err := place(g.Pos, "", n.AddGateway(g.Name, cfg)); err != nil {
			return nil, nil, err
		}
	}
	for _, h := range t.Hosts {
		for _, tm := range h.Teams {
			what := fmt.Sprintf("team %s of %s: ", tm.Name, h.Name)
			if err := place(tm.Pos, what, n.AddTeam(h.Name, teamConfig(h, tm, vl.gatewayOf))); err != nil {
				return nil, nil, err
			}
		}
	}
	return vl, skipped, nil
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
	case topology.Beacon:
		cfg.HeartbeatInterval = sim.Time(tm.Detection.Interval)
		cfg.HeartbeatMissed = tm.Detection.Missed
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
