package twin

import (
	"reflect"
	"slices"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/topology/network"
	"dctwin/workloads/uc"
)

// EventKind names a kind of trace record, the same for every front end: the TUI's
// event filter, a subscription, the experiments.
type EventKind string

// Every record a twin's trace carries, by kind. This is the one place that lists the
// record types of all packages (network, failures, calls, the twin's own); a record
// type missing here is reported with its Go type name and is not notable.
var eventKinds = map[reflect.Type]struct {
	kind    EventKind
	notable bool
}{
	// failures
	reflect.TypeFor[failures.Injected](): {"failure", true},
	reflect.TypeFor[failures.Repaired](): {"repair", true},
	reflect.TypeFor[failures.Refused]():  {"refused", false}, // nothing changed: not a step of a failover
	// the network (topology/network/records.go, boot.go, congestion.go, trace.go)
	reflect.TypeFor[network.ComponentFailed]():        {"component-failed", false},
	reflect.TypeFor[network.ComponentRepaired]():      {"component-repaired", false},
	reflect.TypeFor[network.CarrierChanged]():         {"carrier", false},
	reflect.TypeFor[network.Detected]():               {"detected", true},
	reflect.TypeFor[network.TeamSwitchover]():         {"switchover", true},
	reflect.TypeFor[network.GratuitousARP]():          {"gratuitous-arp", false},
	reflect.TypeFor[network.MACChanged]():             {"mac", false},
	reflect.TypeFor[network.FDBFlushed]():             {"mac-flush", false},
	reflect.TypeFor[network.PortStateChanged]():       {"stp-port", false},
	reflect.TypeFor[network.TopologyChanged]():        {"topology-change", false},
	reflect.TypeFor[network.AggregateMemberChanged](): {"aggregate", true},
	reflect.TypeFor[network.GatewayStateChanged]():    {"gateway", true},
	reflect.TypeFor[network.UplinkTrackingChanged]():  {"uplink-tracking", true},
	reflect.TypeFor[network.FlowDown]():               {"flow-down", true},
	reflect.TypeFor[network.FlowUp]():                 {"flow-up", true},
	reflect.TypeFor[network.LinkCongested]():          {"congestion", true},
	reflect.TypeFor[network.SwitchBooting]():          {"booting", true},
	reflect.TypeFor[network.SwitchBooted]():           {"booted", true},
	reflect.TypeFor[network.PacketTraced]():           {"packet", false},
	reflect.TypeFor[network.RARP]():                   {"rarp", false},
	reflect.TypeFor[network.VNICMoved]():              {"vnic-moved", true},
	reflect.TypeFor[network.Shotgun]():                {"shotgun", true},
	// calls (workloads/uc/records.go)
	reflect.TypeFor[uc.CallAttempt]():     {"call-attempt", false},
	reflect.TypeFor[uc.CallBlocked]():     {"call-blocked", false},
	reflect.TypeFor[uc.CallBusy]():        {"call-busy", false},
	reflect.TypeFor[uc.CallFailedSetup](): {"call-failed", true},
	reflect.TypeFor[uc.CallStarted]():     {"call-start", false},
	reflect.TypeFor[uc.CallEnded]():       {"call-end", false},
	reflect.TypeFor[uc.CallDropped]():     {"call-drop", true},
	reflect.TypeFor[uc.CallDegraded]():    {"call-degraded", true},
	// the twin's own
	reflect.TypeFor[HostBooting]():             {"booting", true},
	reflect.TypeFor[HostBooted]():              {"booted", true},
	reflect.TypeFor[NodeReachability]():        {"reachability", true},
	reflect.TypeFor[VMStateChanged]():          {"vm", true},
	reflect.TypeFor[GuestRebooting]():          {"guest-reboot", true},
	reflect.TypeFor[FTTakeover]():              {"ft-takeover", true},
	reflect.TypeFor[FTProtection]():            {"ft-protection", true},
	reflect.TypeFor[VMClusterFailover]():       {"vm-cluster-failover", true},
	reflect.TypeFor[VMClusterServing]():        {"vm-cluster-serving", true},
	reflect.TypeFor[VMClusterSplitBrainOver](): {"vm-cluster-split-brain-over", true},
	// live migration and maintenance mode (vmotion.go, maintenance.go)
	reflect.TypeFor[VMotionStarted]():      {"vmotion", true},
	reflect.TypeFor[VMotionRound]():        {"vmotion-round", false},
	reflect.TypeFor[VMotionStalled]():      {"vmotion", true},
	reflect.TypeFor[VMotionDone]():         {"vmotion", true},
	reflect.TypeFor[MaintenanceChanged]():  {"maintenance", true},
	reflect.TypeFor[OperationRefused]():    {"refused", false},
	reflect.TypeFor[AdmissionRefused]():    {"ha-admission", true},
	reflect.TypeFor[ManagementInterface](): {"management-interface", true},
	// vSphere HA (topology/ha/records.go)
	reflect.TypeFor[ha.MasterElected]():            {"ha-master", true},
	reflect.TypeFor[ha.HostDeclaredDead]():         {"ha-dead", true},
	reflect.TypeFor[ha.HostAlive]():                {"ha-alive", true},
	reflect.TypeFor[ha.HostIsolated]():             {"ha-isolated", true},
	reflect.TypeFor[ha.IsolationEnded]():           {"ha-isolated", true},
	reflect.TypeFor[ha.IsolationResponseApplied](): {"ha-isolation-response", true},
	reflect.TypeFor[ha.VMStopped]():                {"ha-vm", false}, // repeats VMStateChanged
	reflect.TypeFor[ha.VMRestarting]():             {"ha-restart", true},
	reflect.TypeFor[ha.VMRestartFailed]():          {"ha-restart", true},
	reflect.TypeFor[ha.VMStarted]():                {"ha-vm", false}, // repeats VMStateChanged
	reflect.TypeFor[ha.VMReset]():                  {"ha-restart", true},
}

