package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
	"dctwin/twin"
)

// The details pane says everything about the selected component that a learner asks
// next: its state, its team and each member with the timers that will fire, its MAC
// table, the VMs on it, the flows and calls through it.

// Details is the details pane.
type Details struct {
	sh     *shared
	w, h   int
	scroll scroller
	keys   keyMap
	shown  string // the selection the scroll position belongs to
	footer string
}

// NewDetails returns the details pane.
func NewDetails(sh *shared) *Details { return &Details{sh: sh, keys: newKeyMap()} }

// Update scrolls the details when the pane has the focus.
func (d *Details) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		d.scroll.key(k, d.keys, d.h)
	}
	return nil
}

// SetSize sets the size inside the border.
func (d *Details) SetSize(w, h int) { d.w, d.h = w, h }

// Title names the selection.
func (d *Details) Title() string {
	n := d.sh.selected()
	if n == nil || n.kind == groupNode {
		return "Details"
	}
	return n.name + "  " + kindName(n.kind)
}

// View renders the selection's details, scrolled.
func (d *Details) View() string {
	if n := d.sh.selected(); n == nil || n.name != d.shown {
		d.scroll.off = 0 // a new selection starts at its top
		if n != nil {
			d.shown = n.name
		}
	}
	v, footer := d.scroll.window(d.content(), d.h)
	d.footer = footer
	return v
}

// Footer says what the pane's window leaves out.
func (d *Details) Footer() string { return d.footer }

// content is all of the selection's details.
func (d *Details) content() string {
	n := d.sh.selected()
	snap := d.sh.snap()
	if n == nil || snap == nil {
		return d.sh.styles.Dim.Render("select a component in the tree")
	}
	if n.kind == groupNode {
		return d.sh.styles.Dim.Render(fmt.Sprintf("%d items: enter unfolds, ↓ selects one", len(n.children)))
	}
	var l lines
	st := d.sh.styles
	state := d.sh.stateOf(snap, n)
	l.add("state", st.glyph(state)+" "+string(state)+d.sh.since(n.name))
	switch n.kind {
	case hostNode:
		d.host(&l, n.name)
	case switchNode, moduleNode:
		d.bridge(&l, n.name)
	case portNode, nicNode:
		d.port(&l, n.name)
	case linkNode:
		d.link(&l, n.name)
	case gatewayNode:
		d.gateway(&l, n.name)
	case flowNode:
		d.flow(&l, n.name)
	case endpointNode:
		if e := d.sh.topo.Endpoint(n.name); e != nil {
			l.add("cabled", fmt.Sprintf("%s:%s  vlan %s", e.Connect.Device, e.Connect.Port, e.VLAN))
		}
		d.flowsOf(&l, n.name)
		d.callsOf(&l, n.name)
	case vmNode:
		if v := d.sh.topo.VM(n.name); v != nil {
			if vs, ok := snap.VM(n.name); ok {
				l.add("vm", fmt.Sprintf("%s on %s since %.3f s", vs.State, vs.Host, vs.Since.Seconds()))
			} else {
				l.add("host", v.Host)
			}
			l.add("size", fmt.Sprintf("%d vCPU  %.0f GB", v.CPU, v.RAMGB))
			l.add("disk", v.Disk)
			if sec, ok := snap.FTSecondaries[n.name]; ok {
				if sec == "" {
					sec = "none now: the VM is not protected"
				} else {
					sec = "secondary on " + sec
				}
				l.add("FT", sec)
			}
			l.add("", st.Dim.Render("a VM runs on its host's virtual switch; HA restarts it elsewhere when its host fails; m migrates it live"))
		}
		d.flowsOf(&l, n.name)
	case clusterNode:
		if c := d.sh.topo.Cluster(n.name); c != nil {
			l.add("hosts", strings.Join(c.Hosts, " "))
			if c.HA.Enabled {
				l.add("HA", fmt.Sprintf("heartbeats every %v, dead after %v (+3 s with datastore heartbeats: %v)",
					c.HA.Heartbeat, c.HA.FailureDetection, c.HA.DatastoreHeartbeats))
				if m, ok := snap.HAMasters[c.Name]; ok {
					if m == "" {
						m = "none: an election is under way"
					}
					l.add("HA master", m)
				}
			}
			if c.DRS.Enabled {
				l.add("DRS", fmt.Sprintf("%s automated, threshold %d, every %v", c.DRS.Automation, c.DRS.Threshold, c.DRS.Interval))
			}
			if c.DPM.Enabled {
				l.add("DPM", fmt.Sprintf("hosts kept at %.0f ± %.0f %% utilisation", c.DPM.TargetUtilization, c.DPM.Tolerance))
			}
			l.add("", st.Dim.Render("HA, FT and vMotion run (m on a VM migrates it, m on a host: maintenance); DRS and DPM act on the VMs' demand (none declared: they stay idle)"))
		}
	case storageNode:
		d.storageDetails(&l, snap, n.name)
	case enclosureNode:
		if e := d.sh.topo.Enclosure(n.name); e != nil {
			var mods []string
			for _, m := range e.Modules {
				mods = append(mods, fmt.Sprintf("%s %s", st.glyph(d.sh.stateOf(snap, &node{name: m.Name})), m.Name))
			}
			l.add("modules", strings.Join(mods, "  "))
			l.add("power", fmt.Sprintf("%d supplies: %s", e.PowerSupplies, strings.Join(e.PSUNames(), " ")))
			l.add("blades", fmt.Sprint(len(d.sh.topo.Blades(e.Name))))
		}
	case psuNode:
		l.add("", st.Dim.Render("the enclosure loses power when all its supplies fail"))
	}
	if kinds := d.sh.failureKinds(n.name); len(kinds) > 0 && n.kind != flowNode {
		var ks []string
		for _, k := range kinds {
			ks = append(ks, string(k))
		}
		l.add("can fail", strings.Join(ks, ", ")+st.Dim.Render("   (f fails, r repairs)"))
	}
	return l.String()
}

