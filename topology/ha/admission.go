package ha

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Admission control: how much of a cluster HA keeps free for restarts, by refusing to
// power VMs on (reference-facts §6.1, the HA Deepdive's three policies). It limits
// power-ons only: HA's own restarts are not subject to it (vSphere lets a restart go
// wherever the host has the memory and CPU for it), and are limited by the hosts'
// actual capacity instead (place).
//
// The host-failures policy counts slots sized by the VMs' reservations, as vSphere
// does (SlotsOf). The percentage and failover-hosts policies count every VM at its
// full memory and vCPUs, as HA places it (dctwin's simplification: vSphere's
// percentage policy sums reservations too).

// AdmissionPolicy is one of vSphere HA's admission control policies.
type AdmissionPolicy string

// Admission control policies.
const (
	// NoAdmission powers every VM on that fits a host.
	NoAdmission AdmissionPolicy = "disabled"
	// HostFailures keeps room to restart the VMs of HostFailures failed hosts,
	// counted in slots (vSphere's "host failures cluster tolerates").
	HostFailures AdmissionPolicy = "host-failures"
	// Percentage keeps CPUPercent of the cluster's vCPU capacity and MemoryPercent of
	// its memory free.
	Percentage AdmissionPolicy = "percentage"
	// FailoverHosts keeps dedicated hosts empty for restarts: no VM is powered on on
	// them, and HA restarts go to them first.
	FailoverHosts AdmissionPolicy = "failover-hosts"
)

// Admission is a cluster's admission control setting.
type Admission struct {
	Policy        AdmissionPolicy
	HostFailures  int
	CPUPercent    float64
	MemoryPercent float64
	FailoverHosts []string
}

// Load is a host as admission control sees it: its capacity, whether it counts (a
// failed, hung or isolated host gives none), and the VMs powered on on it.
type Load struct {
	Host
	Up  bool
	VMs []VM
}

// Slots is the host-failures policy's arithmetic (reference-facts §6.1, HA Deepdive
// admission_control.md): a slot is the largest CPU reservation and the largest
// memory reservation of any powered-on VM, a VM without a CPU reservation counting
// as DefaultSlotMHz; each host holds as many slots as both its CPU (MHz) and its
// memory allow; the cluster keeps room for its powered-on VMs, one slot each, after
// losing the hosts with the most slots.
//
// vSphere adds each VM's memory overhead to its memory reservation; dctwin leaves
// the overhead out, so without memory reservations the slot's memory is 0 and only
// CPU bounds the slots: with no reservations at all, a slot is 32 MHz and the policy
// refuses little, as in vSphere. The slot policy is the one reference-facts §6.1
// documents (vSphere 4 and 5, the era of the source material), rather than
// vSphere 6.5's percentage derived from the host count.
type Slots struct {
	RAMGB float64
	MHz   float64
	// PerHost is the slots of each host that counts, most first.
	PerHost []int
	// Used is the powered-on VMs; Capacity the slots left after losing the
	// HostFailures hosts with the most.
	Used, Capacity int
}

// DefaultSlotMHz is the CPU slot of a VM without a CPU reservation: 32 MHz
// (reference-facts §6.1; vSphere's das.vmCpuMinMHz).
const DefaultSlotMHz = 32

// SlotsOf computes the slot arithmetic of loads.
func SlotsOf(loads []Load, failures int) Slots {
	var s Slots
	for _, l := range loads {
		for _, v := range l.VMs {
			cpu := v.CPUReservationMHz
			if cpu <= 0 {
				cpu = DefaultSlotMHz
			}
			s.RAMGB = max(s.RAMGB, v.RAMReservationGB)
			s.MHz = max(s.MHz, cpu)
			s.Used++
		}
	}
	if s.MHz == 0 {
		s.MHz = DefaultSlotMHz // no VM runs: a slot is the smallest one
	}
	total := 0
	for _, l := range loads {
		if !l.Up {
			continue
		}
		n := 0 // a host without its CPU written holds no slot
		if l.MHz > 0 {
			n = fit(l.MHz, s.MHz)
			if s.RAMGB > 0 {
				n = min(n, fit(l.RAMGB, s.RAMGB))
			}
		}
		s.PerHost = append(s.PerHost, n)
		total += n
	}
	slices.SortFunc(s.PerHost, func(a, b int) int { return cmp.Compare(b, a) })
	s.Capacity = total
	for i := 0; i < failures && i < len(s.PerHost); i++ {
		s.Capacity -= s.PerHost[i]
	}
	return s
}

