package uc

import "fmt"

// Video bit rates (reference-facts 10).
const (
	// H323Overhead is the factor for IP overhead on H.323 video: add 20 % (Polycom
	// ViewStation integrators' reference, Polycom IP Bandwidth Guide).
	H323Overhead = 1.2
	// RoomSystemBps is a room videoconference system at the 768 kbit/s call rate rated
	// "average", with the 20 % IP overhead: 921.6 kbit/s per direction.
	RoomSystemBps = 768e3 * H323Overhead
	// TelepresenceScreenBps is one 1080p "best" screen of a Cisco CTS-3000: 4.064 Mbit/s
	// with the 20 % overhead, so that three screens make the ≈ 15 Mbit/s of the
	// reference (3 × 4.064 × 1.2 = 14.63 Mbit/s).
	TelepresenceScreenBps = 4.064e6 * H323Overhead
	// TelepresenceAudioBps is one AAC-LD audio channel of a telepresence system,
	// 64 kbit/s (Global Knowledge 2009). Its IP overhead is not given there and is not
	// added.
	TelepresenceAudioBps = 64e3
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

// RoomSystem is a single-screen room videoconference system at 768 kbit/s with H.323 IP
// overhead (reference-facts 10).
func RoomSystem() *Video {
	return &Video{Screens: 1, ScreenBps: RoomSystemBps}
}

// Telepresence3Screen is a three-screen telepresence room (Cisco CTS-3000, 1080p best):
// three 4.88 Mbit/s video streams and two further AAC-LD audio channels per direction,
// the third audio channel being the call's rated voice stream (reference-facts 10).
func Telepresence3Screen() *Video {
	return &Video{Screens: 3, ScreenBps: TelepresenceScreenBps, AuxStreams: 2, AuxBps: TelepresenceAudioBps}
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