// host shows a host's team with its members and timers, its VMs, flows and calls.
func (d *Details) host(l *lines, name string) {
	st := d.sh.styles
	snap := d.sh.snap()
	h := d.sh.topo.Host(name)
	if h != nil {
		kind := string(h.Kind)
		if h.Role != "" {
			kind += ", " + h.Role
		}
		l.add("host", kind)
	}
	if slices.Contains(snap.Booting, name) {
		l.add("booting", "after its power returned")
	}
	if ti := d.sh.frame.Inspect.Team; ti != nil && d.sh.frame.Inspect.Device == name {
		l.add("team", ti.Mode+" ("+ti.Flavour+" flavour)")
		det := ti.Detection
		switch ti.Detection {
		case "miimon":
			det += " every " + fmtDur(ti.MIIMon)
			if ti.UpDelay > 0 || ti.DownDelay > 0 {
				det += fmt.Sprintf(", updelay %s, downdelay %s", fmtDurZero(ti.UpDelay), fmtDurZero(ti.DownDelay))
			}
		case "heartbeat":
			det += fmt.Sprintf(" every %s to %s, down after %d missed", fmtDur(ti.HeartbeatInterval), ti.HeartbeatTarget, ti.HeartbeatMissed)
		}
		l.add("detection", det)
		for _, m := range ti.Members {
			s := snap.State(m.Port)
			peer := ""
			if i, ok := snap.Layout.Port[m.Port]; ok && snap.Layout.Ports[i].Peer >= 0 {
				peer = "→ " + snap.Layout.Ports[snap.Layout.Ports[i].Peer].Name
			}
			line := fmt.Sprintf("%s %-8s %-8s %s", st.glyph(s), localPort(m.Port), s, peer)
			for _, p := range m.Pending {
				line += st.Warn.Render(fmt.Sprintf("  %s at %s", p.What, fmtAt(p.At)))
			}
			l.add("", "  "+line)
		}
		switch {
		case ti.NextPoll > 0:
			l.add("next poll", fmtAt(ti.NextPoll)+" (miimon)")
		case ti.NextHeartbeat > 0:
			l.add("next probe", fmtAt(ti.NextHeartbeat)+" (heartbeat round)")
		}
	}
	d.hostVMs(l, name)
	d.flowsOf(l, name)
	d.callsOf(l, name)
}

