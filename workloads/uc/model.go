package uc

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"dctwin/sim"
	"dctwin/workloads/emodel"
)

// Model is the unified-communications workload of one simulation: its user groups,
// PBXs and media servers, the calls in progress, the statistics and the MOS time series.
type Model struct {
	s   *sim.Simulation
	net Network
	cfg Config

	groups  []*group
	byName  map[string]*group
	pbxs    map[string]*pbxState
	gateway *server
	vmail   *server
	bridge  *server

	occ      *occupancy          // channels and stations the calls in progress hold
	stations map[string]resource // the station pool of each endpoint node

	down   map[string]bool     // nodes lost (servers, PBX nodes) by NodeFailed
	since  map[string]sim.Time // when each lost node failed
	active calls               // calls ringing or talking, in order of setup
	seq    int
	// rated is the talking calls that are not steady, in order of setup (a call's
	// listed number): the ones sample rates. Steady calls, most of a busy hour's,
	// are not visited at all; ended ones leave it at the next sample.
	rated    []*Call
	listSeq  uint64
	sampling bool    // sample is visiting rated: rate queues in pending instead
	pending  []*Call // calls to rate that became unsteady during a sample

	ticker  *sim.Timer
	started bool
	tally   tally
	series  []Sample
	ratings ratingCache
	// The steady calls (quality.go): how many, and the sum of their interval MOS.
	steadyN   int
	steadySum float64
}

// group is a user group with its codec resolved and its random streams.
type group struct {
	cfg        UserGroup
	pbx        *pbxState
	codec      emodel.Codec
	packetMs   float64
	pps        float64
	audioBps   float64
	audioBytes int
	seq        int
	arrivals   *sim.Timer
	pick       *rand.Rand // which station of a node a call reaches
}

// pbxState is a PBX at run time: its nodes and its channel pool.
type pbxState struct {
	name     string
	nodes    []string
	channels resource // its channel pool
	failover sim.Time // PBX.FailoverDelay
}

// server is a media server at run time.
type server struct {
	kind     Kind
	label    string
	node     string
	channels resource // its channel pool
}

