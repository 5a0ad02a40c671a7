package uc

import (
	"fmt"

	"dctwin/sim"
)

// Kind is where a call goes, which decides where its media flows.
type Kind int

// Call kinds.
const (
	// Internal is a call between two endpoints; media flows peer to peer and the PBX
	// only signals, so the call survives the PBX.
	Internal Kind = iota
	// Trunk is a call to the PSTN; media flows to the media gateway.
	Trunk
	// VoicemailCall is a call to voicemail; media flows to the voicemail server.
	VoicemailCall
	// ConferenceCall is a leg into a conference; media flows to the bridge (MCU).
	ConferenceCall
)

// String names the kind as records print it.
func (k Kind) String() string {
	switch k {
	case Internal:
		return "internal"
	case Trunk:
		return "trunk"
	case VoicemailCall:
		return "voicemail"
	case ConferenceCall:
		return "conference"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// CallInfo identifies a call in every record about it.
type CallInfo struct {
	ID    string // "group#n", unique in the run
	Group string // the caller's user group
	Kind  Kind   // where the call goes, and so where its media flows
	From  string // caller endpoint node
	To    string // callee endpoint or server node
}

// Subject names the call.
func (c CallInfo) Subject() string { return "call " + c.ID }

func (c CallInfo) describe() string {
	return fmt.Sprintf("%s %s → %s", c.Kind, c.From, c.To)
}

// CallAttempt is a call being dialled.
type CallAttempt struct {
	CallInfo
}

// String describes the record.
func (r CallAttempt) String() string { return fmt.Sprintf("call %s attempted: %s", r.ID, r.describe()) }

// CallBlocked is a call refused because a capacity limit was full (Erlang-B blocking).
type CallBlocked struct {
	CallInfo
	// Resource is what was full: "pbx <name>", "gateway", "voicemail" or "conference".
	Resource string
}

// String describes the record.
func (r CallBlocked) String() string {
	return fmt.Sprintf("call %s blocked: %s full (%s)", r.ID, r.Resource, r.describe())
}

// CallBusy is a call refused because the callee's phone was in a call (SIP 486 Busy
// Here). Every station an endpoint node stands for takes one call at a time.
type CallBusy struct {
	CallInfo
}

// String describes the record.
func (r CallBusy) String() string {
	return fmt.Sprintf("call %s busy: %s is in a call (%s)", r.ID, r.To, r.describe())
}

// CallFailedSetup is a call whose setup failed: its INVITE went unanswered until SIP
// timer B, its media could not be opened, or its PBX was lost while it rang.
type CallFailedSetup struct {
	CallInfo
	Reason string // ReasonTimerB, ReasonPBXLost, ReasonServerLost or ReasonNoMedia (with detail)
}

// String describes the record.
func (r CallFailedSetup) String() string {
	return fmt.Sprintf("call %s failed setup: %s (%s)", r.ID, r.Reason, r.describe())
}

// CallStarted is a call answered: its media streams are open.
type CallStarted struct {
	CallInfo
	// Transmissions is how many times the INVITE was sent (1 without retransmission;
	// 0 for a call in progress at the start, set up before the run).
	Transmissions int
	// MouthToEar is the one-way mouth-to-ear delay at the start.
	MouthToEar sim.Time
	// InProgressAtStart marks a call of the warm start: talking at t = 0, no attempt.
	InProgressAtStart bool
}

// String describes the record.
func (r CallStarted) String() string {
	if r.InProgressAtStart {
		return fmt.Sprintf("call %s in progress at the start: %s, mouth-to-ear %v", r.ID, r.describe(), r.MouthToEar)
	}
	return fmt.Sprintf("call %s started: %s, mouth-to-ear %v, %d INVITE(s)", r.ID, r.describe(), r.MouthToEar, r.Transmissions)
}

// CallQuality is what a call's media saw over its whole life, in its worse direction.
type CallQuality struct {
	MOS     float64  // E-model MOS over the call
	MinMOS  float64  // lowest interval MOS at any sample (and the MOS of the call as a whole)
	LossPct float64  // Ppl over the call, percent
	BurstR  float64  // burst ratio over the call
	MaxGap  sim.Time // longest interval without media
	// MaxMouthToEar is the highest one-way mouth-to-ear delay seen at a sample.
	MaxMouthToEar sim.Time
}

func (q CallQuality) describe() string {
	return fmt.Sprintf("MOS %.2f (min %.2f), loss %.3f%%, longest gap %v, mouth-to-ear up to %v",
		q.MOS, q.MinMOS, q.LossPct, q.MaxGap, q.MaxMouthToEar)
}

// CallEnded is a call hung up normally at the end of its holding time.
type CallEnded struct {
	CallInfo
	CallQuality
	Duration sim.Time // from answer to hang-up
}

// String describes the record.
func (r CallEnded) String() string {
	return fmt.Sprintf("call %s ended after %v: %s", r.ID, r.Duration, r.CallQuality.describe())
}

// Reasons a call drops (CallDropped) or fails its setup (CallFailedSetup).
const (
	ReasonRTPTimeout = "rtp timeout"  // media gap reached the PBX's RTP inactivity timeout
	ReasonPBXLost    = "pbx lost"     // the PBX controlling an anchored call failed, no survivor
	ReasonServerLost = "server lost"  // the gateway, voicemail server or bridge failed
	ReasonTimerB     = "sip timer b"  // INVITE unanswered for 64·T1
	ReasonNoMedia    = "media failed" // the network refused to open a media stream
)

// CallDropped is a call cut off before its holding time ended.
type CallDropped struct {
	CallInfo
	CallQuality
	Reason   string   // ReasonRTPTimeout, ReasonPBXLost or ReasonServerLost
	Duration sim.Time // from answer to drop
}

// String describes the record.
func (r CallDropped) String() string {
	return fmt.Sprintf("call %s dropped after %v: %s; %s", r.ID, r.Duration, r.Reason, r.CallQuality.describe())
}

// CallDegraded is a call whose interval MOS (over the last Config.MOSInterval, 8 s by
// default) fell under the degraded threshold (3.6 by default); one record per episode
// of consecutive degraded samples.
type CallDegraded struct {
	CallInfo
	// MOS is the interval MOS at the sample that found the call degraded.
	MOS float64
	// Since is when the episode began: the start of the earliest media gap in the
	// interval, or the start of the interval.
	Since sim.Time
}

// String describes the record.
func (r CallDegraded) String() string {
	return fmt.Sprintf("call %s degraded since %v: MOS %.2f", r.ID, r.Since, r.MOS)
}
