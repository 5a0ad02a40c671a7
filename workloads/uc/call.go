package uc

import (
	"fmt"
	"math"
	"slices"

	"dctwin/sim"
)

// CallState is where a call is in its life.
type CallState int

// Call states. Dialling, Ringing and Talking are active; the others are final.
const (
	Dialling    CallState = iota // INVITE sent, waiting for the PBX
	Ringing                      // PBX reached and channels granted, waiting for answer
	Talking                      // media streams open
	Ended                        // hung up after its holding time
	Dropped                      // cut off while talking
	Blocked                      // refused: a capacity limit was full
	FailedSetup                  // INVITE unanswered, media refused or PBX lost while ringing
	Busy                         // refused: the callee's phone was in a call
)

// String names the state.
func (s CallState) String() string {
	switch s {
	case Dialling:
		return "dialling"
	case Ringing:
		return "ringing"
	case Talking:
		return "talking"
	case Ended:
		return "ended"
	case Dropped:
		return "dropped"
	case Blocked:
		return "blocked"
	case FailedSetup:
		return "failed setup"
	case Busy:
		return "busy"
	}
	return fmt.Sprintf("CallState(%d)", int(s))
}

// Call is one call: its signalling state, the capacity it holds and its media paths.
type Call struct {
	m       *Model
	info    CallInfo
	g       *group
	pbx     *pbxState
	server  *server // nil for internal calls
	holding sim.Time
	state   CallState
	// prev and next link the calls in progress (Model.active) while listed.
	prev, next *Call
	listed     bool
	listSeq    uint64 // its place in the order of setup (Model.rate)

	attempted, answered, finished sim.Time
	transmissions                 int

	caller, callee     resource // the station pools of the caller and of an internal callee
	holdsCaller, holds bool     // holding the caller's station; the PBX, callee and server
	warm               bool     // in progress at t = 0 (see warmStart), not an attempt
	overBudget         bool     // mouth-to-ear delay has exceeded Config.DelayBudget
	maxTa              float64  // highest mouth-to-ear delay seen, ms

	audio  []*mediaPath // forward (caller → callee) and reverse
	video  []Stream
	hangup *sim.Timer
	// steady is set while the call's interval MOS cannot change until one of its
	// streams reports a change (every stream delivering, no gap in the interval, the
	// delay unchanged): it is then counted in Model.steadySum instead of being rated
	// every second (quality.go). polled marks a call with a stream that cannot report
	// delay changes (no DelayNotifier): it is rated every second.
	steady     bool
	steadyMOS  float64
	polled     bool
	sampleLo   float64 // lowest interval MOS so far
	lastMOS    float64 // interval MOS at the last sample
	degraded   bool    // inside a degraded episode
	hadEpisode bool    // has been degraded at some time
	episode    int     // index of the open episode in the tally
	quality    CallQuality
}

// ID returns the call's identifier, "group#n".
func (c *Call) ID() string { return c.info.ID }

// Info returns who called whom and how.
func (c *Call) Info() CallInfo { return c.info }

// State returns the call's current state.
func (c *Call) State() CallState { return c.state }

// Quality returns the call's quality: final once the call has ended or dropped, the
// estimate so far while it talks, zero before.
func (c *Call) Quality() CallQuality {
	if c.state == Talking {
		return c.measure()
	}
	return c.quality
}

// LastMOS returns the call's interval MOS at the last sample (the MOS over the last
// Config.MOSInterval, as an IP phone's call statistics show it): how the call sounds
// now, for a live call list. It is 0 before the first sample.
func (c *Call) LastMOS() float64 { return c.lastMOS }

