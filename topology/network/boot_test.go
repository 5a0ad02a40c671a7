package network_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
)

// A switch that gets power back boots before its ports come up, and then spanning tree
// takes it in. Chain cli — core — acc — srv (PHY delay 50 ms on every link); acc boots
// for 60 s and loses power at 10 s. The flow cli → srv can only cross acc.
//
//	repaired at 20 s:  booted at 20 + 60 = 80 s; carrier 50 ms later on both ends of
//	                   core–acc and on srv's NIC; then
//	  RSTP: one proposal/agreement handshake (10 ms) on core–acc → delivered at 80.06 s
//	  STP:  listening 15 s + learning 15 s → delivered at 80.05 + 30 = 110.05 s
//	power lost again at 50 s, mid-boot, and back at 70 s: the boot starts over and ends
//	at 70 + 60 = 130 s → RSTP delivers at 130.06 s.
func TestSwitchBootsBeforeItsPortsComeUp(t *testing.T) {
	cases := []struct {
		name     string
		proto    topology.SpanningTree
		relapse  bool // power lost again at 50 s, back at 70 s
		booted   sim.Time
		restored sim.Time
	}{
		{"rstp", topology.RSTP, false, sec(80), ms(80060)},
		{"stp", topology.STP, false, sec(80), ms(110050)},
		{"rstp, power lost while booting", topology.RSTP, true, sec(130), ms(130060)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(1)
			tr := observe(s)
			n := network.New(s, network.Options{})
			lc := network.LinkConfig{Speed: 10e9, PHYDelay: ms(50)}
			must(t, n.AddSwitch("core", network.SwitchConfig{SpanningTree: c.proto, Priority: 4096}))
			must(t, n.AddSwitch("acc", network.SwitchConfig{SpanningTree: c.proto, BootTime: sec(60)}))
			must(t, n.AddHost("cli", network.HostConfig{}))
			must(t, n.AddHost("srv", network.HostConfig{}))
			must(t, n.AddLink("core-acc", "core:p1", "acc:up", lc))
			must(t, n.AddLink("cli", "cli:eth0", "core:p9", lc))
			must(t, n.AddLink("srv", "srv:eth0", "acc:p1", lc))
			f, err := n.AddFlow(network.FlowConfig{Name: "call", From: "cli", To: "srv", RateBps: 87200, Bidirectional: true})
			must(t, err)
			s.At(sec(10), func() { must(t, n.FailSwitch("acc")) })
			s.At(sec(20), func() { must(t, n.RepairSwitch("acc")) })
			if c.relapse {
				s.At(sec(50), func() { must(t, n.FailSwitch("acc")) })
				s.At(sec(70), func() { must(t, n.RepairSwitch("acc")) })
			}
			s.At(c.booted-sec(1), func() {
				if n.Port("srv:eth0").Carrier() || f.Delivering() {
					t.Errorf("%v: acc is still booting, but srv:eth0 carrier %v, flow delivering %v",
						s.Now(), n.Port("srv:eth0").Carrier(), f.Delivering())
				}
			})
			s.RunUntil(sec(200))
			booted, ok := tr.first(sec(20), func(r sim.Record) bool { _, ok := r.(network.SwitchBooted); return ok })
			if !ok {
				tr.dump(t, sec(20))
				t.Fatal("acc never booted")
			}
			near(t, "booted", booted, c.booted, 0)
			iv := outage(t, f, sec(10))
			near(t, "delivered again", iv.End, c.restored, 0)
			if n := len(f.Outages()); n != 1 {
				t.Errorf("%d outages, want the one from 10 s", n)
			}
		})
	}
}

// A switch module with uplink failure detection that gets power back keeps its
// blade-facing ports down until an uplink has carrier; one without brings them up as it
// boots. Module m (boot 30 s) off from 10 s to 20 s; its uplink has a 2 s PHY delay,
// the blade's link none:
//
//	booted at 20 + 30 = 50 s; uplink carrier at 50 + 2 = 52 s
//	with uplink failure detection:    blade carrier at 52 s
//	without:                          blade carrier at 50 s
//
// While it is off, the module reports no uplink tracking of its own.
func TestModuleBootHoldsBladePortsUntilAnUplinkIsUp(t *testing.T) {
	for _, c := range []struct {
		tracking bool
		carrier  sim.Time
	}{{true, sec(52)}, {false, sec(50)}} {
		s := sim.New(1)
		tr := observe(s)
		n := network.New(s, network.Options{})
		must(t, n.AddSwitch("core", network.SwitchConfig{}))
		must(t, n.AddInterconnect("m", network.InterconnectConfig{Kind: topology.SwitchModule,
			UplinkFailureDetection: c.tracking, Switch: network.SwitchConfig{BootTime: sec(30)}}))
		must(t, n.AddHost("b", network.HostConfig{}))
		must(t, n.AddLink("m-up", "m:up1", "core:p1", network.LinkConfig{Speed: 10e9, PHYDelay: sec(2)}))
		must(t, n.AddLink("b-eth0", "b:eth0", "m:bay1", network.LinkConfig{Speed: 10e9}))
		s.At(sec(10), func() { must(t, n.FailSwitch("m")) })
		s.At(sec(20), func() { must(t, n.RepairSwitch("m")) })
		s.RunUntil(sec(60))
		up, ok := tr.first(sec(20), func(r sim.Record) bool {
			cc, ok := r.(network.CarrierChanged)
			return ok && cc.Port == "b:eth0" && cc.Up
		})
		if !ok {
			tr.dump(t, sec(10))
			t.Fatalf("tracking %v: the blade never saw carrier again", c.tracking)
		}
		near(t, "blade carrier", up, c.carrier, 0)
		if at, ok := tr.first(sec(10), func(r sim.Record) bool {
			u, ok := r.(network.UplinkTrackingChanged)
			return ok && u.DownlinksDisabled
		}); ok {
			t.Errorf("tracking %v: the module reported its uplinks down at %v while it was off", c.tracking, at)
		}
	}
}
