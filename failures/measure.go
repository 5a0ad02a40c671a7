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

// LateDetection is implemented by detections that come after the failed component
// is back, of what its failure left behind (the HA master finding the VMs of a host
// that rebooted before it was declared dead powered off). Such a detection belongs
// to the component's last repaired failure, unless another of its failures is in
// force; DetectedAfterRepair says what the component did meanwhile, for the report.
type LateDetection interface {
	Detection
	DetectedAfterRepair() string
}

// FlowChange is implemented by trace records of a flow stopping or resuming delivery.
// A record that also implements FlowDirection concerns one direction of the flow.
type FlowChange interface {
	sim.Record
	// FlowName names the flow.
	FlowName() string
	// FlowDelivering is false when the flow's packets stop arriving, true when they
	// arrive again.
	FlowDelivering() bool
}

// FlowDirection is implemented by flow changes of one direction of a flow: the two
// directions of a bidirectional flow stop and resume on their own, and each gets its
// own FlowOutage.
type FlowDirection interface {
	// FlowDirection names the direction ("client-1 → srv-1").
	FlowDirection() string
}

// DetectionTime is one mechanism noticing a failure.
type DetectionTime struct {
	Mechanism string
	Subject   string   // who noticed: a host's team, a switch, a gateway
	After     sim.Time // from the failure
	// AfterRepair is set on a detection after the repair: what the repaired
	// component did then ("was still booting": a host declared dead by HA while it
	// booted; a LateDetection's own words).
	AfterRepair string
}

// FlowOutage is what one failure did to one flow (or, in FailureReport.CutOff, to one
// node's way to its gateway).
type FlowOutage struct {
	Flow string
	// Direction names the direction ("client-1 → srv-1"); "" for a change of the whole
	// flow.
	Direction string
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
	// CutOff lists the hosts, VMs and endpoints the failure cut off from their default
	// gateway (FlowOutage.Flow names the node), whether or not any flow used them.
	CutOff []FlowOutage

	seq  int // injection order among the failures that happened, from 0
	refs int // open outages that will still write into Flows or CutOff
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
	// inForceOf is the latest failure in force of each component, for detections
	// that name the failed component.
	inForceOf map[string]*FailureReport
	// notBack is a component that its repair brought back but that does not serve
	// yet (a host booting after its power returned), with when that began;
	// repairedOf is each component's last repaired failure. A mechanism that notices
	// the component down meanwhile detected that failure, after its repair.
	notBack    map[string]sim.Time
	repairedOf map[string]*FailureReport
	count      int                    // failures that happened
	summary    map[Kind]*ClassSummary // folded failures beyond Detailed
	// latest is the failure whose latest event (injection, or repair) is the most
	// recent, the one a flow change is blamed on; latestAt is that event's time.
	latest     *FailureReport
	latestAt   sim.Time
	prevLatest *FailureReport // latest before the last injection, in case it is refused
	prevAt     sim.Time

	open     map[flowDir]openOutage // flow direction → its running outage
	downIn   map[string]int         // flow → how many of its directions are out now
	cut      map[string]openOutage  // node → its running cut-off (index into CutOff)
	services serviceView
	end      sim.Time
	// planned is the last instant an operation the cluster decided on its own began
	// (a DRS or DPM migration's stun): what stops then is no failure's.
	planned sim.Time
	hasPlan bool
}

type openOutage struct {
	report *FailureReport
	index  int // into report.Flows (or CutOff)
	since  sim.Time
}

type flowDir struct{ flow, dir string }

// NewMeasurement returns an empty measurement; register it with sim.AddObserver.
func NewMeasurement() *Measurement {
	return &Measurement{Detailed: DefaultDetailed, byID: map[int]*FailureReport{}, inForceOf: map[string]*FailureReport{},
		notBack: map[string]sim.Time{}, repairedOf: map[string]*FailureReport{}, open: map[flowDir]openOutage{},
		downIn: map[string]int{}, cut: map[string]openOutage{},
		summary: map[Kind]*ClassSummary{}, services: newServiceView()}
}

// SetFlowEndpoints tells the measurement which two nodes a flow joins, for Services.
func (m *Measurement) SetFlowEndpoints(flow, a, b string) {
	m.services.addFlow(flow, a, b, m.downIn[flow] > 0)
}

// ObserveReachability says that node's reachability is observed (by a probe to its
// default gateway); Reachability then reports its changes, and the service view counts
// the node cut off by that rather than by its flows.
func (m *Measurement) ObserveReachability(node string) { m.services.probe(node) }

