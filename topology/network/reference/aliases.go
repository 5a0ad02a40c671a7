package reference

import (
	"dctwin/sim"
	"dctwin/topology/network"
)

// The configuration, record and value types are network's own, so that one builder
// feeds both runtimes and their traces compare record for record.
type (
	AggregateConfig        = network.AggregateConfig
	SwitchBooting          = network.SwitchBooting
	SwitchBooted           = network.SwitchBooted
	LinkCongested          = network.LinkCongested
	FlowConfig             = network.FlowConfig
	Interval               = network.Interval
	GatewayConfig          = network.GatewayConfig
	Options                = network.Options
	SwitchConfig           = network.SwitchConfig
	HostConfig             = network.HostConfig
	Interface              = network.Interface
	LinkConfig             = network.LinkConfig
	InterconnectConfig     = network.InterconnectConfig
	OutageTotals           = network.OutageTotals
	Mechanism              = network.Mechanism
	ComponentFailed        = network.ComponentFailed
	ComponentRepaired      = network.ComponentRepaired
	CarrierChanged         = network.CarrierChanged
	Detected               = network.Detected
	TeamSwitchover         = network.TeamSwitchover
	GratuitousARP          = network.GratuitousARP
	MACChange              = network.MACChange
	MACChanged             = network.MACChanged
	MACFlapping            = network.MACFlapping
	FDBFlushed             = network.FDBFlushed
	PortStateChanged       = network.PortStateChanged
	TopologyChanged        = network.TopologyChanged
	AggregateMemberChanged = network.AggregateMemberChanged
	GatewayStateChanged    = network.GatewayStateChanged
	UplinkTrackingChanged  = network.UplinkTrackingChanged
	FlowDown               = network.FlowDown
	FlowUp                 = network.FlowUp
	PortRole               = network.PortRole
	PortState              = network.PortState
	LACPRate               = network.LACPRate
	TeamConfig             = network.TeamConfig
	PacketTraced           = network.PacketTraced
	PortVLANs              = network.PortVLANs
)

// The constants of those types.
const (
	ByCarrier        = network.ByCarrier
	ByMIIMon         = network.ByMIIMon
	ByHeartbeat      = network.ByHeartbeat
	ByLACP           = network.ByLACP
	BySTP            = network.BySTP
	ByVRRP           = network.ByVRRP
	ByUplinkTracking = network.ByUplinkTracking

	MACLearned = network.MACLearned
	MACMoved   = network.MACMoved
	MACAged    = network.MACAged

	RoleDisabled   = network.RoleDisabled
	RoleRoot       = network.RoleRoot
	RoleDesignated = network.RoleDesignated
	RoleAlternate  = network.RoleAlternate
	RoleEdge       = network.RoleEdge

	Discarding = network.Discarding
	Listening  = network.Listening
	Learning   = network.Learning
	Forwarding = network.Forwarding

	LACPSlow = network.LACPSlow
	LACPFast = network.LACPFast
)

// addTotal counts one outage of length d (network's OutageTotals.add).
func addTotal(t *OutageTotals, d sim.Time) {
	t.Count++
	t.Down += d
	t.Longest = max(t.Longest, d)
}
