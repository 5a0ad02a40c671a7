package uc_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/workloads/uc"
	"dctwin/workloads/uc/uctest"
)

// rig is a simulation with the fake network, a UC model and a log of its records.
type rig struct {
	s   *sim.Simulation
	net *uctest.Network
	m   *uc.Model
	log []logged
}

type logged struct {
	at sim.Time
	r  sim.Record
}

func newRig(t *testing.T, seed uint64, cfg uc.Config) *rig {
	t.Helper()
	s := sim.New(seed)
	t.Cleanup(s.Close)
	r := &rig{s: s, net: uctest.New(s, 5*sim.Millisecond)}
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, rec sim.Record) { r.log = append(r.log, logged{at, rec}) }))
	m, err := uc.New(s, r.net, cfg)
	if err != nil {
		t.Fatalf("uc.New: %v", err)
	}
	r.m = m
	return r
}

// place dials a call now and fails the test on error.
func (r *rig) place(t *testing.T, group, from string, kind uc.Kind, to string, holding sim.Time) *uc.Call {
	t.Helper()
	c, err := r.m.PlaceCall(group, from, kind, to, holding)
	if err != nil {
		t.Fatalf("PlaceCall: %v", err)
	}
	return c
}

// only returns the one record of type T about call id, failing the test unless there
// is exactly one.
func only[T sim.Record](t *testing.T, r *rig, id string) (sim.Time, T) {
	t.Helper()
	var (
		at    sim.Time
		found T
		n     int
	)
	for _, l := range r.log {
		if v, ok := l.r.(T); ok && l.r.Subject() == "call "+id {
			at, found = l.at, v
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d records of type %T for call %s; log:\n%s", n, found, id, r.dump())
	}
	return at, found
}

func (r *rig) dump() string {
	var b strings.Builder
	for _, l := range r.log {
		fmt.Fprintf(&b, "%v %s\n", l.at, l.r)
	}
	return b.String()
}

// office is a small configuration: six phones of one group on a single PBX, with
// voicemail, a gateway and a bridge on servers of their own. Each phone takes one call
// at a time, so tests that place several calls use different phones.
func office() uc.Config {
	return uc.Config{
		Groups: []uc.UserGroup{{
			Name: "office", Endpoints: []string{"phone-1", "phone-2", "phone-3", "phone-4", "phone-5", "phone-6"},
			PBX: "pbx",
		}},
		Gateway:    &uc.Server{Node: "gw"},
		Voicemail:  &uc.Server{Node: "vm"},
		Conference: &uc.Server{Node: "mcu"},
	}
}