// Reachability records that node lost (reachable false) or regained its way to the
// network at time at. A cut-off belongs to the failure or repair that happened last
// before it, as a flow's outage does.
func (m *Measurement) Reachability(at sim.Time, node string, reachable bool) {
	if !reachable {
		if _, already := m.cut[node]; already {
			return
		}
		m.services.cutOff(node, at, true)
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.cut[node] = openOutage{since: at, index: -1}
			return
		}
		rep.CutOff = append(rep.CutOff, FlowOutage{Flow: node, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
		rep.refs++
		m.cut[node] = openOutage{report: rep, index: len(rep.CutOff) - 1, since: at}
		return
	}
	o, ok := m.cut[node]
	if !ok {
		return
	}
	delete(m.cut, node)
	m.services.cutOff(node, at, false)
	if o.report != nil {
		o.report.refs--
		closeOutage(&o.report.CutOff[o.index], o.report.Failure, o.since, at)
	}
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
		m.repairedOf[rep.Failure.Component] = rep
		delete(m.byID, r.Failure.ID)
		m.inForce = slices.DeleteFunc(m.inForce, func(x *FailureReport) bool { return x == rep })
		m.leftForce(rep)
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
		// A component its repair has not brought back yet (a host still booting) is
		// down by that failure still.
		rep, after := m.detected(r.Subject())
		if late, ok := r.(LateDetection); ok && m.inForceOf[r.Subject()] == nil {
			rep, after = m.repairedOf[r.Subject()], late.DetectedAfterRepair()
		}
		if rep != nil {
			rep.Detections = append(rep.Detections, DetectionTime{r.DetectionMechanism(), r.Subject(), at - rep.Failure.At, after})
		}
	case FlowChange:
		dir := ""
		if d, ok := r.(FlowDirection); ok {
			dir = d.FlowDirection()
		}
		m.FlowChanged(at, r.FlowName(), dir, r.FlowDelivering())
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
	m.inForceOf[f.Component] = rep
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
	m.leftForce(rep)
	m.count--
	if m.latest == rep {
		m.latest, m.latestAt = m.prevLatest, m.prevAt
	}
	// A flow that stopped between the injection and the refusal was charged to it, as
	// before the injector learnt that the failure did not happen; it stays unblamed.
	for key, o := range m.open {
		if o.report == rep {
			m.open[key] = openOutage{since: o.since, index: -1}
		}
	}
	for node, o := range m.cut {
		if o.report == rep {
			m.cut[node] = openOutage{since: o.since, index: -1}
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

// FlowChanged books a flow direction ("" for the whole flow) stopping or resuming at
// time at: what Observe does with a FlowChange record, for an observer that has the
// record's fields at hand. The flow itself (for the service view) is out from when its
// first direction stops until its last resumes.
func (m *Measurement) FlowChanged(at sim.Time, flow, dir string, delivering bool) {
	key := flowDir{flow, dir}
	if !delivering {
		if _, already := m.open[key]; already {
			return
		}
		if m.downIn[flow]++; m.downIn[flow] == 1 {
			m.services.change(flow, at, true)
		}
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.open[key] = openOutage{since: at, index: -1}
			return
		}
		rep.Flows = append(rep.Flows, FlowOutage{Flow: flow, Direction: dir, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
		rep.refs++
		m.open[key] = openOutage{report: rep, index: len(rep.Flows) - 1, since: at}
		return
	}
	o, ok := m.open[key]
	if !ok {
		return
	}
	delete(m.open, key)
	if m.downIn[flow]--; m.downIn[flow] == 0 {
		delete(m.downIn, flow)
		m.services.change(flow, at, false)
	}
	if o.report == nil {
		return
	}
	o.report.refs--
	closeOutage(&o.report.Flows[o.index], o.report.Failure, o.since, at)
}

// closeOutage ends an outage that began at since and ended at at, charged to failure f.
func closeOutage(fo *FlowOutage, f Failure, since, at sim.Time) {
	fo.Gap = at - since
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
	if m.latest == nil || m.hasPlan && at == m.planned {
		return nil, false
	}
	return m.latest, m.latest.Failure.RepairAt <= at
}

// Planned says that an operation the cluster decided on its own, not in answer to a
// failure (a DRS or DPM migration's stun), begins at time at: the flows and nodes that
// stop at that instant are charged to no failure. The service view counts them still.
func (m *Measurement) Planned(at sim.Time) { m.planned, m.hasPlan = at, true }

// mostRecentInForce returns the most recently injected failure still in force: only
// such a failure can be detected.
// detected is the failure a detection at subject belongs to: the one in force of the
// component the mechanism names, when it names the failed component (HA declaring
// hv-1 dead, VM monitoring resetting web-1, a guest rebooting), else the latest
// failure in force (a carrier loss noticed by a neighbour). Without the first, VM
// monitoring's reset of a hung guest 30 s on was credited to a switch failing
// meanwhile, and the hang read "detected: never".
func (m *Measurement) detected(subject string) (rep *FailureReport, afterRepair string) {
	if rep := m.inForceOf[subject]; rep != nil {
		return rep, ""
	}
	if since, ok := m.notBack[subject]; ok {
		if rep := m.repairedOf[subject]; rep != nil && rep.Failure.RepairAt == since {
			return rep, "was still booting"
		}
	}
	return m.mostRecentInForce(), ""
}

// NotBack says at time at that a component is not back in service although its
// failure was repaired (back false: a host that boots after its power returned), or
// that it is back (true: booted). A detection of the component meanwhile belongs to
// the failure whose repair began its return at that instant.
func (m *Measurement) NotBack(at sim.Time, component string, back bool) {
	if back {
		delete(m.notBack, component)
	} else {
		m.notBack[component] = at
	}
}

// leftForce forgets a repaired or refused failure as its component's failure in force.
func (m *Measurement) leftForce(rep *FailureReport) {
	if m.inForceOf[rep.Failure.Component] == rep {
		delete(m.inForceOf, rep.Failure.Component)
	}
}

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
		out[i].CutOff = slices.Clone(r.CutOff)
	}
	return out
}

// Count returns how many failures happened (reported in detail or summarized).
func (m *Measurement) Count() int { return m.count }

// ServiceDowntime is the service view of one host, VM or endpoint.
type ServiceDowntime struct {
	Node string
	// Unreachable is the time the node was cut off: for a node whose reachability is
	// observed, the time it could not reach its default gateway; otherwise the time in
	// which none of its flows was delivered.
	Unreachable sim.Time
	// Impaired is the time in which the node was cut off or at least one of its flows
	// was not delivered, leaving out the times its peer was the one cut off: a healthy
	// database is not impaired because the web server calling it died.
	Impaired sim.Time
}
