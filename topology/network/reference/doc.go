// Package reference is the runtime network as it was before its redesign for scale
// (issue 11): the network package of the commit that made VLANs run, copied, with the
// configuration, record and value types aliased to network's. It walks every flow
// through the forwarding state frame by frame, floods by walking the VLAN hop by hop,
// learns every MAC on every bridge a frame reaches, ages each MAC entry with a timer
// of its own and scans every entry for a flush: slow in a large data center, simple
// to trust. Tests run it beside the network package on the built-in scenarios and on
// random topologies and require the same outages, detections and flows, as spof kept
// its first algorithm. It is not used outside tests.
package reference
