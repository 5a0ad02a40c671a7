package network_test

import (
	"fmt"
	"testing"
	"time"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// fabricSpec sizes a generated two-tier L2 data center.
type fabricSpec struct {
	access int // access switches, each dual-homed to both cores
	hosts  int // teamed hosts, NIC 0 on access switch i, NIC 1 on its neighbour
	flows  int // bidirectional flows between random host pairs
	proto  topology.SpanningTree
}

type fabric struct {
	n     *network.Network
	links []string
}

// newFabric builds two RSTP core switches and spec.access access switches, each
// linked to both cores (RSTP blocks one uplink per access switch); hosts with NFT
// teams (miimon 100 ms, drawn phases, one gratuitous ARP) spread over access pairs;
// flows between random pairs of hosts, drawn from the "fabric" stream.
func newFabric(tb testing.TB, s *sim.Simulation, spec fabricSpec) *fabric {
	tb.Helper()
	n := network.New(s, network.Options{})
	fab := &fabric{n: n}
	up := network.LinkConfig{Speed: 10e9, PHYDelay: ms(1)}
	down := network.LinkConfig{Speed: 1e9, PHYDelay: ms(1)}
	must(tb, n.AddSwitch("core1", network.SwitchConfig{Priority: 4096, SpanningTree: spec.proto}))
	must(tb, n.AddSwitch("core2", network.SwitchConfig{Priority: 8192, SpanningTree: spec.proto}))
	must(tb, n.AddLink("core1-core2", "core1:isl", "core2:isl", up))
	for i := range spec.access {
		a := fmt.Sprintf("acc%d", i)
		must(tb, n.AddSwitch(a, network.SwitchConfig{SpanningTree: spec.proto}))
		for c := 1; c <= 2; c++ {
			name := fmt.Sprintf("%s-core%d", a, c)
			must(tb, n.AddLink(name, fmt.Sprintf("%s:u%d", a, c), fmt.Sprintf("core%d:%s", c, a), up))
			fab.links = append(fab.links, name)
		}
	}
	for i := range spec.hosts {
		h := fmt.Sprintf("h%d", i)
		must(tb, n.AddHost(h, network.HostConfig{}))
		for k := range 2 {
			a := fmt.Sprintf("acc%d", (i+k)%spec.access)
			name := fmt.Sprintf("%s-eth%d", h, k)
			must(tb, n.AddLink(name, fmt.Sprintf("%s:eth%d", h, k), fmt.Sprintf("%s:%s", a, h), down))
			fab.links = append(fab.links, name)
		}
		must(tb, n.AddTeam(h, network.TeamConfig{Members: []string{"eth0", "eth1"}, Detection: topology.MIIMon, DownDelay: ms(200), GratuitousARPs: 1}))
	}
	rng := s.Rand("fabric")
	for i := range spec.flows {
		a := rng.IntN(spec.hosts)
		b := (a + 1 + rng.IntN(spec.hosts-1)) % spec.hosts
		_, err := n.AddFlow(network.FlowConfig{Name: fmt.Sprintf("f%d", i), From: fmt.Sprintf("h%d", a), To: fmt.Sprintf("h%d", b), RateBps: 87200, Bidirectional: true})
		must(tb, err)
	}
	return fab
}

// randomFailures fails a random link every mean interval (exponential) and repairs it
// after 5–60 s, until end.
func (fab *fabric) randomFailures(s *sim.Simulation, mean, end sim.Time) {
	rng := s.Rand("failures")
	var next func()
	next = func() {
		l := fab.links[rng.IntN(len(fab.links))]
		_ = fab.n.FailLink(l)
		s.After(sim.Seconds(5+55*rng.Float64()), func() { _ = fab.n.RepairLink(l) })
		d := sim.Seconds(rng.ExpFloat64() * mean.Seconds())
		if s.Now()+d < end {
			s.After(d, next)
		}
	}
	s.After(sim.Seconds(rng.ExpFloat64()*mean.Seconds()), next)
}

// BenchmarkFabric runs a generated L2 fabric for one simulated hour with a random link
// failure every 10 s on average and reports kernel events per wall-clock second and
// simulated seconds per wall-clock second.
func BenchmarkFabric(b *testing.B) {
	for _, spec := range []fabricSpec{
		{access: 10, hosts: 100, flows: 1000},
		{access: 50, hosts: 500, flows: 5000},
		{access: 198, hosts: 2000, flows: 20000},
	} {
		b.Run(fmt.Sprintf("sw%d_hosts%d_flows%d", spec.access+2, spec.hosts, spec.flows), func(b *testing.B) {
			b.ReportAllocs()
			var events, evals uint64
			var wall time.Duration
			for b.Loop() {
				s := sim.New(1)
				fab := newFabric(b, s, spec)
				fab.randomFailures(s, 10*sim.Second, sim.Hour)
				start := time.Now()
				s.RunUntil(sim.Hour)
				wall += time.Since(start)
				events += s.Steps()
				evals += fab.n.Evaluations()
			}
			b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
			b.ReportMetric(float64(evals)/float64(b.N), "flowevals/op")
			b.ReportMetric(float64(b.N)*sim.Hour.Seconds()/wall.Seconds(), "simsec/s")
		})
	}
}
