// Package vmotion is live migration by iterative pre-copy (Clark et al., "Live
// Migration of Virtual Machines", NSDI 2005; vSphere vMotion works the same way:
// reference-facts §6.3 and §7).
//
// Round 1 copies all of the VM's memory while it runs; each later round copies the
// pages the guest wrote during the round before. The guest writes pages at a dirty
// rate, but only within its writable working set (a page written twice in a round is
// sent once), so a round's dirty set is min(WWS, rate × round time). Pre-copy ends
// when the dirty set can be sent within the switchover goal (vSphere: 500 ms, KB
// 436882), or, in Xen's rules, when a round sent fewer than 50 pages, after 29 rounds,
// or once three times the memory has been sent (xc_domain_save.c, reference-facts §7).
// Then the VM is stunned: the last dirty set and the device state go, the VM resumes
// on the destination, and a RARP moves its MAC in the switches. The stun is the
// downtime a VM's traffic sees.
//
// With a dirty rate above the link's bandwidth pre-copy cannot converge: the rounds
// stop shrinking and the stop conditions end it with a long stun. That is the
// difference between 1 GbE and 10 GbE vMotion for a busy VM.
package vmotion

import (
	"fmt"
	"math"

	"dctwin/sim"
)

// Rules selects when pre-copy stops.
type Rules int

// Stop rules.
const (
	// VSphere stops when the dirty set fits the switchover goal, or after MaxRounds.
	VSphere Rules = iota
	// Xen stops after a round of fewer than 50 pages, after 29 rounds, or when three
	// times the memory has been sent (or when the dirty set fits the goal).
	Xen
)

// Params describe one migration.
type Params struct {
	// MemoryBytes is the VM's memory; PageBytes its page size (4 KiB if zero).
	MemoryBytes float64
	PageBytes   float64
	// DirtyRate is how fast the guest writes memory, in bytes per second; WWSBytes the
	// writable working set it writes into (all of memory if zero).
	DirtyRate float64
	WWSBytes  float64
	// Bandwidth is what the migration network gives the copy, in bits per second.
	Bandwidth float64
	// SwitchoverGoal is the stun the copy aims at (500 ms if zero).
	SwitchoverGoal sim.Time
	// DeviceState is the fixed part of the stun: device state, resume on the
	// destination, the RARP (10 ms if zero, dctwin's choice).
	DeviceState sim.Time
	Rules       Rules
	// MaxRounds bounds the pre-copy rounds (29 if zero, Xen's DEF_MAX_ITERS).
	MaxRounds int
}

// Round is one pre-copy round.
type Round struct {
	Bytes    float64
	Duration sim.Time
}

// Result is a migration's timeline.
type Result struct {
	Rounds []Round
	// PreCopy is the time the VM ran while being copied; Stun the downtime; Total the
	// whole migration.
	PreCopy, Stun, Total sim.Time
	// Converged says the dirty set came within the switchover goal; otherwise a stop
	// rule ended pre-copy (Reason says which).
	Converged bool
	Reason    string
	// SentBytes is all that crossed the network.
	SentBytes float64
}

// Xen's limits (xc_domain_save.c, reference-facts §7).
const (
	xenMaxRounds  = 29
	xenMinPages   = 50
	xenMaxFactor  = 3
	defaultGoal   = 500 * sim.Millisecond
	defaultDevice = 10 * sim.Millisecond
)

// Migrate computes the pre-copy timeline of a migration at a constant bandwidth.
func Migrate(p Params) (Result, error) {
	if p.Bandwidth <= 0 || math.IsNaN(p.Bandwidth) {
		return Result{}, fmt.Errorf("vmotion: need memory > 0, bandwidth > 0, dirty rate ≥ 0")
	}
	c, err := NewPrecopy(p)
	if err != nil {
		return Result{}, err
	}
	for !c.RoundDone(Duration(c.Pending(), p.Bandwidth), p.Bandwidth) {
	}
	return c.Result(), nil
}
