package uc

import (
	"errors"
	"fmt"
	"math"

	"dctwin/sim"
	"dctwin/workloads/emodel"
)

// Defaults of Config, with their sources.
const (
	// DefaultHolding is the mean talk time of a call: Avaya's general-business default of
	// 180 s talk (of a 200 s holding time with 20 s setup), reference-facts 9.
	DefaultHolding = 180 * sim.Second
	// DefaultCodec is the codec of a group that names none: G.711 with the packet-loss
	// concealment of G.711 Appendix I (G.113 Appendix I: Ie 0, Bpl 25.1, reference-facts
	// 2), as IP phones conceal a lost packet rather than play silence. "g711" names G.711
	// without concealment (Bpl 4.3).
	DefaultCodec = "g711-plc"
	// DefaultRTPTimeout is the RTP inactivity timeout after which the PBX hangs up a call
	// whose media stopped: the rtptimeout sample value of Asterisk's sip.conf (60 s,
	// reference-facts 9). It is a sample, not a product default: Asterisk leaves the
	// timeout off unless set.
	DefaultRTPTimeout = 60 * sim.Second
	// DefaultT1 is SIP's round-trip estimate T1 = 500 ms; INVITE retransmissions start at
	// T1 and double (timer A), the transaction fails at timer B = 64·T1 = 32 s (RFC 3261
	// §17.1.1, reference-facts 9).
	DefaultT1 = 500 * sim.Millisecond
	// DefaultDegradedMOS is the MOS below which a call counts as degraded: 3.6, the MOS of
	// R = 70, the lower limit of G.109's "Medium" category (reference-facts 1.8, 1.10),
	// as issue 5 item 5 asks.
	DefaultDegradedMOS = 3.6
	// DefaultSampleInterval is how often every talking call is rated (the MOS time series,
	// the degraded test): one second of simulated time (issue 5 item 4).
	DefaultSampleInterval = sim.Second
	// DefaultMOSInterval is the span a call's interval MOS is measured over: the packets
	// of the last 8 s. Cisco IP phones rate listening quality (MOS LQK) from the
	// concealment events "in the preceding 8 seconds of the voice stream" (Cisco Unified IP
	// Phone 6921/6941/6945/6961 Administration Guide for CUCM 8.6, OL-24567-01, p. 8-12,
	// Streaming Statistics); RTCP reports, which carry the RTCP XR VoIP metrics (RFC 3611)
	// that monitors rate calls by, come no more often than every 5 s (RFC 3550 §6.2), and
	// Cisco TelePresence alarms on latency averaged over 10 s (reference-facts 3). Over
	// 8 s at 50 packets a second one lost packet is 0.25 % loss, which a listener with
	// concealment does not notice (G.711 with PLC: MOS 4.39 against 4.41 loss-free at
	// the E-model defaults), where a one-second interval would call it 2 %.
	DefaultMOSInterval = 8 * sim.Second
	// DefaultDelayBudget is the one-way mouth-to-ear delay above which a call is flagged:
	// 150 ms, the limit of ITU-T G.114's band "acceptable for most user applications"
	// (reference-facts 3) and the source article's "maximum delay of about 150 ms" for
	// good voice and picture quality (source material 000).
	DefaultDelayBudget = 150 * sim.Millisecond
	// DefaultLognormalSigma is the shape σ (standard deviation of the log) of lognormal
	// holding times when a group sets none. dctwin's choice: σ = 1 gives a coefficient of
	// variation of √(e−1) ≈ 1.31, a long tail like measured call durations; Erlang B does
	// not depend on it.
	DefaultLognormalSigma = 1.0
)

// MinSampleInterval is the shortest sample interval: an interval must hold a few
// packets (50 a second at 20 ms) for its loss ratio to mean anything. dctwin's guard.
const MinSampleInterval = 100 * sim.Millisecond

