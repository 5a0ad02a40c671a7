package network_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// threeNICs is dc with a third NIC: server srv has eth0 on a1, eth1 on a2 and eth2 on
// the core, with the given speeds (bit/s) of the three links; PHY delay 0.
func threeNICs(tb testing.TB, s *sim.Simulation, speeds [3]float64, team network.TeamConfig) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	fast := network.LinkConfig{Speed: 10e9}
	for _, name := range []string{"core", "a1", "a2"} {
		must(tb, n.AddSwitch(name, network.SwitchConfig{}))
	}
	must(tb, n.AddHost("srv", network.HostConfig{}))
	must(tb, n.AddHost("cli", network.HostConfig{}))
	must(tb, n.AddLink("core-a1", "core:p1", "a1:up", fast))
	must(tb, n.AddLink("core-a2", "core:p2", "a2:up", fast))
	must(tb, n.AddLink("cli", "cli:eth0", "core:p9", fast))
	for i, sw := range []string{"a1:p1", "a2:p1", "core:p3"} {
		nic := fmt.Sprintf("eth%d", i)
		must(tb, n.AddLink("srv-"+nic, "srv:"+nic, sw, network.LinkConfig{Speed: speeds[i]}))
		team.Members = append(team.Members, nic)
	}
	must(tb, n.AddTeam("srv", team))
	return n
}

// Failback as each vendor has it (reference-facts §4.1–§4.3). Carrier detection, PHY
// delay 0, no up-delay: a member that comes back is usable at the instant of its
// repair. eth0 (the primary, first in preference order) fails at 10 s and returns at
// 20 s; the team is on eth1 in between.
//
//	hp, no preference order (Failback false): stays on eth1;
//	hp/vmware with a preference order (Failback true): back on eth0 at 20 s;
//	linux primary_reselect always: back at 20 s;
//	linux better, eth0 10G and eth1 1G: 10G beats 1G, back at 20 s;
//	linux better, both 1G: not better, stays on eth1;
//	linux failure: stays on eth1 while it works.
func TestFailbackByVendor(t *testing.T) {
	const g1, g10 = 1e9, 10e9
	cases := []struct {
		name   string
		cfg    network.TeamConfig
		eth0   float64
		wantOn string
	}{
		{"hp without preference", network.TeamConfig{Flavour: topology.FlavourHP}, g1, "srv:eth1"},
		{"hp with preference", network.TeamConfig{Flavour: topology.FlavourHP, Failback: true}, g1, "srv:eth0"},
		{"vmware", network.TeamConfig{Flavour: topology.FlavourVMware, Failback: true}, g1, "srv:eth0"},
		{"linux always", network.TeamConfig{Flavour: topology.FlavourLinux, Failback: true, Reselect: topology.ReselectAlways}, g1, "srv:eth0"},
		{"linux better, faster primary", network.TeamConfig{Flavour: topology.FlavourLinux, Failback: true, Reselect: topology.ReselectBetter}, g10, "srv:eth0"},
		{"linux better, same speed", network.TeamConfig{Flavour: topology.FlavourLinux, Failback: true, Reselect: topology.ReselectBetter}, g1, "srv:eth1"},
		{"linux failure", network.TeamConfig{Flavour: topology.FlavourLinux, Failback: true, Reselect: topology.ReselectFailure}, g1, "srv:eth1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			c.cfg.GratuitousARPs = 1
			n := threeNICs(t, s, [3]float64{c.eth0, g1, g1}, c.cfg)
			s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
			s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth0")) })
			s.RunUntil(sec(15))
			if got := n.ActiveMember("srv"); got != "srv:eth1" {
				t.Fatalf("active %s after the failure, want srv:eth1", got)
			}
			s.RunUntil(sec(30))
			if got := n.ActiveMember("srv"); got != c.wantOn {
				tr.dump(t, sec(20))
				t.Errorf("active %s after the repair, want %s", got, c.wantOn)
			}
			if c.wantOn == "srv:eth0" {
				at, _ := tr.first(sec(20), func(r sim.Record) bool {
					sw, ok := r.(network.TeamSwitchover)
					return ok && sw.To == "srv:eth0"
				})
				near(t, "failback", at, sec(20), 0)
			}
		})
	}
}

