// Package power is the servers' power draw and the energy a data center uses.
//
// A server draws P(u) = Idle + (Max − Idle)·u at CPU utilisation u in [0, 1], the
// linear model of CloudSim's PowerModelLinear (reference-facts §8); the named models
// carry the idle and full-load watts of the SPECpower results CloudSim's models are
// built from. Unlike CloudSim, an idle server that is on draws its idle power (CloudSim
// returns 0 W at u = 0, treating it as off); a server that is off or failed draws
// nothing, and one that boots draws its idle power (dctwin's choice: POST and the
// hypervisor's start keep the machine busy without serving).
//
// A Meter integrates a server's draw over simulated time as it changes, so that energy
// is exact for the piecewise-constant loads of a run, in joules and kWh.
package power

import (
	"fmt"
	"sort"

	"dctwin/sim"
)

// Model is a server model's draw idle and at full load, in watts.
type Model struct {
	Idle, Max float64
}

// Watts is the draw at utilisation u (clamped to [0, 1]).
func (m Model) Watts(u float64) float64 {
	u = max(0, min(1, u))
	return m.Idle + (m.Max-m.Idle)*u
}

// Check reports a model that cannot be: negative, or idle above full load.
func (m Model) Check() error {
	if m.Idle < 0 || m.Max < 0 || m.Idle > m.Max {
		return fmt.Errorf("power: idle %.1f W and full load %.1f W: need 0 ≤ idle ≤ full load", m.Idle, m.Max)
	}
	return nil
}

// Models are the SPECpower-derived server models of reference-facts §8 by name.
var Models = map[string]Model{
	// HP ProLiant ML110 G4 (Xeon 3040), SPEC result 2011q1-00342: 86 W → 117 W.
	"hp-ml110-g4": {86, 117},
	// HP ProLiant ML110 G5 (Xeon 3075), SPEC result 2011q1-00339: 93.7 W → 135 W.
	"hp-ml110-g5": {93.7, 135},
	// IBM x3550 (2× Xeon X5675), SPEC result 2011q2-00368: 58.4 W → 222 W.
	"ibm-x3550": {58.4, 222},
}

// ModelNames lists the named models, sorted.
func ModelNames() []string {
	var out []string
	for n := range Models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Meter is one server's energy meter.
type Meter struct {
	s      *sim.Simulation
	watts  float64
	since  sim.Time
	joules float64
}

// NewMeter starts a meter at 0 W.
func NewMeter(s *sim.Simulation) *Meter { return &Meter{s: s, since: s.Now()} }

// Set changes the draw from now on.
func (m *Meter) Set(watts float64) {
	m.settle()
	m.watts = watts
}

// settle adds the energy since the last change.
func (m *Meter) settle() {
	now := m.s.Now()
	m.joules += m.watts * (now - m.since).Seconds()
	m.since = now
}

// Watts is the current draw.
func (m *Meter) Watts() float64 { return m.watts }

// Joules is the energy used so far.
func (m *Meter) Joules() float64 {
	now := m.s.Now()
	return m.joules + m.watts*(now-m.since).Seconds()
}

// KWh is the energy used so far in kilowatt-hours.
func (m *Meter) KWh() float64 { return m.Joules() / 3.6e6 }