// MaxCallRate bounds a group's call attempts per second. dctwin's guard, not a cited
// value: an enterprise PBX handles tens to hundreds of attempts a second, and a load
// beyond this is a typo (erlangs with a holding time in nanoseconds) that would only
// make the run crawl.
const MaxCallRate = 1000

// MaxStations bounds the stations one endpoint node stands for, and MaxOfferedErlangs
// the traffic a group offers. dctwin's guards, not cited values: the design's largest
// data center has 100,000 phones at 0.11 erlang (11,000 erlangs); beyond these a
// scenario holds a typo, and the warm start's loss-system run, whose length grows with
// the offered traffic, would crawl.
const (
	MaxStations       = 1_000_000
	MaxOfferedErlangs = 100_000
)

// Config is the unified-communications workload of one scenario. The zero value of
// every optional field means its documented default; New validates the whole and returns
// an error naming the first bad field.
type Config struct {
	// Groups are the user groups that place calls.
	Groups []UserGroup
	// PBXs are the IP-PBXs the groups register with. A group whose PBX is not listed
	// here uses an implicit single-node PBX on the node of that name with unlimited
	// channels, so `pbx: srv-1` in a scenario needs no further description.
	PBXs []PBX
	// Gateway is the media gateway to the PSTN that trunk calls go through; nil for none.
	Gateway *Server
	// Voicemail is the voicemail server; nil for none.
	Voicemail *Server
	// Conference is the conference bridge (MCU); nil for none.
	Conference *Server
	// RTPTimeout is the PBX's RTP inactivity timeout: a call whose media stream has not
	// delivered for this long is hung up. 0 means DefaultRTPTimeout (60 s); a negative
	// value switches the timeout off, as Asterisk does when it is not set.
	RTPTimeout sim.Time
	// T1 is the SIP round-trip estimate for INVITE retransmissions (0: DefaultT1).
	// Timer B, after which an unanswered INVITE fails the call, is 64·T1.
	T1 sim.Time
	// PostDialDelay is the time from the INVITE reaching the PBX to the media starting
	// (ringing and answer). Default 0: reference-facts has no figure for it; Avaya's 20 s
	// setup share of the holding time (reference-facts 9) is a value to try.
	PostDialDelay sim.Time
	// DegradedMOS is the MOS under which a call counts as degraded (0: 3.6).
	DegradedMOS float64
	// MOSInterval is the span of a call's interval MOS: each sample rates the packets of
	// the last MOSInterval (0: DefaultMOSInterval, 8 s). A call is degraded while its
	// interval MOS is under DegradedMOS.
	MOSInterval sim.Time
	// DelayBudget is the one-way mouth-to-ear delay above which a call counts as over
	// budget in Stats (0: DefaultDelayBudget, 150 ms, G.114).
	DelayBudget sim.Time
	// ColdStart starts the run with no call in progress. By default Start puts on the
	// network the calls a stationary busy hour has in progress, so that a short run shows
	// calls from its first second, as if it began in the middle of the busy hour. They
	// are found by running the loss system before t = 0 (see warmStart): each passed the
	// same admission as every call after, and none counts as attempted.
	ColdStart bool
	// SampleInterval is how often every talking call is rated over its MOSInterval and
	// the MOS time series gains a point (0: one second). A negative value switches
	// sampling off (for long blocking experiments); calls still get their final MOS.
	SampleInterval sim.Time
}

