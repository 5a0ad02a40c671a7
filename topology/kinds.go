package topology

import (
	"fmt"
	"sort"
	"strings"
)

// TeamMode is how a NIC team spreads traffic over its members and what it needs from
// the switches (HP NCU names, with Linux bonding names accepted as aliases).
type TeamMode string

// Team modes. NFT and TLB work across two independent switches (they need an L2 path
// between them); SLB and LACP need all members on one switch or one switch cluster.
const (
	// NFT (network fault tolerance, Linux active-backup): one member sends and receives.
	NFT TeamMode = "nft"
	// TLB (transmit load balancing, Linux balance-tlb): all members send, the primary
	// alone receives.
	TLB TeamMode = "tlb"
	// SLB (switch-assisted load balancing, a static trunk, Linux balance-xor): flows are
	// hashed over members; the switch side must be a static aggregate.
	SLB TeamMode = "slb"
	// LACP (802.3ad dynamic): like SLB, negotiated and supervised by LACPDUs.
	LACP TeamMode = "lacp"
)

var teamModeAliases = map[string]TeamMode{
	"nft": NFT, "active-backup": NFT,
	"tlb": TLB, "balance-tlb": TLB,
	"slb": SLB, "balance-xor": SLB,
	"lacp": LACP, "802.3ad": LACP,
}

// ParseTeamMode accepts the HP names and the Linux bonding aliases.
func ParseTeamMode(s string) (TeamMode, error) {
	if m, ok := teamModeAliases[strings.ToLower(s)]; ok {
		return m, nil
	}
	return "", fmt.Errorf("unknown team mode %q (expected one of %s)", s, keys(teamModeAliases))
}

// NeedsSwitchAggregation reports whether the switch side must bundle the team's ports
// into one aggregate (one switch or one switch cluster).
func (m TeamMode) NeedsSwitchAggregation() bool { return m == SLB || m == LACP }

// Detection is how a team notices that a member can no longer carry traffic.
type Detection string

// Detection methods.
const (
	// Carrier: the NIC driver reports loss of link at once (after the PHY delay).
	Carrier Detection = "carrier"
	// MIIMon polls link state every interval, with optional up- and down-delays.
	MIIMon Detection = "miimon"
	// Heartbeat sends probes (HP heartbeats, Linux ARP monitor) to a target every
	// interval and fails a member after a number of missed replies; it also sees failures
	// beyond the adjacent switch.
	Heartbeat Detection = "heartbeat"
	// Beacon is VMware's beacon probing: every member broadcasts a beacon every interval
	// and listens for the others' (reference-facts §4.3); a member whose beacons stop
	// reaching the others, or that hears none of theirs, is failed after a number of
	// missed beacons. With two members a broken path cannot be pinned on either.
	Beacon Detection = "beacon"
)

var detectionAliases = map[string]Detection{
	"carrier": Carrier, "link": Carrier, "link-status": Carrier,
	"miimon": MIIMon, "mii": MIIMon,
	"heartbeat": Heartbeat, "arp": Heartbeat, "arpmon": Heartbeat,
	"beacon": Beacon, "beacon-probing": Beacon,
}

// ParseDetection accepts a detection method name or alias.
func ParseDetection(s string) (Detection, error) {
	if d, ok := detectionAliases[strings.ToLower(s)]; ok {
		return d, nil
	}
	return "", fmt.Errorf("unknown detection %q (expected one of %s)", s, keys(detectionAliases))
}

// SeesRemoteFailures reports whether the method notices a failure beyond the adjacent
// switch port (an uplink behind a blade switch module, a dead upstream switch).
func (d Detection) SeesRemoteFailures() bool { return d == Heartbeat || d == Beacon }

// Probes reports whether the method sends frames on a timer (heartbeats or beacons),
// with an interval and a number of missed probes.
func (d Detection) Probes() bool { return d == Heartbeat || d == Beacon }

// HostKind is the kind of server the source material distinguishes.
type HostKind string

// Host kinds.
const (
	Legacy     HostKind = "legacy"     // an older server with retrofitted NICs
	Rack       HostKind = "rack"       // a rack server
	Blade      HostKind = "blade"      // a blade in an enclosure bay
	Hypervisor HostKind = "hypervisor" // a virtualization host (rack or blade)
)

// ModuleKind is the kind of an enclosure's interconnect module.
type ModuleKind string

// Interconnect module kinds.
const (
	// PassThrough wires each blade port straight out: the blade sees external carrier loss.
	PassThrough ModuleKind = "pass-through"
	// SwitchModule is an internal L2 switch with its own uplinks: an uplink failure is
	// hidden from the blade unless uplink failure detection (link-state tracking) is on.
	SwitchModule ModuleKind = "switch"
)

// SwitchLayer says whether a switch only bridges (L2) or also routes (L3).
type SwitchLayer int

// Switch layers.
const (
	L2 SwitchLayer = 2
	L3 SwitchLayer = 3
)

// SpanningTree is the loop-prevention protocol a switch runs.
type SpanningTree string

// Spanning-tree protocols.
const (
	RSTP  SpanningTree = "rstp" // 802.1w, the default
	STP   SpanningTree = "stp"  // classic 802.1D
	NoSTP SpanningTree = "none"
)

func keys[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}
