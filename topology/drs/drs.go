// Package drs is the cluster's resource management: DRS, which moves VMs between hosts
// to even out their load, and DPM, which powers hosts off when the cluster has more
// than it needs and on again when demand grows (reference-facts §6.4, §6.5).
//
// Both are decisions over a picture of the cluster (hosts with capacity, VMs with
// demand), taken at their invocation times; carrying them out (vMotion, host power) is
// the twin's. DRS follows vSphere up to 6.7: the imbalance is the standard deviation
// of the hosts' loads (demand over capacity), and a migration threshold from 1
// (conservative) to 5 (aggressive, default 3) sets how much imbalance is tolerated;
// each invocation recommends moves, best first, while a move lowers the imbalance by
// enough to be worth a migration. DPM keeps the hosts' utilisation within 63 % ± 18 %:
// when CPU and memory have been under 45 % on every host for 40 minutes it powers one
// off (whose VMs fit on the others without pushing them over 81 %), and when CPU or
// memory has been over 81 % on every host for 5 minutes it powers one on; it never
// goes below the hosts HA's admission control needs.
package drs

import (
	"cmp"
	"math"
	"slices"
)

// Host is a host's capacity and power state.
type Host struct {
	Name string
	// CPU is in MHz (cores × clock); RAM in GB.
	CPU, RAM float64
	On       bool
}

// VM is a VM's demand and placement.
type VM struct {
	Name, Host string
	// CPU demand in MHz, RAM in GB.
	CPU, RAM float64
}

// Move is one recommended migration.
type Move struct {
	VM, From, To string
	// Gain is how much the imbalance falls.
	Gain float64
}

// Tolerance is the imbalance (standard deviation of host CPU loads) a migration
// threshold leaves alone. vSphere derives its target from the threshold without
// publishing the formula (reference-facts §6.4); these are dctwin's choice, halving
// the tolerance per level, with level 1 balancing nothing (it applies only mandatory
// moves, which this model has none of).
func Tolerance(threshold int) float64 {
	switch {
	case threshold <= 1:
		return math.Inf(1)
	case threshold >= 5:
		return 0.025
	}
	return 0.2 / math.Pow(2, float64(threshold-2))
}

// minGain is the least a move must lower the imbalance to be recommended (vSphere's
// MinGoodness filter; the value is dctwin's choice).
const minGain = 0.005

// maxMoves bounds the moves of one invocation (dctwin's choice; vSphere limits them
// per host and per invocation).
const maxMoves = 8

// Balance recommends the moves of one DRS invocation at a migration threshold.
func Balance(hosts []Host, vms []VM, threshold int) []Move {
	return BalanceWhere(hosts, vms, threshold, nil)
}

// BalanceWhere is Balance with the caller's own conditions on a move (nil: none):
// a VM that allow refuses for a host is not moved there, yet counts where it is.
func BalanceWhere(hosts []Host, vms []VM, threshold int, allow func(vm, host string) bool) []Move {
	place := map[string]string{}
	for _, v := range vms {
		place[v.Name] = v.Host
	}
	tol := Tolerance(threshold)
	var moves []Move
	for len(moves) < maxMoves {
		cur := imbalance(hosts, vms, place)
		if cur <= tol {
			break
		}
		best := Move{Gain: minGain}
		found := false
		for _, v := range vms {
			from := place[v.Name]
			for _, h := range hosts {
				if !h.On || h.Name == from || !fits(h, v, vms, place) || allow != nil && !allow(v.Name, h.Name) {
					continue
				}
				place[v.Name] = h.Name
				gain := cur - imbalance(hosts, vms, place)
				place[v.Name] = from
				if gain > best.Gain+1e-12 {
					best, found = Move{VM: v.Name, From: from, To: h.Name, Gain: gain}, true
				}
			}
		}
		if !found {
			break
		}
		place[best.VM] = best.To
		moves = append(moves, best)
	}
	return moves
}

// loads returns each powered-on host's CPU and RAM utilisation under a placement.
func loads(hosts []Host, vms []VM, place map[string]string) (cpu, ram map[string]float64) {
	cpu, ram = map[string]float64{}, map[string]float64{}
	for _, h := range hosts {
		if h.On {
			cpu[h.Name], ram[h.Name] = 0, 0
		}
	}
	capOf := map[string]Host{}
	for _, h := range hosts {
		capOf[h.Name] = h
	}
	for _, v := range vms {
		h, ok := capOf[place[v.Name]]
		if !ok || !h.On {
			continue
		}
		if h.CPU > 0 {
			cpu[h.Name] += v.CPU / h.CPU
		}
		if h.RAM > 0 {
			ram[h.Name] += v.RAM / h.RAM
		}
	}
	return cpu, ram
}

// imbalance is the population standard deviation of the powered-on hosts' CPU loads.
func imbalance(hosts []Host, vms []VM, place map[string]string) float64 {
	cpu, _ := loads(hosts, vms, place)
	if len(cpu) == 0 {
		return 0
	}
	var sum, sq float64
	for _, l := range cpu {
		sum += l
	}
	mean := sum / float64(len(cpu))
	for _, l := range cpu {
		sq += (l - mean) * (l - mean)
	}
	return math.Sqrt(sq / float64(len(cpu)))
}

