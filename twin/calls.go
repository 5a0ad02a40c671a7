package twin

import (
	"fmt"
	"strings"

	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/workloads/uc"
)

// callConfig maps the scenario's `calls:` section onto the UC model's configuration.
// The second result is false when the scenario has no call groups.
func callConfig(c scenario.Calls) (uc.Config, bool, error) {
	if len(c.Groups) == 0 {
		return uc.Config{}, false, nil
	}
	cfg := uc.Config{RTPTimeout: sim.Time(c.RTPTimeout), PostDialDelay: sim.Time(c.PostDialDelay),
		MOSInterval: sim.Time(c.MOSInterval)}
	for _, p := range c.PBXs {
		cfg.PBXs = append(cfg.PBXs, uc.PBX{Name: p.Name, Nodes: p.Nodes, Channels: p.Channels,
			FailoverDelay: sim.Time(p.FailoverDelay)})
	}
	server := func(s *scenario.ServerSpec) *uc.Server {
		if s == nil {
			return nil
		}
		return &uc.Server{Node: s.Node, Channels: s.Channels}
	}
	cfg.Gateway, cfg.Voicemail, cfg.Conference = server(c.Gateway), server(c.Voicemail), server(c.Conference)
	for _, g := range c.Groups {
		ug := uc.UserGroup{Name: g.Name, Endpoints: g.Endpoints, Stations: g.Stations, PBX: g.PBX, BHCA: g.BHCA, Erlangs: g.Erlangs,
			Holding: sim.Time(g.HoldingTime), Codec: g.Codec, PacketMs: sim.Time(g.Packetization).Milliseconds(),
			JitterBuffer: uc.JitterBuffer{Nominal: sim.Time(g.JitterBuffer)}}
		switch strings.ToLower(g.JitterBufferMode) {
		case "", "fixed":
		case "adaptive":
			ug.JitterBuffer.Mode = uc.AdaptiveJitter
			ug.JitterBuffer.Nominal = 0
		default:
			return cfg, true, fmt.Errorf("call group %s: jitter_buffer_mode %q (expected fixed or adaptive)", g.Name, g.JitterBufferMode)
		}
		switch strings.ToLower(g.HoldingDistribution) {
		case "", "exponential":
		case "lognormal":
			ug.HoldingDist = uc.Lognormal
		default:
			return cfg, true, fmt.Errorf("call group %s: holding_distribution %q (expected exponential or lognormal)", g.Name, g.HoldingDistribution)
		}
		if m := g.Mix; m != nil {
			ug.Mix = uc.Mix{Internal: m.Internal, OtherGroup: m.OtherGroup, Trunk: m.Trunk, Voicemail: m.Voicemail,
				Conference: m.Conference}
		}
		switch strings.ToLower(g.Video) {
		case "":
		case "room":
			ug.Video = uc.RoomSystem()
		case "telepresence":
			ug.Video = uc.Telepresence3Screen()
		default:
			return cfg, true, fmt.Errorf("call group %s: video %q (expected room or telepresence)", g.Name, g.Video)
		}
		cfg.Groups = append(cfg.Groups, ug)
	}
	return cfg, true, cfg.Validate()
}

// callNodes lists the UC servers whose failure the call model must hear of: PBX nodes,
// gateway, voicemail and conference bridge.
func callNodes(cfg uc.Config) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, g := range cfg.Groups {
		add(g.PBX)
	}
	for _, p := range cfg.PBXs {
		for _, n := range p.Nodes {
			add(n)
		}
	}
	for _, s := range []*uc.Server{cfg.Gateway, cfg.Voicemail, cfg.Conference} {
		if s != nil {
			add(s.Node)
		}
	}
	return out
}

// callNetwork gives the call model the twin's network: media streams are flows on the
// runtime network, and signalling reachability is that of the SIP registration flows
// every endpoint and server keeps with its PBX nodes.
type callNetwork struct {
	tw  *Twin
	sip map[sipKey]*network.Flow
}

// SIP registration and keep-alive traffic: small and steady. dctwin's choice, not a
// cited value.
const (
	sipRateBps     = 8e3
	sipPacketBytes = 500
)

// sipKey names a SIP flow: its two devices, in order. The VLANs they talk in follow
// from the two (flowVLANs reads the topology, which a run does not change), so the
// key need not hold them, and a call's look-up does not choose them again.
type sipKey struct{ a, b string }

// signalling returns the SIP flow between two call nodes (phones, servers, VMs), one
// per pair of devices, in the VLANs they talk in. Two VMs of one host talk through
// its virtual switch.
func (cn *callNetwork) signalling(from, to string) (*network.Flow, error) {
	a, b := from, to
	if b < a {
		a, b = b, a
	}
	key := sipKey{a, b}
	if f := cn.sip[key]; f != nil {
		return f, nil
	}
	va, vb := cn.tw.flowVLANs(a, b)
	name := "sip:" + a + "<>" + b
	if cn.tw.Net.Flow(name) != nil {
		name += fmt.Sprintf("(VLANs %d, %d)", va, vb) // the name is taken (a flow of the scenario)
	}
	f, err := cn.tw.Net.AddFlow(network.FlowConfig{Name: name, From: a, To: b, FromVLAN: va, ToVLAN: vb,
		RateBps: sipRateBps, PacketBytes: sipPacketBytes, Bidirectional: true, Quiet: true})
	if err != nil {
		return nil, err
	}
	cn.sip[key] = f
	return f, nil
}

