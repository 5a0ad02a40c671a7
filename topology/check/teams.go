package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dctwin/topology"
)

// teams reviews every NIC team against the switch side it is cabled to.
func (r *reporter) teams() {
	for _, h := range r.t.Hosts {
		inTeam := map[string]string{}
		for _, tm := range h.Teams {
			var members []*topology.NIC
			for i, m := range tm.Members {
				n := h.NIC(m)
				p := tm.PosOf(fmt.Sprintf("members[%d]", i))
				if n == nil {
					r.add(DanglingName, p, "team %s: host %s has no NIC %q", tm.Name, h.Name, m)
					continue
				}
				if other, ok := inTeam[m]; ok {
					r.add(TeamMemberReused, p, "NIC %s is already a member of team %s", n.FullName(), other)
					continue
				}
				inTeam[m] = tm.Name
				members = append(members, n)
			}
			for i, m := range tm.Preference {
				if !slices.Contains(tm.Members, m) {
					key := fmt.Sprintf("preference[%d]", i)
					if tm.Written("primary") && i == 0 {
						key = "primary"
					}
					r.add(DanglingName, tm.PosOf(key), "team %s: %q is not one of its members", tm.Name, m)
				}
			}
			r.team(h, tm, members)
		}
	}
}

func (r *reporter) team(h *topology.Host, tm *topology.Team, members []*topology.NIC) {
	t := r.t
	if len(tm.Members) == 1 {
		r.add(TeamOneMember, tm.PosOf("members"), "team %s of %s has one member", tm.Name, h.Name)
	}
	if len(members) == 0 {
		return
	}
	first := members[0]
	for _, n := range members[1:] {
		a, b := slices.Sorted(slices.Values(r.nicVLANs(first))), slices.Sorted(slices.Values(r.nicVLANs(n)))
		if !slices.Equal(a, b) {
			r.add(TeamVLANMismatch, tm.PosOf("members"), "team %s: %s is in VLANs [%s] but %s in [%s]", tm.Name,
				first.Name, strings.Join(a, " "), n.Name, strings.Join(b, " "))
		}
		if n.Speed != first.Speed || n.Duplex != first.Duplex {
			r.add(TeamSpeedMismatch, tm.PosOf("members"), "team %s: %s is %s %s-duplex but %s is %s %s-duplex", tm.Name,
				first.Name, rate(first.Speed), first.Duplex, n.Name, rate(n.Speed), n.Duplex)
		}
	}

	// where each member really lands on the switch side
	var ups []topology.PortRef
	for _, n := range members {
		if up, ok := r.uplink(topology.PortRef{Device: h.Name, Port: n.Name}); ok {
			ups = append(ups, up)
		}
	}
	devices := map[string]bool{}
	for _, up := range ups {
		devices[up.Device] = true
	}
	switch {
	case tm.Mode.NeedsSwitchAggregation():
		if len(devices) > 1 && !r.oneCluster(devices) {
			r.add(TeamSplitAggregate, tm.PosOf("mode"), "%s team %s spans %s, which are not one switch cluster (stack or MC-LAG)",
				strings.ToUpper(string(tm.Mode)), tm.Name, strings.Join(topology.SortedNames(devices), " and "))
		}
	case len(devices) > 1:
		// NFT/TLB across switches: the switches must share the team's broadcast domain
		// without going through the server itself.
		l2 := r.layer2()
		names := topology.SortedNames(devices)
		for _, v := range r.nicVLANs(first) {
			for _, b := range names[1:] {
				if t.VLAN(v) != nil && !l2.SameL2(names[0], b, v) {
					r.add(TeamNoL2Path, tm.PosOf("members"), "team %s: %s and %s have no L2 path in VLAN %s", tm.Name, names[0], b, v)
				}
			}
		}
	}

	if (tm.Mode == topology.NFT || tm.Mode == topology.TLB) && tm.GratuitousARP == 0 && len(tm.Members) > 1 {
		r.add(NoGratuitousARP, tm.PosOf("gratuitous_arp"), "team %s of %s sends no gratuitous ARP after a switchover", tm.Name, h.Name)
	}
	det := tm.Detection
	if h.InEnclosure() && !det.Method.SeesRemoteFailures() {
		for _, up := range ups {
			if m := t.Module(up.Device); m != nil && m.Kind == topology.SwitchModule && !m.UplinkFailureDetection {
				r.add(UplinkInvisible, tm.PosOf("detection"), "team %s of blade %s uses %s detection behind switch module %s without uplink failure detection",
					tm.Name, h.Name, det.Method, m.Name)
				break
			}
		}
	}
	if det.Method == topology.MIIMon {
		for _, up := range ups {
			s := t.Switch(up.Device)
			if s == nil || s.PortFast || s.SpanningTree == topology.NoSTP {
				continue
			}
			if listen := 2 * s.STP.ForwardDelay; det.UpDelay < listen {
				r.add(UpdelayBelowSTP, tm.PosOf("detection"), "team %s: updelay %v is shorter than the %v %s on %s needs before a host port without PortFast forwards (2 x forward delay)",
					tm.Name, det.UpDelay, listen, s.SpanningTree, s.Name)
				break
			}
		}
	}
	if det.Method.Probes() {
		if c := t.ClusterOf(h.Name); c != nil && c.HA.Enabled {
			if d := det.Interval * time.Duration(det.Missed); d >= c.HA.FailureDetection {
				r.add(HeartbeatTooSlow, tm.PosOf("detection"), "team %s notices a dead path after %v (%v x %d), HA declares the host dead after %v",
					tm.Name, d, det.Interval, det.Missed, c.HA.FailureDetection)
			}
		}
	}
	switch {
	case det.Method == topology.Heartbeat && len(tm.Members) == 2:
		r.add(BeaconTwoNICs, tm.PosOf("detection"), "team %s probes with heartbeats over only two NICs", tm.Name)
	case det.Method == topology.Beacon && len(tm.Members) > 0 && len(tm.Members) < 3:
		r.add(BeaconTwoNICs, tm.PosOf("detection"), "team %s probes with beacons over %d NICs: a broken path cannot be "+
			"pinned on either, and a virtual switch then sends on all of them (shotgun)", tm.Name, len(tm.Members))
	}
	switch {
	case det.Method == topology.Heartbeat && tm.Mode == topology.LACP:
		r.add(LACPWithHeartbeat, tm.PosOf("detection"), "LACP team %s uses heartbeat detection", tm.Name)
	case det.Method == topology.Beacon && tm.Mode.NeedsSwitchAggregation():
		r.add(LACPWithHeartbeat, tm.PosOf("detection"), "%s team %s uses beacon probing, which VMware says not to combine "+
			"with IP hash (bundled uplinks)", tm.Mode, tm.Name)
	}
}

// oneCluster reports whether all devices are switches of one switch cluster.
func (r *reporter) oneCluster(devices map[string]bool) bool {
	cluster := ""
	for d := range devices {
		s := r.t.Switch(d)
		if s == nil || s.Cluster == "" {
			return false
		}
		if cluster != "" && s.Cluster != cluster {
			return false
		}
		cluster = s.Cluster
	}
	return true
}

func rate(bps int64) string {
	switch {
	case bps >= 1e9 && bps%1e9 == 0:
		return fmt.Sprintf("%dG", bps/1e9)
	case bps >= 1e6 && bps%1e6 == 0:
		return fmt.Sprintf("%dM", bps/1e6)
	case bps == 0:
		return "unknown speed"
	}
	return fmt.Sprintf("%d bit/s", bps)
}
