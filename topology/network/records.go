package network

import (
	"fmt"

	"dctwin/sim"
)

// Mechanism names what noticed a change: the failover report groups detections by it.
type Mechanism string

// Detection mechanisms.
const (
	ByCarrier        Mechanism = "carrier"         // link loss reported by the PHY/driver
	ByMIIMon         Mechanism = "miimon"          // a miimon poll (after downdelay/updelay)
	ByHeartbeat      Mechanism = "heartbeat"       // missed heartbeat/ARP probe replies
	ByBeacon         Mechanism = "beacon"          // beacon probing among a team's members
	ByLACP           Mechanism = "lacp"            // LACP partner timeout or resync
	BySTP            Mechanism = "stp"             // spanning-tree information aging
	ByVRRP           Mechanism = "vrrp"            // VRRP master-down timer
	ByUplinkTracking Mechanism = "uplink-tracking" // a switch module's uplink failure detection
)

// ComponentFailed is reported when a Fail* hook breaks a component.
type ComponentFailed struct {
	Component string // link, port, switch, host or module name
	Kind      string // "link", "link-one-way", "port", "nic", "switch", "host"
}

// Subject implements sim.Record.
func (r ComponentFailed) Subject() string { return r.Component }

// String implements sim.Record.
func (r ComponentFailed) String() string { return fmt.Sprintf("%s failed (%s)", r.Component, r.Kind) }

// ComponentRepaired is reported when a Repair* hook restores a component.
type ComponentRepaired struct {
	Component string
	Kind      string
}

// Subject implements sim.Record.
func (r ComponentRepaired) Subject() string { return r.Component }

// String implements sim.Record.
func (r ComponentRepaired) String() string {
	return fmt.Sprintf("%s repaired (%s)", r.Component, r.Kind)
}

// CarrierChanged is reported when a device notices that light on a port came or went,
// after the link's PHY delay.
type CarrierChanged struct {
	Port string
	Up   bool
}

// Subject implements sim.Record.
func (r CarrierChanged) Subject() string { return r.Port }

// String implements sim.Record.
func (r CarrierChanged) String() string { return "carrier " + updown(r.Up) }

// Detected is reported when a mechanism notices a failure (Up false) or a recovery:
// a team judging a member (Device the host, Member the port), a bridge noticing that an
// inter-switch port lost its link or aging its BPDU information (Device the switch,
// Member the port, BySTP), or a VRRP backup whose master-down timer ran out (Device
// the gateway, Member the master that went silent, By the backup that noticed).
type Detected struct {
	Device    string
	Member    string
	Mechanism Mechanism
	Up        bool
	// By is who noticed when it is not Device (a gateway's backup router).
	By string
}

// Subject implements sim.Record.
func (r Detected) Subject() string { return r.Device }

// String implements sim.Record.
func (r Detected) String() string {
	if r.Mechanism == BySTP && !r.Up {
		return fmt.Sprintf("port %s lost to the spanning tree, which re-converges (detected by stp)", r.Member)
	}
	if r.By != "" {
		return fmt.Sprintf("member %s %s (detected by %s at %s)", r.Member, updown(r.Up), r.Mechanism, r.By)
	}
	return fmt.Sprintf("member %s %s (detected by %s)", r.Member, updown(r.Up), r.Mechanism)
}

// TeamSwitchover is reported when a team's active (receiving) member changes.
type TeamSwitchover struct {
	Host   string
	From   string // "" when no member was active
	To     string // "" when no member is left
	Reason string
}

// Subject implements sim.Record.
func (r TeamSwitchover) Subject() string { return r.Host }

// String implements sim.Record.
func (r TeamSwitchover) String() string {
	return fmt.Sprintf("team switchover %s -> %s (%s)", orNone(r.From), orNone(r.To), r.Reason)
}

// GratuitousARP is reported for each announcement a team or gateway sends so that the
// switches re-learn where a MAC address lives.
type GratuitousARP struct {
	Device string
	Port   string // egress port, or the switch itself for a gateway
	MAC    string
	Seq    int // 1-based number within the burst
}