// Reachable implements uc.Network.
func (cn *callNetwork) Reachable(from, to string) bool {
	if from == to {
		return !cn.tw.nodeDown(from)
	}
	f, err := cn.signalling(from, to)
	return err == nil && f.Delivering()
}

// UnreachableFor implements uc.Network: how long the SIP flow between two nodes has
// not delivered.
func (cn *callNetwork) UnreachableFor(from, to string) sim.Time {
	if cn.Reachable(from, to) {
		return 0
	}
	if from == to {
		return sim.Never // it is down: NodeFailed tells the model when
	}
	now := cn.tw.Sim.Now()
	f, err := cn.signalling(from, to)
	if err != nil {
		return sim.Never
	}
	if out := f.Outages(); len(out) > 0 && out[len(out)-1].End == sim.Never {
		return now - out[len(out)-1].Start
	}
	return sim.Never // never delivered since it started
}

// OpenMedia implements uc.Network. A call's media starts after the phones resolved
// each other's addresses (network.FlowConfig.Resolve): its first packet does not
// flood the voice VLAN.
func (cn *callNetwork) OpenMedia(name, from, to string, rateBps float64, packetBytes int) (uc.Stream, error) {
	va, vb := cn.tw.flowVLANs(from, to)
	f, err := cn.tw.Net.AddFlow(network.FlowConfig{Name: "rtp:" + name, From: from, To: to, RateBps: rateBps, FromVLAN: va, ToVLAN: vb,
		PacketBytes: packetBytes, Quiet: true, Resolve: true})
	if err != nil {
		return nil, err
	}
	return flowStream{cn.tw.Net, f}, nil
}

type flowStream struct {
	n *network.Network
	f *network.Flow
}

func (s flowStream) Delivering() bool                  { return s.f.Delivering() }
func (s flowStream) OneWayDelay() sim.Time             { return s.f.Delay() }
func (s flowStream) OnChange(fn func(delivering bool)) { s.f.OnChange(fn) }

// OnDelayChange implements uc.DelayNotifier: a call is told when its stream's path
// moves, and is rated again from then on until it settles; a change of the load on an
// unchanged path (a queueing delay that moves by microseconds) is not reported.
func (s flowStream) OnDelayChange(fn func()) { s.f.OnPathChange(fn) }
func (s flowStream) Close()                  { s.n.RemoveFlow(s.f.Name()) }

// buildCalls sets up the UC model and the SIP flows between every endpoint and server
// and the PBX nodes, so that signalling reachability is known from the first instant.
func (tw *Twin) buildCalls() error {
	cfg, ok, err := callConfig(tw.Scenario.Spec.Workloads.Calls)
	if err != nil {
		return fmt.Errorf("%s: calls: %w", tw.Scenario.Spec.Workloads.Calls.Pos, err)
	}
	if !ok {
		return nil
	}
	cn := &callNetwork{tw: tw, sip: map[sipKey]*network.Flow{}}
	pbxNodes := map[string][]string{}
	for _, p := range cfg.PBXs {
		pbxNodes[p.Name] = p.Nodes
	}
	nodesOf := func(pbx string) []string {
		if n, ok := pbxNodes[pbx]; ok {
			return n
		}
		return []string{pbx}
	}
	var servers []string
	for _, s := range []*uc.Server{cfg.Gateway, cfg.Voicemail, cfg.Conference} {
		if s != nil {
			servers = append(servers, s.Node)
		}
	}
	for _, g := range cfg.Groups {
		for _, p := range nodesOf(g.PBX) {
			for _, e := range append(append([]string(nil), g.Endpoints...), servers...) {
				if e != p {
					if _, err := cn.signalling(e, p); err != nil {
						return fmt.Errorf("calls: signalling between %s and %s: %w", e, p, err)
					}
				}
			}
		}
	}
	m, err := uc.New(tw.Sim, cn, cfg)
	if err != nil {
		return fmt.Errorf("%s: calls: %w", tw.Scenario.Spec.Workloads.Calls.Pos, err)
	}
	tw.Calls = m
	tw.callNodes = callNodes(cfg)
	tw.callDown = map[string]bool{}
	return nil
}

// syncCalls tells the call model which of its servers lost or regained their host
// (nodeDown: a VM stunned by a live migration keeps its calls).
func (tw *Twin) syncCalls() {
	if tw.Calls == nil {
		return
	}
	for _, n := range tw.callNodes {
		down := tw.nodeDown(n)
		if down == tw.callDown[n] {
			continue
		}
		tw.callDown[n] = down
		if down {
			tw.Calls.NodeFailed(n)
		} else {
			tw.Calls.NodeRepaired(n)
		}
	}
}
