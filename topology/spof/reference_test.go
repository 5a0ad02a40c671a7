package spof_test

import (
	"encoding/json"
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/scenarios"
	"dctwin/topology"
	"dctwin/topology/spof"
	"dctwin/twin"
)

// reference is the analysis written the straightforward way — the network rebuilt for
// every failure and every item's reach set compared name by name — which is what
// Analyze computed before it was made fast enough for large data centers. The fast
// analysis must give the same results.
func reference(t *topology.Topology) []spof.Result {
	items := spof.Items(t)
	base := spof.Baseline(t, items)
	roles := map[string]int{}
	for _, it := range items {
		if it.Role != "" {
			roles[it.Role]++
		}
	}
	var out []spof.Result
	for _, class := range spof.Classes {
		for _, c := range t.ComponentsOf(class) {
			if r := referenceFail(t, c, items, base, roles); len(r.Impacts) > 0 {
				out = append(out, r)
			}
		}
	}
	return out
}

func referenceFail(t *topology.Topology, c topology.Component, items []spof.Item,
	base map[string]map[string]bool, roles map[string]int) spof.Result {
	o := topology.NewOutage()
	t.Fail(o, c)
	res := spof.Result{Component: c, Direct: []string{c.Name}}
	switch c.Class {
	case topology.ClassLink:
		for _, l := range t.Links {
			if l.Name == c.Name {
				res.Direct = append(res.Direct, l.A.Device, l.B.Device)
			}
		}
	case topology.ClassNIC:
		if p, err := topology.ParsePortRef(c.Name); err == nil {
			res.Direct = append(res.Direct, p.Device)
		}
	}
	var alive []string
	byName := map[string]spof.Item{}
	for _, it := range items {
		byName[it.Name] = it
		if !o.Devices[it.Name] {
			alive = append(alive, it.Name)
			continue
		}
		e := spof.DeathEffect(t, o, it)
		res.Impacts = append(res.Impacts, spof.Impact{Item: it, Effect: e,
			FailoverMs: float64(spof.FailoverTime(t, o, it, e)) / float64(time.Millisecond)})
	}
	weight := func(set map[string]bool) int {
		w := 0
		for n := range set {
			w += 2
			if byName[n].Kind != "endpoint" {
				w++
			}
		}
		return w
	}
	now := t.Network(o, topology.NetworkOptions{}).ReachSets(alive)
	var main map[string]bool
	best := -1
	for _, n := range alive {
		set := map[string]bool{n: true}
		for other := range now[n] {
			set[other] = true
		}
		if w := weight(set); w > best {
			best, main = w, set
		}
	}
	for _, n := range alive {
		if main[n] {
			continue
		}
		lost := map[string]bool{}
		for other := range base[n] {
			if !o.Devices[other] && !now[n][other] {
				lost[other] = true
			}
		}
		if len(lost) > 0 {
			res.Impacts = append(res.Impacts, spof.Impact{Item: byName[n], Effect: spof.Isolated,
				LosesContactWith: topology.SortedNames(lost)})
		}
	}
	hit, lost, degraded := map[string]int{}, map[string]bool{}, map[string]bool{}
	for _, im := range res.Impacts {
		if im.Item.Role != "" && im.Effect != spof.FTTakeover {
			hit[im.Item.Role]++
		}
	}
	for role, n := range hit {
		if n >= roles[role] {
			lost[role] = true
		} else {
			degraded[role] = true
		}
	}
	res.ServicesLost, res.ServicesDegraded = topology.SortedNames(lost), topology.SortedNames(degraded)
	return res
}

// same fails the test unless two analyses agree, Direct included.
func same(t *testing.T, what string, got, want []spof.Result) {
	t.Helper()
	type full struct {
		R      spof.Result
		Direct []string
	}
	enc := func(rs []spof.Result) string {
		fs := make([]full, len(rs))
		for i, r := range rs {
			fs[i] = full{r, r.Direct}
		}
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if g, w := enc(got), enc(want); g != w {
		t.Errorf("%s: %d results differ from the reference's %d", what, len(got), len(want))
	}
}

func fabric(tb testing.TB, f scenarios.Fabric) *topology.Topology {
	tb.Helper()
	data, err := f.YAML()
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := scenario.Parse("fabric.yaml", data)
	if err != nil {
		tb.Fatal(err)
	}
	return sc.Topology()
}

// The fast analysis and its rebuilding fallback agree with the reference on every
// built-in scenario and on a small generated fabric.
func TestAgreesWithReference(t *testing.T) {
	tops := map[string]*topology.Topology{
		"fabric": fabric(t, scenarios.Fabric{Switches: 8, Hosts: 30, Clients: 6, Flows: 10}),
	}
	for _, name := range scenarios.Names() {
		sc, err := twin.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		tops[name] = sc.Topology()
	}
	for name, top := range tops {
		want := reference(top)
		same(t, name, spof.Analyze(top), want)
		same(t, name+" (rebuilding)", spof.AnalyzeRebuilding(top), want)
	}
}

// Names that clash in the graph (a switch named like a server's NIC) make the wiring
// inexact; the analysis then rebuilds the network per failure and still agrees.
func TestClashingNames(t *testing.T) {
	top := topology.New()
	top.AddVLAN(&topology.VLAN{Name: "v", ID: 10})
	top.AddSwitch(&topology.Switch{Name: "sw", Ports: 4})
	top.AddSwitch(&topology.Switch{Name: "h1:eth0", Ports: 4})
	top.AddHost(&topology.Host{Name: "h1", NICs: []*topology.NIC{{Name: "eth0"}}})
	top.AddEndpoint(&topology.Endpoint{Name: "ep", VLAN: "v"})
	top.AddLink(&topology.Link{A: topology.PortRef{Device: "h1", Port: "eth0"}, B: topology.PortRef{Device: "sw", Port: "1"}})
	top.AddLink(&topology.Link{A: topology.PortRef{Device: "ep", Port: "nic"}, B: topology.PortRef{Device: "sw", Port: "2"}})
	top.Wire()
	if top.Wiring(topology.NetworkOptions{}).Exact {
		t.Fatal("clashing vertex keys not noticed")
	}
	same(t, "clash", spof.Analyze(top), reference(top))
}

// Fail with a caller's baseline is the reference's Fail.
func TestFailWithBaseline(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	if err != nil {
		t.Fatal(err)
	}
	top := sc.Topology()
	items := spof.Items(top)
	base := spof.Baseline(top, items)
	roles := map[string]int{}
	for _, it := range items {
		if it.Role != "" {
			roles[it.Role]++
		}
	}
	for _, c := range top.Components() {
		same(t, c.Name, []spof.Result{spof.Fail(top, c, items, base)},
			[]spof.Result{referenceFail(top, c, items, base, roles)})
	}
}

// BenchmarkAnalyzeFabric analyses a generated fabric of 40 switches and 400 teamed
// servers (a fifth of the network benchmark's data center); -cpuprofile shows where
// the time goes.
func BenchmarkAnalyzeFabric(b *testing.B) {
	top := fabric(b, scenarios.Fabric{Switches: 40, Hosts: 400, Flows: 100})
	b.ResetTimer()
	for b.Loop() {
		spof.Analyze(top)
	}
}
