package network_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
	"dctwin/topology/network/reference"
)

// The runtime before its redesign for scale is kept as network/reference. Random small
// data centers — switches in a random mesh with loops, STP or RSTP, sometimes an
// MC-LAG pair and a port channel, VLANs pruned from some trunks, switch and
// pass-through modules, hosts with every team mode and detection (some split over
// switches, some in the wrong VLAN), gateways per VLAN, flows of every kind started,
// stopped and removed while failures of every kind come and go — must run the same on
// both: the same records of what is measured at the same instants, and every flow with
// the same outages, packets, path and delay.

// netAPI is what the comparison drives of either runtime.
type netAPI interface {
	AddSwitch(string, network.SwitchConfig) error
	AddInterconnect(string, network.InterconnectConfig) error
	AddHost(string, network.HostConfig) error
	AddLink(string, string, string, network.LinkConfig) error
	SetPortVLANs(string, network.PortVLANs) error
	AddCluster(string, string, string) error
	AddAggregate(string, []string, network.AggregateConfig) error
	AddGateway(string, network.GatewayConfig) error
	AddTeam(string, network.TeamConfig) error
	RemoveFlow(string)
	FailLink(string) error
	FailLinkOneWay(string, string) error
	RepairLink(string) error
	FailNIC(string) error
	RepairNIC(string) error
	FailPort(string) error
	RepairPort(string) error
	FailSwitch(string) error
	RepairSwitch(string) error
	FailHost(string) error
	RepairHost(string) error
	Load(link, from string) float64
}

// flowAPI is what the comparison reads and drives of a flow of either runtime.
type flowAPI interface {
	Name() string
	Start()
	Stop()
	Outages() []network.Interval
	Lost() int64
	Delivered() int64
	FloodedPackets() int64
	Path() []string
	ReversePath() []string
	Delay() sim.Time
	ReverseDelay() sim.Time
	Duplicated() bool
}

// impl is one runtime under comparison.
type impl struct {
	s       *sim.Simulation
	n       netAPI
	add     func(network.FlowConfig) (flowAPI, error)
	flows   map[string]flowAPI
	order   []string
	removed []string // removed flows with their outages when removed
	trace   []string
	links   [][3]string // every link: its name and its two ports
	loads   []string    // the offered load of every link direction, sampled (loadsNow)
	traced  []int       // for each of loads, the number of records traced before it
}

func newImpl(seed uint64, ref bool, opt network.Options) *impl {
	m := &impl{s: sim.New(seed), flows: map[string]flowAPI{}}
	if ref {
		n := reference.New(m.s, network.Options{})
		m.n, m.add = n, func(c network.FlowConfig) (flowAPI, error) { return n.AddFlow(c) }
	} else {
		n := network.New(m.s, opt)
		m.n, m.add = n, func(c network.FlowConfig) (flowAPI, error) { return n.AddFlow(c) }
	}
	m.s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		switch r.(type) {
		case network.MACChanged, network.FDBFlushed:
			return // how the tables are kept, not what is measured
		}
		m.trace = append(m.trace, fmt.Sprintf("%v %T %s %s", at, r, r.Subject(), r))
	}))
	return m
}

// step is one action of a random scenario, applied to each runtime alike.
type step func(m *impl) error

// passiveShare is the share of randomDC's flows that are passive observers.
var passiveShare = 0.1

