package failures

import (
	"slices"

	"dctwin/sim"
)

// Detection is implemented by trace records that say a mechanism (carrier, miimon,
// heartbeat, LACP, STP, VRRP...) noticed that something failed or came back.
type Detection interface {
	sim.Record
	// DetectionMechanism names the mechanism that noticed.
	DetectionMechanism() string
	// DetectedDown is true for a failure noticed, false for a recovery.
	DetectedDown() bool
}

// FlowChange is implemented by trace records of a flow stopping or resuming delivery.
type FlowChange interface {
	sim.Record
	// FlowName names the flow.
	FlowName() string
	// FlowDelivering is false when the flow's packets stop arriving, true when they
	// arrive again.
	FlowDelivering() bool
}

// DetectionTime is one mechanism noticing a failure.
type DetectionTime struct {
	Mechanism string
	Subject   string   // who noticed: a host's team, a switch, a gateway
	After     sim.Time // from the failure
}

// FlowOutage is what one failure did to one flow.
type FlowOutage struct {
	Flow string
	// Stopped is when the flow's packets stopped arriving, from the failure.
	Stopped sim.Time
	// Outage is from the failure until the flow was delivered again, if that happened
	// while the component was still down.
	Outage sim.Time
	// Restored is false if the flow was not delivered again before the repair (or the
	// end of the run).
	Restored bool
	// AfterRepair is true for an outage that a repair caused (failback, re-convergence).
	AfterRepair bool
	// Gap is how long the flow was not delivered, whatever ended it (sim.Never if it
	// never resumed).
	Gap sim.Time
}

// FailureReport is the measured effect of one failure.
type FailureReport struct {
	Failure    Failure
	Detections []DetectionTime
	Flows      []FlowOutage

	seq  int // injection order among the failures that happened, from 0
	refs int // open flow outages that will still write into Flows
}

// DetectedAfter returns the earliest detection, and false if nothing noticed.
func (r *FailureReport) DetectedAfter() (sim.Time, bool) {
	if len(r.Detections) == 0 {
		return 0, false
	}
	best := r.Detections[0].After
	for _, d := range r.Detections[1:] {
		best = min(best, d.After)
	}
	return best, true
}

// DefaultDetailed is how many failures a measurement reports one by one (Reports);
// the failures after them are summarized per kind (Summaries), so that a long run with
// random failures holds bounded memory. The built-in scenarios stay far below it.
const DefaultDetailed = 1000

// Measurement is an observer that turns the trace into failover figures: per failure,
// which mechanisms noticed it how soon, and for every flow it interrupted, how long.
// A detection belongs to the most recent failure still in force; a flow change to the
// failure or repair that happened last before it.
//
// What it keeps does not grow with the run's duration: the first Detailed failures in
// detail, the later ones only until nothing can change them any more (then they are
// folded into per-kind summaries), and per node of the service view running totals.
type Measurement struct {
	// Detailed is how many failures are reported one by one (DefaultDetailed); set it
	// before the run starts.
	Detailed int

	detailed []*FailureReport       // the first Detailed failures, in injection order
	live     []*FailureReport       // later failures that can still change
	byID     map[int]*FailureReport // failures not yet repaired (or refused)
	inForce  []*FailureReport       // failures not yet repaired, in injection order
	count    int                    // failures that happened
	summary  map[Kind]*ClassSummary // folded failures beyond Detailed
	// latest is the failure whose latest event (injection, or repair) is the most
	// recent, the one a flow change is blamed on; latestAt is that event's time.
	latest     *FailureReport
	latestAt   sim.Time
	prevLatest *FailureReport // latest before the last injection, in case it is refused
	prevAt     sim.Time

	open     map[string]openOutage // flow → its running outage
	services serviceView
	end      sim.Time
}

type openOutage struct {
	report *FailureReport
	index  int // into report.Flows
	since  sim.Time
}

// NewMeasurement returns an empty measurement; register it with sim.AddObserver.
func NewMeasurement() *Measurement {
	return &Measurement{Detailed: DefaultDetailed, byID: map[int]*FailureReport{}, open: map[string]openOutage{},
		summary: map[Kind]*ClassSummary{}, services: newServiceView()}
}

// SetFlowEndpoints tells the measurement which two nodes a flow joins, for Services.
func (m *Measurement) SetFlowEndpoints(flow, a, b string) {
	_, down := m.open[flow]
	m.services.addFlow(flow, a, b, down)
}