// Linux fails back to its primary only; HP's preference order ranks every member.
// eth0 (primary) and eth1 fail at 10 s, the team runs on eth2; eth1 returns at 20 s:
// linux stays on eth2 (eth1 is no primary), hp moves to eth1 (it ranks above eth2).
// eth0 returns at 30 s: both go back to it.
func TestLinuxFailsBackToThePrimaryOnly(t *testing.T) {
	for _, c := range []struct {
		flavour topology.TeamFlavour
		at25    string
	}{
		{topology.FlavourLinux, "srv:eth2"},
		{topology.FlavourHP, "srv:eth1"},
	} {
		s := sim.New(1)
		n := threeNICs(t, s, [3]float64{1e9, 1e9, 1e9}, network.TeamConfig{Flavour: c.flavour, Failback: true, GratuitousARPs: 1})
		s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")); must(t, n.FailNIC("srv:eth1")) })
		s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth1")) })
		s.At(sec(30), func() { must(t, n.RepairNIC("srv:eth0")) })
		s.RunUntil(sec(25))
		if got := n.ActiveMember("srv"); got != c.at25 {
			t.Errorf("%s: active %s after eth1 returned, want %s", c.flavour, got, c.at25)
		}
		s.RunUntil(sec(35))
		if got := n.ActiveMember("srv"); got != "srv:eth0" {
			t.Errorf("%s: active %s after the primary returned, want srv:eth0", c.flavour, got)
		}
	}
}

// The up-delay is skipped while the team has no active member, as Linux bonding does
// (bond_miimon_inspect ignores updelay without a current active slave): waiting would
// only prolong a total outage. miimon 100 ms at phase 50 ms, updelay 2 s, primary eth0
// with failback. Both NICs fail at 10 s, and the flow with them; eth1 returns at 20 s
// and is used at the first poll, 20.05 s (not 22.05 s): the flow's outage is
// 20.05 − 10 = 10.05 s. eth0 returns at 30 s while eth1 is active, so it waits its
// up-delay: first poll 30.05 s + 2 s = 32.05 s, then the team fails back.
func TestUpdelaySkippedWithoutActiveMember(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, 0, network.TeamConfig{Flavour: topology.FlavourLinux, Detection: topology.MIIMon, Primary: "eth0", Failback: true,
		MIIMonInterval: ms(100), PollPhase: ms(50), UpDelay: sec(2), GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")); must(t, n.FailNIC("srv:eth1")) })
	s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth1")) })
	s.At(sec(30), func() { must(t, n.RepairNIC("srv:eth0")) })
	s.RunUntil(sec(40))
	iv := outage(t, f, sec(10))
	near(t, "outage start", iv.Start, sec(10), 0)
	near(t, "outage", iv.Duration(s.Now()), ms(10050), 0)
	back, ok := tr.first(sec(30), func(r sim.Record) bool {
		sw, ok := r.(network.TeamSwitchover)
		return ok && sw.To == "srv:eth0"
	})
	if !ok {
		tr.dump(t, sec(30))
		t.Fatal("no failback")
	}
	near(t, "failback with up-delay", back, ms(32050), 0)
}

// The same without miimon: carrier detection with an up-delay of 2 s. eth1 fails at
// 10 s and returns at 20 s, waiting until 22 s; the active eth0 fails at 21 s. The
// waiting eth1 is used at once (21 s), not after its up-delay (22 s).
func TestWaitingMemberUsedWhenTheActiveFails(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, 0, network.TeamConfig{Flavour: topology.FlavourLinux, UpDelay: sec(2), GratuitousARPs: 1})
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth1")) })
	s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth1")) })
	s.At(sec(21), func() { must(t, n.FailNIC("srv:eth0")) })
	s.RunUntil(sec(30))
	up, ok := tr.first(sec(20), func(r sim.Record) bool {
		d, ok := r.(network.Detected)
		return ok && d.Up && d.Member == "srv:eth1"
	})
	if !ok {
		tr.dump(t, sec(20))
		t.Fatal("eth1 never came back")
	}
	near(t, "eth1 in use", up, sec(21), 0)
	if got := n.ActiveMember("srv"); got != "srv:eth1" {
		t.Errorf("active %s, want srv:eth1", got)
	}
}