// hostVMs lists the VMs on a host now (an HA restart or a move brings VMs that the
// scenario placed elsewhere), each with its state, and the scenario's VMs that are
// elsewhere now.
func (d *Details) hostVMs(l *lines, name string) {
	st := d.sh.styles
	snap := d.sh.snap()
	var here, away []string
	for _, v := range snap.VMs {
		if v.Host == name {
			here = append(here, fmt.Sprintf("%s %s %s", st.glyph(snap.State(v.VM)), v.VM, v.State))
		}
	}
	for _, v := range d.sh.vmsOn[name] {
		if vs, ok := snap.VM(v); ok && vs.Host != name {
			away = append(away, fmt.Sprintf("%s on %s", v, vs.Host))
		}
	}
	if len(here) == 0 && len(snap.VMs) == 0 {
		here = d.sh.vmsOn[name] // a snapshot without VM states
	}
	if len(here) > 0 {
		l.add("VMs", strings.Join(here, "  "))
	}
	if len(away) > 0 {
		l.add("moved away", strings.Join(away, "  "))
	}
}

// bridge shows a switch's spanning-tree position, ports and MAC table.
func (d *Details) bridge(l *lines, name string) {
	st := d.sh.styles
	snap := d.sh.snap()
	if s := d.sh.topo.Switch(name); s != nil {
		stp := string(s.SpanningTree)
		if stp == "" {
			stp = "rstp"
		}
		l.add("switch", fmt.Sprintf("L%d  %s  MAC aging %s", s.Layer, stp, fmtDur(sim.Time(s.MACAging))))
	}
	if i, ok := snap.Layout.Device[name]; ok {
		counts := map[twin.ComponentState]int{}
		for _, p := range snap.Layout.Devices[i].Ports {
			if snap.Layout.Ports[p].Link >= 0 {
				counts[snap.State(snap.Layout.Ports[p].Name)]++
			}
		}
		var parts []string
		for _, s := range []twin.ComponentState{twin.StateUp, twin.StateBlocked, twin.StateNoLink, twin.StateFailed, twin.StateDisabled, twin.StateOff} {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d %s", st.glyph(s), counts[s], s))
			}
		}
		l.add("ports", strings.Join(parts, "  "))
		// Each cabled port with its state, as the switch's front panel would show it.
		var each []string
		for _, p := range snap.Layout.Devices[i].Ports {
			if snap.Layout.Ports[p].Link >= 0 {
				name := snap.Layout.Ports[p].Name
				each = append(each, st.glyph(snap.State(name))+" "+localPort(name))
			}
		}
		for _, line := range wrapJoin(each, "  ", max(20, d.w-12), "") {
			l.add("", line)
		}
		for _, g := range snap.Network.Gateways {
			if g.Master == i {
				l.add("gateway", "master of "+g.Name)
			}
		}
	}
	d.flowsThrough(l, name)
	bi := d.sh.frame.Inspect.Bridge
	if bi == nil || d.sh.frame.Inspect.Device != name {
		return
	}
	if bi.Root == bi.Name {
		l.add("STP", "root bridge")
	} else if bi.Root != "" {
		l.add("STP", fmt.Sprintf("root %s via %s", bi.Root, bi.RootPort))
	}
	if bi.Name != name {
		l.add("MAC table", fmt.Sprintf("shared by cluster %s", bi.Name))
	}
	l.add("MAC table", fmt.Sprintf("%d learned, aging %s", bi.Total, fmtDur(bi.Aging)))
	for _, e := range bi.Entries {
		when := "in use"
		if !e.InUse {
			when = "ages out at " + fmtAt(e.Expires)
		}
		mac := e.MAC
		if e.VLAN != "" && e.VLAN != "1" {
			mac += "@" + e.VLAN // one entry per MAC and VLAN
		}
		l.add("", fmt.Sprintf("  %-14s %-14s %s", mac, e.Port, st.Dim.Render(when)))
	}
}

