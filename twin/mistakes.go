package twin

import (
	"fmt"
	"sort"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/check"
	"dctwin/topology/network"
)

// A forced run (--force) runs a scenario despite its errors to show what they cost.
// The report then lists every error and warning check found, each with what the run
// measured for the component it concerns — how long it was cut off, its flows' outages,
// MAC flapping of its address, team members left idle, what the run left out — or,
// when the run measured nothing, one line saying why (most mistakes cost only when
// something fails, some concern what is not simulated yet).

// Mistake is one finding of a forced run with its cost in the run.
type Mistake struct {
	Pos      string `json:"pos"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	// Subject is the component the finding was written at ("host legacy-fax").
	Subject string `json:"subject,omitempty"`
	// Cost lists what the run measured for the subject; NoCost says why there is
	// nothing to measure when Cost is empty.
	Cost   []string `json:"cost,omitempty"`
	NoCost string   `json:"no_cost,omitempty"`
}

// subject is a component of the scenario: what kind of item, and its name.
type subject struct{ kind, name string }

func (s subject) String() string { return s.kind + " " + s.name }

// subjects maps the positions where the scenario wrote each item and each of its keys
// to the item, so that a finding (reported at an item or at one of its keys) names the
// component it concerns. Inner items (NICs, teams, port groups, modules) stand for
// their host or module.
func subjects(t *topology.Topology) map[topology.Pos]subject {
	at := map[topology.Pos]subject{}
	add := func(src topology.Source, s subject) {
		if _, ok := at[src.Pos]; !ok && src.Pos.Line > 0 {
			at[src.Pos] = s
		}
		for _, f := range src.Fields {
			if _, ok := at[f.Pos]; !ok {
				at[f.Pos] = s
			}
		}
	}
	for _, h := range t.Hosts {
		s := subject{"host", h.Name}
		for _, n := range h.NICs {
			add(n.Source, s)
		}
		for _, tm := range h.Teams {
			add(tm.Source, s)
		}
		for _, pg := range h.PortGroups {
			add(pg.Source, s)
		}
		add(h.Source, s)
	}
	for _, e := range t.Enclosures {
		for _, m := range e.Modules {
			add(m.Source, subject{"module", m.Name})
		}
		add(e.Source, subject{"enclosure", e.Name})
	}
	for _, v := range t.VMs {
		add(v.Source, subject{"vm", v.Name})
	}
	for _, e := range t.Endpoints {
		add(e.Source, subject{"endpoint", e.Name})
	}
	for _, s := range t.Switches {
		add(s.Source, subject{"switch", s.Name})
	}
	for _, l := range t.Links {
		if !l.Implicit {
			add(l.Source, subject{"link", l.Name})
		}
	}
	for _, g := range t.Gateways {
		add(g.Source, subject{"gateway", g.Name})
	}
	for _, c := range t.Clusters {
		add(c.Source, subject{"cluster", c.Name})
	}
	for _, c := range t.VMClusters {
		add(c.Source, subject{"vm-cluster", c.Name})
	}
	return at
}

// How a kind of finding can cost something in a run, which says what to measure.
type costWay int

const (
	costsNow         costWay = iota // at once, for the whole run: the subject is cut off, its flows fail
	costsOnFailure                  // only when something fails: what the run's failures did to the subject
	costsSplit                      // a team across switches that do not aggregate it: flapping, idle members
	costsNothing                    // concerns what is not simulated, or the build: the reason says
	costsOnVMFailure                // only when the VM itself goes down: how long it stayed down
)

// costWays says how each kind of finding costs; kinds not listed cost at once.
var costWays = map[check.Kind]costWay{
	check.TeamOneMember:      costsOnFailure,
	check.TeamSpeedMismatch:  costsOnFailure,
	check.UpdelayBelowSTP:    costsOnFailure,
	check.HeartbeatTooSlow:   costsOnFailure,
	check.BeaconTwoNICs:      costsOnFailure,
	check.LACPWithHeartbeat:  costsOnFailure,
	check.UplinkInvisible:    costsOnFailure,
	check.NoGratuitousARP:    costsOnFailure,
	check.SinglePSU:          costsOnFailure,
	check.GatewayOneSwitch:   costsOnFailure,
	check.TeamSplitAggregate: costsSplit,
	check.LocalDiskInCluster: costsOnVMFailure,
	check.FTWithoutShared:    costsOnVMFailure,
	check.HATooFewHosts:      costsNothing,
	check.HAAdmission:        costsNothing,
	check.FTNotEnabled:       costsOnVMFailure,
	check.FTNoLogging:        costsNothing,
	check.StorageNotAttached: costsNothing,
	check.ClusterNetworks:    costsNothing,
	check.ClusterStorage:     costsNothing,
	check.DuplicateName:      costsNothing,
	check.FailureUnknown:     costsNothing,
	check.FailureAfterEnd:    costsNothing,
	check.ModuleUplinkUnused: costsNothing,
	check.VMPortGroupMissing: costsNothing,
	check.IPHashUnbundled:    costsNothing,
	check.VMClusterOneHost:   costsOnFailure,
}

// noCost says, per kind of finding, why it cost nothing in a run that measured nothing
// for it: the condition under which it does cost.
var noCost = map[check.Kind]string{
	check.TeamOneMember:      "no failure hit the host in this run; a failure of its NIC, cable or switch port cuts it off until the repair",
	check.TeamSpeedMismatch:  "no failure hit the team in this run; after a failover it runs at the slower member's speed",
	check.TeamNoL2Path:       "the team did not fail over in this run; after a failover to the other member the server is cut off from what is on the first member's side",
	check.TeamVLANMismatch:   "the member in the other VLAN carried nothing in this run; it costs when the team uses it",
	check.UpdelayBelowSTP:    "no failure hit the team in this run; a member that comes back is used while its switch port still listens and learns (2 x forward delay)",
	check.HeartbeatTooSlow:   "no failure hit the team in this run; when one does, the heartbeats notice it only after HA has declared the host dead",
	check.BeaconTwoNICs:      "no failure hit the team in this run; with two NICs the heartbeats cannot tell which one lost its path",
	check.LACPWithHeartbeat:  "no failure hit the team in this run; the heartbeats only add their timers to LACP's",
	check.UplinkInvisible:    "no failure hit the blade in this run; when all the module's uplinks fail, the team keeps sending into the dead module",
	check.NoGratuitousARP:    "no failure hit the team in this run; after a switchover the switches keep the old port until the server sends",
	check.SinglePSU:          "the power supply did not fail in this run; its failure takes the enclosure with it",
	check.GatewayOneSwitch:   "the switch did not fail in this run; its failure takes the VLAN's gateway with it",
	check.TeamSplitAggregate: "nothing measured for it in this run",
	check.LocalDiskInCluster: "its host did not fail in this run; HA does not restart a VM on a local disk (as restart priority disabled) and FT gives it no secondary, which a host failure's VM lines show",
	check.FTWithoutShared:    "its host did not fail in this run; FT gives a VM on a local disk no secondary, which a failure of its host shows",
	check.HATooFewHosts:      "HA restarts a VM wherever its memory and vCPUs fit; a host failure's VM lines show restarts that found no room",
	check.HAAdmission:        "admission control refuses power-ons, not HA's restarts; a VM powered on in the cluster (one starting with its host) is refused with the policy's reason",
	check.FTNoLogging:        "the FT logging runs over the management network in this run; a failure that cuts it leaves the FT VMs unprotected, which the trace's FT records show",
	check.FTNotEnabled:       "its host did not fail in this run; the VM has no FT secondary (its cluster does not enable FT), so when its host fails it is down until HA restarts it",
	check.StorageNotAttached: "not itemized per finding: the VM's host has no path to its datastore, so the VM stalls from the start (the service view shows it cut off)",
	check.ClusterNetworks:    "no VM was restarted or migrated onto a host without its networks in this run (a migration there is refused; an HA restart there leaves the VM cut off, which its VM line shows)",
	check.ClusterStorage:     "no VM had to restart in this run; HA restarts and migrations go only to a host that reaches the VM's datastore, which a host failure's VM lines show",
	check.DuplicateName:      "the run uses the first item of that name (where the finding points to the other); nothing measured for the second",
	check.ModuleUplinkUnused: "an unused uplink adds no bandwidth and no redundancy; nothing measured for it",
	check.FailureAfterEnd:    "the failure is scheduled after the run ends",
	check.VMPortGroupMissing: "not itemized per finding: a VM that HA restarts or FT moves onto a host without its port group says so in the failure's VM line (cut off there)",
	check.VMClusterOneHost:   "the pair's host did not fail in this run; when it does, both VMs go and the service with them",
	check.IPHashUnbundled:    "not measured per finding: the VMs' MACs flapping between the uplinks' switch ports are MACFlapping alarms in the trace",
}

// mistakes lists the errors and warnings of a forced run with their cost.
func (tw *Twin) mistakes(r *Report) []Mistake {
	if len(tw.findings) == 0 {
		return nil
	}
	at := subjects(tw.Topology)
	var out []Mistake
	for _, f := range tw.findings {
		m := Mistake{Pos: f.Pos.String(), Kind: string(f.Kind), Severity: f.Severity.String(), Message: f.Message}
		s, ok := at[f.Pos]
		if ok {
			m.Subject = s.String()
		}
		way := costWays[f.Kind]
		switch {
		case !ok || way == costsNothing:
		case way == costsNow:
			m.Cost = tw.costOf(s, r)
		case tw.cutOffWholeRun(s, r):
			m.NoCost = fmt.Sprintf("not measurable in this run: %s is cut off for the whole run by another mistake", s.name)
		case way == costsOnFailure:
			m.Cost = failureCostOf(tw.nodesOf(s), tw.related(s), r)
		case way == costsOnVMFailure:
			m.Cost = vmFailureCostOf(s.name, r)
		case way == costsSplit:
			m.Cost = append(tw.flapsOf(s.name), tw.idleMembers(s.name)...)
			m.Cost = append(m.Cost, failureCostOf(tw.nodesOf(s), tw.related(s), r)...)
		}
		switch {
		case ok && s.kind == "vm-cluster" && !tw.pairRuns(s.name):
			m.Cost = append(m.Cost, fmt.Sprintf("left out of the run: VM cluster %s does not run, so no standby takes over when its active VM fails", s.name))
		case ok && s.kind == "vm-cluster":
			m.Cost = serviceCostOf(s.name, r)
			if len(m.Cost) == 0 {
				m.NoCost = fmt.Sprintf("no failure took VM cluster %s's service down in this run", s.name)
			}
		}
		for _, nb := range r.NotBuilt {
			if strings.HasPrefix(nb, m.Pos+":") || ok && mentions(nb, s.name) || mentionsQuoted(nb, f.Message) {
				m.Cost = append(m.Cost, "left out of the run: "+strings.TrimPrefix(nb, m.Pos+": "))
			}
		}
		if f.Kind == check.FailureUnknown || f.Kind == check.OperationMeaningless {
			for _, ni := range r.NotInjected {
				if strings.Contains(f.Message, quoteOrNot(ni)) {
					m.Cost = append(m.Cost, "did not happen: "+ni)
				}
			}
		}
		if len(m.Cost) == 0 && m.NoCost == "" {
			m.NoCost = noCost[f.Kind]
			if m.NoCost == "" {
				m.NoCost = "nothing measured for it in this run"
			}
		}
		out = append(out, m)
	}
	// Errors first, then by component: the order does not depend on where in the file
	// each item was written (a scenario written back by scenario.Write runs alike).
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity == "error"
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Message < b.Message
	})
	return out
}

// mentions reports whether a line names an item in quotes or as a word.
func mentions(line, name string) bool {
	return strings.Contains(line, `"`+name+`"`) || strings.Contains(line, " "+name+" ") || strings.Contains(line, " "+name+":")
}

// mentionsQuoted reports whether a line names something the message quotes ("hv-5").
func mentionsQuoted(line, message string) bool {
	parts := strings.Split(message, `"`)
	for i := 1; i < len(parts); i += 2 {
		if parts[i] != "" && strings.Contains(line, `"`+parts[i]+`"`) {
			return true
		}
	}
	return false
}