// UserGroup is a set of endpoints (phones, soft clients, room systems: names of network
// nodes) with a common call load, codec and PBX.
type UserGroup struct {
	// Name identifies the group in records and errors.
	Name string
	// Endpoints are the network nodes of the group's phones or clients.
	Endpoints []string
	// Stations is how many phones (stations) each endpoint node stands for, as a node
	// standing for a floor of phones does (0: 1, the node is one phone). Each station is
	// busy while in a call: it places no other call, and a call to it finds it busy.
	Stations int
	// PBX names the PBX the group registers with (see Config.PBXs).
	PBX string
	// BHCA is the busy-hour call attempts per station (Avaya light / moderate / heavy:
	// 0.75 / 1.5 / 2.25, reference-facts 9). Set BHCA or Erlangs, not both; with neither
	// the group places no calls of its own (PlaceCall still works).
	BHCA float64
	// Erlangs is the offered traffic per station (Avaya general business: 0.11 erlang
	// per station, reference-facts 9). Call attempts arrive as a Poisson stream of rate
	// Erlangs·len(Endpoints)·Stations/Holding, each from a station chosen at random; one
	// that finds its station busy in a call is not made (the user is on the phone).
	Erlangs float64
	// Holding is the mean holding (talk) time of a call (0: DefaultHolding, 180 s).
	Holding sim.Time
	// HoldingDist is the distribution of holding times (default Exponential).
	HoldingDist HoldingDist
	// HoldingSigma is σ of a lognormal holding time (0: DefaultLognormalSigma).
	HoldingSigma float64
	// Mix says where calls go; the zero value sends every call to another endpoint of
	// the group.
	Mix Mix
	// Codec names the voice codec from emodel's table (0: DefaultCodec, G.711 with PLC).
	Codec string
	// PacketMs is the packetization interval in ms (0: the codec's usual, 20 ms for
	// G.711 and G.729, reference-facts 2).
	PacketMs float64
	// JitterBuffer is the endpoints' de-jitter buffer (zero value: fixed, 40 ms; 25 ms
	// for a group with Video, see DefaultVideoJitter).
	JitterBuffer JitterBuffer
	// Video, when set, makes every call of the group a video call that also opens the
	// profile's video streams in each direction (see RoomSystem, Telepresence3Screen).
	Video *Video
}

// HoldingDist is the distribution of call holding times.
type HoldingDist int

// Holding-time distributions. Erlang B's blocking depends only on the mean holding time
// (insensitivity, reference-facts 9), so both give the same blocking.
const (
	Exponential HoldingDist = iota // memoryless, the classic M/M/m/m assumption
	Lognormal                      // long-tailed, with shape HoldingSigma
)

// String names the distribution.
func (d HoldingDist) String() string {
	switch d {
	case Exponential:
		return "exponential"
	case Lognormal:
		return "lognormal"
	}
	return fmt.Sprintf("HoldingDist(%d)", int(d))
}

// Mix gives the shares of a group's calls by destination. Shares are relative weights
// (they need not sum to 1); all zero means Internal only.
type Mix struct {
	Internal   float64 // to another endpoint of the same group, media peer to peer
	OtherGroup float64 // to an endpoint of another group, media peer to peer
	Trunk      float64 // to the PSTN through the media gateway (needs Config.Gateway)
	Voicemail  float64 // to voicemail (needs Config.Voicemail)
	Conference float64 // into a conference on the bridge (needs Config.Conference)
}

// PBX is an IP-PBX: one node, or a clustered pair whose survivor takes over
// registrations, signalling and the control of anchored calls when the other fails.
type PBX struct {
	// Name is how groups refer to the PBX.
	Name string
	// Nodes are the network nodes (physical servers or VMs) of the PBX: one, or two for
	// a cluster. The first node that is up is the active one.
	Nodes []string
	// Channels is the number of simultaneous calls the PBX handles (licences, channels);
	// 0 means unlimited. A call holds a channel from setup to hang-up.
	Channels int
	// FailoverDelay is how long after the loss of a cluster node the endpoints keep
	// signalling to it before they turn to the survivor (keepalive detection and
	// re-registration); INVITEs sent meanwhile are lost and retransmitted. 0 means at
	// once, as with a cluster address that moves to the survivor. reference-facts has no
	// figure; it depends on the phones' registration and keepalive settings.
	FailoverDelay sim.Time
}

