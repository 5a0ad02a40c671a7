package network

import (
	"dctwin/sim"
	"dctwin/topology"
)

// The configuration of a network and of what it is built from.

// Options are network-wide settings.
type Options struct {
	// HandshakeDelay is how long one RSTP proposal/agreement handshake takes; a
	// designated port forwards after one per hop from the bridge that noticed the
	// change. RSTP moves ports without timers (reference-facts §5); a handshake is a
	// BPDU round trip plus processing. Default 10 ms.
	HandshakeDelay sim.Time
	// SettleLimit bounds how often one flow is re-evaluated within one instant, so that
	// MAC flapping in a loop cannot stall the simulation. Default 16.
	SettleLimit int
	// EagerBridges is the size (in bridges) up to which a network walks every
	// broadcast frame bridge by bridge and writes an entry on each, so that its trace
	// shows every MAC entry; larger ones learn broadcasts lazily (lazy.go). Zero means
	// 64; a negative value learns lazily whatever the size.
	EagerBridges int
}

// SwitchConfig describes an L2 or L3 switch.
type SwitchConfig struct {
	// Layer is topology.L2 or topology.L3 (L3 switches can be gateway members).
	Layer topology.SwitchLayer
	// SpanningTree is the loop-prevention protocol; "" means RSTP, the default.
	SpanningTree topology.SpanningTree
	// Priority is the bridge priority (lower wins the root election). Default 32768.
	Priority int
	// MACAging is the MAC table aging time; zero means topology.DefaultMACAging.
	MACAging sim.Time
	// HelloTime, MaxAge and ForwardDelay are the spanning-tree timers; zero means the
	// topology.DefaultSTP* values (the 802.1D timers).
	HelloTime, MaxAge, ForwardDelay sim.Time
	// Latency is the switch's forwarding latency per frame beyond the frame's
	// serialization (lookup and fabric), taken as given.
	Latency sim.Time
	// BootTime is how long the switch boots when its power returns (RepairSwitch): POST,
	// loading its software and configuration. Its ports stay dark meanwhile. Zero
	// brings it up at once.
	BootTime sim.Time
	// HelloPhase is when, within a hello period, the switch sends its BPDUs; a
	// neighbour ages their information from the last one it received. Zero draws a
	// phase per switch from its random stream.
	HelloPhase sim.Time
	// HostPortsSTP makes host-facing ports ordinary spanning-tree ports instead of edge
	// (PortFast) ports, so that a port coming up passes through the forward-delay states
	// before it forwards (reference-facts §4.3: PortFast saves about 30 s).
	HostPortsSTP bool
	// VLANs are the VLANs the switch carries (its VLAN database); nil means every VLAN.
	// Frames of other VLANs are dropped where they arrive.
	VLANs []int
}

// HostConfig describes an endpoint: a server, a VM's virtual NIC, a phone, a client.
// Its primary IP interface is in VLAN, Subnet, with Gateway; a host may have more
// (Interfaces), such as a hypervisor whose VMs are in its port groups' VLANs.
type HostConfig struct {
	// Subnet is the primary interface's IP subnet. Flows between interfaces of
	// different non-empty subnets are routed by the source interface's Gateway.
	Subnet string
	// Gateway names the primary interface's first-hop gateway (AddGateway).
	Gateway string
	// VLAN is the primary interface's VLAN; zero means DefaultVLAN.
	VLAN int
	// Interfaces are the host's further IP interfaces.
	Interfaces []Interface
}

// Interface is an IP interface of a host: the VLAN its frames are in, its subnet and
// its default gateway.
type Interface struct {
	VLAN            int
	Subnet, Gateway string
}

// LinkConfig describes a cable.
type LinkConfig struct {
	// Speed in bits per second; zero means topology.DefaultLinkSpeed.
	Speed float64
	// Latency is the one-way propagation delay, taken as given (zero is a valid
	// latency: a blade's midplane trace).
	Latency sim.Time
	// HalfDuplex makes both directions share the link's capacity, as a half-duplex
	// segment does: each direction's queueing sees the load of both.
	HalfDuplex bool
	// PHYDelay is how long a device takes to notice that light came or went (link
	// debounce); a shorter glitch goes unnoticed. Zero means at once.
	PHYDelay sim.Time
	// VLANs configures the ports at both ends (SetPortVLANs overrides one end). The
	// zero value is a port without VLAN configuration: every VLAN, VLAN 1 untagged.
	VLANs PortVLANs
}

// InterconnectConfig describes a blade enclosure's interconnect module.
type InterconnectConfig struct {
	// Kind is topology.PassThrough or topology.SwitchModule.
	Kind topology.ModuleKind
	// Pairs wires a pass-through module: blade-side port name -> external port name.
	Pairs map[string]string
	// Switch configures a switch module.
	Switch SwitchConfig
	// UplinkFailureDetection (link-state tracking) makes a switch module disable its
	// blade-facing ports while all its uplinks are down, so the blades see carrier loss.
	UplinkFailureDetection bool
}
