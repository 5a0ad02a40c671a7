package uc_test

import (
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
	"dctwin/workloads/uc/uctest"
)

// Configuration errors are returned, never panicked, and name the field.
func TestConfigErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*uc.Config)
	}{
		{"groups: no user group", func(c *uc.Config) { c.Groups = nil }},
		{"groups[0].name", func(c *uc.Config) { c.Groups[0].Name = "" }},
		{"groups[1] (office).name: group \"office\" defined twice", func(c *uc.Config) { c.Groups = append(c.Groups, c.Groups[0]) }},
		{"groups[0] (office).endpoints", func(c *uc.Config) { c.Groups[0].Endpoints = nil }},
		{"groups[0] (office).endpoints[1]", func(c *uc.Config) { c.Groups[0].Endpoints[1] = "" }},
		{"groups[0] (office).pbx", func(c *uc.Config) { c.Groups[0].PBX = "" }},
		{"groups[0] (office).bhca", func(c *uc.Config) { c.Groups[0].BHCA = -1 }},
		{"groups[0] (office).erlangs: set bhca or erlangs", func(c *uc.Config) { c.Groups[0].BHCA, c.Groups[0].Erlangs = 1, 1 }},
		{"groups[0] (office).erlangs: 120000 call attempts per second", func(c *uc.Config) {
			c.Groups[0].Erlangs, c.Groups[0].Holding = 2, 100*sim.Microsecond
		}},
		{"groups[0] (office).holding", func(c *uc.Config) { c.Groups[0].Holding = -sim.Second }},
		{"groups[0] (office).holding_dist", func(c *uc.Config) { c.Groups[0].HoldingDist = 9 }},
		{"groups[0] (office).holding_sigma", func(c *uc.Config) { c.Groups[0].HoldingSigma = -1 }},
		{"groups[0] (office).codec", func(c *uc.Config) { c.Groups[0].Codec = "opus" }},
		{"groups[0] (office).codec: G.722 is wideband", func(c *uc.Config) { c.Groups[0].Codec = "g722" }},
		{"groups[0] (office).packet_ms", func(c *uc.Config) { c.Groups[0].PacketMs = 25 }},
		{"groups[0] (office).jitter_buffer.max", func(c *uc.Config) {
			c.Groups[0].JitterBuffer = uc.JitterBuffer{Mode: uc.AdaptiveJitter, TargetExtra: 300 * sim.Millisecond}
		}},
		{"groups[0] (office).jitter_buffer.mode", func(c *uc.Config) { c.Groups[0].JitterBuffer.Mode = 7 }},
		{"groups[0] (office).video.screen_bps", func(c *uc.Config) { c.Groups[0].Video = &uc.Video{Screens: 2} }},
		{"groups[0] (office).mix.trunk: trunk calls need a gateway", func(c *uc.Config) { c.Gateway = nil; c.Groups[0].Mix.Trunk = 1 }},
		{"groups[0] (office).mix.voicemail", func(c *uc.Config) { c.Voicemail = nil; c.Groups[0].Mix.Voicemail = 1 }},
		{"groups[0] (office).mix.conference", func(c *uc.Config) { c.Conference = nil; c.Groups[0].Mix.Conference = 1 }},
		{"groups[0] (office).mix.other_group", func(c *uc.Config) { c.Groups[0].Mix.OtherGroup = 1 }},
		{"groups[0] (office).mix.internal", func(c *uc.Config) { c.Groups[0].Endpoints = []string{"phone-1"} }},
		{"groups[0] (office).mix.trunk: -1", func(c *uc.Config) { c.Groups[0].Mix.Trunk = -1 }},
		{"pbxs[0].nodes", func(c *uc.Config) { c.PBXs = []uc.PBX{{Name: "pbx"}} }},
		{"pbxs[0].nodes: the cluster pair", func(c *uc.Config) { c.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"a", "a"}}} }},
		{"pbxs[0].channels", func(c *uc.Config) { c.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"a"}, Channels: -1}} }},
		{"pbxs[1].name: PBX \"pbx\" defined twice", func(c *uc.Config) {
			c.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"a"}}, {Name: "pbx", Nodes: []string{"b"}}}
		}},
		{"gateway.node", func(c *uc.Config) { c.Gateway.Node = "" }},
		{"voicemail.channels", func(c *uc.Config) { c.Voicemail.Channels = -2 }},
		{"t1", func(c *uc.Config) { c.T1 = -1 }},
		{"post_dial_delay", func(c *uc.Config) { c.PostDialDelay = -1 }},
		{"degraded_mos", func(c *uc.Config) { c.DegradedMOS = 5 }},
		{"sample_interval: 1ms is shorter", func(c *uc.Config) { c.SampleInterval = sim.Millisecond }},
		{"rtp_timeout: ", func(c *uc.Config) { c.RTPTimeout = sim.Never }},
		{"t1: ", func(c *uc.Config) { c.T1 = sim.Never / 2 }},
		{"groups[0] (office).stations: -1", func(c *uc.Config) { c.Groups[0].Stations = -1 }},
		{"groups[1] (lab).endpoints[0]: phone-1 stands for 1 stations in group office but 5 here", func(c *uc.Config) {
			c.Groups = append(c.Groups, uc.UserGroup{Name: "lab", Endpoints: []string{"phone-1"}, PBX: "pbx",
				Stations: 5, Mix: uc.Mix{Trunk: 1}})
		}},
		{"groups[0] (office).erlangs: 200000 erlangs offered exceed", func(c *uc.Config) {
			c.Groups[0].Stations, c.Groups[0].Erlangs, c.Groups[0].Holding = 100000, 1.0/3, sim.Hour
		}},
		{"mos_interval: 500ms is shorter than the sample interval", func(c *uc.Config) { c.MOSInterval = 500 * sim.Millisecond }},
		{"mos_interval: negative", func(c *uc.Config) { c.MOSInterval, c.SampleInterval = -1, -1 }},
		{"delay_budget", func(c *uc.Config) { c.DelayBudget = -1 }},
		{"pbxs[0].failover_delay", func(c *uc.Config) { c.PBXs = []uc.PBX{{Name: "pbx", Nodes: []string{"a"}, FailoverDelay: -1}} }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			cfg := office()
			tc.edit(&cfg)
			s := sim.New(1)
			defer s.Close()
			_, err := uc.New(s, uctest.New(s, 0), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v, want one naming %q", err, tc.field)
			}
		})
	}
}

