package scenario

import (
	"cmp"
	"dctwin/failures"
	"fmt"
	"math"
	"slices"
	"time"

	"dctwin/topology"
	"dctwin/topology/check"
)

// Limits on what the workloads and failures sections may ask for, so that whatever
// check accepts, run runs in bounded time and memory.
const (
	// MaxPacketBytes is the largest packet a flow may send: a 9,216-byte jumbo frame.
	MaxPacketBytes = 9216
	// MaxRandomFailures bounds the failures random failure classes are expected to
	// inject in one run (components × duration / (mtbf + mttr)).
	MaxRandomFailures = 100_000
	// MaxRunDuration is the longest run: 1,000,000 h (114 years). The simulated clock
	// counts nanoseconds in 64 bits (292 years), and the timers of the last events
	// must still fit after the end.
	MaxRunDuration = 1_000_000 * time.Hour
)

// checkDuration refuses a run longer than MaxRunDuration.
func checkDuration(sc *Scenario) check.Findings {
	if d := sc.Spec.Run.Duration.D(); d > MaxRunDuration {
		return check.Findings{check.New(check.BadValue, sc.Spec.Run.PosOf("duration"),
			"run duration %v is longer than a run can be: at most %v (114 years of simulated nanoseconds, with room for the last timers)",
			d, MaxRunDuration)}
	}
	return nil
}

// checkFlows reviews the flows: two different ends on the network, a rate and a packet
// size a network can carry, and a rate the ends' ports can carry.
func checkFlows(sc *Scenario, t *topology.Topology) check.Findings {
	var fs check.Findings
	host := func(name string) string {
		if v := t.VM(name); v != nil {
			return v.Host
		}
		return name
	}
	capacity := accessCapacities(t)
	for _, fl := range sc.Spec.Workloads.Flows {
		switch {
		case fl.From == fl.To && fl.From != "":
			fs = append(fs, check.New(check.FlowEndpoints, fl.PosOf("to"), "flow %s runs from %s to itself", fl.Name, fl.From))
		case fl.From != "" && host(fl.From) == host(fl.To):
			fs = append(fs, check.New(check.FlowEndpoints, fl.PosOf("to"),
				"flow %s: %s and %s are both on host %s; their traffic never leaves its virtual switch", fl.Name, fl.From, fl.To, host(fl.To)))
		}
		if written(fl.Source, "rate") && fl.Rate <= 0 {
			fs = append(fs, check.New(check.BadValue, fl.PosOf("rate"), "flow %s has rate 0; a flow needs a rate above 0", fl.Name))
		}
		if written(fl.Source, "packet_size") && (fl.PacketSize < 1 || fl.PacketSize > MaxPacketBytes) {
			fs = append(fs, check.New(check.BadValue, fl.PosOf("packet_size"), "flow %s has packet_size %d; expected 1..%d bytes (an IP packet up to a jumbo frame)",
				fl.Name, fl.PacketSize, MaxPacketBytes))
		}
		rate := fl.RateBps()
		for _, end := range []struct{ key, name string }{{"from", fl.From}, {"to", fl.To}} {
			if c := capacity(host(end.name)); c > 0 && rate > float64(c) {
				fs = append(fs, check.New(check.FlowOverCapacity, fl.PosOf("rate"),
					"flow %s offers %s where %s's ports carry %s; the run loses what does not fit",
					fl.Name, Bandwidth(rate), end.name, Bandwidth(c)))
				break
			}
		}
	}
	return fs
}

// RateBps is the flow's rate in bits per second, with the default applied.
func (fl Flow) RateBps() float64 {
	if !written(fl.Source, "rate") {
		return topology.DefaultFlowRate
	}
	return float64(fl.Rate)
}

// PacketBytes is the flow's packet size, with the default applied.
func (fl Flow) PacketBytes() int {
	if !written(fl.Source, "packet_size") {
		return topology.DefaultPacketBytes
	}
	return fl.PacketSize
}

// IsBidirectional reports whether the flow runs both ways (the default).
func (fl Flow) IsBidirectional() bool { return fl.Bidirectional == nil || *fl.Bidirectional }

