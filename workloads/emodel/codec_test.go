package emodel_test

import (
	"strings"
	"testing"

	"dctwin/workloads/emodel"
)

func TestLookupCodec(t *testing.T) {
	cases := map[string]struct {
		name    string
		ie, bpl float64
	}{
		"g711":         {"G.711", 0, 4.3},
		"PCMU":         {"G.711", 0, 4.3},
		"G.711":        {"G.711", 0, 4.3},
		"g711-plc":     {"G.711+PLC", 0, 25.1},
		"G.711 PLC":    {"G.711+PLC", 0, 25.1},
		"g729a":        {"G.729A+VAD", 11, 19},
		"G729":         {"G.729A+VAD", 11, 19},
		"g723.1":       {"G.723.1-6.3k", 15, 16.1},
		"G.723.1-6.3k": {"G.723.1-6.3k", 15, 16.1},
		"g723-5.3":     {"G.723.1-5.3k", 19, emodel.DefaultBpl},
		"g728":         {"G.728", 7, emodel.DefaultBpl},
	}
	for in, want := range cases {
		c, err := emodel.LookupCodec(in)
		if err != nil || c.Name != want.name || c.Ie != want.ie || c.Bpl != want.bpl {
			t.Errorf("LookupCodec(%q) = %s (%g, %g), %v; want %s (%g, %g)", in, c.Name, c.Ie, c.Bpl, err, want.name, want.ie, want.bpl)
		}
	}
	g722, err := emodel.LookupCodec("G722")
	if err != nil || !g722.Wideband {
		t.Errorf("G.722 must be found and marked wideband: %+v, %v", g722, err)
	}
	_, err = emodel.LookupCodec("opus")
	if err == nil || !strings.Contains(err.Error(), "G.729A+VAD") || !strings.Contains(err.Error(), `"opus"`) {
		t.Errorf("unknown codec error should name it and list the known ones: %v", err)
	}
}

// Aliases must not be ambiguous: each normalizes to one codec only.
func TestCodecAliasesUnique(t *testing.T) {
	seen := map[string]string{}
	for _, c := range emodel.Codecs() {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			got, err := emodel.LookupCodec(n)
			if err != nil || got.Name != c.Name {
				t.Errorf("%q resolves to %q, not %q", n, got.Name, c.Name)
			}
			seen[n] = c.Name
		}
		if c.FrameMs <= 0 || c.FrameBytes <= 0 || c.PacketMs <= 0 || c.DelayMs <= 0 || c.BitrateKbps <= 0 {
			t.Errorf("%s: incomplete framing %+v", c.Name, c)
		}
	}
}

// Cisco "Voice Over IP – Per Call Bandwidth Consumption" (reference-facts 2):
// (payload + 40 + L2)·8·pps, one direction.
func TestBandwidth(t *testing.T) {
	cases := []struct {
		codec    string
		packetMs float64
		l2       int
		kbps     float64
	}{
		{"g711", 20, 0, 80.0},
		{"g711", 20, emodel.EthernetBytes, 87.2},
		{"g711", 20, emodel.EthernetBytes + emodel.WireBytes, 95.2},
		{"g711", 0, emodel.EthernetBytes, 87.2}, // 0 = the usual 20 ms
		{"g729", 20, 0, 24.0},
		{"g729", 20, emodel.EthernetBytes, 31.2},
		{"g729", 20, emodel.EthernetBytes + emodel.WireBytes, 39.2},
		{"g711", 10, 0, 96.0},
		{"g711", 10, emodel.EthernetBytes, 110.4},
		{"g723.1", 30, 0, 17.1},
		{"g723.1", 30, emodel.EthernetBytes, 21.9},
	}
	for _, c := range cases {
		codec, err := emodel.LookupCodec(c.codec)
		if err != nil {
			t.Fatal(err)
		}
		bps, err := codec.Bandwidth(c.packetMs, c.l2)
		if err != nil {
			t.Fatal(err)
		}
		near(t, codec.Name+" bandwidth kbit/s", bps/1000, c.kbps, 0.05)
	}
	g711, _ := emodel.LookupCodec("g711")
	if n, _ := g711.PayloadBytes(20); n != 160 {
		t.Errorf("G.711 20 ms payload = %d, want 160 (Cisco Doc 5125 Table 5.2)", n)
	}
	if pps, _ := g711.PacketsPerSecond(20); pps != 50 {
		t.Errorf("G.711 20 ms: %g pps, want 50", pps)
	}
	g723, _ := emodel.LookupCodec("g723.1")
	if _, err := g723.Bandwidth(20, 0); err == nil {
		t.Error("20 ms is not a whole number of G.723.1 30 ms frames")
	}
	if _, err := g711.Bandwidth(-20, 0); err == nil {
		t.Error("negative packetization must be an error")
	}
}
