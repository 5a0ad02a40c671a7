package uc_test

import (
	"fmt"

	"dctwin/sim"
	"dctwin/workloads/uc"
	"dctwin/workloads/uc/uctest"
)

// A classic data center's busy hour: two phone groups (each endpoint node stands for an
// access switch with 50 phones), a PBX cluster pair, an E1 trunk of 30 channels,
// voicemail, a conference bridge and two telepresence rooms. The
// active PBX node is lost at 20 minutes: peer-to-peer calls talk on, the calls anchored
// on the gateway, voicemail and bridge are kept by the survivor.
func ExampleNew() {
	cfg := uc.Config{
		Groups: []uc.UserGroup{
			{Name: "sales", Endpoints: []string{"phone-1", "phone-2"}, PBX: "pbx", Stations: 50,
				Erlangs: 0.11, // Avaya's general business per station (reference-facts 9)
				Mix:     uc.Mix{Internal: 4, OtherGroup: 2, Trunk: 3, Voicemail: 1}},
			{Name: "support", Endpoints: []string{"phone-3", "phone-4"}, PBX: "pbx", Stations: 50,
				BHCA: 1.5, Codec: "g729a", // Avaya "moderate" per station
				Mix: uc.Mix{OtherGroup: 2, Trunk: 6, Voicemail: 1, Conference: 1}},
			{Name: "rooms", Endpoints: []string{"room-1", "room-2"}, PBX: "pbx",
				BHCA: 1, Holding: 30 * sim.Minute, Video: uc.Telepresence3Screen(),
				Mix: uc.Mix{Internal: 1, Conference: 1}},
		},
		PBXs:       []uc.PBX{{Name: "pbx", Nodes: []string{"pbx-a", "pbx-b"}, Channels: 100}},
		Gateway:    &uc.Server{Node: "mgw", Channels: 30},
		Voicemail:  &uc.Server{Node: "vm", Channels: 8},
		Conference: &uc.Server{Node: "mcu", Channels: 16},
	}
	s := sim.New(1)
	defer s.Close()
	m, err := uc.New(s, uctest.New(s, 2*sim.Millisecond), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	m.Start()
	s.At(20*sim.Minute, func() { m.NodeFailed("pbx-a") })
	s.RunUntil(sim.Hour)
	st := m.Stats()
	fmt.Printf("in progress at the start %d, attempted %d, completed %d, blocked %d, busy %d, failed setup %d, "+
		"dropped %d, active %d\n", st.InProgressAtStart, st.Attempted, st.Completed, st.Blocked, st.Busy,
		st.FailedSetup, st.Dropped, st.Active)
	fmt.Printf("mean MOS %.2f, min MOS %.2f\n", st.MeanMOS, st.MinMOS)
	// Output:
	// in progress at the start 13, attempted 298, completed 274, blocked 0, busy 28, failed setup 0, dropped 0, active 9
	// mean MOS 4.20, min MOS 4.03
}