// accessCapacities returns what a host or endpoint can send at most: the sum of an
// aggregating team's members, the fastest NIC otherwise (one NIC carries an NFT or
// TLB team's receive traffic), an endpoint's port speed (its first link's); zero if
// unknown. The endpoints' links are indexed once, so that checking every flow is
// linear in the scenario.
func accessCapacities(t *topology.Topology) func(name string) int64 {
	endpointSpeed := map[string]int64{}
	for _, l := range t.Links {
		for _, d := range []string{l.A.Device, l.B.Device} {
			if _, seen := endpointSpeed[d]; !seen && t.Endpoint(d) != nil {
				endpointSpeed[d] = l.Speed
			}
		}
	}
	return func(name string) int64 {
		if h := t.Host(name); h != nil {
			var fastest, sum int64
			for _, n := range h.NICs {
				fastest = max(fastest, n.Speed)
				sum += n.Speed
			}
			for _, tm := range h.Teams {
				if tm.Mode.NeedsSwitchAggregation() {
					return sum
				}
			}
			return fastest
		}
		return endpointSpeed[name]
	}
}

// CheckFailureLoad reviews the failures section: a component cannot fail while its
// earlier failure is still in force, and random failures must stay within what a run
// can inject and report.
func CheckFailureLoad(sc *Scenario, t *topology.Topology, duration time.Duration) check.Findings {
	var fs check.Findings
	byComponent := map[string][]ScheduledFailure{}
	for _, f := range sc.Spec.Failures.Scheduled {
		byComponent[f.Component] = append(byComponent[f.Component], f)
	}
	for _, list := range byComponent {
		// In time order; the file order breaks ties, as the injector's does.
		slices.SortStableFunc(list, func(a, b ScheduledFailure) int { return cmp.Compare(a.At, b.At) })
		const never = Duration(math.MaxInt64)
		var prev ScheduledFailure
		downUntil := Duration(-1) // the component is down before this time
		for _, f := range list {
			if f.Kind.Operation() {
				continue // not a failure: what it finds at its time decides (the run says why it cannot)
			}
			if f.Kind == RepairKind {
				downUntil = min(downUntil, f.At)
				continue
			}
			if f.At < downUntil {
				until := "never repaired"
				if downUntil != never {
					until = "repaired at " + downUntil.String()
				}
				if f.Manual || prev.Manual {
					// A saved session: what the file says is what happened in it.
					fs = append(fs, check.New(check.SessionOverlap, f.PosOf("at"),
						"%s is down at %v from the failure at %v (%s), as in the saved session: the failure at %v will not happen",
						f.Component, f.At, prev.At, until, f.At))
					continue
				}
				fs = append(fs, check.New(check.FailureOverlap, f.PosOf("at"),
					"%s fails at %v while its failure at %v (%s) is still in force; this one would do nothing",
					f.Component, f.At, prev.At, until))
				continue
			}
			prev, downUntil = f, never
			if f.RepairAfter > 0 {
				downUntil = f.At + f.RepairAfter
			}
		}
	}
	for _, r := range sc.Spec.Failures.Random {
		if r.MTBF <= 0 {
			fs = append(fs, check.New(check.BadValue, r.PosOf("mtbf"), "random %s failures need an mtbf above 0", r.Class))
		}
		if r.MTTR <= 0 {
			fs = append(fs, check.New(check.BadValue, r.PosOf("mttr"), "random %s failures need an mttr above 0", r.Class))
		}
		if r.MTBF <= 0 || r.MTTR <= 0 {
			continue
		}
		class, err := topology.ParseClass(r.Class)
		if err != nil {
			continue
		}
		// Only the components that can fail as the entry's kind take part, as in the
		// run (failures.Candidates): random vm-hang failures, say, not every VM
		// twice.
		kind, what := failures.KindOf(class), r.Class
		if r.Kind != "" && failures.Kind(r.Kind) != kind {
			kind, what = failures.Kind(r.Kind), r.Class+" "+r.Kind
		}
		n := len(failures.Candidates(t, class, kind))
		expected := float64(n) * duration.Seconds() / (r.MTBF.D() + r.MTTR.D()).Seconds()
		if expected > MaxRandomFailures {
			fs = append(fs, check.New(check.FailureBudget, r.PosOf("mtbf"),
				"random %s failures: %d components over %v with mtbf %v would inject about %s failures; at most %d fit a run",
				what, n, duration, r.MTBF, fmtCount(expected), MaxRandomFailures))
		}
	}
	return fs
}

func fmtCount(x float64) string {
	if x >= 1e6 {
		return fmt.Sprintf("%.3g", x)
	}
	return fmt.Sprintf("%d", int64(math.Round(x)))
}