// randomDC draws a small data center with flows, failures and flow changes.
func randomDC(seed uint64) []step {
	rng := rand.New(rand.NewPCG(seed, 11))
	var steps []step
	do := func(s step) { steps = append(steps, s) }
	pick := func(n int) int { return rng.IntN(n) }
	chance := func(p float64) bool { return rng.Float64() < p }

	vlans := []int{10, 20, 30}[:1+pick(3)]
	someVLANs := func() []int {
		if chance(0.6) {
			return nil
		}
		var out []int
		for _, v := range vlans {
			if chance(0.7) {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			out = append(out, vlans[0])
		}
		return out
	}
	proto := []topology.SpanningTree{topology.RSTP, topology.STP}[pick(2)]
	nsw := 3 + pick(5)
	sw := func(i int) string { return fmt.Sprintf("s%d", i) }
	for i := range nsw {
		cfg := network.SwitchConfig{Layer: topology.L2, SpanningTree: proto, HostPortsSTP: chance(0.15)}
		if i < 2 {
			cfg.Layer, cfg.Priority = topology.L3, 4096<<i
		}
		if chance(0.15) {
			cfg.SpanningTree = []topology.SpanningTree{topology.RSTP, topology.STP}[pick(2)]
		}
		if i >= 2 && chance(0.15) {
			cfg.VLANs = someVLANs()
		}
		do(func(m *impl) error { return m.n.AddSwitch(sw(i), cfg) })
	}
	phy := func() sim.Time { return sim.Time(pick(3)) * sim.Millisecond }
	link := func(name, a, b string, vl network.PortVLANs) {
		cfg := network.LinkConfig{Speed: []float64{1e9, 10e9}[pick(2)], PHYDelay: phy(), VLANs: vl, HalfDuplex: chance(0.05)}
		do(func(m *impl) error {
			m.links = append(m.links, [3]string{name, a, b})
			return m.n.AddLink(name, a, b, cfg)
		})
	}
	trunk := func() network.PortVLANs {
		if l := someVLANs(); l != nil {
			return network.PortVLANs{Allowed: l, Native: 1}
		}
		return network.PortVLANs{}
	}
	var links []string
	port := 0
	nextPort := func(dev string) string { port++; return fmt.Sprintf("%s:p%d", dev, port) }
	cluster := chance(0.3)
	if cluster {
		do(func(m *impl) error { return m.n.AddCluster("core", sw(0), sw(1)) })
		link("peer", nextPort(sw(0)), nextPort(sw(1)), network.PortVLANs{})
		links = append(links, "peer")
	}
	for i := 1; i < nsw; i++ {
		j := pick(i)
		if cluster && i == 1 {
			continue
		}
		name := fmt.Sprintf("l%d-%d", j, i)
		link(name, nextPort(sw(j)), nextPort(sw(i)), trunk())
		links = append(links, name)
	}
	for k := range 1 + pick(3) {
		i, j := pick(nsw), pick(nsw)
		if i == j || cluster && i+j == 1 {
			continue
		}
		name := fmt.Sprintf("x%d", k)
		link(name, nextPort(sw(i)), nextPort(sw(j)), trunk())
		links = append(links, name)
	}
	if nsw > 3 && chance(0.4) {
		// a port channel from the last switch to the core (both members to one bridge)
		a1, a2 := nextPort(sw(nsw-1)), nextPort(sw(nsw-1))
		link("po-1", a1, nextPort(sw(0)), network.PortVLANs{})
		link("po-2", a2, nextPort(sw(0)), network.PortVLANs{})
		links = append(links, "po-1", "po-2")
		lacp := chance(0.5)
		do(func(m *impl) error {
			return m.n.AddAggregate("po", []string{a1, a2}, network.AggregateConfig{LACP: lacp, Rate: network.LACPFast})
		})
	}
	var modules []string
	if chance(0.4) {
		ufd := chance(0.5)
		do(func(m *impl) error {
			return m.n.AddInterconnect("mod", network.InterconnectConfig{Kind: topology.SwitchModule, UplinkFailureDetection: ufd,
				Switch: network.SwitchConfig{SpanningTree: proto}})
		})
		link("mod-up", "mod:up1", nextPort(sw(pick(nsw))), network.PortVLANs{})
		links = append(links, "mod-up")
		modules = append(modules, "mod")
	}
	if chance(0.3) {
		do(func(m *impl) error {
			return m.n.AddInterconnect("pt", network.InterconnectConfig{Kind: topology.PassThrough,
				Pairs: map[string]string{"bay1": "ext1", "bay2": "ext2"}})
		})
		link("pt-1", "pt:ext1", nextPort(sw(pick(nsw))), network.PortVLANs{})
		link("pt-2", "pt:ext2", nextPort(sw(pick(nsw))), network.PortVLANs{})
		links = append(links, "pt-1", "pt-2")
		modules = append(modules, "pt")
	}
	l3 := 1
	if cluster || chance(0.5) {
		l3 = 2
	}
	for _, v := range vlans {
		members := []string{sw(0), sw(1)}[:l3]
		do(func(m *impl) error {
			return m.n.AddGateway(fmt.Sprintf("gw%d", v), network.GatewayConfig{Members: members, VLAN: v, Hello: sim.Second})
		})
	}
	nh := 4 + pick(7)
	var hosts, nics []string
	bay := 0
	for h := range nh {
		name := fmt.Sprintf("h%d", h)
		v := vlans[pick(len(vlans))]
		hosts = append(hosts, name)
		do(func(m *impl) error {
			return m.n.AddHost(name, network.HostConfig{VLAN: v, Subnet: fmt.Sprint(v), Gateway: fmt.Sprintf("gw%d", v)})
		})
		k := 1 + pick(2)
		var members []string
		first := ""
		for i := range k {
			nic := fmt.Sprintf("%s:eth%d", name, i)
			nics = append(nics, nic)
			members = append(members, fmt.Sprintf("eth%d", i))
			var at string
			switch {
			case len(modules) > 0 && chance(0.2) && bay < 2:
				bay++
				at = fmt.Sprintf("%s:bay%d", modules[pick(len(modules))], bay)
			case i == 1 && chance(0.5):
				at = nextPort(first) // both members to one switch
			default:
				at = nextPort(sw(pick(nsw)))
			}
			if i == 0 {
				first = at[:len(sw(0))]
				if at[0] != 's' {
					first = sw(0)
				}
			}
			acc := network.PortVLANs{Allowed: []int{v}, Native: v}
			if chance(0.1) {
				w := vlans[pick(len(vlans))]
				acc = network.PortVLANs{Allowed: []int{w}, Native: w} // the wrong access VLAN, perhaps
			}
			ln := nic + "-l"
			link(ln, nic, at, acc)
			links = append(links, ln)
			if chance(0.1) {
				do(func(m *impl) error { return m.n.SetPortVLANs(nic, network.PortVLANs{Allowed: vlans, Native: v}) })
			}
		}
		team := network.TeamConfig{Members: members, GratuitousARPs: pick(4), Failback: chance(0.5),
			Mode:      []topology.TeamMode{topology.NFT, topology.TLB, topology.SLB, topology.LACP}[pick(4)],
			Detection: []topology.Detection{topology.Carrier, topology.MIIMon, topology.Heartbeat}[pick(3)],
			UpDelay:   sim.Time(pick(3)) * 100 * sim.Millisecond, DownDelay: sim.Time(pick(2)) * 100 * sim.Millisecond,
			LACPRate: []network.LACPRate{network.LACPFast, network.LACPSlow}[pick(2)],
			Flavour:  []topology.TeamFlavour{topology.FlavourHP, topology.FlavourLinux, topology.FlavourVMware}[pick(3)]}
		if team.Detection == topology.Heartbeat {
			team.HeartbeatTarget = fmt.Sprintf("gw%d", v)
		}
		if k == 1 && chance(0.5) {
			continue // no team: the host uses its NIC
		}
		do(func(m *impl) error { return m.n.AddTeam(name, team) })
	}
	nf := 5 + pick(12)
	var flows []string
	for i := range nf {
		a, b := hosts[pick(nh)], hosts[pick(nh)]
		if a == b {
			continue
		}
		cfg := network.FlowConfig{Name: fmt.Sprintf("f%d", i), From: a, To: b, RateBps: []float64{1e5, 2e6, 6e8}[pick(3)],
			PacketBytes: 200 + pick(1300), Bidirectional: chance(0.7), Passive: chance(passiveShare), Stopped: chance(0.1)}
		if cfg.Passive {
			cfg.RateBps = 0
		}
		if chance(0.15) {
			cfg.To = fmt.Sprintf("gw%d", vlans[pick(len(vlans))])
		}
		flows = append(flows, cfg.Name)
		do(func(m *impl) error {
			f, err := m.add(cfg)
			if err == nil {
				m.flows[cfg.Name] = f
				m.order = append(m.order, cfg.Name)
			}
			return err
		})
	}
	at := func() sim.Time { return sim.Time(5000+pick(400000)) * sim.Millisecond }
	type fault struct{ fail, repair func(m *impl) error }
	var faults []fault
	for _, l := range links {
		faults = append(faults,
			fault{func(m *impl) error { return m.n.FailLink(l) }, func(m *impl) error { return m.n.RepairLink(l) }},
			fault{func(m *impl) error { return m.n.FailLinkOneWay(l, "") }, func(m *impl) error { return m.n.RepairLink(l) }})
	}
	for _, nic := range nics {
		faults = append(faults, fault{func(m *impl) error { return m.n.FailNIC(nic) }, func(m *impl) error { return m.n.RepairNIC(nic) }})
	}
	for i := range nsw {
		faults = append(faults, fault{func(m *impl) error { return m.n.FailSwitch(sw(i)) }, func(m *impl) error { return m.n.RepairSwitch(sw(i)) }})
	}
	for _, h := range hosts {
		faults = append(faults, fault{func(m *impl) error { return m.n.FailHost(h) }, func(m *impl) error { return m.n.RepairHost(h) }})
	}
	for _, mod := range modules {
		faults = append(faults, fault{func(m *impl) error { return m.n.FailSwitch(mod) }, func(m *impl) error { return m.n.RepairSwitch(mod) }})
	}
	for range 6 + pick(10) {
		f := faults[pick(len(faults))]
		t0 := at()
		t1 := t0 + sim.Time(1+pick(60000))*sim.Millisecond
		do(func(m *impl) error {
			m.s.At(t0, func() { _ = f.fail(m) })
			m.s.At(t1, func() { _ = f.repair(m) })
			return nil
		})
	}
	for range pick(5) {
		if len(flows) == 0 {
			break
		}
		name := flows[pick(len(flows))]
		t0 := at()
		what := pick(3)
		do(func(m *impl) error {
			m.s.At(t0, func() {
				f := m.flows[name]
				switch {
				case f == nil:
				case what == 0:
					f.Stop()
				case what == 1:
					f.Start()
				default:
					m.n.RemoveFlow(name)
					m.removed = append(m.removed, name+" "+fmt.Sprint(f.Outages()))
					delete(m.flows, name) // a removed flow is forgotten: nothing acts on it any more
					m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == name })
				}
			})
			return nil
		})
	}
	return steps
}

