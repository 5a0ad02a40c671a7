package topology

import (
	"sort"
	"time"
)

// Demand is how busy a VM keeps its host: a share of its vCPUs and of its memory,
// each following its own daily profile. The run's clock starts at midnight (dctwin's
// choice), so hour h of a profile is [h h, (h+1) h) of every simulated day. Memory has
// a profile of its own, flat unless the scenario says otherwise, rather than the CPU's:
// a guest's memory in use usually falls less than its CPU when load drops (caches and
// heaps stay touched; dctwin's choice of default), so following the CPU's shape by
// default would empty hosts at night that a real cluster keeps on, and would change
// what scenarios written before memory had a profile do.
type Demand struct {
	// CPU is the share of the VM's vCPUs busy at a profile factor of 1, RAM the share
	// of its memory in use at a RAM profile factor of 1 (0..1).
	CPU, RAM float64
	// Profile is 24 hourly factors (0..1) that scale CPU; nil is flat (factor 1).
	Profile []float64
	// ProfileName is the named profile it came from ("" for a list or none).
	ProfileName string
	// RAMProfile is 24 hourly factors (0..1) that scale RAM; nil is flat (factor 1).
	RAMProfile []float64
	// RAMProfileName is the named profile RAMProfile came from ("" for a list or none).
	RAMProfileName string
}

// Set reports whether the VM declares a demand at all.
func (d Demand) Set() bool {
	return d.CPU > 0 || d.RAM > 0 || d.Profile != nil || d.RAMProfile != nil
}

// Factor is the CPU profile's factor at a time of the run.
func (d Demand) Factor(t time.Duration) float64 { return factorAt(d.Profile, t) }

// RAMFactor is the RAM profile's factor at a time of the run.
func (d Demand) RAMFactor(t time.Duration) float64 { return factorAt(d.RAMProfile, t) }

// MeanFactor is the CPU profile's mean factor over [from, to) (its value at from when
// the span is empty): exact for the hourly steps.
func (d Demand) MeanFactor(from, to time.Duration) float64 { return meanFactor(d.Profile, from, to) }

// MeanRAMFactor is the RAM profile's mean factor over [from, to), as MeanFactor.
func (d Demand) MeanRAMFactor(from, to time.Duration) float64 {
	return meanFactor(d.RAMProfile, from, to)
}

// factorAt is a profile's factor at a time of the run (nil: flat).
func factorAt(p []float64, t time.Duration) float64 {
	if p == nil {
		return 1
	}
	return p[hourOfDay(t)]
}

func hourOfDay(t time.Duration) int {
	h := int(t/time.Hour) % 24
	if h < 0 {
		h += 24
	}
	return h
}

// meanFactor is a profile's mean factor over [from, to), weighing each hour by its
// share of the span.
func meanFactor(p []float64, from, to time.Duration) float64 {
	if p == nil {
		return 1
	}
	if to <= from {
		return factorAt(p, from)
	}
	var sum float64
	for t := from; t < to; {
		next := min(to, (t/time.Hour+1)*time.Hour)
		sum += factorAt(p, t) * (next - t).Seconds()
		t = next
	}
	return sum / (to - from).Seconds()
}

// Profiles are the named daily profiles: hourly factors from midnight. They are
// dctwin's choice, shapes of common load patterns rather than measured curves.
var Profiles = map[string][]float64{
	// flat: the same load all day.
	"flat": {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
	// office: working hours 8–18 with a lunch dip, little at night.
	"office": {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1, 1, 1, 0.7, 1, 1, 1, 0.9, 0.6, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1},
	// web: a public service, low before dawn, peaking in the evening.
	"web": {0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.6, 0.6, 0.6, 0.65, 0.7, 0.8, 0.9, 1, 1, 0.8, 0.5},
	// batch: nightly jobs from 22 to 6, idle by day.
	"batch": {1, 1, 1, 1, 1, 1, 0.6, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 1},
}

// ProfileNames lists the named profiles, sorted.
func ProfileNames() []string {
	var out []string
	for n := range Profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CPUDemand is the VM's CPU demand in cores at a time of the run.
func (v *VM) CPUDemand(t time.Duration) float64 {
	return v.Demand.CPU * float64(v.CPU) * v.Demand.Factor(t)
}

// RAMInUse is the VM's memory in use in GB at a time of the run: ram × ram_gb × the
// RAM profile's factor, or all its memory when it declares no demand.
func (v *VM) RAMInUse(t time.Duration) float64 {
	return v.MeanRAMInUse(t, t)
}

// MeanRAMInUse is the VM's memory in use in GB averaged over [from, to), as
// MeanFactor (DRS and DPM judge demand over a window, reference-facts §6.5).
func (v *VM) MeanRAMInUse(from, to time.Duration) float64 {
	if !v.Demand.Set() {
		return v.RAMGB
	}
	return v.Demand.RAM * v.RAMGB * v.Demand.MeanRAMFactor(from, to)
}
