package failures

import (
	"cmp"
	"slices"
	"sort"

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
}

// FlowOutage is what one failure did to one flow direction.
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
	// CutOff lists the hosts and endpoints the failure cut off from their default
	// gateway (FlowOutage.Flow names the node), whether or not any flow used them.
	CutOff []FlowOutage
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

// Measurement is an observer that turns the trace into failover figures: per failure,
// which mechanisms noticed it how soon, and for every flow it interrupted, how long.
// A detection belongs to the most recent failure still in force; a flow change to the
// failure or repair that happened last before it.
type Measurement struct {
	reports []*FailureReport
	byID    map[int]*FailureReport
	open    map[flowDir]openOutage // flow direction → its running outage
	ends    map[string]string      // flow → endpoints "a\x00b", for the service view
	down    map[string][]interval  // flow → when it was out (some direction was)
	downIn  map[string]int         // flow → how many of its directions are out now
	end     sim.Time

	probed  map[string]bool       // nodes whose reachability is observed
	cut     map[string]openOutage // node → its running cut-off (index into CutOff)
	unreach map[string][]interval // node → the intervals it was cut off
}

type openOutage struct {
	report *FailureReport
	index  int // into report.Flows
	since  sim.Time
}

type interval struct{ from, to sim.Time }

type flowDir struct{ flow, dir string }

// NewMeasurement returns an empty measurement; register it with sim.AddObserver.
func NewMeasurement() *Measurement {
	return &Measurement{byID: map[int]*FailureReport{}, open: map[flowDir]openOutage{},
		ends: map[string]string{}, down: map[string][]interval{}, downIn: map[string]int{},
		probed: map[string]bool{}, cut: map[string]openOutage{}, unreach: map[string][]interval{}}
}

// ObserveReachability says that node's reachability is observed (by a probe to its
// default gateway); Reachability then reports its changes.
func (m *Measurement) ObserveReachability(node string) { m.probed[node] = true }