// loadsNow notes the offered load of every link direction. Floods past host ports
// are counted per bridge in the network (floodload.go) and walked port by port in the
// reference; the loads they add up to must be the same.
func (m *impl) loadsNow() {
	for _, l := range m.links {
		for _, from := range l[1:] {
			m.loads = append(m.loads, fmt.Sprintf("%v %s from %s: %g", m.s.Now(), l[0], from, m.n.Load(l[0], from)))
			m.traced = append(m.traced, len(m.trace))
		}
	}
}

// sampleLoads notes the loads every 10 s until the end of the run, a few nanoseconds
// past the second, when no instant is settling (both runtimes change their loads
// while they settle an instant, in different orders).
func (m *impl) sampleLoads(until sim.Time) {
	for t := 10*sim.Second + 7; t < until; t += 10 * sim.Second {
		m.s.At(t, m.loadsNow)
	}
}

// tracedBefore returns the number of records traced before the i-th sampled load.
func (m *impl) tracedBefore(i int) int {
	if i < len(m.traced) {
		return m.traced[i]
	}
	return len(m.trace)
}

// say describes every flow at the end.
func (m *impl) say() []string {
	out := append([]string(nil), m.removed...)
	for _, name := range m.order {
		f := m.flows[name]
		out = append(out, fmt.Sprintf("%s outages %v lost %d delivered %d flooded %d dup %v path %v back %v delay %v/%v",
			name, f.Outages(), f.Lost(), f.Delivered(), f.FloodedPackets(), f.Duplicated(), f.Path(), f.ReversePath(), f.Delay(), f.ReverseDelay()))
	}
	return out
}

