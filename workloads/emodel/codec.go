package emodel

import (
	"fmt"
	"math"
	"strings"
)

// Codec describes a voice codec for call-quality and bandwidth planning: its G.113
// Appendix I impairment pair (Ie, Bpl) and its framing (reference-facts 2 and 3).
type Codec struct {
	// Name is the canonical name, as printed.
	Name string `json:"name"`
	// Aliases are other names LookupCodec accepts (case, dots, dashes and spaces ignored).
	Aliases []string `json:"aliases"`
	// Ie is the equipment impairment factor of G.113 Appendix I. Not defined for a
	// wideband codec (see Wideband); it is 0 there and must not be used.
	Ie float64 `json:"ie"`
	// Bpl is the packet-loss robustness factor under random loss. Where G.113 gives none
	// (BplTabulated false) it is DefaultBpl, the no-PLC value, as a conservative stand-in.
	Bpl float64 `json:"bpl"`
	// BplTabulated says whether Bpl comes from G.113 (true) or is the stand-in (false).
	BplTabulated bool `json:"bpl_tabulated"`
	// Wideband marks a 7 kHz codec. Its impairment lives on the G.107.1 wideband scale
	// (Ro,WB ≈ 129) and is not comparable with narrowband R: G.113 gives no narrowband
	// (Ie, Bpl) pair for it, so this package cannot rate it.
	Wideband bool `json:"wideband"`
	// FrameMs is the duration of one codec frame, ms; a packet carries whole frames.
	FrameMs float64 `json:"frame_ms"`
	// FrameBytes is the payload size of one frame, bytes.
	FrameBytes int `json:"frame_bytes"`
	// PacketMs is the usual packetization interval, ms (the default when 0 is passed).
	PacketMs float64 `json:"packet_ms"`
	// BitrateKbps is the nominal codec bit rate, kbit/s.
	BitrateKbps float64 `json:"bitrate_kbps"`
	// DelayMs is the codec's own delay, frame (algorithmic) plus look-ahead, ms; add the
	// packetization and jitter-buffer delay for a mouth-to-ear budget.
	DelayMs float64 `json:"delay_ms"`
	// Note says where the figures come from and which are unconfirmed.
	Note string `json:"note"`
}

// Codecs returns the codec table. Ie and Bpl: G.113 (11/2007) Appendix I as collected in
// reference-facts 2; framing and packet sizes: Cisco per-call bandwidth tables
// (reference-facts 2); codec delays: reference-facts 3 (Cisco Doc 5125, ininet.org).
func Codecs() []Codec {
	return []Codec{
		{
			Name: "G.711", Aliases: []string{"g711", "pcmu", "pcma", "g711u", "g711a", "g711-noplc"},
			Ie: 0, Bpl: 4.3, BplTabulated: true,
			FrameMs: 10, FrameBytes: 80, PacketMs: 20, BitrateKbps: 64, DelayMs: 0.125,
			Note: "no packet-loss concealment; G.113 Table I.4 (secondary); delay is one sample",
		},
		{
			Name: "G.711+PLC", Aliases: []string{"g711-plc", "g711plc", "pcmu-plc", "pcma-plc"},
			Ie: 0, Bpl: 25.1, BplTabulated: true,
			FrameMs: 10, FrameBytes: 80, PacketMs: 20, BitrateKbps: 64, DelayMs: 0.125,
			Note: "with G.711 Appendix I concealment; G.113 App. I (secondary)",
		},
		{
			Name: "G.729A+VAD", Aliases: []string{"g729a", "g729", "g729ab", "g729a-vad"},
			Ie: 11, Bpl: 19, BplTabulated: true,
			FrameMs: 10, FrameBytes: 10, PacketMs: 20, BitrateKbps: 8, DelayMs: 15,
			Note: "Ie 11 for 20/30 ms packets (16 for 40/50 ms, Nortel); delay 10 ms frame + 5 ms look-ahead",
		},
		{
			Name: "G.723.1-6.3k", Aliases: []string{"g723", "g7231", "g723.1", "g723-6.3", "g723.1-6.3", "g723.1-6.3k+vad"},
			Ie: 15, Bpl: 16.1, BplTabulated: true,
			FrameMs: 30, FrameBytes: 24, PacketMs: 30, BitrateKbps: 6.3, DelayMs: 37.5,
			Note: "with VAD; delay 30 ms frame + 7.5 ms look-ahead",
		},
		{
			Name: "G.723.1-5.3k", Aliases: []string{"g723-5.3", "g723.1-5.3", "g7231-53"},
			Ie: 19, Bpl: DefaultBpl, BplTabulated: false,
			FrameMs: 30, FrameBytes: 20, PacketMs: 30, BitrateKbps: 5.3, DelayMs: 37.5,
			Note: "Ie from Nortel Table 29; no G.113 Bpl found, stand-in 4.3",
		},
		{
			Name: "G.728", Aliases: []string{"g728", "ld-celp"},
			Ie: 7, Bpl: DefaultBpl, BplTabulated: false,
			FrameMs: 2.5, FrameBytes: 5, PacketMs: 20, BitrateKbps: 16, DelayMs: 0.625,
			Note: "Ie 7 (secondary); no G.113 Bpl found, stand-in 4.3; framing and 0.625 ms delay unconfirmed",
		},
		{
			Name: "G.722", Aliases: []string{"g722"},
			Wideband: true,
			FrameMs:  10, FrameBytes: 80, PacketMs: 20, BitrateKbps: 64, DelayMs: 1.5,
			Note: "WIDEBAND: rated on the G.107.1 scale, not comparable with narrowband R; delay unconfirmed",
		},
	}
}