// quoteOrNot extracts the component a not-injected line is about ("30.000 s: switch of
// agg-01 (scheduled): ..." gives "agg-01").
func quoteOrNot(line string) string {
	_, rest, ok := strings.Cut(line, " of ")
	if !ok {
		return line
	}
	name, _, _ := strings.Cut(rest, " ")
	return name
}

// nodesOf lists the nodes whose traffic a component's mistake concerns: a host and its
// VMs, a VM, an endpoint; a module or enclosure's blades; a switch's hosts; a
// gateway's VLAN's hosts are too many to list, so none.
func (tw *Twin) nodesOf(s subject) []string {
	t := tw.Topology
	var nodes []string
	addHost := func(h string) {
		nodes = append(nodes, h)
		for _, v := range t.VMsOn(h) {
			nodes = append(nodes, v.Name)
		}
	}
	switch s.kind {
	case "host":
		addHost(s.name)
	case "vm", "endpoint":
		nodes = append(nodes, s.name)
	case "enclosure":
		for _, h := range t.Blades(s.name) {
			addHost(h.Name)
		}
	case "gateway":
		// The nodes whose first interface is in the gateway's VLAN: their default gateway.
		for _, g := range t.Gateways {
			if g.Name != s.name {
				continue
			}
			for _, h := range t.Hosts {
				if vs := hostVLANs(h); len(vs) > 0 && vs[0] == g.VLAN {
					nodes = append(nodes, h.Name)
				}
			}
			for _, v := range t.VMs {
				if vs := tw.vlans.vmVLANs[v.Name]; len(vs) > 0 && vs[0] == g.VLAN {
					nodes = append(nodes, v.Name)
				}
			}
			for _, e := range t.Endpoints {
				if e.VLAN == g.VLAN {
					nodes = append(nodes, e.Name)
				}
			}
		}
	case "link":
		// The servers and endpoints at its ends: a host's cable in the wrong VLAN costs
		// the host.
		for _, l := range t.Links {
			if l.Name != s.name {
				continue
			}
			for _, end := range []topology.PortRef{l.A, l.B} {
				switch {
				case t.Host(end.Device) != nil:
					addHost(end.Device)
				case t.Endpoint(end.Device) != nil:
					nodes = append(nodes, end.Device)
				}
			}
		}
	case "module":
		for _, e := range t.Enclosures {
			for _, m := range e.Modules {
				if m.Name == s.name {
					for _, h := range t.Blades(e.Name) {
						addHost(h.Name)
					}
				}
			}
		}
	}
	return nodes
}

