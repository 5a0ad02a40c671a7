// Package spof finds single points of failure: for every single component, which
// endpoints, hosts and VMs go down or lose connectivity to what. It is static — graph
// reachability on the VLAN-aware network of topology.Network, no timing — like the
// "failure fork" of a configuration-analysis tool: fail one thing, compare with the
// intact data center.
//
// Analyze fails every component of Classes in turn (Fail does one). An item that
// dies stays down until repair or comes back by an HA restart, one with an FT
// secondary does not go down at all, and one that still runs may be cut off from the
// rest. Review keeps the failures that matter (Result.Serious) and counts what was
// checked; its Report prints as `dctwin spof` shows it, isolated items grouped by
// what they lost (IsolatedGroups).
package spof
