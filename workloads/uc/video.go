package uc

import (
	"fmt"

	"dctwin/sim"
)

// Video bit rates and buffers: the source article on telepresence versus classic
// videoconferencing (source material 001, Borowka-Gatzweiler, "High End Video-Lösungen:
// Telepräsenz vs. Videokonferenz"), reconciled with reference-facts 10.
const (
	// RoomSystemBps is a room videoconference system, per direction: 2 Mbit/s, the top of
	// the article's "at least 1.5 to 2 Mbit per participant" to plan with, which is also
	// the top of its "384 kbit to 2 Mbit per stream" for classic room systems.
	// reference-facts 10 agrees: the H.323 call rates 1536 and 1920 kbit/s ("good")
	// with the 20 % IP overhead of Polycom's guides are 1.84 and 2.30 Mbit/s.
	RoomSystemBps = 2e6
	// TelepresenceVideoBps is the video of a three-screen 1080p telepresence room, per
	// direction: 15 Mbit/s, the bottom of the article's "15 to 45 Mbit/s" for three
	// parallel 1080p streams. reference-facts 10 confirms that end: a Cisco CTS-3000 at
	// 1080p "best" is 3 × 4.064 Mbit/s × 1.2 overhead ≈ 14.6 Mbit/s; the article's
	// 45 Mbit/s (higher rates, 1080p60) is unconfirmed there.
	TelepresenceVideoBps = 15e6
	// TelepresenceAudioBps is one AAC-LD audio channel of a telepresence system,
	// 64 kbit/s (Global Knowledge 2009, reference-facts 10). Its IP overhead is not
	// given there and is not added.
	TelepresenceAudioBps = 64e3
	// DefaultVideoJitter is the de-jitter buffer of a group with video: 25 ms, as the
	// article puts it for room videoconference systems, "for lip sync, jitter buffers
	// of up to 25 ms are usual" (Jitter-Puffer bis 25 ms). reference-facts 10 lists this
	// figure as unconfirmed elsewhere; its confirmed lip-sync bounds (ATSC IS-191: audio
	// at most 15 ms early, 45 ms late) leave room for it. Cisco TelePresence starts its
	// buffer at 85 ms (reference-facts 3): set the group's jitter buffer for that.
	DefaultVideoJitter = 25 * sim.Millisecond
	// DefaultVideoPacketBytes is the packet size of video streams. dctwin's choice, not a
	// cited value: video RTP packets are filled close to the Ethernet MTU.
	DefaultVideoPacketBytes = 1200
)

// Video is the video part of a group's calls: streams opened in each direction next to
// the voice stream the E-model rates. They load the links; their gaps do not change
// the call's MOS, which is a voice measure.
type Video struct {
	// Screens is the number of video streams per direction.
	Screens int
	// ScreenBps is the rate of one video stream, bit/s, IP overhead included.
	ScreenBps float64
	// AuxStreams is the number of extra media streams per direction (telepresence audio
	// channels beyond the rated voice stream), each of AuxBps bit/s.
	AuxStreams int
	// AuxBps is the rate of one auxiliary stream, bit/s.
	AuxBps float64
	// PacketBytes is the video packet size (0: DefaultVideoPacketBytes).
	PacketBytes int
}

// RoomSystem is a single-screen room videoconference system: one 2 Mbit/s video stream
// per direction (RoomSystemBps).
func RoomSystem() *Video {
	return &Video{Screens: 1, ScreenBps: RoomSystemBps}
}

// Telepresence3Screen is a three-screen 1080p telepresence room: three video streams of
// 5 Mbit/s (15 Mbit/s together, TelepresenceVideoBps) and two further AAC-LD audio
// channels per direction, the third audio channel being the call's rated voice stream.
func Telepresence3Screen() *Video {
	return &Video{Screens: 3, ScreenBps: TelepresenceVideoBps / 3, AuxStreams: 2, AuxBps: TelepresenceAudioBps}
}

// Bps is the video profile's total rate per direction, bit/s.
func (v Video) Bps() float64 {
	return float64(v.Screens)*v.ScreenBps + float64(v.AuxStreams)*v.AuxBps
}

func (v Video) withDefaults() Video {
	if v.PacketBytes == 0 {
		v.PacketBytes = DefaultVideoPacketBytes
	}
	return v
}

func (v Video) validate() error {
	switch {
	case v.Screens < 0:
		return fmt.Errorf("screens: negative (%d)", v.Screens)
	case !(v.ScreenBps >= 0) || v.ScreenBps > 1e12:
		return fmt.Errorf("screen_bps: %g is not a plausible bit rate", v.ScreenBps)
	case v.Screens > 0 && v.ScreenBps == 0:
		return fmt.Errorf("screen_bps: %d screens need a bit rate", v.Screens)
	case v.AuxStreams < 0:
		return fmt.Errorf("aux_streams: negative (%d)", v.AuxStreams)
	case !(v.AuxBps >= 0) || v.AuxBps > 1e12:
		return fmt.Errorf("aux_bps: %g is not a plausible bit rate", v.AuxBps)
	case v.AuxStreams > 0 && v.AuxBps == 0:
		return fmt.Errorf("aux_bps: %d auxiliary streams need a bit rate", v.AuxStreams)
	case v.PacketBytes <= 0:
		return fmt.Errorf("packet_bytes: %d is not a positive size", v.PacketBytes)
	}
	return nil
}