// Subject implements sim.Record.
func (r GratuitousARP) Subject() string { return r.Device }

// String implements sim.Record.
func (r GratuitousARP) String() string {
	return fmt.Sprintf("gratuitous ARP %d for %s via %s", r.Seq, r.MAC, r.Port)
}

// MACChange says what happened to a forwarding-table entry.
type MACChange string

// MAC table changes.
const (
	MACLearned MACChange = "learned" // a new entry from a frame's source address
	MACMoved   MACChange = "moved"   // an entry now points at another port
	MACAged    MACChange = "aged"    // nobody refreshed the entry within the aging time
)

// MACChanged is reported when a switch learns, moves or ages out one MAC entry.
type MACChanged struct {
	Switch string // the switch (or cluster) owning the table
	MAC    string
	VLAN   string // the VLAN of the entry (its name, or its id)
	Port   string // new port ("" when aged)
	From   string // previous port ("" when newly learned)
	Change MACChange
}

// Subject implements sim.Record.
func (r MACChanged) Subject() string { return r.Switch }

// String implements sim.Record.
func (r MACChanged) String() string {
	switch r.Change {
	case MACMoved:
		return fmt.Sprintf("MAC %s%s moved %s -> %s", r.MAC, inVLAN(r.VLAN), r.From, r.Port)
	case MACAged:
		return fmt.Sprintf("MAC %s%s aged out of %s", r.MAC, inVLAN(r.VLAN), r.From)
	}
	return fmt.Sprintf("MAC %s%s learned on %s", r.MAC, inVLAN(r.VLAN), r.Port)
}

// inVLAN names a VLAN in a record, except the default VLAN of a network built without
// VLANs.
func inVLAN(v string) string {
	if v == "" || v == "1" {
		return ""
	}
	return " (VLAN " + v + ")"
}

// MACFlapping is reported when a switch learns a MAC address on one port while running
// traffic keeps teaching it on another: the entry flaps between the two at the
// packet rate (a team whose members sit on switches that do not aggregate them, a
// loop). Switches raise an alarm for it; frames to the address follow whichever port
// was learned last.
type MACFlapping struct {
	Switch string
	MAC    string
	VLAN   string
	Ports  [2]string // the port it was on, and the port it moved to
}

// Subject implements sim.Record.
func (r MACFlapping) Subject() string { return r.Switch }

// String implements sim.Record.
func (r MACFlapping) String() string {
	return fmt.Sprintf("MAC %s%s flapping between %s and %s", r.MAC, inVLAN(r.VLAN), r.Ports[0], r.Ports[1])
}

// FDBFlushed is reported when a switch removes the entries of a port (link down) or of
// all its inter-switch ports (RSTP topology change).
type FDBFlushed struct {
	Switch  string
	Port    string // "" for a topology-change flush of all non-edge ports
	Entries int
	Reason  string
}

// Subject implements sim.Record.
func (r FDBFlushed) Subject() string { return r.Switch }

// String implements sim.Record.
func (r FDBFlushed) String() string {
	return fmt.Sprintf("flushed %d MAC entries of %s (%s)", r.Entries, orAll(r.Port), r.Reason)
}

// PortStateChanged is reported when a spanning-tree port changes role or state.
type PortStateChanged struct {
	Switch string
	Port   string
	Role   PortRole
	State  PortState
}

// Subject implements sim.Record.
func (r PortStateChanged) Subject() string { return r.Switch }

// String implements sim.Record.
func (r PortStateChanged) String() string {
	return fmt.Sprintf("port %s %s %s", r.Port, r.Role, r.State)
}

// TopologyChanged is reported when a port's move into or out of forwarding makes the
// spanning-tree domain flush (RSTP) or shorten the aging of (STP) its MAC tables.
type TopologyChanged struct {
	Switch   string
	Port     string
	Protocol string
}

// Subject implements sim.Record.
func (r TopologyChanged) Subject() string { return r.Switch }

// String implements sim.Record.
func (r TopologyChanged) String() string {
	return fmt.Sprintf("%s topology change at %s", r.Protocol, r.Port)
}