// Server is a media server at which calls terminate: the media gateway (Channels are its
// trunk channels, e.g. 30 on an E1), the voicemail server or the conference bridge
// (Channels are its ports).
type Server struct {
	// Node is the network node the media flows to.
	Node string
	// Channels is the number of simultaneous calls the server takes; 0 means unlimited.
	Channels int
}

// Validate applies the defaults to a copy of c and checks it, as New does; the error
// names the first bad field (`groups[1] (sales).mix.trunk: ...`). A scenario checker can
// call it without a simulation.
func (c Config) Validate() error {
	if err := c.withDefaults().validate(); err != nil {
		return fmt.Errorf("uc: %w", err)
	}
	return nil
}

// withDefaults returns a copy of c with every zero optional field set to its default.
func (c Config) withDefaults() Config {
	if c.RTPTimeout == 0 {
		c.RTPTimeout = DefaultRTPTimeout
	}
	if c.T1 == 0 {
		c.T1 = DefaultT1
	}
	if c.DegradedMOS == 0 {
		c.DegradedMOS = DefaultDegradedMOS
	}
	if c.SampleInterval == 0 {
		c.SampleInterval = DefaultSampleInterval
	}
	if c.MOSInterval == 0 {
		c.MOSInterval = DefaultMOSInterval
	}
	if c.DelayBudget == 0 {
		c.DelayBudget = DefaultDelayBudget
	}
	groups := make([]UserGroup, len(c.Groups))
	for i, g := range c.Groups {
		if g.Holding == 0 {
			g.Holding = DefaultHolding
		}
		if g.HoldingSigma == 0 {
			g.HoldingSigma = DefaultLognormalSigma
		}
		if g.Codec == "" {
			g.Codec = DefaultCodec
		}
		if g.Stations == 0 {
			g.Stations = 1
		}
		if g.Mix == (Mix{}) {
			g.Mix.Internal = 1
		}
		if g.Video != nil && g.JitterBuffer.Mode == FixedJitter && g.JitterBuffer.Nominal == 0 {
			g.JitterBuffer.Nominal = DefaultVideoJitter
		}
		g.JitterBuffer = g.JitterBuffer.withDefaults()
		if g.Video != nil {
			v := g.Video.withDefaults()
			g.Video = &v
		}
		groups[i] = g
	}
	c.Groups = groups
	return c
}

