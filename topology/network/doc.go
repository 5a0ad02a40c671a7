// Package network is the runtime network of the twin at control-plane-event and
// data-plane-flow level: links and ports with carrier, L2 switches with MAC learning,
// aging and flooding, STP/RSTP, MC-LAG switch clusters and port channels, VRRP-like
// gateways, blade interconnect modules, NIC teams with their detection mechanisms, and
// flows whose paths follow the current forwarding state. Failures are injected through
// Fail* and Repair* hooks; everything that happens is reported as typed sim records
// (records.go), so reports and front ends measure failovers from the trace.
//
// Construction uses plain names: devices by name, ports as "device:port", links,
// teams, aggregates and gateways by name:
//
//	n := network.New(s, network.Options{})
//	n.AddSwitch("core", network.SwitchConfig{Layer: topology.L3})
//	n.AddHost("srv", network.HostConfig{})
//	n.AddLink("l1", "srv:eth0", "core:p1", network.LinkConfig{Speed: 10e9})
//	n.AddTeam("srv", network.TeamConfig{Members: []string{"eth0", "eth1"}, ...})
//	f, _ := n.AddFlow(network.FlowConfig{Name: "call", From: "srv", To: "pbx", ...})
//
// VLANs (vlan.go): every port carries a set of VLANs with a native (untagged) one,
// every switch a set of VLANs; frames are tagged per link, a switch keeps a MAC table
// per VLAN and floods within the frame's VLAN, and spanning tree is one tree for all
// VLANs. A host has an interface per VLAN (subnet and gateway); a flow leaves and
// arrives on the interfaces its FlowConfig.FromVLAN and ToVLAN choose. A network built
// without VLANs is VLAN 1.
//
// Build the network before the simulation runs; it converges at the current
// simulated time when the simulation starts (spanning trees settle without timers,
// teams take their first healthy member, MAC tables learn from the first frames), and
// from then on every change costs what its protocol timers make it cost. Flows can be
// added, stopped and removed at any time.
//
// How it works, in one paragraph: physical state (cuts per direction, failed ports and
// devices) decides where light arrives; devices see carrier a PHY delay later and
// react (MAC flush, spanning tree, teams, LACP, uplink tracking). Each flow direction
// is a walk of one frame through the current forwarding state (forward.go); the walk
// registers every element it looks at, and a change to an element re-walks exactly the
// flows that looked at it, late in the same instant (index.go, flow.go). Each direction
// of a flow keeps its own outages and packet counts: packets are sent at fixed
// instants, so the packets an outage costs are a whole number (direction.go). A link
// direction offered more than its speed drops the excess, and the flows crossing it
// lose their share (congestion.go). Protocol timers are sim.Timers armed only while
// something is changing, so an idle network schedules no events. A network of more
// than Options.EagerBridges bridges learns broadcasts lazily (lazy.go, floodtree.go):
// a gratuitous ARP is recorded once, not walked, and a switch's entry is written when
// someone looks it up, as the flood would have left it; its floods register once per
// bridge, and a flood through a single switch goes out of its ports to other switches
// and to the destination only, the copies to its other host ports counted as a load
// per switch and VLAN (floodload.go). Such a network also keeps its MAC tables small:
// an entry that ages while no flow is registered on it has no timer, its expiry
// computed when something reads it (lazyaging.go), an entry nobody needs is dropped
// (forget.go), a look-up that finds nothing writes nothing (the flow registers on the
// MAC's flooders), and a passive flow's flood follows only the way to its destination
// (floodtree.go); a MAC whose entries are on many bridges (a flood writes its
// source and its destination on every bridge of the VLAN) finds them in an index by
// bridge rather than in each bridge's table (keyState.byBridge in lazy.go). Package network/reference keeps the runtime before that
// redesign, for the tests that show both give the same outages, detections and flows.
package network
