package failures_test

// The measurement as it was before it kept summaries and running totals: every report
// and every flow's outage intervals, the service view from their union and intersection,
// and a scan of all reports for each flow change. It is the reference the bounded
// measurement is compared with (TestMeasurementMatchesTheReference).

import (
	"cmp"
	"slices"
	"sort"

	"dctwin/failures"
	"dctwin/sim"
)

// refMeasurement is an observer that turns the trace into failover figures: per failure,
// which mechanisms noticed it how soon, and for every flow it interrupted, how long.
// A detection belongs to the most recent failure still in force of the component it
// names, else to the most recent failure still in force; a flow change to the
// failure or repair that happened last before it.
type refMeasurement struct {
	reports []*failures.FailureReport
	byID    map[int]*failures.FailureReport
	open    map[string]openOutage // flow → its running outage
	ends    map[string]string     // flow → endpoints "a\x00b", for the service view
	down    map[string][]interval // flow → its outage intervals
	end     sim.Time
}

type openOutage struct {
	report *failures.FailureReport
	index  int // into report.Flows
	since  sim.Time
}

type interval struct{ from, to sim.Time }

// newRefMeasurement returns an empty measurement; register it with sim.AddObserver.
func newRefMeasurement() *refMeasurement {
	return &refMeasurement{byID: map[int]*failures.FailureReport{}, open: map[string]openOutage{},
		ends: map[string]string{}, down: map[string][]interval{}}
}

// SetFlowEndpoints tells the measurement which two nodes a flow joins, for Services.
func (m *refMeasurement) SetFlowEndpoints(flow, a, b string) { m.ends[flow] = a + "\x00" + b }

// Observe implements sim.Observer.
func (m *refMeasurement) Observe(at sim.Time, r sim.Record) {
	switch r := r.(type) {
	case failures.Injected:
		rep := &failures.FailureReport{Failure: r.Failure}
		m.reports = append(m.reports, rep)
		m.byID[r.Failure.ID] = rep
	case failures.Refused:
		if rep := m.byID[r.Failure.ID]; rep != nil {
			m.reports = slices.DeleteFunc(m.reports, func(x *failures.FailureReport) bool { return x == rep })
			delete(m.byID, r.Failure.ID)
		}
	case failures.Repaired:
		if rep := m.byID[r.Failure.ID]; rep != nil {
			rep.Failure.RepairAt = r.Failure.RepairAt
		}
	case failures.Detection:
		if !r.DetectedDown() {
			return
		}
		// Only a failure still in force can be detected; what mechanisms notice after a
		// repair (a member coming back) is recovery, not detection.
		if rep := m.inForceOf(at, r.Subject()); rep != nil {
			rep.Detections = append(rep.Detections, failures.DetectionTime{r.DetectionMechanism(), r.Subject(), at - rep.Failure.At, ""})
		}
	case failures.FlowChange:
		m.flowChange(at, r.FlowName(), r.FlowDelivering())
	}
}

