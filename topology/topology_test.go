package topology_test

import (
	"slices"
	"testing"

	"dctwin/topology"
)

// lab builds, with the builder API a runtime uses, two L2 switches joined by an
// inter-switch link, an L3 switch above sw-a, a server teamed to both, a phone, and an
// enclosure with one pass-through and one switch module holding one blade.
func lab(t *testing.T) *topology.Topology {
	t.Helper()
	top := topology.New()
	top.AddVLAN(&topology.VLAN{Name: "srv", ID: 10})
	top.AddVLAN(&topology.VLAN{Name: "voice", ID: 20})
	top.AddSwitch(&topology.Switch{Name: "sw-a", Layer: topology.L2, Ports: 24})
	top.AddSwitch(&topology.Switch{Name: "sw-b", Layer: topology.L2, Ports: 24})
	top.AddSwitch(&topology.Switch{Name: "core", Layer: topology.L3, Ports: 8})
	port := func(s string) topology.PortRef {
		p, err := topology.ParsePortRef(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	top.AddLink(&topology.Link{Name: "isl", A: port("sw-a:24"), B: port("sw-b:24")})
	top.AddLink(&topology.Link{A: port("sw-a:23"), B: port("core:1")})
	top.AddLink(&topology.Link{A: port("pt:ext1"), B: port("sw-a:10")})
	top.AddLink(&topology.Link{A: port("ic:up1"), B: port("sw-b:10")})
	top.AddHost(&topology.Host{Name: "srv", Kind: topology.Rack, NICs: []*topology.NIC{
		{Name: "eth0", VLANs: []string{"srv"}, Connect: port("sw-a:1")},
		{Name: "eth1", VLANs: []string{"srv"}, Connect: port("sw-b:1")},
	}, Teams: []*topology.Team{{Name: "bond0", Members: []string{"eth0", "eth1"}, Mode: topology.NFT}}})
	top.AddEnclosure(&topology.Enclosure{Name: "enc", Bays: 4, PowerSupplies: 2, Modules: []*topology.Module{
		{Name: "pt", Kind: topology.PassThrough}, {Name: "ic", Kind: topology.SwitchModule, Uplinks: 1},
	}})
	top.AddHost(&topology.Host{Name: "blade", Kind: topology.Blade, Enclosure: "enc", Bay: 1, NICs: []*topology.NIC{
		{Name: "eth0", VLANs: []string{"srv"}}, {Name: "eth1", VLANs: []string{"srv"}},
	}})
	top.AddEndpoint(&topology.Endpoint{Name: "phone", Kind: topology.Phone, Connect: port("sw-b:5"), VLAN: "voice"})
	top.Wire()
	return top
}

func TestParsePortRef(t *testing.T) {
	p, err := topology.ParsePortRef("acc-1:12")
	if err != nil || p.Device != "acc-1" || p.Port != "12" || p.String() != "acc-1:12" {
		t.Errorf("got %+v %v", p, err)
	}
	for _, bad := range []string{"acc-1", ":1", "acc-1:", ""} {
		if _, err := topology.ParsePortRef(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWireBlades(t *testing.T) {
	top := lab(t)
	// blade NIC k goes to the bay port of module k
	if peer, ok := top.Peer(topology.PortRef{Device: "blade", Port: "eth0"}); !ok || peer.String() != "pt:bay1" {
		t.Errorf("eth0 wired to %v", peer)
	}
	if peer, ok := top.Peer(topology.PortRef{Device: "blade", Port: "eth1"}); !ok || peer.String() != "ic:bay1" {
		t.Errorf("eth1 wired to %v", peer)
	}
}

func TestComponentNames(t *testing.T) {
	top := lab(t)
	want := map[topology.Class][]string{
		topology.ClassNIC:       {"srv:eth0", "srv:eth1", "blade:eth0", "blade:eth1"},
		topology.ClassPSU:       {"enc:psu1", "enc:psu2"},
		topology.ClassModule:    {"pt", "ic"},
		topology.ClassEnclosure: {"enc"},
		topology.ClassSwitch:    {"sw-a", "sw-b", "core"},
	}
	for class, names := range want {
		var got []string
		for _, c := range top.ComponentsOf(class) {
			got = append(got, c.Name)
		}
		if !slices.Equal(got, names) {
			t.Errorf("%s: got %v, want %v", class, got, names)
		}
	}
	if _, ok := top.Component(topology.ClassLink, "isl"); !ok {
		t.Error("link isl missing")
	}
	if _, ok := top.Component(topology.ClassSwitchPort, "sw-a:24"); !ok {
		t.Error("switch port sw-a:24 missing")
	}
	if c, ok := top.ClassOf("srv:eth1"); !ok || c != topology.ClassNIC {
		t.Errorf("ClassOf(srv:eth1) = %v", c)
	}
}

func TestReachability(t *testing.T) {
	top := lab(t)
	n := top.Network(nil, topology.NetworkOptions{})
	if !n.Reachable("srv", "blade") {
		t.Error("srv and blade share VLAN srv across the inter-switch link")
	}
	if !n.Reachable("srv", "phone") {
		t.Error("core routes between srv and voice")
	}
	l2 := top.Network(nil, topology.NetworkOptions{L2Only: true})
	if l2.Reachable("srv", "phone") {
		t.Error("without routing, VLANs srv and voice are separate")
	}
	if !l2.SameL2("sw-a", "sw-b", "srv") {
		t.Error("sw-a and sw-b are joined by the inter-switch link")
	}
	if p := n.Path("srv", "phone"); len(p) == 0 || p[len(p)-1] != "phone|voice" {
		t.Errorf("path %v", p)
	}
}

// A server does not bridge between its NICs: without the inter-switch link, the two
// switches are not in one broadcast domain even though srv is cabled to both.
func TestHostsDoNotBridge(t *testing.T) {
	top := lab(t)
	o := topology.NewOutage()
	top.Fail(o, topology.Component{Class: topology.ClassLink, Name: "isl"})
	l2 := top.Network(o, topology.NetworkOptions{L2Only: true})
	if l2.SameL2("sw-a", "sw-b", "srv") {
		t.Error("traffic transits srv between its two NICs")
	}
}

func TestOutages(t *testing.T) {
	top := lab(t)
	// one PSU of two: nothing goes down
	o := topology.NewOutage()
	top.Fail(o, topology.Component{Class: topology.ClassPSU, Name: "enc:psu1"})
	if o.Devices["enc"] || o.Devices["blade"] {
		t.Error("one of two power supplies took the enclosure down")
	}
	// the last one takes the enclosure, its modules and blades
	top.Fail(o, topology.Component{Class: topology.ClassPSU, Name: "enc:psu2"})
	for _, d := range []string{"enc", "pt", "ic", "blade"} {
		if !o.Devices[d] {
			t.Errorf("%s not down after the last PSU failed", d)
		}
	}
	// a pass-through module's loss cuts its ports: the blade keeps only eth1 via ic
	o = topology.NewOutage()
	top.Fail(o, topology.Component{Class: topology.ClassModule, Name: "pt"})
	n := top.Network(o, topology.NetworkOptions{})
	if !n.Reachable("blade", "srv") {
		t.Error("blade lost everything although its switch module is up")
	}
	// both modules gone: the blade is cut off though it runs
	top.Fail(o, topology.Component{Class: topology.ClassModule, Name: "ic"})
	n = top.Network(o, topology.NetworkOptions{})
	if n.Reachable("blade", "srv") || o.Devices["blade"] {
		t.Error("blade reachable without interconnect modules, or down instead of isolated")
	}
	// a switch-module enclosure's blades reach the network only via the uplinks
	o = topology.NewOutage()
	top.Fail(o, topology.Component{Class: topology.ClassModule, Name: "pt"})
	top.Fail(o, topology.Component{Class: topology.ClassSwitchPort, Name: "ic:up1"})
	if top.Network(o, topology.NetworkOptions{}).Reachable("blade", "srv") {
		t.Error("blade reachable through a switch module whose only uplink failed")
	}
}

func TestParseVocabulary(t *testing.T) {
	if m, err := topology.ParseTeamMode("802.3ad"); err != nil || m != topology.LACP {
		t.Errorf("802.3ad: %v %v", m, err)
	}
	if _, err := topology.ParseClass("cable"); err == nil {
		t.Error("unknown class accepted")
	}
	if c, err := topology.ParseClass("psu"); err != nil || c != topology.ClassPSU {
		t.Errorf("psu: %v %v", c, err)
	}
}