// port shows a port or NIC: its link, peer and spanning-tree role.
func (d *Details) port(l *lines, name string) {
	snap := d.sh.snap()
	i, ok := snap.Layout.Port[name]
	if !ok {
		return
	}
	pi, ps := snap.Layout.Ports[i], snap.Network.Ports[i]
	if pi.Link >= 0 {
		l.add("link", snap.Layout.Links[pi.Link].Name)
		l.add("peer", snap.Layout.Ports[pi.Peer].Name)
		ls := snap.Network.Links[pi.Link]
		end := 0
		if snap.Layout.Links[pi.Link].Ends[1] == i {
			end = 1
		}
		l.add("load", fmt.Sprintf("out %s  in %s", fmtRate(ls.Load[end]), fmtRate(ls.Load[1-end])))
	}
	carrier := "up"
	if !ps.Carrier {
		carrier = "down"
	}
	l.add("carrier", carrier)
	if snap.Layout.Devices[pi.Device].Kind == network.SwitchDevice {
		role := ps.Role.String() + ", " + ps.State.String()
		if ps.Edge {
			role += " (edge/PortFast)"
		}
		l.add("STP", role)
	}
}

// link shows a cable and each direction.
func (d *Details) link(l *lines, name string) {
	snap := d.sh.snap()
	i, ok := snap.Layout.Link[name]
	if !ok {
		return
	}
	li, ls := snap.Layout.Links[i], snap.Network.Links[i]
	for end := range 2 {
		from, to := snap.Layout.Ports[li.Ends[end]].Name, snap.Layout.Ports[li.Ends[1-end]].Name
		state := "carries " + fmtRate(ls.Load[end])
		if ls.Cut[end] {
			state = "cut"
		}
		l.add("", fmt.Sprintf("%s → %s  %s", from, to, state))
	}
}

// gateway shows a first-hop gateway's master.
func (d *Details) gateway(l *lines, name string) {
	snap := d.sh.snap()
	var g *topology.Gateway
	for _, x := range d.sh.topo.Gateways {
		if x.Name == name {
			g = x
		}
	}
	if g != nil {
		proto := g.Protocol
		if proto == "" {
			proto = "vrrp"
		}
		l.add("gateway", fmt.Sprintf("%s for vlan %s, routers %s", proto, g.VLAN, strings.Join(g.Routers, " ")))
	}
	for _, gs := range snap.Network.Gateways {
		if gs.Name == name {
			if gs.Master < 0 {
				l.add("master", "none: the gateway is down")
			} else {
				l.add("master", snap.Layout.Devices[gs.Master].Name)
			}
		}
	}
}

// flow shows a flow's state and path in a line; the path pane has it hop by hop.
func (d *Details) flow(l *lines, name string) {
	snap := d.sh.snap()
	f, ok := snap.Flow(name)
	if !ok {
		return
	}
	if e, ok := d.sh.flowEnds[name]; ok {
		l.add("ends", e[0]+" ↔ "+e[1])
	}
	if f.Delivering {
		l.add("delay", fmtDelay(f.Delay)+" one way")
		l.add("hops", fmt.Sprintf("%d  (p shows the path)", len(f.Path)))
	} else {
		l.add("down", f.Reason)
	}
}