// Scripted calls are checked too.
func TestPlaceCallErrors(t *testing.T) {
	r := newRig(t, 1, office())
	for _, tc := range []struct {
		group, from string
		kind        uc.Kind
		to          string
		holding     sim.Time
		want        string
	}{
		{"nobody", "phone-1", uc.Internal, "phone-2", sim.Second, "unknown user group"},
		{"office", "phone-9", uc.Internal, "phone-2", sim.Second, "not an endpoint"},
		{"office", "phone-1", uc.Internal, "", sim.Second, "needs a callee"},
		{"office", "phone-1", uc.Trunk, "elsewhere", sim.Second, "goes to gw"},
		{"office", "phone-1", uc.Kind(9), "", sim.Second, "unknown call kind"},
		{"office", "phone-1", uc.Internal, "phone-2", -sim.Second, "negative holding"},
	} {
		if _, err := r.m.PlaceCall(tc.group, tc.from, tc.kind, tc.to, tc.holding); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("PlaceCall(%q, %q, %v, %q): %v, want %q", tc.group, tc.from, tc.kind, tc.to, err, tc.want)
		}
	}
	cfg := office()
	cfg.Voicemail = nil
	r = newRig(t, 1, cfg)
	if _, err := r.m.PlaceCall("office", "phone-1", uc.VoicemailCall, "", sim.Second); err == nil {
		t.Error("voicemail call without a voicemail server accepted")
	}
}

// A network that refuses a media stream fails the call's setup instead of panicking.
func TestMediaRefused(t *testing.T) {
	r := newRig(t, 1, office())
	r.net.Refuse("phone-2")
	c := r.place(t, "office", "phone-1", uc.Internal, "phone-2", sim.Minute)
	r.s.RunUntil(2 * sim.Minute)
	_, f := only[uc.CallFailedSetup](t, r, c.ID())
	if !strings.HasPrefix(f.Reason, uc.ReasonNoMedia) || r.net.Open() != 0 {
		t.Fatalf("reason %q, %d streams left open", f.Reason, r.net.Open())
	}
}
