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
	// DefaultCodec is the codec of a group that names none: G.711 without packet-loss
	// concealment, the G.113 row (reference-facts 2).
	DefaultCodec = "g711"
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
	// DefaultSampleInterval is the period of the MOS time series: one second of simulated
	// time (issue 5 item 4).
	DefaultSampleInterval = sim.Second
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
	// ColdStart starts the run with no call in progress. By default Start puts on the
	// network the calls a stationary busy hour has in progress (a Poisson number with
	// the offered erlangs as mean, each with a residual holding time), so that a short
	// run shows calls from its first second; the first calls are then already talking,
	// as if the run began in the middle of the busy hour. They count as attempted.
	ColdStart bool
	// SampleInterval is the period of the MOS time series and of the per-call quality
	// samples (0: one second). A negative value switches sampling off (for long
	// blocking experiments); calls still get their final MOS.
	SampleInterval sim.Time
}

// UserGroup is a set of endpoints (phones, soft clients, room systems: names of network
// nodes) with a common call load, codec and PBX.
type UserGroup struct {
	// Name identifies the group in records and errors.
	Name string
	// Endpoints are the network nodes of the group's phones or clients.
	Endpoints []string
	// PBX names the PBX the group registers with (see Config.PBXs).
	PBX string
	// BHCA is the busy-hour call attempts per endpoint (Avaya light / moderate / heavy:
	// 0.75 / 1.5 / 2.25, reference-facts 9). Set BHCA or Erlangs, not both; with neither
	// the group places no calls of its own (PlaceCall still works).
	BHCA float64
	// Erlangs is the offered traffic per endpoint (Avaya general business: 0.11 erlang
	// per station, reference-facts 9). Arrivals are Poisson with rate
	// Erlangs·len(Endpoints)/Holding.
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
	// Codec names the voice codec from emodel's table (0: DefaultCodec, G.711 no PLC).
	Codec string
	// PacketMs is the packetization interval in ms (0: the codec's usual, 20 ms for
	// G.711 and G.729, reference-facts 2).
	PacketMs float64
	// JitterBuffer is the endpoints' de-jitter buffer (zero value: fixed, 40 ms).
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
		if g.Mix == (Mix{}) {
			g.Mix.Internal = 1
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
	// Timers run these durations from now; beyond a century they would leave sim.Time.
	for _, d := range []struct {
		name string
		v    sim.Time
	}{{"rtp_timeout", c.RTPTimeout}, {"t1", 64 * min(c.T1, maxDrawn/32)}, {"post_dial_delay", c.PostDialDelay},
		{"sample_interval", c.SampleInterval}} {
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
	for i, g := range c.Groups {
		if err := c.validateGroup(g, names); err != nil {
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