// fits reports whether a VM fits a host's memory under a placement.
func fits(h Host, v VM, vms []VM, place map[string]string) bool {
	used := v.RAM
	for _, o := range vms {
		if o.Name != v.Name && place[o.Name] == h.Name {
			used += o.RAM
		}
	}
	return h.RAM <= 0 || used <= h.RAM
}

// DPM thresholds (reference-facts §6.5, KB 310527): DemandCapacityRatioTarget 63 %,
// DemandCapacityRatioToleranceHost 18 %.
const (
	dpmLow  = 0.63 - 0.18
	dpmHigh = 0.63 + 0.18
)

// PowerDecision is what DPM does at an invocation.
type PowerDecision struct {
	// Off is the host to power off (its VMs move as Evacuate says), On the host to
	// power on; both empty: nothing.
	Off, On  string
	Evacuate []Move
}

// Power decides DPM's step from the utilisation averaged over the last 40 minutes
// (lowWindow: for powering off) and the last 5 minutes (highWindow: for powering on),
// each a picture of the same hosts and VMs with the windows' mean demands. minOn is
// the hosts HA's admission control needs on.
func Power(lowWindow, highWindow []VM, hosts []Host, minOn int) PowerDecision {
	return PowerWithin(dpmLow, dpmHigh, lowWindow, highWindow, hosts, minOn)
}

// PowerWithin is Power with the utilisation band a cluster's DPM settings give
// (target ± tolerance, as shares): below low on every host it powers one off, above
// high on every host one on, and an evacuation fills hosts up to high.
func PowerWithin(dpmLow, dpmHigh float64, lowWindow, highWindow []VM, hosts []Host, minOn int) PowerDecision {
	return PowerWhere(dpmLow, dpmHigh, lowWindow, highWindow, hosts, minOn, nil)
}

// PowerWhere is PowerWithin with the caller's own conditions on where an evacuated
// VM may go (nil: none); a host whose VMs allow leaves nowhere to go stays on.
func PowerWhere(dpmLow, dpmHigh float64, lowWindow, highWindow []VM, hosts []Host, minOn int, allow func(vm, host string) bool) PowerDecision {
	place := map[string]string{}
	for _, v := range highWindow {
		place[v.Name] = v.Host
	}
	cpu, ram := loads(hosts, highWindow, place)
	if len(cpu) > 0 && everyHost(cpu, ram, func(c, r float64) bool { return c > dpmHigh || r > dpmHigh }) {
		for _, h := range hosts {
			if !h.On {
				return PowerDecision{On: h.Name}
			}
		}
		return PowerDecision{}
	}
	for _, v := range lowWindow {
		place[v.Name] = v.Host
	}
	cpu, ram = loads(hosts, lowWindow, place)
	on := len(cpu)
	if on <= max(minOn, 1) || !everyHost(cpu, ram, func(c, r float64) bool { return c < dpmLow && r < dpmLow }) {
		return PowerDecision{}
	}
	// The least loaded host whose VMs fit the others without pushing one over 81 %.
	var order []Host
	for _, h := range hosts {
		if h.On {
			order = append(order, h)
		}
	}
	slices.SortStableFunc(order, func(a, b Host) int { return cmp.Compare(cpu[a.Name], cpu[b.Name]) })
	for _, cand := range order {
		if moves, ok := evacuate(cand, hosts, lowWindow, place, dpmHigh, allow); ok {
			return PowerDecision{Off: cand.Name, Evacuate: moves}
		}
	}
	return PowerDecision{}
}

// everyHost reports whether cond holds for every powered-on host's loads.
func everyHost(cpu, ram map[string]float64, cond func(c, r float64) bool) bool {
	for h, c := range cpu {
		if !cond(c, ram[h]) {
			return false
		}
	}
	return true
}

// evacuate places a host's VMs on the other powered-on hosts, each on the one with
// the lowest CPU load that stays at or under 81 % in CPU and memory.
func evacuate(off Host, hosts []Host, vms []VM, place map[string]string, dpmHigh float64, allow func(vm, host string) bool) ([]Move, bool) {
	p := map[string]string{}
	for k, v := range place {
		p[k] = v
	}
	var moves []Move
	for _, v := range vms {
		if p[v.Name] != off.Name {
			continue
		}
		var best string
		bestLoad := math.Inf(1)
		for _, h := range hosts {
			if !h.On || h.Name == off.Name || allow != nil && !allow(v.Name, h.Name) {
				continue
			}
			p[v.Name] = h.Name
			cpu, ram := loads(hosts, vms, p)
			if cpu[h.Name] <= dpmHigh && ram[h.Name] <= dpmHigh && cpu[h.Name] < bestLoad {
				best, bestLoad = h.Name, cpu[h.Name]
			}
			p[v.Name] = off.Name
		}
		if best == "" {
			return nil, false
		}
		p[v.Name] = best
		moves = append(moves, Move{VM: v.Name, From: off.Name, To: best})
	}
	return moves, true
}
