package uc_test

import (
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/emodel"
	"dctwin/workloads/uc"
)

// A telepresence call loads the network with its voice and video streams in both
// directions, at the source article's rates (source material 001): three parallel 1080p
// video streams at 15 Mbit/s together, the bottom of its "15 to 45 Mbit/s", and a room
// system at 2 Mbit/s, the top of its "1.5 to 2 Mbit per participant". Per direction:
// G.711/20 ms voice at 87.2 kbit/s on Ethernet (Cisco's table, reference-facts 2), the
// 15 Mbit/s of video and two AAC-LD channels of 64 kbit/s (reference-facts 10):
// 87.2k + 15M + 2·64k = 15.2152 Mbit/s, twice that for the call. Video groups buffer
// 25 ms against jitter, as the article gives for lip sync: mouth-to-ear 5 ms network +
// 20 ms packetization + 0.125 ms G.711 + 25 ms = 50.125 ms.
func TestTelepresenceLoadsTheNetwork(t *testing.T) {
	cfg := office()
	cfg.Groups[0].Video = uc.Telepresence3Screen()
	r := newRig(t, 1, cfg)
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", sim.Minute)
	r.s.RunUntil(30 * sim.Second)
	want := 2 * (87.2e3 + 15e6 + 2*64e3)
	if got := r.net.LoadBps(); math.Abs(got-want) > 1e-6 {
		t.Fatalf("load %.1f bit/s, want %.1f", got, want)
	}
	if r.net.Open() != 12 {
		t.Fatalf("%d streams open, want 12 (1 voice + 3 video + 2 audio, each way)", r.net.Open())
	}
	if got := c.MouthToEar().Milliseconds(); math.Abs(got-50.125) > 1e-9 {
		t.Fatalf("mouth-to-ear %g ms, want 50.125 with the 25 ms lip-sync buffer", got)
	}
	r.s.RunUntil(2 * sim.Minute)
	if r.net.Open() != 0 || r.net.LoadBps() != 0 {
		t.Fatalf("after hang-up: %d streams, %.0f bit/s", r.net.Open(), r.net.LoadBps())
	}
	tp := uc.Telepresence3Screen()
	if video := float64(tp.Screens) * tp.ScreenBps; video < 15e6 || video > 45e6 {
		t.Fatalf("telepresence video %.0f bit/s, outside the article's 15–45 Mbit/s", video)
	}
	if room := uc.RoomSystem().Bps(); room < 1.5e6 || room > 2e6 {
		t.Fatalf("room system %.0f bit/s, outside the article's 1.5–2 Mbit/s per participant", room)
	}
}

// Mouth-to-ear delay = network + packetization + codec + jitter buffer
// (reference-facts 3). G.729A at 20 ms: codec delay 15 ms (10 ms frame + 5 ms
// look-ahead). The adaptive buffer holds TargetExtra (40 ms) over the largest delay step
// it remembers, for Memory (10 s): a step of the network delay from 5 to 35 ms at 10 s
// makes it 30 + 40 = 70 ms until the step leaves its memory.
func TestMouthToEarAndAdaptiveJitterBuffer(t *testing.T) {
	cfg := office()
	cfg.Groups[0].Codec = "g729a"
	cfg.Groups[0].JitterBuffer = uc.JitterBuffer{Mode: uc.AdaptiveJitter}
	r := newRig(t, 1, cfg)
	r.m.Start()
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", sim.Minute)
	r.s.At(10*sim.Second, func() { r.net.SetDelay(35 * sim.Millisecond) })
	for _, tc := range []struct {
		at   sim.Time
		want float64 // ms
	}{
		{500 * sim.Millisecond, 5 + 20 + 15 + 40},
		{11500 * sim.Millisecond, 35 + 20 + 15 + 70},
		{20500 * sim.Millisecond, 35 + 20 + 15 + 70},
		{21500 * sim.Millisecond, 35 + 20 + 15 + 40},
	} {
		r.s.RunUntil(tc.at)
		if got := c.MouthToEar(); math.Abs(got.Milliseconds()-tc.want) > 1e-6 {
			t.Errorf("at %v: mouth-to-ear %v, want %g ms", tc.at, got, tc.want)
		}
	}

	// A fixed buffer of 60 ms (the teaming-lab scenario's) holds 60 ms whatever happens.
	cfg = office()
	cfg.Groups[0].JitterBuffer = uc.JitterBuffer{Nominal: 60 * sim.Millisecond}
	r = newRig(t, 1, cfg)
	r.m.Start()
	c = r.place(t, "office", "phone-1", uc.Internal, "phone-2", sim.Minute)
	r.s.At(10*sim.Second, func() { r.net.SetDelay(35 * sim.Millisecond) })
	r.s.RunUntil(11500 * sim.Millisecond)
	if got, want := c.MouthToEar().Milliseconds(), 35+20+0.125+60; math.Abs(got-want) > 1e-6 {
		t.Errorf("fixed buffer: mouth-to-ear %g ms, want %g", got, want)
	}
}

