package check

import (
	"fmt"
	"strconv"
	"strings"

	"dctwin/topology"
)

// names reports duplicate names in each namespace and references to VLANs, devices
// and storage that do not exist. Team members, port groups and cluster members are
// checked where they are used.
func (r *reporter) names() {
	t := r.t
	devices := map[string]topology.Pos{}
	dev := func(kind, name string, p topology.Pos) {
		if name == "" {
			r.add(DanglingName, p, "%s without a name", kind)
			return
		}
		if strings.Contains(name, ":") {
			r.add(BadValue, p, "%s name %q contains ':', which separates device and port", kind, name)
		}
		if first, ok := devices[name]; ok {
			r.add(DuplicateName, p, "%s name %q is already used at %s", kind, name, first)
			return
		}
		devices[name] = p
	}
	for _, s := range t.Switches {
		dev("switch", s.Name, s.PosOf("name"))
		if s.Ports < 1 || s.Ports > MaxSwitchPorts {
			r.add(BadValue, s.PosOf("ports"), "switch %s has %d ports; expected 1..%d", s.Name, s.Ports, MaxSwitchPorts)
		}
	}
	for _, e := range t.Enclosures {
		dev("enclosure", e.Name, e.PosOf("name"))
		if e.Bays < 1 || e.Bays > MaxBays {
			r.add(BadValue, e.PosOf("bays"), "enclosure %s has %d bays; expected 1..%d", e.Name, e.Bays, MaxBays)
		}
		if e.PowerSupplies > MaxPowerSupplies {
			r.add(BadValue, e.PosOf("power_supplies"), "enclosure %s has %d power supplies; expected at most %d",
				e.Name, e.PowerSupplies, MaxPowerSupplies)
		}
		for _, m := range e.Modules {
			dev("module", m.Name, m.PosOf("name"))
			if m.Uplinks > MaxUplinks {
				r.add(BadValue, m.PosOf("uplinks"), "module %s has %d uplinks; expected at most %d", m.Name, m.Uplinks, MaxUplinks)
			}
		}
	}
	for _, h := range t.Hosts {
		dev("host", h.Name, h.PosOf("name"))
		if len(h.NICs) > MaxNICs {
			r.add(BadValue, h.PosOf("nics"), "host %s has %d NICs; expected at most %d", h.Name, len(h.NICs), MaxNICs)
		}
		local := map[string]topology.Pos{}
		for _, n := range h.NICs {
			r.unique(local, "NIC of "+h.Name, n.Name, n.PosOf("name"))
		}
		teams := map[string]topology.Pos{}
		for _, tm := range h.Teams {
			r.unique(teams, "team of "+h.Name, tm.Name, tm.PosOf("name"))
		}
		pgs := map[string]topology.Pos{}
		for _, pg := range h.PortGroups {
			r.unique(pgs, "port group of "+h.Name, pg.Name, pg.PosOf("name"))
		}
	}
	for _, s := range t.Storage {
		dev("storage", s.Name, s.PosOf("name"))
		for _, d := range s.Datastores {
			dev("datastore", d.Name, d.PosOf("name"))
		}
		ports := map[string]topology.Pos{}
		for _, p := range s.Ports {
			r.unique(ports, "port of "+s.Name, p.Name, p.PosOf("name"))
		}
		if s.VLAN != "" {
			r.vlanRefs(s.Source, "vlan", []string{s.VLAN})
		} else if len(s.Ports) > 0 {
			r.add(BadValue, s.PosOf("ports"), "storage %s has ports but no vlan: its ports need the storage VLAN they are in", s.Name)
		}
	}
	for _, v := range t.VMs {
		dev("VM", v.Name, v.PosOf("name"))
	}
	for _, e := range t.Endpoints {
		dev("endpoint", e.Name, e.PosOf("name"))
	}
	vlans, ids := map[string]topology.Pos{}, map[int]topology.Pos{}
	for _, v := range t.VLANs {
		r.unique(vlans, "VLAN", v.Name, v.PosOf("name"))
		if v.ID < 1 || v.ID > 4094 {
			r.add(BadValue, v.PosOf("id"), "VLAN %s has id %d; VLAN ids are 1..4094", v.Name, v.ID)
		} else if first, ok := ids[v.ID]; ok {
			r.add(DuplicateName, v.PosOf("id"), "VLAN id %d is already used at %s", v.ID, first)
		} else {
			ids[v.ID] = v.PosOf("id")
		}
	}
	clusters, gateways, links := map[string]topology.Pos{}, map[string]topology.Pos{}, map[string]topology.Pos{}
	for _, c := range t.Clusters {
		r.unique(clusters, "cluster", c.Name, c.PosOf("name"))
	}
	for _, g := range t.Gateways {
		r.unique(gateways, "gateway", g.Name, g.PosOf("name"))
	}
	for _, l := range t.Links {
		if first, ok := links[l.Name]; ok {
			r.add(DuplicateName, l.Pos, "link name %q is already used at %s", l.Name, first)
		}
		links[l.Name] = l.Pos
	}

	// VLAN references
	for _, s := range t.Switches {
		r.vlanRefs(s.Source, "vlans", s.VLANs)
	}
	for _, e := range t.Enclosures {
		for _, m := range e.Modules {
			r.vlanRefs(m.Source, "vlans", m.VLANs)
		}
	}
	for _, l := range t.Links {
		if !l.Implicit {
			r.vlanRefs(l.Source, "vlans", l.VLANs)
		}
	}
	for _, h := range t.Hosts {
		for _, n := range h.NICs {
			r.vlanRefs(n.Source, "vlans", n.VLANs)
		}
		for _, pg := range h.PortGroups {
			r.vlanRefs(pg.Source, "vlan", []string{pg.VLAN})
		}
		for i, s := range h.Storage {
			if t.StorageArray(s) == nil {
				r.add(DanglingName, h.PosOf(fmt.Sprintf("storage[%d]", i)), "host %s is attached to storage %q, which is not defined", h.Name, s)
			}
		}
	}
	for _, e := range t.Endpoints {
		if e.VLAN != "" {
			r.vlanRefs(e.Source, "vlan", []string{e.VLAN})
		}
	}
	for _, c := range t.Clusters {
		if c.VMotionVLAN != "" {
			r.vlanRefs(c.Source, "vmotion_vlan", []string{c.VMotionVLAN})
		}
	}
}

