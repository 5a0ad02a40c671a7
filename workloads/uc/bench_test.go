package uc_test

import (
	"fmt"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
	"dctwin/workloads/uc/uctest"
)

// BenchmarkBusyHour runs one simulated busy hour of 100 erlangs (≈ 2000 calls of 180 s,
// ≈ 100 talking at a time; 100 endpoints of 10 phones at 0.1 erlang each) with the
// per-second MOS series on, over the fake network.
// Command: go test -run '^$' -bench BusyHour ./workloads/uc/
func BenchmarkBusyHour(b *testing.B) {
	cfg := uc.Config{Groups: []uc.UserGroup{{Name: "office", PBX: "pbx", Stations: 10, Erlangs: 0.1,
		Mix: uc.Mix{Internal: 3, Trunk: 1}}}, Gateway: &uc.Server{Node: "gw", Channels: 60}}
	for i := range 100 {
		cfg.Groups[0].Endpoints = append(cfg.Groups[0].Endpoints, fmt.Sprintf("phone-%d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		s := sim.New(1)
		m, err := uc.New(s, uctest.New(s, 5*sim.Millisecond), cfg)
		if err != nil {
			b.Fatal(err)
		}
		m.Start()
		s.RunUntil(sim.Hour)
		if st := m.Stats(); st.Attempted < 1500 {
			b.Fatalf("only %d attempts", st.Attempted)
		}
		s.Close()
	}
}
