package uc_test

import (
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/emodel"
	"dctwin/workloads/uc"
)

// A failover of N ms under G.711 lowers the call's MOS as the E-model says for the lost
// packets. The reference, written out: a call of H = 180 s at 20 ms packetization sends
// 50 packets/s, 9000 in all; an outage of N ms loses N/20 packets in one burst, so
// Ppl = (N/20)/9000·100 % and BurstR = (N/20)·(1 − Ppl/100) (observed burst length over
// the 1/(1 − P) random loss would give, reference-facts 1.6). The mouth-to-ear delay is
// the fake network's 5 ms + 20 ms packetization + 0.125 ms G.711 + 40 ms fixed jitter
// buffer = 65.125 ms, with T = Ta and Tr = 2·Ta. R follows from G.107 with the codec's
// Ie and Bpl (G.711: Ie 0, Bpl 4.3 without PLC, 25.1 with, reference-facts 2).
func TestFailoverLowersMOSAsEModelSays(t *testing.T) {
	const holding = 180 * sim.Second
	for _, codec := range []string{"g711", "g711-plc"} {
		for _, n := range []int{100, 1000, 3000} {
			t.Run(codec+"/"+sim.Time(n*int(sim.Millisecond)).String(), func(t *testing.T) {
				cfg := office()
				cfg.Groups[0].Codec = codec
				r := newRig(t, 1, cfg)
				r.m.Start()
				c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", holding)
				gap := sim.Time(n) * sim.Millisecond
				r.net.Outage("phone-2", 60*sim.Second, gap)
				r.s.RunUntil(200 * sim.Second)
				_, e := only[uc.CallEnded](t, r, c.ID())

				sent, lost := 9000, n/20
				ppl := float64(lost) / float64(sent) * 100
				burstR := float64(lost) * (1 - ppl/100)
				cd, err := emodel.LookupCodec(codec)
				if err != nil {
					t.Fatal(err)
				}
				p := emodel.Defaults()
				p.Ie, p.Bpl, p.Ppl, p.BurstR = cd.Ie, cd.Bpl, ppl, max(burstR, 1)
				ta := 5 + 20 + 0.125 + 40.0
				p.Ta, p.T, p.Tr = ta, ta, 2*ta
				want := emodel.R(p).MOS
				if math.Abs(e.MOS-want) > 1e-9 || math.Abs(e.LossPct-ppl) > 1e-12 {
					t.Fatalf("MOS %.6f, loss %.6f%%; want %.6f, %.6f%%", e.MOS, e.LossPct, want, ppl)
				}
				clean := p
				clean.Ppl, clean.BurstR = 0, 1
				if !(e.MOS < emodel.R(clean).MOS) {
					t.Fatalf("MOS %.4f not below the loss-free %.4f", e.MOS, emodel.R(clean).MOS)
				}
				if e.MaxGap != gap {
					t.Fatalf("max gap %v, want %v", e.MaxGap, gap)
				}
				// The outage's second is rated on its own: 1 s at 50 pps with N/20 lost.
				iv := p
				iv.Ppl = float64(lost) / 50 * 100
				iv.BurstR = max(float64(lost)*(1-iv.Ppl/100), 1)
				if n >= 1000 {
					iv.Ppl, iv.BurstR = 100, 1 // the whole second lost
				}
				if math.Abs(e.MinMOS-emodel.R(iv).MOS) > 1e-9 {
					t.Fatalf("min MOS %.6f, want %.6f", e.MinMOS, emodel.R(iv).MOS)
				}
				// That second is under 3.6, so the failure degraded the call, and only it.
				if _, d := r.m.CallsAffected(60*sim.Second, gap+60*sim.Second); d != 1 {
					t.Fatalf("%d calls degraded during the outage, want 1", d)
				}
				if _, d := r.m.CallsAffected(100*sim.Second, 200*sim.Second); d != 0 {
					t.Fatalf("%d calls degraded after the outage, want 0", d)
				}
			})
		}
	}
}