// cutOffWholeRun reports whether a component's node is cut off for the whole run, so
// that nothing else can be measured for it.
func (tw *Twin) cutOffWholeRun(s subject, r *Report) bool {
	for _, sv := range r.Services {
		if sv.Node == s.name && sv.UnreachableMs >= 1000*r.DurationS {
			return true
		}
	}
	return false
}

// costOf collects what the run measured for a component's nodes: how long they were
// cut off and their flows' outages.
func (tw *Twin) costOf(s subject, r *Report) []string {
	var cost []string
	nodes := tw.nodesOf(s)
	for _, sv := range r.Services {
		for _, node := range nodes {
			if sv.Node == node && sv.UnreachableMs > 0 {
				cost = append(cost, fmt.Sprintf("%s cut off from its gateway for %s of %.0f s", node,
					fmtOffset(sim.Milliseconds(sv.UnreachableMs)), r.DurationS))
			}
		}
	}
	type down struct {
		n  int
		ms float64
	}
	flows := map[string]*down{}
	var order []string
	for _, fr := range r.Flows {
		for _, node := range nodes {
			if (fr.From == node || fr.To == node) && fr.Outages > 0 {
				d := flows[fr.Flow]
				if d == nil {
					d = &down{}
					flows[fr.Flow] = d
					order = append(order, fr.Flow)
				}
				d.n += fr.Outages
				d.ms = max(d.ms, fr.DownMs)
			}
		}
	}
	for _, fl := range order {
		cost = append(cost, fmt.Sprintf("flow %s: %d outages, down %s", fl, flows[fl].n, fmtOffset(sim.Milliseconds(flows[fl].ms))))
	}
	return cost
}

