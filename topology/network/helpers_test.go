package network_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// ms and sec shorten times in the tests' arithmetic.
func ms(v float64) sim.Time  { return sim.Milliseconds(v) }
func sec(v float64) sim.Time { return sim.Seconds(v) }

// trace collects every record with its time.
type trace struct {
	lines []string
	recs  []stamped
}

type stamped struct {
	at sim.Time
	r  sim.Record
}

func observe(s *sim.Simulation) *trace {
	t := &trace{}
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		t.recs = append(t.recs, stamped{at, r})
		t.lines = append(t.lines, fmt.Sprintf("%v %s %s", at, r.Subject(), r))
	}))
	return t
}

// first returns the time of the first record after from that matches.
func (t *trace) first(from sim.Time, match func(sim.Record) bool) (sim.Time, bool) {
	for _, s := range t.recs {
		if s.at >= from && match(s.r) {
			return s.at, true
		}
	}
	return 0, false
}

func (t *trace) dump(tb testing.TB, from sim.Time) {
	tb.Helper()
	var b strings.Builder
	for i, s := range t.recs {
		if s.at >= from {
			b.WriteString(t.lines[i])
			b.WriteByte('\n')
		}
	}
	tb.Log("\n" + b.String())
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// near fails unless got is within tol of want.
func near(tb testing.TB, what string, got, want, tol sim.Time) {
	tb.Helper()
	if math.Abs(float64(got-want)) > float64(tol) {
		tb.Errorf("%s = %v, want %v ± %v", what, got, want, tol)
	} else {
		tb.Logf("%s = %v (arithmetic %v)", what, got, want)
	}
}

// outage returns the single outage of f that starts at or after from.
func outage(tb testing.TB, f *network.Flow, from sim.Time) network.Interval {
	tb.Helper()
	for _, iv := range f.Outages() {
		if iv.Start >= from {
			return iv
		}
	}
	tb.Fatalf("flow %s: no outage after %v (outages %v)", f.Name(), from, f.Outages())
	return network.Interval{}
}

// dc is a small two-tier L2: core switch "core" with client "cli" on it, access
// switches "a1" and "a2" hanging off the core, and server "srv" with eth0 on a1 and
// eth1 on a2.
func dc(tb testing.TB, s *sim.Simulation, phy sim.Time, team network.TeamConfig) *network.Network {
	tb.Helper()
	return dcWith(tb, s, phy, team, network.SwitchConfig{Layer: topology.L2})
}

// dcWith is dc with a given switch configuration.
func dcWith(tb testing.TB, s *sim.Simulation, phy sim.Time, team network.TeamConfig, sw network.SwitchConfig) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9, PHYDelay: phy}
	for _, name := range []string{"core", "a1", "a2"} {
		must(tb, n.AddSwitch(name, sw))
	}
	must(tb, n.AddHost("srv", network.HostConfig{}))
	must(tb, n.AddHost("cli", network.HostConfig{}))
	must(tb, n.AddLink("core-a1", "core:p1", "a1:up", lc))
	must(tb, n.AddLink("core-a2", "core:p2", "a2:up", lc))
	must(tb, n.AddLink("cli", "cli:eth0", "core:p9", lc))
	must(tb, n.AddLink("srv-eth0", "srv:eth0", "a1:p1", lc))
	must(tb, n.AddLink("srv-eth1", "srv:eth1", "a2:p1", lc))
	team.Members = []string{"eth0", "eth1"}
	must(tb, n.AddTeam("srv", team))
	return n
}

// oneSwitch is a server with a two-NIC team of the given mode on one switch (ports p1
// and p2; LACPDUs at phase 300 ms) and a client on p9: the setting of the SLB and LACP
// tests.
func oneSwitch(tb testing.TB, s *sim.Simulation, mode topology.TeamMode, rate network.LACPRate) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9}
	must(tb, n.AddSwitch("sw", network.SwitchConfig{}))
	must(tb, n.AddHost("srv", network.HostConfig{}))
	must(tb, n.AddHost("cli", network.HostConfig{}))
	must(tb, n.AddLink("l0", "srv:eth0", "sw:p1", lc))
	must(tb, n.AddLink("l1", "srv:eth1", "sw:p2", lc))
	must(tb, n.AddLink("cli", "cli:eth0", "sw:p9", lc))
	must(tb, n.AddTeam("srv", network.TeamConfig{Mode: mode, Members: []string{"eth0", "eth1"}, LACPRate: rate, LACPPhase: ms(300)}))
	return n
}

// sends counts by enumeration the packets direction d sends in [a, b): those of its
// instants PacketPhase + k·PacketInterval (rounded down to the nanosecond) that fall
// in the span. It is the reference for the books' closed form.
func sends(d network.Direction, a, b sim.Time) int64 {
	iv := d.PacketInterval() * 1e9 // ns
	var n int64
	for k := 0; ; k++ {
		at := d.PacketPhase() + sim.Time(math.Floor(float64(k)*iv))
		if at >= b {
			return n
		}
		if at >= a {
			n++
		}
	}
}
