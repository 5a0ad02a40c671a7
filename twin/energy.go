package twin

import (
	"sort"

	"dctwin/topology/power"
)

// Energy: every host with a power model has a meter. A host draws P(u) at its
// utilisation while on, its idle power while it boots (POST and the hypervisor's start
// keep it busy without serving: dctwin's choice), and nothing while off or failed. The
// meters integrate over simulated time, so the energy is exact for the run.

// energy holds the hosts' meters.
type energy struct {
	meters map[string]*power.Meter
	model  map[string]power.Model
	util   map[string]float64
	state  map[string]string // off, booting or on ("" is on)
	order  []string
}

// buildEnergy starts a meter for every host with a power model, on at its utilisation.
func (tw *Twin) buildEnergy() {
	e := &energy{meters: map[string]*power.Meter{}, model: map[string]power.Model{}, util: map[string]float64{}, state: map[string]string{}}
	for _, h := range tw.Topology.Hosts {
		if h.Power.Max <= 0 {
			continue
		}
		m := power.Model{Idle: h.Power.Idle, Max: h.Power.Max}
		e.model[h.Name], e.util[h.Name] = m, h.Power.Utilization
		e.meters[h.Name] = power.NewMeter(tw.Sim)
		e.meters[h.Name].Set(m.Watts(h.Power.Utilization))
		e.order = append(e.order, h.Name)
	}
	sort.Strings(e.order)
	tw.energy = e
	tw.followDemand()
}

// hostPower sets a host's draw for its power state: off, booting or on.
func (e *energy) hostPower(host string, state string) {
	m, ok := e.meters[host]
	if !ok {
		return
	}
	e.state[host] = state
	switch state {
	case "off":
		m.Set(0)
	case "booting":
		m.Set(e.model[host].Idle)
	default:
		m.Set(e.model[host].Watts(e.util[host]))
	}
}

// setUtil changes a host's utilisation; a host that is on draws for it from now on.
func (e *energy) setUtil(host string, u float64) {
	if _, ok := e.meters[host]; !ok || e.util[host] == u {
		return
	}
	e.util[host] = u
	if s := e.state[host]; s == "" || s == "on" {
		e.hostPower(host, "on")
	}
}

// EnergyResult is the energy the hosts with a power model used over a run.
type EnergyResult struct {
	TotalKWh float64      `json:"total_kwh"`
	Hosts    []HostEnergy `json:"hosts"`
}

// HostEnergy is one host's energy and its draw at the end of the run.
type HostEnergy struct {
	Host  string  `json:"host"`
	KWh   float64 `json:"kwh"`
	Watts float64 `json:"watts"`
}

// result reads the meters now (nil without any).
func (e *energy) result() *EnergyResult {
	if e == nil || len(e.order) == 0 {
		return nil
	}
	r := &EnergyResult{}
	for _, h := range e.order {
		m := e.meters[h]
		r.Hosts = append(r.Hosts, HostEnergy{Host: h, KWh: m.KWh(), Watts: m.Watts()})
		r.TotalKWh += m.KWh()
	}
	return r
}

// watts is the hosts' total draw now.
func (e *energy) watts() float64 {
	if e == nil {
		return 0
	}
	var w float64
	for _, m := range e.meters {
		w += m.Watts()
	}
	return w
}
