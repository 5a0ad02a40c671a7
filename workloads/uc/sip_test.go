package uc_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// SIP timer arithmetic (RFC 3261 §17.1.1.2, reference-facts 9): with T1 = 500 ms the
// INVITE is sent at 0 and retransmitted after 0.5, 1, 2, 4, 8 and 16 s, i.e. at 0, 0.5,
// 1.5, 3.5, 7.5, 15.5 and 31.5 s; timer B = 64·T1 = 32 s ends the transaction. A PBX
// unreachable from 0 until u is reached by the first send at or after u; for u beyond
// 31.5 s no send gets through and the call fails at exactly 32 s.
func TestInviteRetransmissionAndTimerB(t *testing.T) {
	for _, tc := range []struct {
		unreachable sim.Time
		setupAt     sim.Time // sim.Never: failed setup at 32 s
		sends       int
	}{
		{0, 0, 1},
		{200 * sim.Millisecond, 500 * sim.Millisecond, 2},
		{sim.Second, 1500 * sim.Millisecond, 3},
		{3 * sim.Second, 3500 * sim.Millisecond, 4},
		{10 * sim.Second, 15500 * sim.Millisecond, 6},
		{31 * sim.Second, 31500 * sim.Millisecond, 7},
		{40 * sim.Second, sim.Never, 7},
	} {
		t.Run(tc.unreachable.String(), func(t *testing.T) {
			r := newRig(t, 1, office())
			if tc.unreachable > 0 {
				r.net.Down("pbx")
				r.s.At(tc.unreachable, func() { r.net.Up("pbx") })
			}
			c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
			r.s.RunUntil(100 * sim.Second)
			if tc.setupAt == sim.Never {
				at, f := only[uc.CallFailedSetup](t, r, c.ID())
				if at != 32*sim.Second || f.Reason != uc.ReasonTimerB {
					t.Fatalf("failed at %v for %q; want 32s for %q", at, f.Reason, uc.ReasonTimerB)
				}
				if st := r.m.Stats(); st.FailedSetup != 1 || st.Attempted != 1 || st.Active != 0 {
					t.Fatalf("stats %+v", st)
				}
				return
			}
			at, s := only[uc.CallStarted](t, r, c.ID())
			if at != tc.setupAt || s.Transmissions != tc.sends {
				t.Fatalf("set up at %v after %d sends; want %v after %d", at, s.Transmissions, tc.setupAt, tc.sends)
			}
			if at, _ := only[uc.CallEnded](t, r, c.ID()); at != tc.setupAt+60*sim.Second {
				t.Fatalf("ended at %v", at)
			}
		})
	}
}

// The post-dial delay separates the INVITE getting through from the answer.
func TestPostDialDelay(t *testing.T) {
	cfg := office()
	cfg.PostDialDelay = 4 * sim.Second
	r := newRig(t, 1, cfg)
	r.net.Down("pbx")
	r.s.At(sim.Second, func() { r.net.Up("pbx") })
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
	r.s.RunUntil(100 * sim.Second)
	if at, _ := only[uc.CallStarted](t, r, c.ID()); at != 1500*sim.Millisecond+4*sim.Second {
		t.Fatalf("started at %v, want 5.5s", at)
	}
}

// A clustered PBX: with its first node lost, INVITEs go to the survivor at once.
func TestClusterSignallingFailover(t *testing.T) {
	cfg := office()
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}}}
	r := newRig(t, 1, cfg)
	r.m.NodeFailed("pbx-a")
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
	r.s.RunUntil(100 * sim.Second)
	if at, s := only[uc.CallStarted](t, r, c.ID()); at != 0 || s.Transmissions != 1 {
		t.Fatalf("started at %v after %d sends; want 0 after 1", at, s.Transmissions)
	}
	// Both nodes lost: timer B.
	r.m.NodeFailed("pbx-b")
	c = r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
	r.s.RunUntil(200 * sim.Second)
	if at, _ := only[uc.CallFailedSetup](t, r, c.ID()); at != 132*sim.Second {
		t.Fatalf("failed at %v, want 2m12s", at)
	}
}

// With a failover delay, INVITEs keep going to the lost node until the endpoints turn
// to the survivor: node lost at 0, delay 10 s, call placed at 1 s: sends at 1, 1.5,
// 2.5, 4.5, 8.5 and 16.5 s; the first after 10 s, at 16.5 s, reaches the survivor.
func TestClusterFailoverDelay(t *testing.T) {
	cfg := office()
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}, FailoverDelay: 10 * sim.Second}}
	r := newRig(t, 1, cfg)
	r.m.NodeFailed("pbx-a")
	var c *uc.Call
	r.s.At(sim.Second, func() { c = r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second) })
	r.s.RunUntil(100 * sim.Second)
	if at, s := only[uc.CallStarted](t, r, c.ID()); at != 16500*sim.Millisecond || s.Transmissions != 6 {
		t.Fatalf("started at %v after %d sends; want 16.5s after 6", at, s.Transmissions)
	}
}

// A node that is only cut off from the network (not failed) costs the same failover
// delay: the phones cannot tell the two apart. Same timeline as above.
func TestClusterFailoverDelayUnreachable(t *testing.T) {
	cfg := office()
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}, FailoverDelay: 10 * sim.Second}}
	r := newRig(t, 1, cfg)
	r.net.Down("pbx-a")
	var c *uc.Call
	r.s.At(sim.Second, func() { c = r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second) })
	r.s.RunUntil(100 * sim.Second)
	if at, s := only[uc.CallStarted](t, r, c.ID()); at != 16500*sim.Millisecond || s.Transmissions != 6 {
		t.Fatalf("started at %v after %d sends; want 16.5s after 6", at, s.Transmissions)
	}
}