func (r *reporter) unique(seen map[string]topology.Pos, kind, name string, p topology.Pos) {
	if name == "" {
		r.add(DanglingName, p, "%s without a name", kind)
		return
	}
	if first, ok := seen[name]; ok {
		r.add(DuplicateName, p, "%s name %q is already used at %s", kind, name, first)
		return
	}
	seen[name] = p
}

func (r *reporter) vlanRefs(src topology.Source, key string, vlans []string) {
	for i, v := range vlans {
		if r.t.VLAN(v) == nil {
			p := src.PosOf(fmt.Sprintf("%s[%d]", key, i))
			if key == "vlan" || key == "vmotion_vlan" {
				p = src.PosOf(key)
			}
			r.add(DanglingName, p, "VLAN %q is not defined in topology.vlans", v)
		}
	}
}

// ports checks that both ends of every cable exist and that no port takes two cables.
func (r *reporter) ports() {
	used := map[topology.PortRef]*topology.Link{}
	for _, l := range r.t.Links {
		for i, p := range []topology.PortRef{l.A, l.B} {
			if p == (topology.PortRef{}) {
				end := [...]string{"a", "b"}[i]
				r.add(BadPort, l.PosOf(end), "link %s has no %s: end (write %s: \"device:port\")", l.Name, end, end)
				continue
			}
			if !r.portExists(l, p) {
				continue
			}
			if m := r.t.Module(p.Device); m != nil && strings.HasPrefix(p.Port, "bay") {
				continue // two blades in one bay are reported as bay-occupied
			}
			if first, ok := used[p]; ok {
				r.add(PortReused, l.Pos, "port %s is already cabled by %s (%s)", p, first.Name, first.Pos)
				continue
			}
			used[p] = l
		}
	}
	for _, h := range r.t.Hosts {
		connected := false
		for _, n := range h.NICs {
			if r.t.LinkAt(topology.PortRef{Device: h.Name, Port: n.Name}) != nil {
				connected = true
			} else if !h.InEnclosure() {
				r.add(NICUnconnected, n.Pos, "NIC %s has no cable (no connect: and no link)", n.FullName())
			}
		}
		if !connected {
			r.add(HostIsolated, h.PosOf("name"), "host %s has no connected NIC", h.Name)
		}
	}
}