// Reachability records that node lost (reachable false) or regained its way to the
// network at time at. A cut-off belongs to the failure or repair that happened last
// before it, as a flow's outage does.
func (m *Measurement) Reachability(at sim.Time, node string, reachable bool) {
	if !reachable {
		if _, already := m.cut[node]; already {
			return
		}
		m.unreach[node] = append(m.unreach[node], interval{at, sim.Never})
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.cut[node] = openOutage{since: at, index: -1}
			return
		}
		rep.CutOff = append(rep.CutOff, FlowOutage{Flow: node, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
		m.cut[node] = openOutage{report: rep, index: len(rep.CutOff) - 1, since: at}
		return
	}
	o, ok := m.cut[node]
	if !ok {
		return
	}
	delete(m.cut, node)
	if iv := m.unreach[node]; len(iv) > 0 {
		iv[len(iv)-1].to = at
	}
	if o.report != nil {
		closeOutage(&o.report.CutOff[o.index], o.report.Failure, o.since, at)
	}
}

// SetFlowEndpoints tells the measurement which two nodes a flow joins, for Services.
func (m *Measurement) SetFlowEndpoints(flow, a, b string) { m.ends[flow] = a + "\x00" + b }

// Observe implements sim.Observer.
func (m *Measurement) Observe(at sim.Time, r sim.Record) {
	switch r := r.(type) {
	case Injected:
		rep := &FailureReport{Failure: r.Failure}
		m.reports = append(m.reports, rep)
		m.byID[r.Failure.ID] = rep
	case Refused:
		if rep := m.byID[r.Failure.ID]; rep != nil {
			m.reports = slices.DeleteFunc(m.reports, func(x *FailureReport) bool { return x == rep })
			delete(m.byID, r.Failure.ID)
		}
	case Repaired:
		if rep := m.byID[r.Failure.ID]; rep != nil {
			rep.Failure.RepairAt = r.Failure.RepairAt
		}
	case Detection:
		if !r.DetectedDown() {
			return
		}
		// Only a failure still in force can be detected; what mechanisms notice after a
		// repair (a member coming back) is recovery, not detection.
		if rep := m.inForce(at); rep != nil {
			rep.Detections = append(rep.Detections, DetectionTime{r.DetectionMechanism(), r.Subject(), at - rep.Failure.At})
		}
	case FlowChange:
		dir := ""
		if d, ok := r.(FlowDirection); ok {
			dir = d.FlowDirection()
		}
		m.FlowChanged(at, r.FlowName(), dir, r.FlowDelivering())
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
			m.down[flow] = append(m.down[flow], interval{at, sim.Never})
		}
		rep, afterRepair := m.blame(at)
		if rep == nil {
			m.open[key] = openOutage{since: at, index: -1}
			return
		}
		rep.Flows = append(rep.Flows, FlowOutage{Flow: flow, Direction: dir, Stopped: at - rep.Failure.At,
			AfterRepair: afterRepair, Gap: sim.Never})
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
		if iv := m.down[flow]; len(iv) > 0 {
			iv[len(iv)-1].to = at
		}
	}
	if o.report == nil {
		return
	}
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
	var best *FailureReport
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
func (m *Measurement) inForce(at sim.Time) *FailureReport {
	for i := len(m.reports) - 1; i >= 0; i-- {
		if m.reports[i].Failure.Active(at) {
			return m.reports[i]
		}
	}
	return nil
}

// Finish closes the measurement at the end of the run.
func (m *Measurement) Finish(end sim.Time) { m.end = end }

// Reports returns the per-failure reports in the order the failures happened.
func (m *Measurement) Reports() []FailureReport {
	out := make([]FailureReport, len(m.reports))
	for i, r := range m.reports {
		out[i] = *r
		out[i].Detections = slices.Clone(r.Detections)
		out[i].Flows = slices.Clone(r.Flows)
		out[i].CutOff = slices.Clone(r.CutOff)
	}
	return out
}

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

// Services returns, per node that lost any traffic or was cut off, how long it was
// impaired and unreachable, up to the end of the run.
func (m *Measurement) Services() []ServiceDowntime {
	flowsOf := map[string][]string{}
	for flow, e := range m.ends {
		for _, n := range splitEnds(e) {
			flowsOf[n] = append(flowsOf[n], flow)
		}
	}
	nodes := map[string]bool{}
	for n := range flowsOf {
		nodes[n] = true
	}
	for n := range m.unreach {
		nodes[n] = true
	}
	var out []ServiceDowntime
	for node := range nodes {
		own := m.clip(m.unreach[node])
		var all [][]interval
		for _, f := range flowsOf[node] {
			ivs := m.clipped(f)
			if peer := peerOf(m.ends[f], node); peer != "" && m.probed[peer] {
				ivs = minus(ivs, m.clip(m.unreach[peer]))
			}
			all = append(all, ivs)
		}
		sd := ServiceDowntime{Node: node}
		if m.probed[node] {
			sd.Unreachable = union([][]interval{own})
		} else {
			sd.Unreachable = intersection(all)
		}
		sd.Impaired = union(append(all, own))
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

// peerOf returns the other end of a flow's endpoints "a\x00b" seen from node.
func peerOf(ends, node string) string {
	e := splitEnds(ends)
	if len(e) != 2 {
		return ""
	}
	if e[0] == node {
		return e[1]
	}
	return e[0]
}

// minus removes from a the parts covered by b (both sorted by start, b disjoint).
func minus(a, b []interval) []interval {
	if len(b) == 0 {
		return a
	}
	var out []interval
	for _, iv := range a {
		cur := iv
		for _, x := range b {
			if x.to <= cur.from || x.from >= cur.to {
				continue
			}
			if x.from > cur.from {
				out = append(out, interval{cur.from, x.from})
			}
			cur.from = max(cur.from, x.to)
			if cur.from >= cur.to {
				break
			}
		}
		if cur.from < cur.to {
			out = append(out, cur)
		}
	}
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
func (m *Measurement) clipped(flow string) []interval { return m.clip(m.down[flow]) }

// clip ends open intervals at the end of the run and drops empty ones.
func (m *Measurement) clip(ivs []interval) []interval {
	var out []interval
	for _, iv := range ivs {
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