// New builds the UC model of cfg on simulation s over network net. It validates the
// configuration (an error names the first bad field) and applies the defaults; calls
// start arriving when Start is called.
func New(s *sim.Simulation, net Network, cfg Config) (*Model, error) {
	if s == nil || net == nil {
		return nil, fmt.Errorf("uc: a simulation and a network are required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m := &Model{
		s: s, net: net, cfg: cfg,
		byName:   make(map[string]*group),
		pbxs:     make(map[string]*pbxState),
		occ:      &occupancy{},
		stations: make(map[string]resource),
		down:     make(map[string]bool),
		since:    make(map[string]sim.Time),
	}
	for _, p := range cfg.PBXs {
		m.pbxs[p.Name] = &pbxState{name: p.Name, nodes: slices.Clone(p.Nodes), channels: m.occ.add(p.Channels),
			failover: p.FailoverDelay}
	}
	m.gateway = m.newServer(Trunk, "gateway", cfg.Gateway)
	m.vmail = m.newServer(VoicemailCall, "voicemail", cfg.Voicemail)
	m.bridge = m.newServer(ConferenceCall, "conference", cfg.Conference)
	for i, gc := range cfg.Groups {
		g, err := m.newGroup(gc)
		if err != nil {
			// validate has looked the codec and packet size up already; this is a guard.
			return nil, fmt.Errorf("uc: groups[%d] (%s): %w", i, gc.Name, err)
		}
		m.groups = append(m.groups, g)
		m.byName[gc.Name] = g
	}
	return m, nil
}

func (m *Model) newServer(k Kind, label string, cfg *Server) *server {
	if cfg == nil {
		return nil
	}
	return &server{kind: k, label: label, node: cfg.Node, channels: m.occ.add(cfg.Channels)}
}

// station returns the station pool of a node: the group's Stations for an endpoint, one
// phone for any other node a scripted call rings.
func (m *Model) station(node string) resource {
	r, ok := m.stations[node]
	if !ok {
		r = m.occ.add(1)
		m.stations[node] = r
	}
	return r
}

func (m *Model) newGroup(gc UserGroup) (*group, error) {
	codec, err := emodel.LookupCodec(gc.Codec)
	if err != nil {
		return nil, err
	}
	packetMs := gc.PacketMs
	if packetMs == 0 {
		packetMs = codec.PacketMs
	}
	pps, err := codec.PacketsPerSecond(packetMs)
	if err != nil {
		return nil, err
	}
	payload, err := codec.PayloadBytes(packetMs)
	if err != nil {
		return nil, err
	}
	// Media streams load the links with their Ethernet frames, as Cisco's per-call
	// bandwidth table counts them (G.711/20 ms: 87.2 kbit/s, reference-facts 2).
	bps, err := codec.Bandwidth(packetMs, emodel.EthernetBytes)
	if err != nil {
		return nil, err
	}
	p, ok := m.pbxs[gc.PBX]
	if !ok {
		p = &pbxState{name: gc.PBX, nodes: []string{gc.PBX}, channels: m.occ.add(0)}
		m.pbxs[gc.PBX] = p
	}
	for _, e := range gc.Endpoints {
		if _, ok := m.stations[e]; !ok {
			m.stations[e] = m.occ.add(gc.Stations)
		}
	}
	return &group{
		cfg: gc, pbx: p, codec: codec, packetMs: packetMs, pps: pps,
		audioBps: bps, audioBytes: payload + emodel.IPUDPRTPBytes + emodel.EthernetBytes,
		pick: m.s.Rand("uc/" + gc.Name + "/station"),
	}, nil
}

// Start starts the call arrivals of every group with a load and the MOS sampling and,
// unless Config.ColdStart is set, puts the calls of a stationary busy hour in progress
// (see Config.ColdStart). It does nothing the second time.
func (m *Model) Start() {
	if m.started {
		return
	}
	m.started = true
	if !m.cfg.ColdStart {
		m.warmStart()
	}
	for _, g := range m.groups {
		m.startArrivals(g)
	}
	if m.cfg.SampleInterval > 0 {
		m.ticker = m.s.NewTimer(m.sample)
		m.ticker.Reset(m.cfg.SampleInterval)
	}
}

// Config returns the configuration with its defaults applied.
func (m *Model) Config() Config { return m.cfg }

// NodeFailed tells the model that a node (a server, a PBX node, a VM) has failed: calls
// whose media is anchored on it drop, anchored calls whose PBX has no node left drop,
// and calls still ringing on a PBX without a node fail their setup. Peer-to-peer calls
// keep talking: their media never touched the PBX. Signalling to or through a failed
// node fails until NodeRepaired (INVITEs are retransmitted until timer B). A failed
// endpoint needs no call here: its media streams stop delivering, which the network
// reports, and the RTP inactivity timeout ends its calls.
func (m *Model) NodeFailed(node string) {
	if m.down[node] {
		return
	}
	m.down[node] = true
	m.since[node] = m.s.Now()
	for _, c := range m.active.list() {
		switch {
		case c.server != nil && c.server.node == node:
			c.drop(ReasonServerLost)
		case c.pbx.activeNode(m.down) == "" && (c.state == Ringing || c.server != nil):
			c.drop(ReasonPBXLost)
		}
	}
}

// NodeRepaired tells the model that a failed node is back.
func (m *Model) NodeRepaired(node string) {
	delete(m.down, node)
	delete(m.since, node)
}

// activeNode is the PBX node that handles signalling now: the first that is not down,
// "" when none is left.
func (p *pbxState) activeNode(down map[string]bool) string {
	for _, n := range p.nodes {
		if !down[n] {
			return n
		}
	}
	return ""
}

// Active returns the calls ringing or talking now, in order of setup.
func (m *Model) Active() []*Call { return m.active.list() }

func (m *Model) addActive(c *Call) {
	m.listSeq++
	c.listSeq = m.listSeq
	m.active.push(c)
}

// rate puts a talking call that is not steady among those sample rates, at its place
// in the order of setup (sample visits them in that order, as it once visited every
// call in progress, so its sums and records do not depend on when calls settled).
func (m *Model) rate(c *Call) {
	if m.sampling {
		m.pending = append(m.pending, c)
		return
	}
	i, _ := slices.BinarySearchFunc(m.rated, c.listSeq, func(x *Call, s uint64) int { return cmp.Compare(x.listSeq, s) })
	m.rated = slices.Insert(m.rated, i, c)
}

// removeActive takes c out of the active calls.
func (m *Model) removeActive(c *Call) { m.active.remove(c) }

// calls is the calls in progress in order of setup, a doubly linked list through the
// calls themselves: a busy hour of 100,000 phones holds 10,000 calls and ends 50 a
// second, so a call leaves it in constant time while the others keep their order
// (iteration, and so the record stream, stays independent of removals).
type calls struct {
	first, last *Call
	n           int
}

func (l *calls) push(c *Call) {
	c.prev, c.next, c.listed = l.last, nil, true
	if l.last != nil {
		l.last.next = c
	} else {
		l.first = c
	}
	l.last = c
	l.n++
}

func (l *calls) remove(c *Call) {
	if !c.listed {
		return
	}
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		l.first = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		l.last = c.prev
	}
	c.prev, c.next, c.listed = nil, nil, false
	l.n--
}

// list copies the calls in order.
func (l *calls) list() []*Call {
	out := make([]*Call, 0, l.n)
	for c := l.first; c != nil; c = c.next {
		out = append(out, c)
	}
	return out
}