// validate checks a configuration that has its defaults applied.
func (c Config) validate() error {
	if c.T1 < 0 {
		return fmt.Errorf("t1: negative (%v)", c.T1)
	}
	if c.PostDialDelay < 0 {
		return fmt.Errorf("post_dial_delay: negative (%v)", c.PostDialDelay)
	}
	if c.SampleInterval > 0 && c.SampleInterval < MinSampleInterval {
		return fmt.Errorf("sample_interval: %v is shorter than %v", c.SampleInterval, MinSampleInterval)
	}
	if c.SampleInterval > 0 && c.MOSInterval < c.SampleInterval {
		return fmt.Errorf("mos_interval: %v is shorter than the sample interval %v", c.MOSInterval, c.SampleInterval)
	}
	if c.MOSInterval < 0 {
		return fmt.Errorf("mos_interval: negative (%v)", c.MOSInterval)
	}
	if c.DelayBudget < 0 {
		return fmt.Errorf("delay_budget: negative (%v)", c.DelayBudget)
	}
	// Timers run these durations from now; beyond a century they would leave sim.Time.
	for _, d := range []struct {
		name string
		v    sim.Time
	}{{"rtp_timeout", c.RTPTimeout}, {"t1", 64 * min(c.T1, maxDrawn/32)}, {"post_dial_delay", c.PostDialDelay},
		{"sample_interval", c.SampleInterval}, {"mos_interval", c.MOSInterval}} {
		if d.v > maxDrawn {
			return fmt.Errorf("%s: %v is longer than a century", d.name, d.v)
		}
	}
	if !(c.DegradedMOS >= 1 && c.DegradedMOS <= 4.5) {
		return fmt.Errorf("degraded_mos: %g is outside the MOS scale 1 … 4.5", c.DegradedMOS)
	}
	pbxs := make(map[string]bool)
	for i, p := range c.PBXs {
		field := fmt.Sprintf("pbxs[%d]", i)
		switch {
		case p.Name == "":
			return fmt.Errorf("%s.name: empty", field)
		case pbxs[p.Name]:
			return fmt.Errorf("%s.name: PBX %q defined twice", field, p.Name)
		case len(p.Nodes) < 1 || len(p.Nodes) > 2:
			return fmt.Errorf("%s.nodes: PBX %q has %d nodes; want 1, or 2 for a cluster", field, p.Name, len(p.Nodes))
		case p.Channels < 0:
			return fmt.Errorf("%s.channels: negative (%d)", field, p.Channels)
		case p.FailoverDelay < 0:
			return fmt.Errorf("%s.failover_delay: negative (%v)", field, p.FailoverDelay)
		}
		for j, n := range p.Nodes {
			if n == "" {
				return fmt.Errorf("%s.nodes[%d]: empty", field, j)
			}
		}
		if len(p.Nodes) == 2 && p.Nodes[0] == p.Nodes[1] {
			return fmt.Errorf("%s.nodes: the cluster pair of PBX %q names %q twice", field, p.Name, p.Nodes[0])
		}
		pbxs[p.Name] = true
	}
	for _, srv := range []struct {
		name string
		s    *Server
	}{{"gateway", c.Gateway}, {"voicemail", c.Voicemail}, {"conference", c.Conference}} {
		name, s := srv.name, srv.s
		if s == nil {
			continue
		}
		if s.Node == "" {
			return fmt.Errorf("%s.node: empty", name)
		}
		if s.Channels < 0 {
			return fmt.Errorf("%s.channels: negative (%d)", name, s.Channels)
		}
	}
	if len(c.Groups) == 0 {
		return errors.New("groups: no user group")
	}
	names := make(map[string]bool)
	stations := make(map[string]string) // endpoint → the group that set its stations
	for i, g := range c.Groups {
		err := c.validateGroup(g, names)
		if err == nil {
			err = sameStations(c.Groups, g, stations)
		}
		if err != nil {
			if g.Name != "" {
				return fmt.Errorf("groups[%d] (%s).%w", i, g.Name, err)
			}
			return fmt.Errorf("groups[%d].%w", i, err)
		}
		names[g.Name] = true
	}
	return nil
}