func (m *refMeasurement) flowChange(at sim.Time, flow string, delivering bool) {
	if !delivering {
		if _, already := m.open[flow]; already {
			return
		}
		m.down[flow] = append(m.down[flow], interval{at, sim.Never})
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.open[flow] = openOutage{since: at, index: -1}
			return
		}
		rep.Flows = append(rep.Flows, failures.FlowOutage{Flow: flow, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
		m.open[flow] = openOutage{report: rep, index: len(rep.Flows) - 1, since: at}
		return
	}
	o, ok := m.open[flow]
	if !ok {
		return
	}
	delete(m.open, flow)
	if iv := m.down[flow]; len(iv) > 0 {
		iv[len(iv)-1].to = at
	}
	if o.report == nil {
		return
	}
	fo := &o.report.Flows[o.index]
	fo.Gap = at - o.since
	f := o.report.Failure
	if fo.AfterRepair || at <= f.RepairAt {
		fo.Restored = true
		fo.Outage = at - f.At
		if fo.AfterRepair {
			fo.Outage = fo.Gap
		}
	}
}

// blame returns the failure a flow change at time at belongs to: the one whose latest
// event (its injection, or its repair if that has happened) is the most recent at or
// before at. The latest change to the system is the likeliest cause: a flow that stops
// at the instant of one repair belongs to that repair, not to an older failure still
// in force elsewhere. The second result is true when the cause is a repair.
func (m *refMeasurement) blame(at sim.Time) (*failures.FailureReport, bool) {
	var best *failures.FailureReport
	var bestAt sim.Time
	for _, r := range m.reports {
		f := &r.Failure
		if f.At > at {
			continue
		}
		ev := f.At
		if f.RepairAt <= at {
			ev = f.RepairAt
		}
		if best == nil || ev >= bestAt {
			best, bestAt = r, ev
		}
	}
	if best == nil {
		return nil, false
	}
	return best, best.Failure.RepairAt <= at
}

// inForce returns the most recently injected failure still in force at time at: only
// such a failure can be detected.
// inForceOf is the latest failure in force of the component a detection names, or
// else the latest failure in force.
func (m *refMeasurement) inForceOf(at sim.Time, subject string) *failures.FailureReport {
	for i := len(m.reports) - 1; i >= 0; i-- {
		if m.reports[i].Failure.Component == subject && m.reports[i].Failure.Active(at) {
			return m.reports[i]
		}
	}
	return m.inForce(at)
}

func (m *refMeasurement) inForce(at sim.Time) *failures.FailureReport {
	for i := len(m.reports) - 1; i >= 0; i-- {
		if m.reports[i].Failure.Active(at) {
			return m.reports[i]
		}
	}
	return nil
}

// Finish closes the measurement at the end of the run.
func (m *refMeasurement) Finish(end sim.Time) { m.end = end }

// Reports returns the per-failure reports in the order the failures happened.
func (m *refMeasurement) Reports() []failures.FailureReport {
	out := make([]failures.FailureReport, len(m.reports))
	for i, r := range m.reports {
		out[i] = *r
		out[i].Detections = slices.Clone(r.Detections)
		out[i].Flows = slices.Clone(r.Flows)
	}
	return out
}

// Services returns, per node that lost any traffic, how long it was impaired and
// unreachable, computed from its flows' outage intervals up to the end of the run.
func (m *refMeasurement) Services() []failures.ServiceDowntime {
	flowsOf := map[string][]string{}
	for flow, e := range m.ends {
		for _, n := range splitEnds(e) {
			flowsOf[n] = append(flowsOf[n], flow)
		}
	}
	var out []failures.ServiceDowntime
	for node, flows := range flowsOf {
		var all [][]interval
		for _, f := range flows {
			all = append(all, m.clipped(f))
		}
		sd := failures.ServiceDowntime{Node: node, Impaired: union(all), Unreachable: intersection(all)}
		if sd.Impaired > 0 {
			out = append(out, sd)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unreachable != out[j].Unreachable {
			return out[i].Unreachable > out[j].Unreachable
		}
		if out[i].Impaired != out[j].Impaired {
			return out[i].Impaired > out[j].Impaired
		}
		return out[i].Node < out[j].Node
	})
	return out
}

func splitEnds(e string) []string {
	for i := range len(e) {
		if e[i] == 0 {
			if e[:i] == e[i+1:] {
				return []string{e[:i]}
			}
			return []string{e[:i], e[i+1:]}
		}
	}
	return []string{e}
}

// clipped returns a flow's outage intervals with open ones ended at the end of the run.
func (m *refMeasurement) clipped(flow string) []interval {
	var out []interval
	for _, iv := range m.down[flow] {
		if iv.to == sim.Never {
			iv.to = m.end
		}
		if iv.to > iv.from {
			out = append(out, iv)
		}
	}
	return out
}

// union is the total length covered by any of the interval lists.
func union(lists [][]interval) sim.Time {
	var all []interval
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.SortFunc(all, func(a, b interval) int { return cmp.Compare(a.from, b.from) })
	var total sim.Time
	var cur interval
	started := false
	for _, iv := range all {
		switch {
		case !started:
			cur, started = iv, true
		case iv.from <= cur.to:
			cur.to = max(cur.to, iv.to)
		default:
			total += cur.to - cur.from
			cur = iv
		}
	}
	if started {
		total += cur.to - cur.from
	}
	return total
}

// intersection is the total length covered by every one of the interval lists.
func intersection(lists [][]interval) sim.Time {
	if len(lists) == 0 {
		return 0
	}
	cur := lists[0]
	for _, l := range lists[1:] {
		var next []interval
		for _, a := range cur {
			for _, b := range l {
				lo, hi := max(a.from, b.from), min(a.to, b.to)
				if hi > lo {
					next = append(next, interval{lo, hi})
				}
			}
		}
		cur = next
	}
	var total sim.Time
	for _, iv := range cur {
		total += iv.to - iv.from
	}
	return total
}
