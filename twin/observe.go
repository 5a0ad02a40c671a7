package twin

import (
	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/topology/network"
	"dctwin/workloads/uc"
)

// TraceLine is one line of the event log: when, about which component, what happened.
type TraceLine struct {
	At      sim.Time
	Subject string
	What    string
	Record  sim.Record
}

// detection presents the network's records to the failure measurement, which knows
// only its own small interfaces.
type detection struct {
	sim.Record
	mechanism string
}

func (d detection) DetectionMechanism() string { return d.mechanism }
func (d detection) DetectedDown() bool         { return true }

// forMeasurement translates the records that mean "a mechanism noticed a failure" and
// "a flow stopped or resumed" into the measurement's vocabulary.
func forMeasurement(m *failures.Measurement) sim.Observer {
	return sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		switch r := r.(type) {
		case network.Detected:
			if !r.Up {
				m.Observe(at, detection{r, string(r.Mechanism)})
			}
		case network.AggregateMemberChanged:
			if !r.In && r.Mechanism != "" {
				m.Observe(at, detection{r, string(r.Mechanism)})
			}
		case network.UplinkTrackingChanged:
			if r.DownlinksDisabled {
				m.Observe(at, detection{r, string(network.ByUplinkTracking)})
			}
		case HostBooting:
			m.NotBack(at, r.Host, false)
		case HostBooted:
			m.NotBack(at, r.Host, true)
		case network.FlowDown:
			m.FlowChanged(at, r.Flow, r.Direction, false)
		case network.FlowUp:
			m.FlowChanged(at, r.Flow, r.Direction, true)
		default:
			m.Observe(at, r)
		}
	})
}

// notable reports whether a record belongs in a failure's timeline: the steps that
// explain a failover, not every MAC address learned. The network's own
// ComponentFailed/Repaired records repeat the injector's and are left out.
func notable(r sim.Record) bool {
	switch r := r.(type) {
	case network.MACChanged:
		// Moves explain a failover; learning and aging happen all the time (--trace has
		// them).
		return r.Change == network.MACMoved
	case failures.Injected, failures.Repaired, HostBooting, HostBooted, NodeReachability, network.SwitchBooting, network.SwitchBooted,
		uc.CallDropped, uc.CallDegraded,
		uc.CallFailedSetup, network.CarrierChanged, network.Detected, network.TeamSwitchover, network.GratuitousARP,
		network.FDBFlushed, network.PortStateChanged, network.TopologyChanged,
		network.AggregateMemberChanged, network.GatewayStateChanged, network.UplinkTrackingChanged,
		network.FlowDown, network.FlowUp, network.LinkCongested,
		network.RARP, network.VNICMoved, network.Shotgun, VMStateChanged, GuestRebooting, FTTakeover, FTProtection,
		VMClusterFailover, VMClusterServing, VMClusterSplitBrainOver, VMotionStarted, VMotionStalled, VMotionDone, MaintenanceChanged, DPMPower,
		ha.MasterElected, ha.HostDeclaredDead, ha.HostAlive, ha.HostIsolated, ha.IsolationEnded,
		ha.IsolationResponseApplied, ha.VMRestarting, ha.VMRestartFailed, ha.VMReset:
		return true
	}
	return storageNotable(r)
}