// Heartbeat defaults by flavour (topology/defaults.go), with probes to the client at
// phase 0.5 s. The core–a1 link fails at 10 s: eth0 keeps carrier, its probes stop
// being answered after the one at the last tick ≤ 10 s; the member fails `missed`
// intervals after it:
//
//	hp     3 s × 3: ticks …, 6.5, 9.5 s → 9.5 + 9 = 18.5 s, outage 8.5 s (HP: ≤ 9 s)
//	linux  1 s × 2 (arp_missed_max): 9.5 + 2 = 11.5 s, outage 1.5 s
//	vmware 1 s × 3: 9.5 + 3 = 12.5 s, outage 2.5 s
//
// A backup whose path fails is judged alike by HP and VMware, but Linux gives it one
// check more (arp_missed_max + 1): core–a2 fails at 10 s, eth1 is failed at
//
//	hp 18.5 s, linux 9.5 + 3 = 12.5 s, vmware 12.5 s.
func TestHeartbeatDefaultsByFlavour(t *testing.T) {
	for _, c := range []struct {
		flavour topology.TeamFlavour
		active  sim.Time // outage when the active member's path fails
		backup  sim.Time // when the backup is failed after its path failed
	}{
		{topology.FlavourHP, ms(8500), ms(18500)},
		{topology.FlavourLinux, ms(1500), ms(12500)},
		{topology.FlavourVMware, ms(2500), ms(12500)},
	} {
		cfg := network.TeamConfig{Flavour: c.flavour, Detection: topology.Heartbeat, HeartbeatTarget: "cli",
			HeartbeatPhase: ms(500), GratuitousARPs: 1}
		s := sim.New(1)
		n := dc(t, s, 0, cfg)
		f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
		must(t, err)
		s.At(sec(10), func() { must(t, n.FailLink("core-a1")) })
		s.RunUntil(sec(40))
		iv := outage(t, f, sec(10))
		near(t, string(c.flavour)+" active member's path", iv.Duration(s.Now()), c.active, 0)

		s = sim.New(1)
		tr := observe(s)
		n = dc(t, s, 0, cfg)
		s.At(sec(10), func() { must(t, n.FailLink("core-a2")) })
		s.RunUntil(sec(40))
		at, ok := tr.first(sec(10), func(r sim.Record) bool {
			d, ok := r.(network.Detected)
			return ok && !d.Up && d.Member == "srv:eth1" && d.Mechanism == network.ByHeartbeat
		})
		if !ok {
			t.Fatalf("%s: backup never failed", c.flavour)
		}
		near(t, string(c.flavour)+" backup failed", at, c.backup, 0)
	}
}

