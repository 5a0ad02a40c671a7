// Package topology is the static model of a data center's infrastructure: switches
// and the links between them, hosts (legacy, rack, blade, hypervisor) with their NICs
// and NIC teams, blade enclosures with their interconnect modules and power supplies,
// shared storage, hypervisor clusters with HA, FT, DRS and DPM settings, VMs on the
// hosts' port groups, VLANs, user endpoints and gateways. It says what is there and
// how it is wired, not what happens over time: the running network is package
// topology/network, and the failures acting on it are package failures.
//
// A Topology is built by package scenario from a scenario file, with the defaults of
// defaults.go for what the file leaves out (each says where its value comes from: a
// standard, a vendor document, or dctwin's own choice). Every item keeps the position
// it was written at (Pos, Source), so that whatever is said about it points at the
// YAML. The builders accept duplicates and dangling names, so that package
// topology/check can report every mistake at once.
//
// Questions the model answers without simulating: Components and Class name what can
// fail on its own; Outage closes a set of failures under "takes down" (an enclosure
// takes its blades, a host its VMs), the one statement of correlated failures that
// the single-point-of-failure analysis (topology/spof) and the running twin share;
// Network is the VLAN-aware connectivity graph (gonum/graph), with or without an
// outage, for reachability and paths. The vocabulary of teams (TeamMode, Detection,
// TeamFlavour) and of devices (HostKind, ModuleKind, SwitchLayer, SpanningTree) is
// shared by the model, the runtime and the scenario loader.
package topology
