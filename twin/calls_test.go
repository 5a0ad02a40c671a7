package twin_test

import (
	"math"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
	"dctwin/workloads/emodel"
	"dctwin/workloads/uc"
)

// A voicemail call crossing the NIC failover of teaming-lab: its media to and from
// srv-1 stops for exactly the team's failover (the web flows to srv-1 see the same gap),
// so each direction loses round(gap × 50 pps) G.711 packets in one burst out of
// 60 s × 50 = 3000, and the call's MOS must be what the E-model says for that loss
// (LossFromCounts: Ppl and BurstR) at the call's mouth-to-ear delay (T = Ta, Tr = 2·Ta).
func TestFailoverLowersCallMOSAsTheEModelSays(t *testing.T) {
	sc := teamingLab(t, "erlangs: 1", "erlangs: 0.00001") // no random calls in the way
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ended *uc.CallEnded
	tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		if e, ok := r.(uc.CallEnded); ok && e.From == "phone-4" && e.Kind == uc.VoicemailCall {
			ended = &e
		}
	}))
	var call *uc.Call
	var ta sim.Time
	tw.Sim.At(5*sim.Second, func() {
		c, err := tw.Calls.PlaceCall("office", "phone-4", uc.VoicemailCall, "", 60*sim.Second)
		if err != nil {
			t.Fatal(err)
		}
		call = c
	})
	tw.Sim.At(30*sim.Second, func() { ta = call.MouthToEar() })
	tw.Run()
	rep := tw.Report()
	if ended == nil {
		t.Fatal("the scripted voicemail call did not end normally")
	}
	var gap sim.Time
	for _, fo := range rep.Failures[0].Flows {
		if fo.Flow == "web-1" && fo.OutageMs != nil {
			gap = sim.Milliseconds(*fo.OutageMs)
		}
	}
	if gap == 0 || ended.MaxGap != gap {
		t.Fatalf("call's longest media gap %v, the failover's outage %v: they must be the same", ended.MaxGap, gap)
	}
	const pps, sent = 50.0, 3000
	lost := int(math.Round(gap.Seconds() * pps))
	loss, err := emodel.LossFromCounts(sent, lost, 1)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := emodel.LookupCodec("g711")
	if err != nil {
		t.Fatal(err)
	}
	p := emodel.Defaults()
	p.Ie, p.Bpl, p.Ppl, p.BurstR = codec.Ie, codec.Bpl, loss.Ppl, loss.BurstR
	p.Ta = ta.Milliseconds()
	p.T, p.Tr = p.Ta, 2*p.Ta
	want := emodel.R(p).MOS
	if math.Abs(ended.LossPct-loss.Ppl) > 1e-9 || math.Abs(ended.MOS-want) > 1e-6 {
		t.Fatalf("call: loss %.4f %%, MOS %.4f; E-model for %d of %d lost in one burst at Ta %.3f ms: %.4f %%, MOS %.4f",
			ended.LossPct, ended.MOS, lost, sent, p.Ta, loss.Ppl, want)
	}
	t.Logf("gap %v: %d of %d packets lost, Ppl %.3f %%, BurstR %.1f, Ta %.1f ms → MOS %.3f (no loss: %.3f)",
		gap, lost, sent, loss.Ppl, loss.BurstR, p.Ta, want, noLoss(p))
	if d := *rep.Failures[0].CallsDegraded; d < 1 {
		t.Errorf("the call's second with the gap is not counted as degraded (%d)", d)
	}
}

func noLoss(p emodel.Params) float64 {
	p.Ppl, p.BurstR = 0, 1
	return emodel.R(p).MOS
}