// PlaceCall dials one call now from endpoint from of group: to an endpoint or node to
// for an Internal call, to the group's gateway, voicemail or bridge otherwise (to must
// then be empty). The call holds for holding once answered. Scripted calls like this
// are what lessons and tests use next to the random arrivals. A phone in a call places
// no other: PlaceCall fails while every station of from is in a call.
func (m *Model) PlaceCall(group, from string, kind Kind, to string, holding sim.Time) (*Call, error) {
	g, ok := m.byName[group]
	if !ok {
		return nil, fmt.Errorf("uc: unknown user group %q", group)
	}
	if !slices.Contains(g.cfg.Endpoints, from) {
		return nil, fmt.Errorf("uc: %q is not an endpoint of group %s", from, group)
	}
	if holding < 0 {
		return nil, fmt.Errorf("uc: negative holding time %v", holding)
	}
	var srv *server
	switch kind {
	case Internal:
		if to == "" || to == from {
			return nil, fmt.Errorf("uc: an internal call needs a callee other than %q", from)
		}
	case Trunk, VoicemailCall, ConferenceCall:
		srv = m.serverFor(kind)
		if srv == nil {
			return nil, fmt.Errorf("uc: no %s server configured", kind)
		}
		if to != "" && to != srv.node {
			return nil, fmt.Errorf("uc: a %s call goes to %s, not %q", kind, srv.node, to)
		}
	default:
		return nil, fmt.Errorf("uc: unknown call kind %d", int(kind))
	}
	if m.occ.stationBusy(m.station(from), 1) {
		return nil, fmt.Errorf("uc: %s is busy: every one of its %d station(s) is in a call", from,
			m.occ.capacity[m.station(from)])
	}
	// A century is forever for a run, and keeps the hang-up timer inside sim.Time.
	return m.place(g, from, kind, to, min(holding, maxDrawn)), nil
}

func (m *Model) serverFor(k Kind) *server {
	switch k {
	case Trunk:
		return m.gateway
	case VoicemailCall:
		return m.vmail
	case ConferenceCall:
		return m.bridge
	}
	return nil
}

// newCall creates a call whose caller has gone off-hook: it holds the caller's station
// from now until it is released. The caller's station must be free.
func (m *Model) newCall(g *group, from string, kind Kind, to string, holding sim.Time) *Call {
	g.seq++
	c := &Call{
		m: m, g: g, pbx: g.pbx, holding: holding, state: Dialling,
		attempted: m.s.Now(), sampleLo: math.Inf(1), episode: -1,
		caller: m.station(from), callee: noResource,
		info: CallInfo{ID: fmt.Sprintf("%s#%d", g.cfg.Name, g.seq), Group: g.cfg.Name, Kind: kind, From: from, To: to},
	}
	if kind == Internal {
		c.callee = m.station(to)
	} else {
		c.server = m.serverFor(kind)
		c.info.To = c.server.node
	}
	m.occ.take(c.caller)
	c.holdsCaller = true
	m.tally.live++
	return c
}

// place dials a call: it counts as attempted and sends its first INVITE.
func (m *Model) place(g *group, from string, kind Kind, to string, holding sim.Time) *Call {
	c := m.newCall(g, from, kind, to, holding)
	m.tally.attempted++
	m.s.Report(CallAttempt{c.info})
	c.transmit()
	return c
}

// serverChannels is the channel pool of the call's server, noResource for an internal call.
func (c *Call) serverChannels() resource {
	if c.server == nil {
		return noResource
	}
	return c.server.channels
}

// answer opens the call's media: one voice stream each way, plus the video profile's
// streams, between the endpoints or between the caller and the server.
func (c *Call) answer() {
	m, g := c.m, c.g
	now := m.s.Now()
	open := func(suffix, from, to string, bps float64, bytes int) (Stream, error) {
		return m.net.OpenMedia(c.info.ID+"/"+suffix, from, to, bps, bytes)
	}
	ends := [2][2]string{{c.info.From, c.info.To}, {c.info.To, c.info.From}}
	for i, dir := range []string{"fwd", "rev"} {
		st, err := open("audio-"+dir, ends[i][0], ends[i][1], g.audioBps, g.audioBytes)
		if err != nil {
			c.fail(fmt.Sprintf("%s: %v", ReasonNoMedia, err))
			return
		}
		c.audio = append(c.audio, newMediaPath(c, st, now))
		if v := g.cfg.Video; v != nil {
			for k := 0; k < v.Screens+v.AuxStreams; k++ {
				name, bps := fmt.Sprintf("video%d-%s", k+1, dir), v.ScreenBps
				if k >= v.Screens {
					name, bps = fmt.Sprintf("aux%d-%s", k-v.Screens+1, dir), v.AuxBps
				}
				vs, err := open(name, ends[i][0], ends[i][1], bps, v.PacketBytes)
				if err != nil {
					c.fail(fmt.Sprintf("%s: %v", ReasonNoMedia, err))
					return
				}
				c.video = append(c.video, vs)
			}
		}
	}
	c.state = Talking
	c.answered = now
	m.rate(c)
	for _, p := range c.audio {
		p.watch()
		c.sawMouthToEar(p.taNow)
	}
	c.hangup = m.s.NewTimer(c.end)
	c.hangup.Reset(c.holding)
	m.s.Report(CallStarted{CallInfo: c.info, Transmissions: c.transmissions, MouthToEar: c.mouthToEar(),
		InProgressAtStart: c.warm})
}