// flowsOf lists the flows that start or end at a node (or a VM on it).
func (d *Details) flowsOf(l *lines, name string) {
	snap := d.sh.snap()
	var parts []string
	for _, f := range d.sh.flowsAt(name) {
		fs, ok := snap.Flow(f)
		if !ok {
			continue
		}
		s := twin.StateUp
		note := fmtDelay(fs.Delay)
		if !fs.Delivering {
			s, note = twin.StateFailed, "down"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", f, d.sh.styles.glyph(s), note))
	}
	if len(parts) > 0 {
		for i, line := range wrapJoin(parts, "   ", max(20, d.w-12), "") {
			k := "flows"
			if i > 0 {
				k = ""
			}
			l.add(k, line)
		}
	}
}

// maxThrough bounds the flows searched for those crossing a switch, so that the pane
// costs the same on a fabric of 20,000 flows.
const maxThrough = 4000

// flowsThrough lists the flows whose current path crosses a device.
func (d *Details) flowsThrough(l *lines, name string) {
	snap := d.sh.snap()
	dev, ok := snap.Layout.Device[name]
	if !ok {
		return
	}
	var parts []string
	n := 0
	for i, f := range snap.Network.Flows {
		if i >= maxThrough {
			parts = append(parts, fmt.Sprintf("(first %d flows searched)", maxThrough))
			break
		}
		if _, ok := d.sh.flowEnds[f.Name]; !ok || !f.Delivering {
			continue
		}
		for _, h := range f.Path {
			link := snap.Layout.Links[h.Link]
			if snap.Layout.Ports[link.Ends[1-h.From]].Device == dev {
				n++
				if len(parts) < 6 {
					parts = append(parts, f.Name)
				}
				break
			}
		}
	}
	if n == 0 {
		return
	}
	text := fmt.Sprintf("%d: %s", n, strings.Join(parts, " "))
	if n > 6 {
		text += " …"
	}
	l.add("flows via", text)
}

// callsOf counts the calls in progress at a node, with their MOS.
func (d *Details) callsOf(l *lines, name string) {
	snap := d.sh.snap()
	n, rated, sum := 0, 0, 0.0
	for _, c := range snap.Calls {
		if c.From == name || c.To == name {
			n++
			if c.MOS > 0 { // rated once its first interval has passed
				rated++
				sum += c.MOS
			}
		}
	}
	switch {
	case rated > 0:
		l.add("calls", fmt.Sprintf("%d active  mean MOS %.2f", n, sum/float64(rated)))
	case n > 0:
		l.add("calls", fmt.Sprintf("%d active  (not rated yet)", n))
	}
}

// since says how long a failed component has been down.
func (sh *shared) since(name string) string {
	snap := sh.snap()
	for _, f := range snap.Failures {
		if f.Component == name {
			return fmt.Sprintf("  %s failure since %s", f.Kind, fmtAt(f.At))
		}
	}
	return ""
}

// lines builds "key  value" rows with aligned keys.
type lines struct{ rows [][2]string }

func (l *lines) add(k, v string) { l.rows = append(l.rows, [2]string{k, v}) }

func (l *lines) String() string {
	var b strings.Builder
	for i, r := range l.rows {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%-10s %s", r[0], r[1])
	}
	return b.String()
}

func kindName(k nodeKind) string {
	return [...]string{"", "switch", "port", "enclosure", "module", "power supply", "host", "NIC", "VM",
		"cluster", "storage", "endpoint", "gateway", "link", "flow"}[k]
}

// fmtRate prints a load in bits per second.
func fmtRate(bps float64) string {
	switch {
	case bps >= 1e9:
		return fmt.Sprintf("%.2f Gb/s", bps/1e9)
	case bps >= 1e6:
		return fmt.Sprintf("%.2f Mb/s", bps/1e6)
	case bps >= 1e3:
		return fmt.Sprintf("%.0f kb/s", bps/1e3)
	}
	return fmt.Sprintf("%.0f b/s", bps)
}