// byInstant sorts the records of each instant, so that two runs compare by what
// happened when, not by the order in which the flows of one instant were walked (the
// order in which a flush or an announcement touches flows follows the order in which
// the tables' entries were written, which lazy learning changes).
func byInstant(trace []string) {
	for i := 0; i < len(trace); {
		at, _, _ := strings.Cut(trace[i], " ")
		j := i + 1
		for j < len(trace) && strings.HasPrefix(trace[j], at+" ") {
			j++
		}
		slices.Sort(trace[i:j])
		i = j
	}
}

// flapsBefore reports whether a MAC flapped in a trace before its i-th record or at it
// (or anywhere, for i < 0): the record of a flap names first the port the entry
// pointed at, which is the port the last walk taught.
func flapsBefore(trace []string, i int) bool {
	if i < 0 || i >= len(trace) {
		i = len(trace) - 1
	}
	for _, r := range trace[:i+1] {
		if strings.Contains(r, "network.MACFlapping") {
			return true
		}
	}
	return false
}

// firstDiff returns the first index at which two lists differ, or -1.
func firstDiff(a, b []string) int {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	return -1
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return "(none)"
}

// The random data centers are compared five times: as small networks (every broadcast
// walked), with broadcasts learned lazily whatever the size (lazy.go), learning lazily
// while dropping the entries nobody needs at every settle (forget.go), and both of
// these with every key's entries indexed by bridge (keyState.byBridge), which only
// large networks do on their own.
func TestRandomDataCentersRunAsTheReferenceRuntime(t *testing.T) {
	const n = 240
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	forEachMode(t, func(t *testing.T, opt network.Options) {
		if left := compareSeeds(t, opt, seeds); len(left) > n/10 {
			t.Errorf("%d of %d random data centers flap: too few compared", len(left), n)
		}
	})
}