// normalizeCodecName folds case and drops the punctuation people vary ("G.711", "g711",
// "G 711" are one name).
func normalizeCodecName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', '_', ' ', '+', '/':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// LookupCodec finds a codec by name or alias, ignoring case and punctuation. Plain
// "g711" (and pcmu, pcma) is G.711 without packet-loss concealment, G.113's row; ask for
// "g711-plc" when the endpoints conceal losses. An unknown name gives an error that lists
// the known codecs.
func LookupCodec(name string) (Codec, error) {
	key := normalizeCodecName(name)
	var names []string
	for _, c := range Codecs() {
		names = append(names, c.Name)
		if normalizeCodecName(c.Name) == key {
			return c, nil
		}
		for _, a := range c.Aliases {
			if normalizeCodecName(a) == key {
				return c, nil
			}
		}
	}
	return Codec{}, fmt.Errorf("unknown codec %q; known codecs: %s", name, strings.Join(names, ", "))
}

// Per-packet overheads for bandwidth planning (reference-facts 2).
const (
	// IPUDPRTPBytes is the IPv4 (20) + UDP (8) + RTP (12) header, without cRTP.
	IPUDPRTPBytes = 40
	// EthernetBytes is the Ethernet header (14) and FCS (4), as in Cisco's tables.
	EthernetBytes = 18
	// WireBytes is preamble/SFD (8) plus inter-frame gap (12) of IEEE 802.3, the extra an
	// Ethernet frame takes on the wire (standard framing, not re-read: unconfirmed).
	WireBytes = 20
)

// FramesPerPacket is the number of codec frames in a packet of packetMs milliseconds
// (0 means the codec's usual PacketMs). It is an error unless packetMs is a positive
// whole multiple of the frame.
func (c Codec) FramesPerPacket(packetMs float64) (int, error) {
	if packetMs == 0 {
		packetMs = c.PacketMs
	}
	n := math.Round(packetMs / c.FrameMs)
	if !(packetMs > 0) || n < 1 || math.Abs(n*c.FrameMs-packetMs) > 1e-9 {
		return 0, fmt.Errorf("%s: packetization %g ms is not a whole number of %g ms frames",
			c.Name, packetMs, c.FrameMs)
	}
	return int(n), nil
}

// PayloadBytes is the RTP payload of one packet of packetMs milliseconds (0: PacketMs).
func (c Codec) PayloadBytes(packetMs float64) (int, error) {
	n, err := c.FramesPerPacket(packetMs)
	return n * c.FrameBytes, err
}

// PacketsPerSecond is the packet rate of one direction of a call at packetMs
// milliseconds per packet (0: PacketMs).
func (c Codec) PacketsPerSecond(packetMs float64) (float64, error) {
	n, err := c.FramesPerPacket(packetMs)
	if err != nil {
		return 0, err
	}
	return 1000 / (float64(n) * c.FrameMs), nil
}

// Bandwidth is the bit rate of one direction of a call, bit/s: (payload + 40 B
// IP/UDP/RTP + l2Bytes) · 8 · packets per second (reference-facts 2). Pass l2Bytes 0 for
// IP only, EthernetBytes for Cisco's Ethernet figure (G.711/20 ms: 87.2 kbit/s), or
// EthernetBytes + WireBytes for the load on the wire. packetMs 0 means PacketMs.
func (c Codec) Bandwidth(packetMs float64, l2Bytes int) (float64, error) {
	payload, err := c.PayloadBytes(packetMs)
	if err != nil {
		return 0, err
	}
	pps, _ := c.PacketsPerSecond(packetMs)
	return float64(payload+IPUDPRTPBytes+l2Bytes) * 8 * pps, nil
}