// EventKinds lists the kinds of events a twin reports, sorted.
func EventKinds() []EventKind {
	var out []EventKind
	seen := map[EventKind]bool{}
	for _, k := range eventKinds {
		if !seen[k.kind] {
			seen[k.kind] = true
			out = append(out, k.kind)
		}
	}
	slices.Sort(out)
	return out
}

// Event is one record of the trace as a front end shows it.
type Event struct {
	At      sim.Time
	Kind    EventKind
	Subject string // the component, flow or call it is about
	Text    string // what happened, in a line
	// Notable events are the steps that explain a failover (a failure, a detection, a
	// switchover, a flow stopping or resuming, a call dropped); the others are the
	// detail under them (carrier, MAC learning, spanning-tree port states).
	Notable bool
	Record  sim.Record
}

// NewEvent presents a record as an event.
func NewEvent(at sim.Time, r sim.Record) Event {
	k, ok := eventKinds[reflect.TypeOf(r)]
	if !ok {
		k.kind = EventKind(reflect.TypeOf(r).String())
	}
	return Event{At: at, Kind: k.kind, Subject: r.Subject(), Text: r.String(), Notable: k.notable, Record: r}
}

// IsNotable reports whether a record is notable (see Event), without building the
// event.
func IsNotable(r sim.Record) bool { return eventKinds[reflect.TypeOf(r)].notable }

// Filter selects events for a subscription; an empty field selects all.
type Filter struct {
	Kinds []EventKind
	// Subject selects events about this component, flow or call (exactly).
	Subject string
	// NotableOnly selects the notable events.
	NotableOnly bool
}

func (f Filter) matches(r sim.Record) bool {
	if f.NotableOnly && !IsNotable(r) {
		return false
	}
	if f.Subject != "" && r.Subject() != f.Subject {
		return false
	}
	if len(f.Kinds) > 0 {
		k, ok := eventKinds[reflect.TypeOf(r)]
		if !ok || !slices.Contains(f.Kinds, k.kind) {
			return false
		}
	}
	return true
}

// Subscription is a registration for events; Cancel ends it.
type Subscription struct {
	tw *Twin
	f  Filter
	fn func(Event)
}

// Cancel ends the subscription: no event reaches it afterwards.
func (s *Subscription) Cancel() {
	if s == nil || s.tw == nil {
		return
	}
	tw := s.tw
	tw.subs = slices.DeleteFunc(slices.Clone(tw.subs), func(x *Subscription) bool { return x == s })
	s.tw = nil
}

// Subscribe calls fn for every event from now on that passes the filter, in the order
// they happen, while the simulation runs (fn must not run the twin itself).
func (tw *Twin) Subscribe(f Filter, fn func(Event)) *Subscription {
	s := &Subscription{tw: tw, f: f, fn: fn}
	tw.subs = append(slices.Clone(tw.subs), s)
	return s
}

// DefaultRecentEvents is how many of the latest notable events a twin keeps for a
// front end that joins late or redraws its event log (Recent).
const DefaultRecentEvents = 1000

// events is the twin's dispatcher of records to subscribers and to the ring of recent
// notable events.
type events struct {
	ring  []Event
	next  int
	total int
}

func (e *events) keep(ev Event, size int) {
	if len(e.ring) < size {
		e.ring = append(e.ring, ev)
	} else {
		e.ring[e.next] = ev
		e.next = (e.next + 1) % size
	}
	e.total++
}

// Recent returns the latest notable events, oldest first (at most
// DefaultRecentEvents), and how many there have been in all.
func (tw *Twin) Recent() ([]Event, int) {
	r := tw.events.ring
	out := make([]Event, 0, len(r))
	out = append(out, r[tw.events.next:]...)
	out = append(out, r[:tw.events.next]...)
	return out, tw.events.total
}

// dispatch hands a record to the ring and the subscribers.
func (tw *Twin) dispatch(at sim.Time, r sim.Record) {
	notable := IsNotable(r)
	if !notable && len(tw.subs) == 0 {
		return
	}
	var ev Event
	built := false
	if notable {
		ev, built = NewEvent(at, r), true
		tw.events.keep(ev, DefaultRecentEvents)
		tw.sawNotable = true
	}
	for _, s := range tw.subs {
		if s.f.matches(r) {
			if !built {
				ev, built = NewEvent(at, r), true
			}
			s.fn(ev)
		}
	}
}
