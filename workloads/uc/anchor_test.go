package uc_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// The lesson of the source material: the PBX only signals, so a peer-to-peer call
// survives the loss of its PBX, while calls whose media or control is anchored on a
// server die with it.
func TestPBXLossSparesPeerToPeerCalls(t *testing.T) {
	r := newRig(t, 1, office())
	p2p := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 180*sim.Second)
	trunk := r.place(t, "office", "phone-3", uc.Trunk, "", 180*sim.Second)
	r.s.At(30*sim.Second, func() { r.m.NodeFailed("pbx") })
	r.s.RunUntil(300 * sim.Second)
	if at, _ := only[uc.CallEnded](t, r, p2p.ID()); at != 180*sim.Second {
		t.Fatalf("peer-to-peer call ended at %v, want 3m0s", at)
	}
	at, d := only[uc.CallDropped](t, r, trunk.ID())
	if at != 30*sim.Second || d.Reason != uc.ReasonPBXLost {
		t.Fatalf("trunk call dropped at %v for %q; want 30s for %q", at, d.Reason, uc.ReasonPBXLost)
	}
	if st := r.m.Stats(); st.Completed != 1 || st.Dropped != 1 {
		t.Fatalf("stats %+v", st)
	}
	if dropped, _ := r.m.CallsAffected(29*sim.Second, 31*sim.Second); dropped != 1 {
		t.Fatalf("CallsAffected around the failure: %d dropped, want 1", dropped)
	}
	if dropped, _ := r.m.CallsAffected(31*sim.Second, 300*sim.Second); dropped != 0 {
		t.Fatalf("CallsAffected after the failure: %d dropped, want 0", dropped)
	}
}

// A voicemail call drops when the voicemail server is lost; a call to the bridge at
// the same time does not notice.
func TestVoicemailCallDropsWithServer(t *testing.T) {
	r := newRig(t, 1, office())
	vm := r.place(t, "office", "phone-1", uc.VoicemailCall, "", 60*sim.Second)
	conf := r.place(t, "office", "phone-2", uc.ConferenceCall, "", 60*sim.Second)
	r.s.At(20*sim.Second, func() { r.m.NodeFailed("vm") })
	r.s.RunUntil(100 * sim.Second)
	at, d := only[uc.CallDropped](t, r, vm.ID())
	if at != 20*sim.Second || d.Reason != uc.ReasonServerLost {
		t.Fatalf("voicemail call dropped at %v for %q", at, d.Reason)
	}
	if at, _ := only[uc.CallEnded](t, r, conf.ID()); at != 60*sim.Second {
		t.Fatalf("conference call ended at %v", at)
	}
	// While the server is down, new voicemail calls cannot be signalled: timer B.
	again := r.place(t, "office", "phone-1", uc.VoicemailCall, "", 60*sim.Second)
	r.s.RunUntil(200 * sim.Second)
	if at, _ := only[uc.CallFailedSetup](t, r, again.ID()); at != 132*sim.Second {
		t.Fatalf("voicemail call to a lost server failed at %v, want 2m12s", at)
	}
}

// A clustered PBX keeps anchored calls: the survivor takes over their control.
func TestClusterKeepsAnchoredCalls(t *testing.T) {
	cfg := office()
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}}}
	r := newRig(t, 1, cfg)
	trunk := r.place(t, "office", "phone-1", uc.Trunk, "", 120*sim.Second)
	r.s.At(30*sim.Second, func() { r.m.NodeFailed("pbx-a") })
	r.s.RunUntil(200 * sim.Second)
	if at, _ := only[uc.CallEnded](t, r, trunk.ID()); at != 120*sim.Second {
		t.Fatalf("trunk call ended at %v, want 2m0s", at)
	}
}

// A call still ringing when its PBX is lost fails its setup.
func TestPBXLossWhileRinging(t *testing.T) {
	cfg := office()
	cfg.PostDialDelay = 5 * sim.Second
	r := newRig(t, 1, cfg)
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", 60*sim.Second)
	r.s.At(2*sim.Second, func() { r.m.NodeFailed("pbx") })
	r.s.RunUntil(100 * sim.Second)
	if at, f := only[uc.CallFailedSetup](t, r, c.ID()); at != 2*sim.Second || f.Reason != uc.ReasonPBXLost {
		t.Fatalf("failed at %v for %q", at, f.Reason)
	}
}

// Capacity limits block at once and name what was full.
func TestBlockingNamesResource(t *testing.T) {
	cfg := office()
	cfg.Gateway.Channels = 1
	cfg.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"pbx"}, Channels: 2}}
	r := newRig(t, 1, cfg)
	a := r.place(t, "office", "phone-1", uc.Trunk, "", 60*sim.Second)
	b := r.place(t, "office", "phone-2", uc.Trunk, "", 60*sim.Second)
	c := r.place(t, "office", "phone-2", uc.Internal, "phone-3", 60*sim.Second)
	d := r.place(t, "office", "phone-4", uc.Internal, "phone-5", 60*sim.Second)
	r.s.RunUntil(100 * sim.Second)
	only[uc.CallEnded](t, r, a.ID())
	if _, bl := only[uc.CallBlocked](t, r, b.ID()); bl.Resource != "gateway" {
		t.Fatalf("blocked by %q, want gateway", bl.Resource)
	}
	only[uc.CallEnded](t, r, c.ID())
	if _, bl := only[uc.CallBlocked](t, r, d.ID()); bl.Resource != "pbx pbx" {
		t.Fatalf("blocked by %q, want pbx pbx", bl.Resource)
	}
}