// mouthToEar is the current one-way mouth-to-ear delay of the worse direction.
func (c *Call) mouthToEar() sim.Time {
	var worst float64
	for _, p := range c.audio {
		worst = max(worst, p.taNow)
	}
	return sim.Milliseconds(worst)
}

// end hangs the call up at the end of its holding time.
func (c *Call) end() {
	if c.state != Talking {
		return
	}
	c.finish(Ended)
	c.m.tally.completed(c)
	c.m.s.Report(CallEnded{CallInfo: c.info, CallQuality: c.quality, Duration: c.finished - c.answered})
}

// drop cuts the call off for reason; a call that is not yet talking fails its setup.
func (c *Call) drop(reason string) {
	switch c.state {
	case Talking:
		c.finish(Dropped)
		c.m.tally.dropped(c)
		c.m.s.Report(CallDropped{CallInfo: c.info, CallQuality: c.quality, Reason: reason, Duration: c.finished - c.answered})
	case Dialling, Ringing:
		c.fail(reason)
	}
}

// fail ends a call that never talked.
func (c *Call) fail(reason string) {
	if c.state != Dialling && c.state != Ringing {
		return
	}
	c.release(FailedSetup)
	c.m.tally.failedSetup++
	c.m.tally.setupFailures = append(c.m.tally.setupFailures, c.m.s.Now())
	c.m.s.Report(CallFailedSetup{CallInfo: c.info, Reason: reason})
}

// block refuses the call because pool was full.
func (c *Call) block(pool string) {
	c.release(Blocked)
	c.m.tally.blocked++
	c.m.s.Report(CallBlocked{CallInfo: c.info, Resource: pool})
}

// busy refuses the call because the callee's phone was in a call.
func (c *Call) busy() {
	c.release(Busy)
	c.m.tally.busy++
	c.m.s.Report(CallBusy{CallInfo: c.info})
}

// finish measures a talking call one last time and releases it.
func (c *Call) finish(state CallState) {
	c.unsteady()
	now := c.m.s.Now()
	if c.m.ticker != nil {
		// The last, partial sample interval counts for the call's lowest MOS too.
		if mos, _, ok := c.sampleInterval(now); ok {
			c.sampleLo = min(c.sampleLo, mos)
		}
	}
	c.quality = c.measure()
	c.quality.MinMOS = min(c.sampleLo, c.quality.MOS)
	c.quality.MaxMouthToEar = sim.Milliseconds(c.maxTa)
	c.m.tally.closeEpisode(c, now)
	c.release(state)
}

// release returns everything the call holds and leaves it in state.
func (c *Call) release(state CallState) {
	m := c.m
	c.state = state
	c.finished = m.s.Now()
	if c.hangup != nil {
		c.hangup.Stop()
	}
	for _, p := range c.audio {
		p.close()
	}
	for _, v := range c.video {
		v.Close()
	}
	if c.holds {
		m.occ.leave(c.pbx.channels, c.callee, c.serverChannels())
		c.holds = false
	}
	if c.holdsCaller {
		m.occ.release(c.caller)
		c.holdsCaller = false
		m.tally.live--
	}
	m.removeActive(c)
}

// MouthToEar returns the call's current one-way mouth-to-ear delay (its worse
// direction): network delay, packetization, codec delay and jitter buffer. It is 0
// unless the call talks.
func (c *Call) MouthToEar() sim.Time {
	if c.state != Talking {
		return 0
	}
	return c.mouthToEar()
}