// Passive flows without a rate flood only towards their destination in a network that
// learns lazily (prunedFlood): their records, paths and outages must still be those of
// the reference's full floods. The random data centers again, most flows passive.
// (Before aggregates kept the floods whole, seeds 111, 283, 599 and 691 of 1,500 ran
// apart: a flow's copy crosses an aggregate on the member its hash picks, not the
// one the tree was built with. Seed 2520 of 3,000 ran apart until a frame routed off
// a flood gave the flood's copies their walk id back: they were taken for
// duplicates on the bridges the routed frame had crossed, which a full flood happened
// to reach first.)
func TestPassiveFloodsRunAsTheReferenceRuntime(t *testing.T) {
	defer func(old float64) { passiveShare = old }(passiveShare)
	passiveShare = 0.6
	const n = 240
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	seeds = append(seeds, 283, 599, 691, 2520)
	forEachMode(t, func(t *testing.T, opt network.Options) {
		if left := compareSeeds(t, opt, seeds); len(left) > n/10 {
			t.Errorf("%d of %d random data centers flap: too few compared", len(left), n)
		}
	})
}

// Three data centers that once ran apart (found with n = 1500 above): in 426 a frame
// to a gateway, flooded, reached the gateway, and the copies flooded on carried the
// routed frame's destination (walker.route), which lazy networks, picking the
// destination's host ports before the copies, did not; 949 and 1181 have a gateway's
// virtual MAC flap between two masters, after which the loads depend on which flows
// walked last. All three must run alike when every broadcast is walked; 426 must run
// alike in every mode.
func TestRandomDataCentersOnceApart(t *testing.T) {
	forEachMode(t, func(t *testing.T, opt network.Options) {
		for _, seed := range compareSeeds(t, opt, []uint64{426, 949, 1181}) {
			if seed == 426 || opt.EagerBridges >= 0 {
				t.Errorf("seed %d: left out as flapping", seed)
			}
		}
	})
}

