package uc_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// busyHour is a mixed load: two voice groups (endpoints of 20 stations each) calling
// each other, the PSTN, voicemail and conferences, a telepresence group of two rooms, a
// clustered PBX with limited channels and a 30-channel trunk, so that every kind of
// record appears.
func busyHour() uc.Config {
	return uc.Config{
		Groups: []uc.UserGroup{
			{Name: "sales", Endpoints: []string{"phone-1", "phone-2", "phone-3"}, PBX: "pbx", Stations: 20,
				Erlangs: 0.2, Mix: uc.Mix{Internal: 3, OtherGroup: 2, Trunk: 4, Voicemail: 1}},
			{Name: "support", Endpoints: []string{"phone-4", "phone-5"}, PBX: "pbx", Stations: 20, BHCA: 3,
				Codec: "g729a", HoldingDist: uc.Lognormal,
				JitterBuffer: uc.JitterBuffer{Mode: uc.AdaptiveJitter},
				Mix:          uc.Mix{OtherGroup: 1, Trunk: 2, Conference: 1}},
			{Name: "rooms", Endpoints: []string{"room-1", "room-2"}, PBX: "pbx", Erlangs: 0.3,
				Video: uc.Telepresence3Screen(), Mix: uc.Mix{Internal: 1, Conference: 1}},
		},
		PBXs:       []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}, Channels: 20}},
		Gateway:    &uc.Server{Node: "gw", Channels: 30},
		Voicemail:  &uc.Server{Node: "vm", Channels: 4},
		Conference: &uc.Server{Node: "mcu", Channels: 8},
	}
}

// runBusyHour runs 20 minutes of busyHour with scripted trouble and returns the record
// stream as text.
func runBusyHour(t *testing.T, seed uint64) ([]string, uc.Stats) {
	r := newRig(t, seed, busyHour())
	r.m.Start()
	r.net.Outage("phone-2", 2*sim.Minute, 800*sim.Millisecond) // a NIC team failing over
	r.net.Outage("phone-4", 5*sim.Minute, 90*sim.Second)       // beyond the RTP timeout
	r.net.Outage("pbx-a", 8*sim.Minute, 20*sim.Second)         // signalling to the survivor
	r.s.At(10*sim.Minute, func() { r.m.NodeFailed("vm") })
	r.s.At(12*sim.Minute, func() { r.m.NodeRepaired("vm") })
	r.s.At(14*sim.Minute, func() { r.net.SetDelay(60 * sim.Millisecond) })
	r.s.RunUntil(20 * sim.Minute)
	out := make([]string, len(r.log))
	for i, l := range r.log {
		out[i] = fmt.Sprintf("%v %s", l.at, l.r)
	}
	for _, smp := range r.m.Series() {
		out = append(out, fmt.Sprintf("%v %d %.9f", smp.At, smp.Active, smp.MeanMOS))
	}
	return out, r.m.Stats()
}

// Same seed, same record stream and series, byte for byte; another seed, another one.
func TestDeterminism(t *testing.T) {
	a, st := runBusyHour(t, 7)
	b, _ := runBusyHour(t, 7)
	c, _ := runBusyHour(t, 8)
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("runs diverge at line %d:\n%s\n%s", i, a[i], b[i])
			}
		}
		t.Fatalf("runs differ in length: %d vs %d", len(a), len(b))
	}
	if slices.Equal(a, c) {
		t.Fatal("seeds 7 and 8 gave the same run")
	}
	t.Logf("seed 7: %+v, %d lines", st, len(a))
	if st.Attempted == 0 || st.Completed == 0 || st.Dropped == 0 || st.Degraded == 0 || st.Busy == 0 ||
		st.InProgressAtStart == 0 || st.OverDelayBudget == 0 {
		t.Fatalf("the busy hour exercised too little: %+v", st)
	}
	if in, out := st.InProgressAtStart+st.Attempted,
		st.Completed+st.Blocked+st.Busy+st.FailedSetup+st.Dropped+st.Active; in != out {
		t.Fatalf("counts do not add up: %d in progress at the start or attempted, %d accounted for: %+v", in, out, st)
	}
}

// A call whose streams report their delay changes is rated only when something
// changes (event-driven) instead of every second; on the fake network, whose delay
// changes only when the script says so, both must give the same calls, the same
// records and the same MOS series (to the last digits of a sum taken in another order).
func TestEventDrivenRatingEqualsSampling(t *testing.T) {
	run := func(notify bool) (*rig, []string) {
		r := newRig(t, 7, busyHour())
		if notify {
			r.net.NotifyDelays()
		}
		r.m.Start()
		r.net.Outage("phone-2", 2*sim.Minute, 800*sim.Millisecond)
		r.net.Outage("phone-4", 5*sim.Minute, 90*sim.Second)
		r.net.Outage("pbx-a", 8*sim.Minute, 20*sim.Second)
		r.s.At(14*sim.Minute, func() { r.net.SetDelay(60 * sim.Millisecond) })
		r.s.At(16*sim.Minute, func() { r.net.SetDelay(5 * sim.Millisecond) })
		r.s.RunUntil(20 * sim.Minute)
		out := make([]string, len(r.log))
		for i, l := range r.log {
			out[i] = fmt.Sprintf("%v %s", l.at, l.r)
		}
		return r, out
	}
	sampled, a := run(false)
	events, b := run(true)
	if i := slices.IndexFunc(a, func(s string) bool { return !slices.Contains(b, s) }); i >= 0 || len(a) != len(b) {
		t.Fatalf("the record streams differ (%d vs %d records), first: %v", len(a), len(b), a[max(i, 0)])
	}
	sa, sb := sampled.m.Series(), events.m.Series()
	if len(sa) != len(sb) {
		t.Fatalf("series of %d and %d points", len(sa), len(sb))
	}
	for i := range sa {
		if sa[i].Active != sb[i].Active || math.Abs(sa[i].MeanMOS-sb[i].MeanMOS) > 1e-9 {
			t.Fatalf("at %v: sampled %+v, event-driven %+v", sa[i].At, sa[i], sb[i])
		}
	}
	if st := events.m.Stats(); st != sampled.m.Stats() {
		t.Fatalf("stats differ:\n sampled %+v\n events  %+v", sampled.m.Stats(), st)
	}
}