// The series has one sample per second with the number of talking calls and the mean
// of their interval MOS, each over the last 8 s. A call to the gateway answered at 5 s
// loses a whole second (10–11 s, 50 packets in one burst); each sample whose 8 s holds
// that second rates the call as the E-model does for those counts: at t ≤ 13 s the
// interval starts at the answer (5 s) and holds (t − 5)·50 packets, later 400; from
// 19 s the second has left the interval. The loss-free call's MOS is the same throughout.
func TestMOSSeries(t *testing.T) {
	r := newRig(t, 1, office())
	r.m.Start()
	r.place(t, "office", "phone-1", uc.Internal, "phone-2", 30*sim.Second)
	r.s.RunUntil(5 * sim.Second)
	trunk := r.place(t, "office", "phone-3", uc.Trunk, "", 30*sim.Second)
	r.net.Outage("gw", 10*sim.Second, sim.Second)
	// The trunk call's interval MOS at a sample t in (10 s, 19 s).
	ta := 5 + 20 + 0.125 + 40.0
	lossy := func(at sim.Time) float64 {
		sent := int(math.Round((at - max(at-8*sim.Second, 5*sim.Second)).Seconds() * 50))
		loss, err := emodel.LossFromCounts(sent, 50, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := emodel.Defaults()
		p.Bpl, p.Ppl, p.BurstR = 25.1, loss.Ppl, loss.BurstR
		p.Ta, p.T, p.Tr = ta, ta, 2*ta
		return emodel.R(p).MOS
	}
	r.s.RunUntil(11 * sim.Second)
	if got, want := trunk.LastMOS(), lossy(11*sim.Second); math.Abs(got-want) > 1e-9 {
		t.Fatalf("last MOS of the trunk call after a lost second: %g, want %g", got, want)
	}
	r.s.RunUntil(60 * sim.Second)
	series := r.m.Series()
	if len(series) != 60 {
		t.Fatalf("%d samples in 60 s, want 60", len(series))
	}
	clean := series[0].MeanMOS
	for i, smp := range series {
		at := sim.Time(i+1) * sim.Second
		wantActive := 0
		switch {
		case at <= 5*sim.Second:
			wantActive = 1
		case at < 30*sim.Second: // a call hanging up at a sample instant is gone from it
			wantActive = 2
		case at < 35*sim.Second:
			wantActive = 1
		}
		if smp.At != at || smp.Active != wantActive {
			t.Fatalf("sample %d: %+v, want at %v with %d active", i, smp, at, wantActive)
		}
		want := clean
		switch {
		case wantActive == 0:
			want = 0
		case at > 10*sim.Second && at < 19*sim.Second:
			want = (clean + lossy(at)) / 2
		}
		if math.Abs(smp.MeanMOS-want) > 1e-9 {
			t.Fatalf("sample at %v: mean MOS %.6f, want %.6f", at, smp.MeanMOS, want)
		}
	}
}