// validateGroup checks one group; the error starts with the field name.
func (c Config) validateGroup(g UserGroup, seen map[string]bool) error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case g.Name == "":
		return errors.New("name: empty")
	case seen[g.Name]:
		return fmt.Errorf("name: group %q defined twice", g.Name)
	case len(g.Endpoints) == 0:
		return errors.New("endpoints: none")
	case g.PBX == "":
		return errors.New("pbx: empty")
	case !finite(g.BHCA) || g.BHCA < 0:
		return fmt.Errorf("bhca: %g is not a non-negative number", g.BHCA)
	case !finite(g.Erlangs) || g.Erlangs < 0:
		return fmt.Errorf("erlangs: %g is not a non-negative number", g.Erlangs)
	case g.BHCA > 0 && g.Erlangs > 0:
		return errors.New("erlangs: set bhca or erlangs, not both")
	case g.Holding < 0:
		return fmt.Errorf("holding: negative (%v)", g.Holding)
	case g.HoldingDist != Exponential && g.HoldingDist != Lognormal:
		return fmt.Errorf("holding_dist: unknown distribution %d", int(g.HoldingDist))
	case !finite(g.HoldingSigma) || g.HoldingSigma <= 0:
		return fmt.Errorf("holding_sigma: %g is not a positive number", g.HoldingSigma)
	case !finite(g.PacketMs) || g.PacketMs < 0:
		return fmt.Errorf("packet_ms: %g is not a non-negative number", g.PacketMs)
	case g.Stations < 1 || g.Stations > MaxStations:
		return fmt.Errorf("stations: %d is not between 1 and %d", g.Stations, MaxStations)
	}
	for j, e := range g.Endpoints {
		if e == "" {
			return fmt.Errorf("endpoints[%d]: empty", j)
		}
	}
	if rate := (&group{cfg: g}).arrivalRate(); rate > MaxCallRate {
		field := "bhca"
		if g.Erlangs > 0 {
			field = "erlangs"
		}
		return fmt.Errorf("%s: %.0f call attempts per second exceed %d; check the load and the holding time",
			field, rate, MaxCallRate)
	}
	if a := (&group{cfg: g}).offeredErlangs(); a > MaxOfferedErlangs {
		field := "bhca"
		if g.Erlangs > 0 {
			field = "erlangs"
		}
		return fmt.Errorf("%s: %.0f erlangs offered exceed %d; check the load and the holding time",
			field, a, MaxOfferedErlangs)
	}
	codec, err := emodel.LookupCodec(g.Codec)
	if err != nil {
		return fmt.Errorf("codec: %w", err)
	}
	if codec.Wideband {
		return fmt.Errorf("codec: %s is wideband; the narrowband E-model cannot rate it", codec.Name)
	}
	if _, err := codec.FramesPerPacket(g.PacketMs); err != nil {
		return fmt.Errorf("packet_ms: %w", err)
	}
	if err := g.JitterBuffer.validate(); err != nil {
		return fmt.Errorf("jitter_buffer.%w", err)
	}
	if g.Video != nil {
		if err := g.Video.validate(); err != nil {
			return fmt.Errorf("video.%w", err)
		}
	}
	return c.validateMix(g)
}

// sameStations checks that an endpoint listed by more than one group stands for the same
// number of stations in each: its phones are one pool, busy or not, whichever group
// calls. seen maps each endpoint to the first group that listed it.
func sameStations(groups []UserGroup, g UserGroup, seen map[string]string) error {
	for j, e := range g.Endpoints {
		other, ok := seen[e]
		if !ok {
			seen[e] = g.Name
			continue
		}
		for _, o := range groups {
			if o.Name == other && o.Stations != g.Stations {
				return fmt.Errorf("endpoints[%d]: %s stands for %d stations in group %s but %d here",
					j, e, o.Stations, other, g.Stations)
			}
		}
	}
	return nil
}

// validateMix checks that every destination a group's mix uses exists.
func (c Config) validateMix(g UserGroup) error {
	m := g.Mix
	for _, s := range []struct {
		name  string
		share float64
	}{{"internal", m.Internal}, {"other_group", m.OtherGroup}, {"trunk", m.Trunk},
		{"voicemail", m.Voicemail}, {"conference", m.Conference}} {
		if math.IsNaN(s.share) || math.IsInf(s.share, 0) || s.share < 0 {
			return fmt.Errorf("mix.%s: %g is not a non-negative share", s.name, s.share)
		}
	}
	switch {
	case m.Internal > 0 && len(g.Endpoints) < 2:
		return errors.New("mix.internal: internal calls need at least two endpoints in the group")
	case m.OtherGroup > 0 && len(c.Groups) < 2:
		return errors.New("mix.other_group: there is no other group")
	case m.Trunk > 0 && c.Gateway == nil:
		return errors.New("mix.trunk: trunk calls need a gateway")
	case m.Voicemail > 0 && c.Voicemail == nil:
		return errors.New("mix.voicemail: voicemail calls need a voicemail server")
	case m.Conference > 0 && c.Conference == nil:
		return errors.New("mix.conference: conference calls need a conference bridge")
	}
	return nil
}