// portExists reports whether a link end names a real port, and says why not.
func (r *reporter) portExists(l *topology.Link, p topology.PortRef) bool {
	t := r.t
	bad := func(format string, args ...any) bool {
		r.add(BadPort, l.Pos, "%s: %s", p, fmt.Sprintf(format, args...))
		return false
	}
	switch d := t.Device(p.Device).(type) {
	case *topology.Switch:
		k, err := strconv.Atoi(p.Port)
		if err != nil || k < 1 || k > d.Ports {
			return bad("switch %s has ports 1..%d", d.Name, d.Ports)
		}
	case *topology.Module:
		e := t.Enclosure(d.Enclosure)
		bays := 0
		if e != nil {
			bays = e.Bays
		}
		prefix, limit := "", 0
		switch {
		case strings.HasPrefix(p.Port, "bay"):
			prefix, limit = "bay", bays
		case strings.HasPrefix(p.Port, "up") && d.Kind == topology.SwitchModule:
			prefix, limit = "up", d.Uplinks
		case strings.HasPrefix(p.Port, "ext") && d.Kind == topology.PassThrough:
			prefix, limit = "ext", bays
		default:
			if d.Kind == topology.PassThrough {
				return bad("pass-through module ports are bay1..bay%d and ext1..ext%d", bays, bays)
			}
			return bad("switch module ports are bay1..bay%d and up1..up%d", bays, d.Uplinks)
		}
		k, err := strconv.Atoi(strings.TrimPrefix(p.Port, prefix))
		if err != nil || k < 1 || k > limit {
			return bad("module %s has %s1..%s%d", d.Name, prefix, prefix, limit)
		}
	case *topology.Host:
		if d.NIC(p.Port) == nil {
			return bad("host %s has no NIC %q", d.Name, p.Port)
		}
	case *topology.Endpoint:
	case *topology.Storage:
		if d.Port(p.Port) == nil {
			return bad("storage %s has no port %q", d.Name, p.Port)
		}
	case nil:
		r.add(DanglingName, l.Pos, "%s: no switch, module, host or endpoint is named %q", p, p.Device)
		return false
	default:
		return bad("%q is not something a cable plugs into", p.Device)
	}
	return true
}

// enclosures checks bays, blade wiring, power supplies and module uplinks.
func (r *reporter) enclosures() {
	t := r.t
	occupied := map[string]map[int]string{}
	for _, h := range t.Hosts {
		if !h.InEnclosure() {
			if h.Kind == topology.Blade {
				r.add(BayMissing, h.PosOf("kind"), "blade %s has no enclosure: (and bay:)", h.Name)
			}
			continue
		}
		e := t.Enclosure(h.Enclosure)
		if e == nil {
			r.add(DanglingName, h.PosOf("enclosure"), "enclosure %q of blade %s is not defined", h.Enclosure, h.Name)
			continue
		}
		if h.Bay < 1 || h.Bay > e.Bays {
			r.add(BayMissing, h.PosOf("bay"), "blade %s is in bay %d, but enclosure %s has bays 1..%d", h.Name, h.Bay, e.Name, e.Bays)
		} else {
			if occupied[e.Name] == nil {
				occupied[e.Name] = map[int]string{}
			}
			if other, ok := occupied[e.Name][h.Bay]; ok {
				r.add(BayOccupied, h.PosOf("bay"), "bay %d of %s already holds %s", h.Bay, e.Name, other)
			} else {
				occupied[e.Name][h.Bay] = h.Name
			}
		}
		for k, n := range h.NICs {
			if n.Connect != (topology.PortRef{}) {
				r.add(BladeWiring, n.PosOf("connect"), "blade NIC %s cannot be cabled to %s: NIC %d is wired to module %d of %s",
					n.FullName(), n.Connect, k+1, k+1, e.Name)
			} else if k >= len(e.Modules) {
				r.add(BladeWiring, n.Pos, "blade NIC %s is NIC %d, but enclosure %s has only %d interconnect module(s)",
					n.FullName(), k+1, e.Name, len(e.Modules))
			}
		}
	}
	for _, e := range t.Enclosures {
		if e.PowerSupplies <= 1 {
			r.add(SinglePSU, e.PosOf("power_supplies"), "enclosure %s has %d power supply", e.Name, e.PowerSupplies)
		}
		for _, m := range e.Modules {
			r.moduleUplinks(e, m)
		}
	}
}

func (r *reporter) moduleUplinks(e *topology.Enclosure, m *topology.Module) {
	t := r.t
	if m.Kind == topology.SwitchModule {
		if m.Uplinks < 1 {
			r.add(ModuleNoUplinks, m.PosOf("kind"), "switch module %s has no uplinks", m.Name)
			return
		}
		for k := 1; k <= m.Uplinks; k++ {
			if t.LinkAt(topology.PortRef{Device: m.Name, Port: fmt.Sprintf("up%d", k)}) != nil {
				return
			}
		}
		r.add(ModuleUplinkUnused, m.PosOf("name"), "none of the %d uplinks of switch module %s is cabled", m.Uplinks, m.Name)
		return
	}
	for _, h := range t.Blades(e.Name) {
		if m.Slot > len(h.NICs) || h.Bay < 1 || h.Bay > e.Bays {
			continue
		}
		if t.LinkAt(topology.PortRef{Device: m.Name, Port: fmt.Sprintf("ext%d", h.Bay)}) == nil {
			r.add(ModuleUplinkUnused, m.PosOf("name"), "pass-through %s: port ext%d of blade %s (NIC %s) has no cable",
				m.Name, h.Bay, h.Name, h.NICs[m.Slot-1].Name)
		}
	}
}