// forEachMode runs compare in each of the five modes as a subtest.
func forEachMode(t *testing.T, compare func(*testing.T, network.Options)) {
	lazy := network.Options{EagerBridges: -1}
	for _, mode := range []struct {
		name          string
		opt           network.Options
		forget, index bool
	}{{"walked", network.Options{}, false, false}, {"lazy", lazy, false, false},
		{"lazy, forgetting", lazy, true, false}, {"lazy, indexed", lazy, false, true},
		{"lazy, indexed, forgetting", lazy, true, true}} {
		t.Run(mode.name, func(t *testing.T) {
			if mode.forget {
				defer network.ForgetEagerly()()
			}
			if mode.index {
				defer network.IndexKeysEagerly()()
			}
			compare(t, mode.opt)
		})
	}
}

// compareSeeds runs the random data centers of the seeds on both runtimes, reports
// where they differ, and returns the seeds left out because a MAC flapped.
func compareSeeds(t *testing.T, opt network.Options, seeds []uint64) (flapped []uint64) {
	records, flows, loads, loaded := 0, 0, 0, 0
	for _, seed := range seeds {
		steps := randomDC(seed)
		got, want := newImpl(seed, false, opt), newImpl(seed, true, opt)
		for i, st := range steps {
			e1, e2 := st(got), st(want)
			if (e1 == nil) != (e2 == nil) {
				t.Fatalf("seed %d step %d: network says %v, reference %v", seed, i, e1, e2)
			}
		}
		got.sampleLoads(700 * sim.Second)
		want.sampleLoads(700 * sim.Second)
		got.s.RunUntil(700 * sim.Second)
		want.s.RunUntil(700 * sim.Second)
		got.loadsNow()
		want.loadsNow()
		byInstant(got.trace)
		byInstant(want.trace)
		i := firstDiff(got.trace, want.trace)
		a, b := got.say(), want.say()
		j := firstDiff(a, b)
		if (i >= 0 || j >= 0) && opt.EagerBridges < 0 && flapsBefore(want.trace, i) {
			// Running traffic teaching one MAC on two ports flaps the entry at every
			// evaluation until the settle limit (Options.SettleLimit) stops it; where it
			// stops depends on the order in which the flows of the instant were walked,
			// which follows the order the tables' entries were written in.
			flapped = append(flapped, seed)
			continue
		}
		if i >= 0 {
			t.Errorf("seed %d: records differ at %d of %d/%d:\n  network:   %s\n  reference: %s", seed, i,
				len(got.trace), len(want.trace), at(got.trace, i), at(want.trace, i))
			continue
		}
		if j >= 0 {
			t.Errorf("seed %d: flows differ:\n  network:   %s\n  reference: %s", seed, at(a, j), at(b, j))
			continue
		}
		k := firstDiff(got.loads, want.loads)
		if k >= 0 && opt.EagerBridges < 0 && flapsBefore(want.trace, want.tracedBefore(k)) {
			// The same holds for the loads sampled after a flap: while it lasts, the
			// entry points at the port of the flow that walked last, and any walk of a
			// flow teaching it moves it, even one that changes nothing else. Which
			// flows walk again differs where nothing else can change: a network that
			// learns lazily does not walk a flood again when a host port it passes
			// changes, and walks every flood through a bridge when one of its
			// inter-switch ports changes (floodload.go, touchPort). The records can
			// stay alike while the flows to the flapping MAC load the other port's path.
			flapped = append(flapped, seed)
			continue
		}
		if k >= 0 {
			t.Errorf("seed %d: loads differ:\n  network:   %s\n  reference: %s", seed, at(got.loads, k), at(want.loads, k))
			continue
		}
		records += len(want.trace)
		flows += len(want.order)
		loads += len(want.loads)
		for _, l := range want.loads {
			if !strings.HasSuffix(l, ": 0") {
				loaded++
			}
		}
	}
	t.Logf("%d random data centers: %d records, %d flows and %d sampled link loads (%d not zero) alike; %d left out as flapping made them depend on the order of evaluation",
		len(seeds)-len(flapped), records, flows, loads, loaded, len(flapped))
	return flapped
}
