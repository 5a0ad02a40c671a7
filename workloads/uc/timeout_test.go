package uc_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// A call drops exactly when its media gap reaches the RTP inactivity timeout
// (Asterisk's rtptimeout sample value, 60 s, reference-facts 9): the callee's node is cut
// off at 10 s for the timeout less 1 ms (the call survives and ends at its holding
// time, 300 s) or plus 1 ms (the call drops at 10 s + 60 s = 70 s).
func TestRTPTimeoutDropsExactly(t *testing.T) {
	const timeout = 60 * sim.Second
	for _, tc := range []struct {
		name    string
		outage  sim.Time
		dropped bool
	}{
		{"timeout-1ms", timeout - sim.Millisecond, false},
		{"timeout+1ms", timeout + sim.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 1, office())
			r.m.Start()
			c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 300*sim.Second)
			r.net.Outage("phone-2", 10*sim.Second, tc.outage)
			r.s.RunUntil(400 * sim.Second)
			if tc.dropped {
				at, d := only[uc.CallDropped](t, r, c.ID())
				if at != 70*sim.Second || d.Reason != uc.ReasonRTPTimeout {
					t.Fatalf("dropped at %v for %q; want 1m10s for %q", at, d.Reason, uc.ReasonRTPTimeout)
				}
				if d.MaxGap != timeout {
					t.Errorf("max gap %v, want %v", d.MaxGap, timeout)
				}
				return
			}
			at, e := only[uc.CallEnded](t, r, c.ID())
			if at != 300*sim.Second || e.MaxGap != tc.outage {
				t.Fatalf("ended at %v with max gap %v; want 5m0s and %v", at, e.MaxGap, tc.outage)
			}
		})
	}
}

// With the timeout switched off (negative) even a long gap does not end the call.
func TestRTPTimeoutOff(t *testing.T) {
	cfg := office()
	cfg.RTPTimeout = -1
	r := newRig(t, 1, cfg)
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 300*sim.Second)
	r.net.Outage("phone-2", 10*sim.Second, 200*sim.Second)
	r.s.RunUntil(400 * sim.Second)
	if at, _ := only[uc.CallEnded](t, r, c.ID()); at != 300*sim.Second {
		t.Fatalf("ended at %v, want 5m0s", at)
	}
}