// maxSlotsPerHost saturates a host's slot count: a count this large already means
// "no limit" (vSphere runs at most a few hundred VMs on a host), and an absurd
// core_mhz or a tiny reservation (1e300 MHz, 1e-300 GB) would otherwise overflow
// the conversion to int and count a host's slots as negative.
const maxSlotsPerHost = math.MaxInt32

// fit is how many whole slots of size fit in capacity (a quotient that is a whole
// number in decimal, such as 38400/4800, counts whole despite binary rounding),
// saturated at maxSlotsPerHost.
func fit(capacity, size float64) int {
	q := math.Floor(capacity/size + 1e-9)
	if !(q < maxSlotsPerHost) { // also a NaN or an infinity
		return maxSlotsPerHost
	}
	return int(q)
}

// Shortfall says how the powered-on VMs of loads exceed what the policy leaves for
// them, or "" when they do not: the check's finding for a cluster as written, and at
// run time the reason a power-on is refused.
func (a Admission) Shortfall(loads []Load, overcommit int) string {
	up := 0
	for _, l := range loads {
		if l.Up {
			up++
		}
	}
	switch a.Policy {
	case HostFailures:
		if a.HostFailures >= up {
			return fmt.Sprintf("tolerating %d host failures with %d hosts leaves none to restart on", a.HostFailures, up)
		}
		s := SlotsOf(loads, a.HostFailures)
		if s.Used > s.Capacity {
			return fmt.Sprintf("%d VMs need %d slots of %g GB and %g MHz; the hosts hold %v, %d after losing the %d largest",
				s.Used, s.Used, s.RAMGB, s.MHz, s.PerHost, s.Capacity, a.HostFailures)
		}
	case Percentage:
		var ram, usedRAM float64
		var cpu, usedCPU int
		for _, l := range loads {
			if l.Up {
				ram += l.RAMGB
				cpu += l.Cores * overcommit
			}
			for _, v := range l.VMs {
				usedRAM += v.RAMGB
				usedCPU += v.VCPU
			}
		}
		if limit := ram * (1 - a.MemoryPercent/100); usedRAM > limit {
			return fmt.Sprintf("VMs use %.6g GB of memory; keeping %g%% of %.6g GB free leaves %.6g GB", usedRAM, a.MemoryPercent, ram, limit)
		}
		if limit := float64(cpu) * (1 - a.CPUPercent/100); float64(usedCPU) > limit {
			return fmt.Sprintf("VMs use %d vCPUs; keeping %g%% of %d free leaves %.6g", usedCPU, a.CPUPercent, cpu, limit)
		}
	case FailoverHosts:
		var ram float64
		var cpu int
		biggestRAM, biggestCPU := 0.0, 0
		for _, l := range loads {
			if slices.Contains(a.FailoverHosts, l.Name) {
				if len(l.VMs) > 0 {
					return fmt.Sprintf("failover host %s runs %d VMs; it is kept empty for restarts", l.Name, len(l.VMs))
				}
				if l.Up {
					ram += l.RAMGB
					cpu += l.Cores * overcommit
				}
				continue
			}
			var r float64
			var c int
			for _, v := range l.VMs {
				r += v.RAMGB
				c += v.VCPU
			}
			biggestRAM, biggestCPU = max(biggestRAM, r), max(biggestCPU, c)
		}
		if biggestRAM > ram || biggestCPU > cpu {
			return fmt.Sprintf("the failover hosts have %g GB and %d vCPUs, the most loaded host's VMs need %g GB and %d",
				ram, cpu, biggestRAM, biggestCPU)
		}
	}
	return ""
}

// Admit says why powering vm on on host would break the policy, or "" if it may go:
// a failover host takes no power-on, and under the other policies the VMs with it
// must still fit.
func (a Admission) Admit(loads []Load, vm VM, host string, overcommit int) string {
	switch a.Policy {
	case "", NoAdmission:
		return ""
	case FailoverHosts:
		if slices.Contains(a.FailoverHosts, host) {
			return host + " is a failover host: it takes HA restarts only"
		}
		return ""
	}
	with := make([]Load, len(loads))
	for i, l := range loads {
		with[i] = l
		if l.Name == host {
			with[i].VMs = append(slices.Clip(l.VMs), vm)
		}
	}
	return a.Shortfall(with, overcommit)
}