// AggregateMemberChanged is reported when a port joins or leaves an aggregate (switch
// side of an SLB/LACP team) or an LACP partner times out.
type AggregateMemberChanged struct {
	Device    string
	Port      string
	In        bool
	Mechanism Mechanism
}

// Subject implements sim.Record.
func (r AggregateMemberChanged) Subject() string { return r.Device }

// String implements sim.Record.
func (r AggregateMemberChanged) String() string {
	s := "left"
	if r.In {
		s = "joined"
	}
	return fmt.Sprintf("port %s %s the aggregate (%s)", r.Port, s, r.Mechanism)
}

// GatewayStateChanged is reported when a gateway member becomes master or backup.
type GatewayStateChanged struct {
	Gateway string
	Switch  string
	Master  bool
	Reason  string
}

// Subject implements sim.Record.
func (r GatewayStateChanged) Subject() string { return r.Gateway }

// String implements sim.Record.
func (r GatewayStateChanged) String() string {
	s := "backup"
	if r.Master {
		s = "master"
	}
	return fmt.Sprintf("%s is %s (%s)", r.Switch, s, r.Reason)
}

// UplinkTrackingChanged is reported when a switch module with uplink failure detection
// takes its blade-facing ports down (all uplinks lost) or up again.
type UplinkTrackingChanged struct {
	Switch            string
	DownlinksDisabled bool
}

// Subject implements sim.Record.
func (r UplinkTrackingChanged) Subject() string { return r.Switch }

// String implements sim.Record.
func (r UplinkTrackingChanged) String() string {
	if r.DownlinksDisabled {
		return "all uplinks down: blade-facing ports disabled"
	}
	return "uplink back: blade-facing ports enabled"
}

// FlowDown is reported when one direction of a flow stops delivering its packets.
type FlowDown struct {
	Flow      string
	Direction string // its ends, "client-1 → srv-1" (Flow.Direction(i).Name)
	Reason    string // where the packets were lost
}

// Subject implements sim.Record.
func (r FlowDown) Subject() string { return r.Flow }

// String implements sim.Record.
func (r FlowDown) String() string { return r.Direction + " down: " + r.Reason }

// FlowUp is reported when one direction of a flow delivers again, with the outage that
// ended and the packets it lost.
type FlowUp struct {
	Flow      string
	Direction string // its ends, "client-1 → srv-1"
	Outage    sim.Time
	Lost      int64 // packets this direction sent in this outage
	Delivered int64 // packets this direction delivered since the flow started
}

// Subject implements sim.Record.
func (r FlowUp) Subject() string { return r.Flow }

// String implements sim.Record.
func (r FlowUp) String() string {
	return fmt.Sprintf("%s up after %v (%d packets lost)", r.Direction, r.Outage, r.Lost)
}

func updown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func orAll(s string) string {
	if s == "" {
		return "all inter-switch ports"
	}
	return s
}

// RARP is reported for each frame a hypervisor's virtual switch sends to tell the
// physical switches where a VM's MAC is now ("notify switches", reference-facts §4.3):
// when the VM starts or arrives on the host, or its vNIC moves to another uplink.
type RARP struct {
	VM   string
	Port string // the uplink it leaves on
	VLAN string
}

// Subject implements sim.Record.
func (r RARP) Subject() string { return r.VM }

// String implements sim.Record.
func (r RARP) String() string {
	return fmt.Sprintf("RARP for %s via %s%s", r.VM, r.Port, inVLAN(r.VLAN))
}

// VNICMoved is reported when a virtual switch moves a VM's vNIC to another uplink
// because its uplink failed or, with failback, came back.
type VNICMoved struct {
	VM, VNIC string
	From, To string // uplink ports
}

// Subject implements sim.Record.
func (r VNICMoved) Subject() string { return r.VM }

// String implements sim.Record.
func (r VNICMoved) String() string {
	return fmt.Sprintf("vNIC %s moved from uplink %s to %s", r.VNIC, r.From, r.To)
}