// failureCostOf lists what the run's failures of components related to a mistake's
// subject (related) did to its nodes: whom each cut off and for how long.
func failureCostOf(nodes []string, related map[string]bool, r *Report) []string {
	var cost []string
	for i, f := range r.Failures {
		if !related[f.Component] {
			continue
		}
		var cut []string
		for _, c := range f.CutOff {
			for _, node := range nodes {
				if c.Flow != node {
					continue
				}
				what := "for " + fmtOffset(sim.Milliseconds(ptrOr(c.OutageMs)))
				if c.OutageMs == nil {
					what = "until after the repair"
				}
				if c.AfterRepair {
					what += " again after the repair"
				}
				cut = append(cut, node+" "+what)
			}
		}
		line := fmt.Sprintf("failure %d (%s %s at %.3f s) ", i+1, f.Kind, f.Component, f.AtS)
		if len(cut) == 0 {
			line += "cut off none of the nodes it concerns"
		} else {
			line += "cut off " + strings.Join(cut, ", ")
		}
		cost = append(cost, line)
	}
	return cost
}

func ptrOr(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// related lists the components whose failure a mistake at s is about: a host's NICs,
// their cables, the switches and modules they reach and those modules' uplinks; a
// gateway's routers; an enclosure, its power supplies and modules; a module and its
// cables.
func (tw *Twin) related(s subject) map[string]bool {
	t := tw.Topology
	rel := map[string]bool{s.name: true}
	linksAt := func(dev string) {
		for _, l := range t.Links {
			if l.A.Device == dev || l.B.Device == dev {
				rel[l.Name] = true
			}
		}
	}
	switch s.kind {
	case "host", "vm":
		h := t.Host(s.name)
		if s.kind == "vm" {
			if v := t.VM(s.name); v != nil {
				h = t.Host(v.Host)
			}
		}
		if h == nil {
			break
		}
		rel[h.Name] = true
		for _, nic := range h.NICs {
			rel[nic.FullName()] = true
		}
		for _, l := range t.Links {
			for _, end := range [][2]topology.PortRef{{l.A, l.B}, {l.B, l.A}} {
				if end[0].Device != h.Name {
					continue
				}
				rel[l.Name] = true
				rel[end[1].Device] = true
				if t.Module(end[1].Device) != nil {
					linksAt(end[1].Device)
				}
			}
		}
		if e := t.Enclosure(h.Enclosure); e != nil {
			rel[e.Name] = true
			for _, p := range e.PSUNames() {
				rel[p] = true
			}
		}
	case "gateway":
		for _, g := range t.Gateways {
			if g.Name == s.name {
				for _, r := range g.Routers {
					rel[r] = true
				}
			}
		}
	case "enclosure":
		if e := t.Enclosure(s.name); e != nil {
			for _, p := range e.PSUNames() {
				rel[p] = true
			}
			for _, m := range e.Modules {
				rel[m.Name] = true
			}
		}
	case "module":
		linksAt(s.name)
	}
	return rel
}

// flapsOf reports the MAC flapping alarms the run raised for a host's MAC.
func (tw *Twin) flapsOf(host string) []string {
	at := tw.flapping[host]
	if len(at) == 0 {
		return nil
	}
	sws := make([]string, 0, len(at))
	total := 0
	for sw, k := range at {
		sws = append(sws, sw)
		total += k
	}
	sort.Strings(sws)
	return []string{fmt.Sprintf("its MAC flapped between two ports at %s (%d alarms): running traffic taught both", strings.Join(sws, ", "), total)}
}

// idleMembers lists the team members of a host that have link but carry nothing at the
// end of the run, and why.
func (tw *Twin) idleMembers(host string) []string {
	st := tw.Net.State(false)
	lay := tw.Net.Layout()
	var out []string
	for _, ts := range st.Teams {
		if lay.Devices[ts.Host].Name != host {
			continue
		}
		for _, m := range ts.Members {
			if m.LinkOK && !m.Up && m.LACPDown {
				out = append(out, fmt.Sprintf("%s idle at the end of the run: LACP put it in an aggregator with another partner switch than the active one", lay.Ports[m.Port].Name))
			}
		}
	}
	return out
}

// watchFlapping counts the MAC flapping alarms per MAC and switch, for the report.
func (tw *Twin) watchFlapping(r network.MACFlapping) {
	if tw.flapping == nil {
		tw.flapping = map[string]map[string]int{}
	}
	if tw.flapping[r.MAC] == nil {
		tw.flapping[r.MAC] = map[string]int{}
	}
	tw.flapping[r.MAC][r.Switch]++
}

// writeMistakes prints the forced run's findings with their cost.
func writeMistakes(b *strings.Builder, ms []Mistake) {
	if len(ms) == 0 {
		return
	}
	b.WriteString("\nWhat the configuration errors and warnings cost in this run:\n")
	for _, m := range ms {
		fmt.Fprintf(b, "  %s: %s: %s [%s]\n", m.Pos, m.Severity, m.Message, m.Kind)
		for _, c := range m.Cost {
			fmt.Fprintf(b, "      cost: %s\n", c)
		}
		if m.NoCost != "" {
			fmt.Fprintf(b, "      no cost: %s\n", m.NoCost)
		}
	}
}
