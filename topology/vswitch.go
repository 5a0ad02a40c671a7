package topology

import (
	"fmt"
	"strings"
	"time"
)

// LoadBalancing is how a hypervisor's virtual switch spreads its VMs' vNICs over its
// uplinks (reference-facts §4.3, vSphere's teaming policy). It affects the frames the
// host sends; the physical switches decide where frames to a VM arrive, from where
// they learned its MAC.
type LoadBalancing string

// Load-balancing policies of a virtual switch.
const (
	// OriginatingPort (loadbalance_srcid, "route based on originating virtual port") pins
	// each vNIC to one active uplink by its virtual port number and moves it only when
	// that uplink fails. VMware's default.
	OriginatingPort LoadBalancing = "originating-port"
	// ExplicitFailover (failover_explicit) sends everything on the first usable uplink
	// of the failover order; no balancing.
	ExplicitFailover LoadBalancing = "explicit-failover"
	// IPHash (loadbalance_ip) picks the uplink per flow by a hash of its addresses; the
	// physical switch must bundle the uplinks (an EtherChannel or LACP team).
	IPHash LoadBalancing = "ip-hash"
)

var loadBalancingAliases = map[string]LoadBalancing{
	"originating-port": OriginatingPort, "port-id": OriginatingPort, "loadbalance_srcid": OriginatingPort,
	"explicit-failover": ExplicitFailover, "failover_explicit": ExplicitFailover,
	"ip-hash": IPHash, "loadbalance_ip": IPHash,
}

// ParseLoadBalancing accepts a virtual switch's load-balancing policy, by dctwin's
// name or vSphere's API name.
func ParseLoadBalancing(s string) (LoadBalancing, error) {
	if lb, ok := loadBalancingAliases[strings.ToLower(s)]; ok {
		return lb, nil
	}
	return "", fmt.Errorf("unknown load_balancing %q (expected one of %s)", s, keys(loadBalancingAliases))
}

// VSwitch is a hypervisor's virtual switch: its port groups are the host's
// (Host.PortGroups), its uplinks the host's NIC team Uplinks, and its teaming policy
// decides which uplink each VM's vNIC uses. Failure detection is the team's (carrier,
// miimon, or beacon probing); Standby uplinks carry VM traffic only while no active
// one is usable.
type VSwitch struct {
	// Uplinks names the host's team whose NICs are the virtual switch's uplinks.
	Uplinks       string
	LoadBalancing LoadBalancing
	// Standby are the uplinks (NIC names) of the failover order's standby list; the
	// others are active.
	Standby []string
	// NotifySwitches makes the host send a RARP frame for a VM's MAC from its uplink
	// when the vNIC attaches (the VM starts or arrives) or moves to another uplink, so
	// that the physical switches re-learn it (§4.3, default yes).
	NotifySwitches bool
	// Failback makes a vNIC return to its preferred uplink when that one is usable
	// again (§4.3, default yes).
	Failback bool
	// Latency is what the virtual switch adds to a frame, one way.
	Latency time.Duration
}

// VMCluster is an application's own active/standby pair of VMs (an IP-PBX pair, a
// database with a standby): the standby watches the active one's heartbeats over the
// network and takes over when none arrived for Timeout, independently of the
// hypervisor cluster's HA, which may restart the failed VM at the same time.
type VMCluster struct {
	Name string
	// VMs are the pair: the first is active at the start.
	VMs []string
	// Heartbeat is the interval of the active VM's heartbeats; Timeout how long the
	// standby waits without one before it takes over.
	Heartbeat time.Duration
	Timeout   time.Duration
	// Takeover is how long the standby needs to become active once it decided to
	// (starting the service, taking the cluster address).
	Takeover time.Duration
	Source
}
