package network_test

import (
	"slices"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// vmDC is dc's two-tier L2 with two hypervisors instead of the server: hv1 and hv2,
// each with eth0 on a1 and eth1 on a2 in an NFT team with carrier detection, a virtual
// switch with port group pg-web in VLAN 1 (pg-db too on hv1 only), and the client cli
// on the core. hv2 has pg-web unless noPG.
func vmDC(tb testing.TB, s *sim.Simulation, vs network.VSwitchConfig, noPG bool) *network.Network {
	tb.Helper()
	return vmDCWith(tb, s, vs, noPG, network.Options{})
}

// vmDCWith is vmDC with network options (lazy learning).
func vmDCWith(tb testing.TB, s *sim.Simulation, vs network.VSwitchConfig, noPG bool, opt network.Options) *network.Network {
	tb.Helper()
	n := network.New(s, opt)
	lc := network.LinkConfig{Speed: 10e9}
	for _, name := range []string{"core", "a1", "a2"} {
		must(tb, n.AddSwitch(name, network.SwitchConfig{Layer: topology.L2}))
	}
	must(tb, n.AddHost("cli", network.HostConfig{}))
	must(tb, n.AddLink("core-a1", "core:p1", "a1:up", lc))
	must(tb, n.AddLink("core-a2", "core:p2", "a2:up", lc))
	must(tb, n.AddLink("cli", "cli:eth0", "core:p9", lc))
	for i, h := range []string{"hv1", "hv2"} {
		must(tb, n.AddHost(h, network.HostConfig{}))
		p := []string{"p1", "p2"}[i]
		must(tb, n.AddLink(h+"-eth0", h+":eth0", "a1:"+p, lc))
		must(tb, n.AddLink(h+"-eth1", h+":eth1", "a2:"+p, lc))
		must(tb, n.AddTeam(h, network.TeamConfig{Members: []string{"eth0", "eth1"}, GratuitousARPs: 1}))
		cfg := vs
		cfg.PortGroups = []network.PortGroup{{Name: "pg-web", VLAN: 1}, {Name: "pg-db", VLAN: 1}}
		if h == "hv2" {
			cfg.PortGroups = nil
			if !noPG {
				cfg.PortGroups = []network.PortGroup{{Name: "pg-web", VLAN: 1}}
			}
		}
		must(tb, n.AddVSwitch(h, cfg))
	}
	return n
}

func webVM(tb testing.TB, n *network.Network, name, host, pg string) {
	tb.Helper()
	must(tb, n.AddVM(name, network.VMConfig{Host: host, VNICs: []network.VNICConfig{{Name: "eth0", PortGroup: pg}}}))
}

// vmOptions are the two ways a network learns broadcasts: walked (a small network) and
// lazily (a large one); VMs must behave the same in both.
var vmOptions = []network.Options{{}, {EagerBridges: -1}}

// entry returns the port a switch's table points a MAC at ("" without an entry).
func entry(n *network.Network, sw, mac string) string {
	in, _ := n.Inspect(sw, 1000)
	for _, e := range in.Bridge.Entries {
		if e.MAC == mac {
			return e.Port
		}
	}
	return ""
}

// A VM has a MAC of its own: the switches learn it where its vNIC's uplink is, from
// the RARP its virtual switch sends when the vNIC connects, and its flows end at its
// host's NIC.
func TestVMHasItsOwnMAC(t *testing.T) {
	s := sim.New(1)
	tr := observe(s)
	n := vmDC(t, s, network.VSwitchConfig{NotifySwitches: true}, false)
	webVM(t, n, "web", "hv1", "pg-web")
	f, err := n.AddFlow(network.FlowConfig{Name: "f", From: "cli", To: "web", RateBps: 1e6})
	must(t, err)
	s.RunUntil(sec(1))
	if got := entry(n, "core", "web"); got != "core:p1" {
		t.Errorf("core learned web at %q, want core:p1 (towards a1, where hv1:eth0 is)", got)
	}
	if got := entry(n, "a1", "web"); got != "a1:p1" {
		t.Errorf("a1 learned web at %q, want a1:p1", got)
	}
	if !f.Delivering() || f.FloodedPackets() != 0 {
		t.Fatalf("flow to the VM: delivering %v, flooded %d", f.Delivering(), f.FloodedPackets())
	}
	if p := f.Path(); p[len(p)-1] != "hv1:eth0" {
		t.Errorf("path %v does not end at hv1:eth0", p)
	}
	if _, ok := tr.first(0, func(r sim.Record) bool {
		r2, ok := r.(network.RARP)
		return ok && r2.VM == "web" && r2.Port == "hv1:eth0"
	}); !ok {
		tr.dump(t, 0)
		t.Error("no RARP for web via hv1:eth0")
	}
}

// The virtual switch adds its latency once per crossing: a flow to the VM is the
// same path as one to its host plus topology.DefaultVSwitchLatency (15 µs); two VMs of
// one host talk through it alone.
func TestVSwitchLatency(t *testing.T) {
	s := sim.New(1)
	n := vmDC(t, s, network.VSwitchConfig{NotifySwitches: true}, false)
	webVM(t, n, "web", "hv1", "pg-web")
	webVM(t, n, "db", "hv1", "pg-db")
	toVM, _ := n.AddFlow(network.FlowConfig{Name: "vm", From: "cli", To: "web", PacketBytes: 200})
	toHost, _ := n.AddFlow(network.FlowConfig{Name: "host", From: "cli", To: "hv1", PacketBytes: 200})
	local, _ := n.AddFlow(network.FlowConfig{Name: "local", From: "web", To: "db", PacketBytes: 200, Bidirectional: true})
	s.RunUntil(sec(1))
	if !slices.Equal(toVM.Path(), toHost.Path()) {
		t.Fatalf("paths differ: %v vs %v", toVM.Path(), toHost.Path())
	}
	if d := toVM.Delay() - toHost.Delay(); d != sim.Time(topology.DefaultVSwitchLatency) {
		t.Errorf("VM adds %v, want %v", d, topology.DefaultVSwitchLatency)
	}
	if !local.Delivering() || len(local.Path()) != 0 || local.Delay() != sim.Time(topology.DefaultVSwitchLatency) {
		t.Errorf("VM to VM on one host: delivering %v, path %v, delay %v; want the virtual switch only (15µs)",
			local.Delivering(), local.Path(), local.Delay())
	}
}

// A VM moves to hv2 with a stun of 500 ms (stopped at 10 s, started on hv2 at
// 10.5 s). The client's flow only sends to the VM, so nothing the VM sends teaches the
// switches: with notify-switches the RARP from hv2's uplink re-points them at 10.5 s
// and the outage is the stun; without it they keep sending towards hv1 until the
// entry ages out, 300 s after the VM's last frame (its reply flow, stopped at 5 s):
// out from 10 s to 305 s.
func TestVMMoveRelearnsMAC(t *testing.T) {
	for _, c := range []struct {
		notify bool
		end    sim.Time
	}{{true, ms(10_500)}, {false, sec(5) + sim.Time(topology.DefaultMACAging)}} {
		for _, opt := range vmOptions {
			s := sim.New(1)
			n := vmDCWith(t, s, network.VSwitchConfig{NotifySwitches: c.notify}, false, opt)
			webVM(t, n, "web", "hv1", "pg-web")
			f, _ := n.AddFlow(network.FlowConfig{Name: "to-vm", From: "cli", To: "web", RateBps: 1e6})
			back, _ := n.AddFlow(network.FlowConfig{Name: "from-vm", From: "web", To: "cli", RateBps: 1e6})
			s.At(sec(5), back.Stop)
			s.At(sec(10), func() { must(t, n.StopVM("web")) })
			s.At(ms(10_500), func() { must(t, n.StartVM("web", "hv2")) })
			s.RunUntil(sec(400))
			if n.VMHost("web") != "hv2" {
				t.Fatalf("web runs on %q", n.VMHost("web"))
			}
			o := outage(t, f, sec(10))
			if o.Start != sec(10) || o.End != c.end {
				t.Errorf("notify %v: outage %v, want [10s, %v]", c.notify, o, c.end)
			}
			if p := f.Path(); p[len(p)-1] != "hv2:eth0" {
				t.Errorf("notify %v: path %v does not end at hv2", c.notify, p)
			}
		}
	}
}

// A VM started on a host that lacks its port group is cut off: its vNIC connects to
// nothing, whatever the network does.
func TestVMPortGroupMissing(t *testing.T) {
	s := sim.New(1)
	n := vmDC(t, s, network.VSwitchConfig{NotifySwitches: true}, true)
	webVM(t, n, "web", "hv1", "pg-web")
	f, _ := n.AddFlow(network.FlowConfig{Name: "f", From: "web", To: "cli", RateBps: 1e6, Bidirectional: true})
	s.At(sec(10), func() { must(t, n.StartVM("web", "hv2")) })
	s.At(sec(20), func() { must(t, n.StartVM("web", "hv1")) })
	s.RunUntil(sec(15))
	if f.Delivering() || !strings.Contains(f.Reason(), "port group pg-web, which hv2 does not have") {
		t.Errorf("on hv2 without pg-web: delivering %v, reason %q", f.Delivering(), f.Reason())
	}
	s.RunUntil(sec(30))
	if o := outage(t, f, sec(10)); o.End != sec(20) {
		t.Errorf("outage %v, want [10s, 20s]: back with its port group", o)
	}
}

// Route based on the originating virtual port: with both uplinks active, the first
// vNIC on hv1 (port 0) is pinned to eth0, the second (port 1) to eth1. When eth0
// fails (carrier, at once) the first moves to eth1 with a RARP; with failback it
// returns when eth0 is back, without it stays. The explicit failover order puts both
// on eth0.
func TestVSwitchPinning(t *testing.T) {
	for _, c := range []struct {
		lb       topology.LoadBalancing
		failback bool
		before   [2]string
		after    [2]string
	}{
		{topology.OriginatingPort, true, [2]string{"hv1:eth0", "hv1:eth1"}, [2]string{"hv1:eth0", "hv1:eth1"}},
		{topology.OriginatingPort, false, [2]string{"hv1:eth0", "hv1:eth1"}, [2]string{"hv1:eth1", "hv1:eth1"}},
		{topology.ExplicitFailover, true, [2]string{"hv1:eth0", "hv1:eth0"}, [2]string{"hv1:eth0", "hv1:eth0"}},
	} {
		s := sim.New(1)
		tr := observe(s)
		n := vmDC(t, s, network.VSwitchConfig{LoadBalancing: c.lb, Failback: c.failback, NotifySwitches: true}, false)
		webVM(t, n, "web", "hv1", "pg-web")
		webVM(t, n, "db", "hv1", "pg-db")
		f, _ := n.AddFlow(network.FlowConfig{Name: "f", From: "cli", To: "web", RateBps: 1e6})
		s.RunUntil(sec(1))
		if got := [2]string{n.VMUplink("web", 0), n.VMUplink("db", 0)}; got != c.before {
			t.Errorf("%s failback %v: pinned %v, want %v", c.lb, c.failback, got, c.before)
		}
		s.At(sec(10), func() { must(t, n.FailNIC("hv1:eth0")) })
		s.RunUntil(sec(11))
		if got := [2]string{n.VMUplink("web", 0), n.VMUplink("db", 0)}; got != [2]string{"hv1:eth1", "hv1:eth1"} {
			t.Errorf("%s: after eth0 failed pinned %v, want both on eth1", c.lb, got)
		}
		if at, ok := tr.first(sec(10), func(r sim.Record) bool { r2, ok := r.(network.RARP); return ok && r2.VM == "web" }); !ok || at != sec(10) {
			t.Errorf("%s: RARP for web at %v (%v), want at 10 s", c.lb, at, ok)
		}
		if len(f.Outages()) != 0 {
			t.Errorf("%s: outages %v, want none (carrier at once, RARP at once)", c.lb, f.Outages())
		}
		s.At(sec(20), func() { must(t, n.RepairNIC("hv1:eth0")) })
		s.RunUntil(sec(21))
		if got := [2]string{n.VMUplink("web", 0), n.VMUplink("db", 0)}; got != c.after {
			t.Errorf("%s failback %v: after the repair pinned %v, want %v", c.lb, c.failback, got, c.after)
		}
	}
}

// beaconDC is a hypervisor whose k NICs (k = 2 or 3) go to access switches a1..ak,
// each hanging off the core with the client; the team probes with beacons every 1 s
// at phase 300 ms (rounds at 0.3, 1.3, 2.3 … s), three missed; the virtual switch
// pins by originating port over all NICs, fails back and notifies the switches. VM
// web runs on it (virtual port 0: eth0).
func beaconDC(tb testing.TB, s *sim.Simulation, k int) *network.Network {
	tb.Helper()
	n := network.New(s, network.Options{})
	lc := network.LinkConfig{Speed: 10e9}
	must(tb, n.AddSwitch("core", network.SwitchConfig{Layer: topology.L2}))
	must(tb, n.AddHost("cli", network.HostConfig{}))
	must(tb, n.AddLink("cli", "cli:eth0", "core:p9", lc))
	must(tb, n.AddHost("hv", network.HostConfig{}))
	var members []string
	for i := range k {
		a := []string{"a1", "a2", "a3"}[i]
		nic := []string{"eth0", "eth1", "eth2"}[i]
		must(tb, n.AddSwitch(a, network.SwitchConfig{Layer: topology.L2}))
		must(tb, n.AddLink("core-"+a, "core:p"+a, a+":up", lc))
		must(tb, n.AddLink("hv-"+nic, "hv:"+nic, a+":p1", lc))
		members = append(members, nic)
	}
	must(tb, n.AddTeam("hv", network.TeamConfig{Members: members, Detection: topology.Beacon, HeartbeatPhase: ms(300), GratuitousARPs: 1}))
	must(tb, n.AddVSwitch("hv", network.VSwitchConfig{PortGroups: []network.PortGroup{{Name: "pg", VLAN: 1}},
		Failback: true, NotifySwitches: true}))
	webVM(tb, n, "web", "hv", "pg")
	return n
}

// The uplink of a1 to the core fails at 10 s: eth0 keeps its link but its beacons
// reach nobody and it hears none. The last beacon round before the failure was at
// 9.3 s; three missed rounds later, at 12.3 s, beacon probing takes eth0 out: with
// three NICs eth1 and eth2 still hear each other, so eth0 is the one, the host's team
// switches over and the VM's vNIC moves to eth1 (the next active uplink after its
// preferred eth0) with a RARP: both flows are out from 10 s to 12.3 s. Repaired at
// 20 s, eth0 is heard again at the next round (20.3 s) and the vNIC fails back.
//
// With two NICs the same failure leaves eth0 and eth1 both deaf to each other, so at
// 12.3 s neither can be blamed: no member is taken out (reference-facts §4.3: use
// beacon probing with three or more NICs). The virtual switch goes "shotgun" and
// sends the VM's frames on both uplinks, so the VM's flow is back at 12.3 s too, but
// the host's own traffic stays on the dead eth0 until the repair.
func TestBeaconProbing(t *testing.T) {
	for _, k := range []int{3, 2} {
		s := sim.New(1)
		tr := observe(s)
		n := beaconDC(t, s, k)
		vm, _ := n.AddFlow(network.FlowConfig{Name: "vm", From: "cli", To: "web", RateBps: 1e6, Bidirectional: true})
		host, _ := n.AddFlow(network.FlowConfig{Name: "host", From: "cli", To: "hv", RateBps: 1e6, Bidirectional: true})
		s.At(sec(10), func() { must(t, n.FailLink("core-a1")) })
		s.At(sec(20), func() { must(t, n.RepairLink("core-a1")) })
		s.RunUntil(sec(30))
		if testing.Verbose() {
			tr.dump(t, sec(9))
		}
		if len(vm.Outages()) != 1 || len(host.Outages()) != 1 {
			tr.dump(t, sec(9))
			t.Fatalf("%d NICs: outages vm %v host %v", k, vm.Outages(), host.Outages())
		}
		if o := vm.Outages()[0]; o.Start != sec(10) || o.End != ms(12_300) {
			t.Errorf("%d NICs: VM flow out %v, want [10s, 12.3s] (last beacon 9.3 s + 3 x 1 s)", k, o)
		}
		detected, ok := tr.first(sec(10), func(r sim.Record) bool {
			d, ok := r.(network.Detected)
			return ok && d.Mechanism == network.ByBeacon && !d.Up
		})
		shotgun, sok := tr.first(sec(10), func(r sim.Record) bool { sg, ok := r.(network.Shotgun); return ok && sg.On })
		ho := host.Outages()[0]
		if k == 3 {
			if !ok || detected != ms(12_300) || sok {
				t.Errorf("3 NICs: beacon detection at %v (%v), shotgun %v; want eth0 down at 12.3 s, no shotgun", detected, ok, sok)
			}
			if ho.End != ms(12_300) {
				t.Errorf("3 NICs: host flow out %v, want until 12.3 s (team switchover)", ho)
			}
			if up, ok := tr.first(sec(20), func(r sim.Record) bool { d, ok := r.(network.Detected); return ok && d.Up }); !ok || up != ms(20_300) {
				t.Errorf("3 NICs: eth0 heard again at %v (%v), want 20.3 s", up, ok)
			}
			if got := n.VMUplink("web", 0); got != "hv:eth0" {
				t.Errorf("3 NICs: after the repair web is on %q, want failback to hv:eth0", got)
			}
			continue
		}
		if ok || !sok || shotgun != ms(12_300) {
			t.Errorf("2 NICs: detection %v (%v), shotgun at %v (%v); want no member out, shotgun at 12.3 s", detected, ok, shotgun, sok)
		}
		if ho.End < sec(20) {
			t.Errorf("2 NICs: host flow out %v, want until the repair at 20 s", ho)
		}
		if off, ok := tr.first(sec(20), func(r sim.Record) bool { sg, ok := r.(network.Shotgun); return ok && !sg.On }); !ok || off != ms(20_300) {
			t.Errorf("2 NICs: shotgun off at %v (%v), want 20.3 s", off, ok)
		}
	}
}