// Heartbeats keep the switches' MAC entries for the team fresh; a team that only
// receives lets them age and its traffic is flooded (the source article's reason for
// HP's periodic heartbeats). A client sends 1 Mbit/s in 1000-byte packets (125
// packets/s) to the server for 600 s; the server sends no traffic of its own. Its
// gratuitous ARP at 0 s taught every switch its MAC.
//
//	carrier detection: the entries age at 0 + 300 s (MAC aging); from then on the core
//	    floods the flow: (600 − 300) s × 125 /s = 37 500 packets flooded (the 8 ms
//	    packet interval divides 300 s, so whatever the flow's phase);
//	the same, but the server starts sending to the client at 450 s: flooded from 300 s
//	    to 450 s, 150 s × 125 /s = 18 750 packets;
//	heartbeats (hp, 3 s, to the client): the active member's heartbeats carry the team
//	    MAC and refresh the entries on their way (a1, core), which the flow also uses:
//	    0 packets flooded.
func TestHeartbeatsKeepTheTeamMACFromAging(t *testing.T) {
	for _, c := range []struct {
		name  string
		cfg   network.TeamConfig
		talks sim.Time // when the server starts sending (0: never)
		want  int64
	}{
		{"silent", network.TeamConfig{GratuitousARPs: 1}, 0, 300 * 125},
		{"silent until 450 s", network.TeamConfig{GratuitousARPs: 1}, sec(450), 150 * 125},
		{"heartbeats", network.TeamConfig{GratuitousARPs: 1, Flavour: topology.FlavourHP, Detection: topology.Heartbeat, HeartbeatTarget: "cli"}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := dc(t, s, 0, c.cfg)
			in, err := n.AddFlow(network.FlowConfig{Name: "to-srv", From: "cli", To: "srv", RateBps: 1e6, PacketBytes: 1000})
			must(t, err)
			out, err := n.AddFlow(network.FlowConfig{Name: "from-srv", From: "srv", To: "cli", RateBps: 1e6, PacketBytes: 1000, Stopped: true})
			must(t, err)
			if c.talks > 0 {
				s.At(c.talks, out.Start)
			}
			s.RunUntil(sec(600))
			if got := in.FloodedPackets(); got != c.want {
				tr.dump(t, sec(299))
				t.Errorf("flooded %v packets, want %v", got, c.want)
			}
			if len(in.Outages()) > 0 || !in.Delivering() {
				t.Errorf("flooding delivers, yet outages %v", in.Outages())
			}
			if got := out.FloodedPackets(); got != 0 {
				t.Errorf("the server's own flow flooded %v packets; the client's MAC never aged", got)
			}
		})
	}
}

// Regression: with carrier detection, the first gratuitous ARP at failback was lost.
// A link's two ends see carrier at the same instant (same PHY delay) but one after the
// other, and the team announced itself as soon as the server's end saw it, through a
// switch port that had not yet: only switches that the server's own flows taught
// moved the team MAC, and traffic arriving through the others went to the old member
// until the next announcement (a 100 ms GARP interval in teaming-lab).
//
// Carrier detection, PHY delay 0, failback to eth0, one gratuitous ARP. eth0 fails at
// 10 s and returns at 20 s; the server only receives. Both switchovers happen at the
// instant of the change and the announcement goes out after every change of that
// instant, so the core moves the server's MAC to a1 at 20 s and the client's flow has
// no outage at all. (Lost, the one ARP would leave the core pointing at a2 until the
// entry aged at 10 + 300 s.)
func TestFirstGratuitousARPAtFailbackReachesEverySwitch(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := dc(t, s, 0, network.TeamConfig{Primary: "eth0", Failback: true, GratuitousARPs: 1})
	f, err := n.AddFlow(network.FlowConfig{Name: "to-srv", From: "cli", To: "srv", RateBps: 1e6})
	must(t, err)
	s.At(sec(10), func() { must(t, n.FailNIC("srv:eth0")) })
	s.At(sec(20), func() { must(t, n.RepairNIC("srv:eth0")) })
	s.RunUntil(sec(400))
	if len(f.Outages()) > 0 {
		tr.dump(t, sec(20))
		t.Errorf("outages %v, want none", f.Outages())
	}
	moved, ok := tr.first(sec(20), func(r sim.Record) bool {
		m, ok := r.(network.MACChanged)
		return ok && m.Switch == "core" && m.MAC == "srv" && m.Port == "core:p1"
	})
	if !ok {
		tr.dump(t, sec(20))
		t.Fatal("the core never moved srv back to a1")
	}
	near(t, "core re-learns srv on a1", moved, sec(20), 0)
	if p := f.Path(); p[len(p)-1] != "srv:eth0" {
		t.Errorf("flow ends at %s, want srv:eth0", p[len(p)-1])
	}
}
