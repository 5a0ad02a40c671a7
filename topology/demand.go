package topology

import (
	"sort"
	"time"
)

// Demand is how busy a VM keeps its host: a share of its vCPUs and of its memory,
// with the CPU share following a daily profile. The run's clock starts at midnight
// (dctwin's choice), so hour h of the profile is [h h, (h+1) h) of every simulated day.
// Memory does not follow the profile: a guest keeps its memory touched through the day
// (dctwin's choice; vSphere's active memory falls less than CPU when load drops).
type Demand struct {
	// CPU is the share of the VM's vCPUs busy at a profile factor of 1, RAM the share
	// of its memory it uses (0..1).
	CPU, RAM float64
	// Profile is 24 hourly factors (0..1) that scale CPU; nil is flat (factor 1).
	Profile []float64
	// ProfileName is the named profile it came from ("" for a list or none).
	ProfileName string
}

// Set reports whether the VM declares a demand at all.
func (d Demand) Set() bool { return d.CPU > 0 || d.RAM > 0 || d.Profile != nil }

// Factor is the profile's factor at a time of the run.
func (d Demand) Factor(t time.Duration) float64 {
	if d.Profile == nil {
		return 1
	}
	return d.Profile[hourOfDay(t)]
}

func hourOfDay(t time.Duration) int {
	h := int(t/time.Hour) % 24
	if h < 0 {
		h += 24
	}
	return h
}

// MeanFactor is the profile's mean factor over [from, to) (its value at from when
// the span is empty): exact for the hourly steps.
func (d Demand) MeanFactor(from, to time.Duration) float64 {
	if d.Profile == nil {
		return 1
	}
	if to <= from {
		return d.Factor(from)
	}
	var sum float64
	for t := from; t < to; {
		next := min(to, (t/time.Hour+1)*time.Hour)
		sum += d.Factor(t) * (next - t).Seconds()
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
