package scenarios

import (
	"bytes"
	"dctwin/scenario"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Fabric describes a generated two-tier L2 data center, the size of which is a parameter
// rather than a file: two L3 core switches with VRRP gateways, access switches in pairs
// joined by an inter-switch link and uplinked to both cores (spanning tree blocks the
// redundant paths), servers with a two-NIC NFT team to an access pair, clients on the
// access switches, flows between random server pairs and between servers and clients,
// and random failures of links, NICs and switches. It exists for benchmarks (`dctwin
// bench network`) and for trying the twin at scale; the zero value of a field takes the
// default documented on it.
type Fabric struct {
	// Switches in total: 2 cores plus Switches-2 access switches, in pairs (so Switches
	// is even, at least 4). Default 200.
	Switches int
	// Hosts are teamed servers, spread round-robin over the access pairs. Default 2,000.
	Hosts int
	// Clients are single-homed user endpoints on the access switches. Default Hosts/10
	// (at least 1).
	Clients int
	// Flows between a random server pair, or (every fifth) between a random server and
	// a random client; bidirectional. Default 10 × Hosts.
	Flows int
	// Duration is the simulated time (`run: duration`). Default 1 h.
	Duration time.Duration
	// Seed draws the flows' ends and rates and is the run's master seed. Default 1.
	Seed uint64
	// Detection is the teams' failure detection: "miimon" (default; 100 ms, downdelay
	// 200 ms, updelay 200 ms), "carrier" or "heartbeat" (1 s, 3 missed, to the gateway).
	Detection string
	// SpanningTree on every switch: "rstp" (default) or "stp".
	SpanningTree string
	// Random failures per class: mean time between failures of each component and mean
	// time to repair. A zero MTBF is chosen so that, over Duration, the class sees about
	// the number of failures in Failures; a negative MTBF leaves the class out.
	LinkMTBF, LinkMTTR     time.Duration
	NICMTBF, NICMTTR       time.Duration
	SwitchMTBF, SwitchMTTR time.Duration
	// Failures is the expected number of failures over the run for the classes whose
	// MTBF is derived: 60 % links, 30 % NICs, 10 % switches. Default 100.
	Failures int
	// VLANs spreads the servers over this many server VLANs and the clients over as
	// many client VLANs, round-robin, each VLAN with its gateway. Default 1.
	VLANs int
	// Phones are IP phones on the access switches, in a voice VLAN: one phone endpoint
	// per access switch (fewer if there are fewer phones) standing for its share of the
	// phones (`stations`), placing internal calls at a busy-hour load of 0.1 erlang per
	// phone (180 s holding time, G.711) through a PBX pair on the first two servers.
	// Default none.
	Phones int
	// AsymmetricVRRP makes core-2 the gateway master of every other VLAN (the client
	// VLAN of a single pair), so that the two directions of a client-server flow are
	// routed by different cores, as networks that spread their masters for load do; the
	// core that routes only one direction never sees the other's source and keeps
	// flooding it after each MAC aging. By default every master is core-1, the
	// spanning-tree root, as the rule "align the VRRP master with the root" has it.
	AsymmetricVRRP bool
}

// FabricDefaults are the sizes of the benchmark of the network issue: 200 switches,
// 2,000 teamed hosts, 20,000 flows, one simulated hour, about 100 random failures.
var FabricDefaults = Fabric{Switches: 200, Hosts: 2000, Flows: 20000, Duration: time.Hour, Seed: 1}

// Sizes derived from the spec; the generator and the benchmark report both use them.
type fabricPlan struct {
	Fabric
	access     int // access switches
	pairs      int // access pairs
	accessPort int // ports of an access switch
	corePorts  int // ports of a core switch
	aggPairs   int // aggregation pairs between the cores and the access pairs (large fabrics)
	aggPorts   int // ports of an aggregation switch
	links      int // links in the scenario, NIC cables included
	nics       int
	phoneEnds  int // phone endpoints, one per access switch at most
	stations   int // phones per phone endpoint
}

// withDefaults fills in the zero fields.
func (f Fabric) withDefaults() Fabric {
	if f.Switches == 0 {
		f.Switches = FabricDefaults.Switches
	}
	if f.Hosts == 0 {
		f.Hosts = FabricDefaults.Hosts
	}
	if f.Clients == 0 {
		f.Clients = max(1, f.Hosts/10)
	}
	if f.Flows == 0 {
		f.Flows = 10 * f.Hosts
	}
	if f.Duration == 0 {
		f.Duration = FabricDefaults.Duration
	}
	if f.Seed == 0 {
		f.Seed = FabricDefaults.Seed
	}
	if f.Detection == "" {
		f.Detection = "miimon"
	}
	if f.SpanningTree == "" {
		f.SpanningTree = "rstp"
	}
	if f.Failures == 0 {
		f.Failures = 100
	}
	if f.VLANs == 0 {
		f.VLANs = 1
	}
	return f
}

func (f Fabric) plan() (fabricPlan, error) {
	f = f.withDefaults()
	p := fabricPlan{Fabric: f}
	switch {
	case f.Switches < 4 || f.Switches%2 != 0:
		return p, fmt.Errorf("fabric: switches must be even and at least 4 (2 cores and access pairs), got %d", f.Switches)
	case f.Hosts < 2:
		return p, fmt.Errorf("fabric: at least 2 hosts are needed for flows between them, got %d", f.Hosts)
	case f.Clients < 0 || f.Flows < 0:
		return p, fmt.Errorf("fabric: clients and flows cannot be negative")
	case f.Duration < time.Second:
		return p, fmt.Errorf("fabric: duration must be at least 1s, got %v", f.Duration)
	case f.Detection != "miimon" && f.Detection != "carrier" && f.Detection != "heartbeat":
		return p, fmt.Errorf("fabric: detection must be miimon, carrier or heartbeat, got %q", f.Detection)
	case f.SpanningTree != "rstp" && f.SpanningTree != "stp":
		return p, fmt.Errorf("fabric: spanning tree must be rstp or stp, got %q", f.SpanningTree)
	case f.Failures < 0:
		return p, fmt.Errorf("fabric: failures cannot be negative")
	case f.VLANs < 1 || 2*f.VLANs+1 > 4094:
		return p, fmt.Errorf("fabric: vlans must be 1..2046 (a server and a client VLAN each, and the voice VLAN), got %d", f.VLANs)
	case f.Phones < 0:
		return p, fmt.Errorf("fabric: phones cannot be negative")
	}
	// A core switch has at most maxCorePorts ports: with more access switches than fit,
	// access pairs hang off aggregation pairs (accessPerAgg access switches each), which
	// the cores connect.
	p.access = f.Switches - 2
	if p.access+1 > maxCorePorts {
		for p.aggPairs = 1; f.Switches-2-2*p.aggPairs > accessPerAgg*p.aggPairs; p.aggPairs++ {
		}
		p.access = f.Switches - 2 - 2*p.aggPairs
		p.access -= p.access % 2
		p.Switches = 2 + 2*p.aggPairs + p.access
	}
	p.pairs = p.access / 2
	// Per access switch: its share of server NICs (one per host of its pair) and
	// clients, the inter-switch link and two uplinks; rounded up to whole 24-port
	// line cards, as switches are sold.
	hostsPerPair := (f.Hosts + p.pairs - 1) / p.pairs
	clientsPerSwitch := (f.Clients + p.access - 1) / p.access
	if f.Phones > 0 {
		p.phoneEnds = min(f.Phones, p.access)
		p.stations = f.Phones / p.phoneEnds
	}
	p.accessPort = roundUp(hostsPerPair+clientsPerSwitch+1+3, 24)
	p.corePorts = roundUp(p.access+1, 24)
	if p.aggPairs > 0 {
		p.corePorts = roundUp(2*p.aggPairs+1, 24)
		p.aggPorts = roundUp(accessPerAgg+3, 24)
	}
	p.nics = 2 * f.Hosts
	p.links = 1 + p.pairs + 2*p.access + p.nics + f.Clients + p.phoneEnds + 5*p.aggPairs
	return p, nil
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// The largest core switch the generator builds, and how many access switches an
// aggregation pair takes when the cores cannot connect every access switch.
const (
	maxCorePorts = 1000
	accessPerAgg = 64
)

// mtbf is the class's MTBF: the spec's value, or one that gives share of the expected
// failures over the run among n components (0: class left out).
func (p fabricPlan) mtbf(set time.Duration, n int, share float64) time.Duration {
	if set != 0 {
		return max(set, 0)
	}
	want := share * float64(p.Failures)
	if want <= 0 || n == 0 {
		return 0
	}
	// Rounded to whole minutes so the file reads like one a person wrote.
	d := time.Duration(float64(n) * float64(p.Duration) / want).Round(time.Minute)
	return max(d, time.Minute)
}

// FabricCounts is the size of a generated scenario: what a benchmark reports next to
// its figures.
type FabricCounts struct {
	Switches, AccessSwitches, Hosts, NICs, Clients, Links, Flows int
	// Phones is the phones the call load runs on (phone endpoints × stations), VLANs
	// the server VLANs (and as many client VLANs).
	Phones, VLANs int
}

// Counts returns the sizes of the scenario the spec generates, or the spec's error.
func (f Fabric) Counts() (FabricCounts, error) {
	p, err := f.plan()
	if err != nil {
		return FabricCounts{}, err
	}
	return FabricCounts{Switches: p.Switches, AccessSwitches: p.access, Hosts: p.Hosts, NICs: p.nics,
		Clients: p.Clients, Links: p.links, Flows: p.Flows, Phones: p.phoneEnds * p.stations, VLANs: p.VLANs}, nil
}

// YAML returns the scenario text (schema version 1). The same spec always gives the
// same bytes: names, placement and ports follow from the sizes, and the flows' ends
// and rates are drawn from a PCG stream seeded with the spec's seed.
func (f Fabric) YAML() ([]byte, error) {
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteTo writes the scenario text to w (see YAML).
func (f Fabric) WriteTo(w io.Writer) (int64, error) {
	p, err := f.plan()
	if err != nil {
		return 0, err
	}
	b := &bytes.Buffer{}
	if err := scenario.Write(b, p.spec(), p.header()...); err != nil {
		return 0, err
	}
	return b.WriteTo(w)
}

func (p fabricPlan) core(i int) string   { return fmt.Sprintf("core-%d", i) }
func (p fabricPlan) agg(i int) string    { return fmt.Sprintf("agg-%03d", i+1) }
func (p fabricPlan) acc(i int) string    { return fmt.Sprintf("acc-%03d", i+1) }
func (p fabricPlan) host(i int) string   { return fmt.Sprintf("srv-%04d", i+1) }
func (p fabricPlan) client(i int) string { return fmt.Sprintf("client-%04d", i+1) }
func (p fabricPlan) phone(i int) string  { return fmt.Sprintf("phone-%04d", i+1) }

// serverVLAN and clientVLAN name host h's and client e's VLAN: "servers" and
// "clients" with one of each, "servers-k" and "clients-k" with several.
func (p fabricPlan) serverVLAN(h int) string { return p.vlanName("servers", h) }
func (p fabricPlan) clientVLAN(e int) string { return p.vlanName("clients", e) }

func (p fabricPlan) vlanName(kind string, i int) string {
	if p.VLANs == 1 {
		return kind
	}
	return fmt.Sprintf("%s-%d", kind, i%p.VLANs+1)
}

// spec builds the scenario as values of the scenario schema.
func (p fabricPlan) spec() *scenario.Spec {
	dur := func(d time.Duration) scenario.Duration { return scenario.Duration(d) }
	yes, three := true, 3
	sp := &scenario.Spec{Version: scenario.SchemaVersion}
	t := &sp.Topology
	// VLAN ids: servers-k 100+k, clients-k 2100+k (100 and 2100 alone), voice 99.
	for k := range p.VLANs {
		t.VLANs = append(t.VLANs, scenario.VLANSpec{Name: p.serverVLAN(k), ID: 101 + k, Subnet: fmt.Sprintf("10.%d.%d.0/24", 100+k/250, k%250)})
	}
	for k := range p.VLANs {
		t.VLANs = append(t.VLANs, scenario.VLANSpec{Name: p.clientVLAN(k), ID: 2101 + k, Subnet: fmt.Sprintf("10.%d.%d.0/24", 200+k/250, k%250)})
	}
	if p.phoneEnds > 0 {
		t.VLANs = append(t.VLANs, scenario.VLANSpec{Name: "voice", ID: 99, Subnet: "10.99.0.0/16"})
	}
	for c := 1; c <= 2; c++ {
		t.Switches = append(t.Switches, scenario.SwitchSpec{Name: p.core(c), Layer: 3, Ports: p.corePorts, SpanningTree: p.SpanningTree})
	}
	for i := range 2 * p.aggPairs {
		t.Switches = append(t.Switches, scenario.SwitchSpec{Name: p.agg(i), Layer: 2, Ports: p.aggPorts, SpanningTree: p.SpanningTree})
	}
	for i := range p.access {
		t.Switches = append(t.Switches, scenario.SwitchSpec{Name: p.acc(i), Layer: 2, Ports: p.accessPort, SpanningTree: p.SpanningTree})
	}
	// Port plan: core port i+1 goes to access switch i, the core ISL is the core's last
	// used port; on an access switch the top three ports are ISL and the two uplinks,
	// servers and clients count up from port 1.
	port := func(dev string, k int) string { return fmt.Sprintf("%s:%d", dev, k) }
	tenG := scenario.Bandwidth(10e9)
	coreISL := p.access + 1
	if p.aggPairs > 0 {
		coreISL = 2*p.aggPairs + 1
	}
	t.Links = append(t.Links, scenario.LinkSpec{Name: "core-isl", A: port(p.core(1), coreISL), B: port(p.core(2), coreISL), Speed: tenG})
	top := p.accessPort
	for k := range p.pairs {
		t.Links = append(t.Links, scenario.LinkSpec{Name: fmt.Sprintf("isl-%03d", k+1), A: port(p.acc(2*k), top), B: port(p.acc(2*k+1), top), Speed: tenG})
	}
	if p.aggPairs == 0 {
		for i := range p.access {
			for c := 1; c <= 2; c++ {
				t.Links = append(t.Links, scenario.LinkSpec{Name: fmt.Sprintf("up-%03d-%d", i+1, c), A: port(p.acc(i), top-c), B: port(p.core(c), i+1), Speed: tenG})
			}
		}
	} else {
		// Aggregation pair k (switches agg 2k and 2k+1, joined by an ISL, each uplinked to
		// both cores) takes access switches k·accessPerAgg onwards; an access switch is
		// uplinked to both switches of its aggregation pair.
		// An aggregation switch carries the traffic of its 64 access switches: its
		// uplinks and ISL are 100G, as aggregation layers are built.
		aggTop := p.aggPorts
		hundredG := scenario.Bandwidth(100e9)
		for k := range p.aggPairs {
			a, b := p.agg(2*k), p.agg(2*k+1)
			t.Links = append(t.Links, scenario.LinkSpec{Name: fmt.Sprintf("agg-isl-%03d", k+1), A: port(a, aggTop), B: port(b, aggTop), Speed: hundredG})
			for j, g := range []string{a, b} {
				for c := 1; c <= 2; c++ {
					t.Links = append(t.Links, scenario.LinkSpec{Name: fmt.Sprintf("agg-up-%03d-%d", 2*k+j+1, c), A: port(g, aggTop-c), B: port(p.core(c), 2*k+j+1), Speed: hundredG})
				}
			}
		}
		for i := range p.access {
			k, slot := i/accessPerAgg, i%accessPerAgg
			for c := 1; c <= 2; c++ {
				t.Links = append(t.Links, scenario.LinkSpec{Name: fmt.Sprintf("up-%03d-%d", i+1, c), A: port(p.acc(i), top-c), B: port(p.agg(2*k+c-1), slot+1), Speed: tenG})
			}
		}
	}
	next := make([]int, p.access) // last used access port per switch
	oneG := scenario.Bandwidth(1e9)
	for h := range p.Hosts {
		pair := h % p.pairs
		a, c := 2*pair, 2*pair+1
		next[a]++
		next[c]++
		t.Hosts = append(t.Hosts, scenario.HostSpec{Name: p.host(h), Kind: "rack",
			NICs: []scenario.NICSpec{
				{Name: "eth0", Speed: oneG, VLANs: []string{p.serverVLAN(h)}, Connect: port(p.acc(a), next[a])},
				{Name: "eth1", Speed: oneG, VLANs: []string{p.serverVLAN(h)}, Connect: port(p.acc(c), next[c])}},
			Teams: []scenario.TeamSpec{{Name: "bond0", Members: []string{"eth0", "eth1"}, Mode: "nft", Primary: "eth0",
				Failback: &yes, Detection: p.detection(), GratuitousARP: &three}}})
	}
	for e := range p.Clients {
		i := e % p.access
		next[i]++
		t.Endpoints = append(t.Endpoints, scenario.EndpointSpec{Name: p.client(e), Kind: "client", Connect: port(p.acc(i), next[i]), VLAN: p.clientVLAN(e)})
	}
	for i := range p.phoneEnds {
		next[i]++
		t.Endpoints = append(t.Endpoints, scenario.EndpointSpec{Name: p.phone(i), Kind: "phone", Connect: port(p.acc(i), next[i]), VLAN: "voice"})
	}
	// Gateways: the first router is the master. By default core-1 for every VLAN;
	// asymmetric, core-2 for every other one (the clients' with one pair of VLANs).
	gateway := func(vlan string, i int) scenario.GatewaySpec {
		routers := []string{p.core(1), p.core(2)}
		if p.AsymmetricVRRP && i%2 == 1 {
			routers = []string{p.core(2), p.core(1)}
		}
		return scenario.GatewaySpec{Name: "gw-" + vlan, VLAN: vlan, Protocol: "vrrp", Routers: routers}
	}
	for i, v := range t.VLANs {
		t.Gateways = append(t.Gateways, gateway(v.Name, i))
	}
	if p.phoneEnds > 0 {
		var phones []string
		for i := range p.phoneEnds {
			phones = append(phones, p.phone(i))
		}
		holding := scenario.Duration(180 * time.Second)
		sp.Workloads.Calls = scenario.Calls{
			PBXs: []scenario.PBXSpec{{Name: "pbx", Nodes: []string{p.host(0), p.host(1 % p.Hosts)}}},
			Groups: []scenario.CallGroup{{Name: "phones", Endpoints: phones, Stations: p.stations, Erlangs: 0.1,
				HoldingTime: holding, Codec: "g711-plc", PBX: "pbx", JitterBuffer: scenario.Duration(60 * time.Millisecond)}},
		}
	}

	// Flows: rates from a few typical kinds (a G.711 call's 87.2 kbit/s, a video
	// stream, a web session, a replication stream), so queueing differs by path.
	rng := rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))
	kinds := []struct {
		rate scenario.Bandwidth
		size int
	}{{87200, 218}, {2e6, 1200}, {500e3, 800}, {10e6, 1500}}
	for i := range p.Flows {
		var from, to string
		if i%5 == 4 && p.Clients > 0 {
			from, to = p.client(rng.IntN(p.Clients)), p.host(rng.IntN(p.Hosts))
		} else {
			a := rng.IntN(p.Hosts)
			bb := (a + 1 + rng.IntN(p.Hosts-1)) % p.Hosts
			from, to = p.host(a), p.host(bb)
		}
		k := kinds[rng.IntN(len(kinds))]
		sp.Workloads.Flows = append(sp.Workloads.Flows, scenario.Flow{Name: fmt.Sprintf("f-%05d", i+1), From: from, To: to, Rate: k.rate, PacketSize: k.size})
	}
	// Links carry most failures (optics, cables), NICs fewer, whole switches a few.
	classes := []struct {
		class      string
		mtbf, mttr time.Duration
	}{
		{"link", p.mtbf(p.LinkMTBF, p.links, 0.6), orDefault(p.LinkMTTR, 2*time.Minute)},
		{"nic", p.mtbf(p.NICMTBF, p.nics, 0.3), orDefault(p.NICMTTR, 5*time.Minute)},
		{"switch", p.mtbf(p.SwitchMTBF, p.Switches, 0.1), orDefault(p.SwitchMTTR, 10*time.Minute)},
	}
	for _, c := range classes {
		if c.mtbf > 0 {
			sp.Failures.Random = append(sp.Failures.Random, scenario.RandomFailure{Class: c.class, MTBF: dur(c.mtbf), MTTR: dur(c.mttr), Distribution: "exponential"})
		}
	}
	sp.Run = scenario.Run{Duration: dur(p.Duration), Seed: p.Seed}
	return sp
}

// header is the comment at the top of the generated file.
func (p fabricPlan) header() []string {
	return []string{
		fmt.Sprintf("description: generated L2 fabric: %d switches (2 L3 cores, %d aggregation and %d access in pairs), %d teamed", p.Switches, 2*p.aggPairs, p.access, p.Hosts),
		fmt.Sprintf("  servers, %d clients, %d flows, random failures over %s (seed %d)", p.Clients, p.Flows, fmtDuration(p.Duration), p.Seed),
		"",
		"Written by scenarios.Fabric (dctwin bench network --emit-scenario); regenerate",
		"rather than edit. Access switches 2k-1 and 2k form a pair joined by an",
		fmt.Sprintf("inter-switch link; each is uplinked to both cores, %s blocks the redundant", p.SpanningTree),
		"paths. Server srv-N has eth0 on one switch of its pair and eth1 on the other.",
	}
}

func (p fabricPlan) detection() scenario.DetectionSpec {
	switch p.Detection {
	case "carrier":
		return scenario.DetectionSpec{Method: "carrier"}
	case "heartbeat":
		return scenario.DetectionSpec{Method: "heartbeat", Interval: scenario.Duration(time.Second), Missed: 3}
	}
	ms := func(v int) scenario.Duration { return scenario.Duration(time.Duration(v) * time.Millisecond) }
	return scenario.DetectionSpec{Method: "miimon", Interval: ms(100), UpDelay: ms(200), DownDelay: ms(200)}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// fmtDuration writes a duration the way a person writes it in a scenario ("1h", "90m",
// "250ms") rather than time.Duration's "1h0m0s".
func fmtDuration(d time.Duration) string {
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if d%u.unit == 0 {
			return fmt.Sprintf("%d%s", d/u.unit, u.name)
		}
	}
	return d.String()
}