// Observe implements sim.Observer.
func (m *Measurement) Observe(at sim.Time, r sim.Record) {
	switch r := r.(type) {
	case Injected:
		m.injected(at, r.Failure)
	case Refused:
		m.refused(r.Failure.ID)
	case Repaired:
		rep := m.byID[r.Failure.ID]
		if rep == nil {
			return
		}
		rep.Failure.RepairAt = r.Failure.RepairAt
		delete(m.byID, r.Failure.ID)
		m.inForce = slices.DeleteFunc(m.inForce, func(x *FailureReport) bool { return x == rep })
		m.happened(at, rep)
		if len(m.live) >= compactLive {
			m.Compact()
		}
	case Detection:
		if !r.DetectedDown() {
			return
		}
		// Only a failure still in force can be detected; what mechanisms notice after a
		// repair (a member coming back) is recovery, not detection.
		if rep := m.mostRecentInForce(); rep != nil {
			rep.Detections = append(rep.Detections, DetectionTime{r.DetectionMechanism(), r.Subject(), at - rep.Failure.At})
		}
	case FlowChange:
		m.flowChange(at, r.FlowName(), r.FlowDelivering())
	}
}

// compactLive is how many later failures may wait to be folded before a repair folds
// them; Compact folds them at any time too.
const compactLive = 256

func (m *Measurement) injected(at sim.Time, f Failure) {
	rep := &FailureReport{Failure: f, seq: m.count}
	m.count++
	if rep.seq < m.Detailed {
		m.detailed = append(m.detailed, rep)
	} else {
		m.live = append(m.live, rep)
	}
	m.byID[f.ID] = rep
	m.inForce = append(m.inForce, rep)
	m.prevLatest, m.prevAt = m.latest, m.latestAt
	m.happened(at, rep)
}

// refused takes back a failure that the target refused right after its injection.
func (m *Measurement) refused(id int) {
	rep := m.byID[id]
	if rep == nil {
		return
	}
	delete(m.byID, id)
	drop := func(x *FailureReport) bool { return x == rep }
	m.detailed = slices.DeleteFunc(m.detailed, drop)
	m.live = slices.DeleteFunc(m.live, drop)
	m.inForce = slices.DeleteFunc(m.inForce, drop)
	m.count--
	if m.latest == rep {
		m.latest, m.latestAt = m.prevLatest, m.prevAt
	}
	// A flow that stopped between the injection and the refusal was charged to it, as
	// before the injector learnt that the failure did not happen; it stays unblamed.
	for flow, o := range m.open {
		if o.report == rep {
			m.open[flow] = openOutage{since: o.since, index: -1}
		}
	}
}

// happened makes rep's event at time at (its injection or repair) the latest one. Of
// failures whose latest events fall at one instant, the one injected last is blamed.
func (m *Measurement) happened(at sim.Time, rep *FailureReport) {
	if m.latest == nil || at > m.latestAt || rep.seq >= m.latest.seq {
		m.latest, m.latestAt = rep, at
	}
}

func (m *Measurement) flowChange(at sim.Time, flow string, delivering bool) {
	if !delivering {
		if _, already := m.open[flow]; already {
			return
		}
		m.services.change(flow, at, true)
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.open[flow] = openOutage{since: at, index: -1}
			return
		}
		rep.Flows = append(rep.Flows, FlowOutage{Flow: flow, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
		rep.refs++
		m.open[flow] = openOutage{report: rep, index: len(rep.Flows) - 1, since: at}
		return
	}
	o, ok := m.open[flow]
	if !ok {
		return
	}
	delete(m.open, flow)
	m.services.change(flow, at, false)
	if o.report == nil {
		return
	}
	o.report.refs--
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
func (m *Measurement) blame(at sim.Time) (*FailureReport, bool) {
	if m.latest == nil {
		return nil, false
	}
	return m.latest, m.latest.Failure.RepairAt <= at
}

// mostRecentInForce returns the most recently injected failure still in force: only
// such a failure can be detected.
func (m *Measurement) mostRecentInForce() *FailureReport {
	if len(m.inForce) == 0 {
		return nil
	}
	return m.inForce[len(m.inForce)-1]
}

// Finish closes the measurement at the end of the run.
func (m *Measurement) Finish(end sim.Time) { m.end = end }

// Reports returns the per-failure reports of the first Detailed failures, in the order
// they happened; Summaries covers the rest.
func (m *Measurement) Reports() []FailureReport {
	out := make([]FailureReport, len(m.detailed))
	for i, r := range m.detailed {
		out[i] = *r
		out[i].Detections = slices.Clone(r.Detections)
		out[i].Flows = slices.Clone(r.Flows)
	}
	return out
}

// Count returns how many failures happened (reported in detail or summarized).
func (m *Measurement) Count() int { return m.count }

// ServiceDowntime is the service view of one host, VM or endpoint.
type ServiceDowntime struct {
	Node string
	// Impaired is the time during which at least one of its flows was not delivered.
	Impaired sim.Time
	// Unreachable is the time during which none of its flows was delivered.
	Unreachable sim.Time
}
