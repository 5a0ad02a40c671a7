package uc_test

import (
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
	"dctwin/workloads/uc/uctest"
)

// Whatever numbers a scenario gives, New returns an error or a model that runs: never a
// panic (STYLE: bad input gets an error).
func FuzzConfig(f *testing.F) {
	f.Add(1.5, 0.0, int64(180e9), 1.0, 0, 20.0, 0, int64(40e6), 2, int64(60e9), int64(500e6), int64(0), 3.6, int64(1e9), 0.5, 0.2)
	f.Add(0.0, 3.0, int64(0), 2.5, 1, 0.0, 1, int64(0), 0, int64(-1), int64(0), int64(5e9), 0.0, int64(-1), 0.0, 1.0)
	f.Fuzz(func(t *testing.T, bhca, erlangs float64, holding int64, sigma float64, dist int, packetMs float64,
		jbMode int, jbNominal int64, channels int, rtp, t1, pdd int64, degraded float64, sample int64,
		trunk, vm float64) {
		cfg := uc.Config{
			Groups: []uc.UserGroup{{Name: "g", Endpoints: []string{"a", "b"}, PBX: "pbx",
				BHCA: bhca, Erlangs: erlangs, Holding: sim.Time(holding), HoldingSigma: sigma,
				HoldingDist: uc.HoldingDist(dist), PacketMs: packetMs,
				JitterBuffer: uc.JitterBuffer{Mode: uc.JitterMode(jbMode), Nominal: sim.Time(jbNominal)},
				Mix:          uc.Mix{Internal: 1, Trunk: trunk, Voicemail: vm}}},
			PBXs:       []uc.PBX{{Name: "pbx", Nodes: []string{"pbx"}, Channels: channels}},
			Gateway:    &uc.Server{Node: "gw", Channels: channels},
			Voicemail:  &uc.Server{Node: "vm"},
			RTPTimeout: sim.Time(rtp), T1: sim.Time(t1), PostDialDelay: sim.Time(pdd),
			DegradedMOS: degraded, SampleInterval: sim.Time(sample),
		}
		s := sim.New(1)
		defer s.Close()
		net := uctest.New(s, sim.Millisecond)
		m, err := uc.New(s, net, cfg)
		if err != nil {
			return
		}
		m.Start()
		net.Outage("a", 30*sim.Second, 2*sim.Second)
		s.RunUntil(2 * sim.Minute)
		_ = m.Stats()
	})
}
