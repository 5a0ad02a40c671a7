package uc

import "dctwin/sim"

// Network is what the UC model needs from the data-center network: media streams that
// load the links and report when they stop and resume delivering, and a reachability
// test for signalling. The twin adapts the network runtime's flows to it; package
// uctest provides a scripted fake for tests.
type Network interface {
	// OpenMedia starts a one-way media stream of rateBps bits per second in packets of
	// packetBytes bytes from node from to node to. The stream loads every link on its
	// path until it is closed. An error (an unknown node) makes the call fail its setup.
	OpenMedia(name, from, to string, rateBps float64, packetBytes int) (Stream, error)
	// Reachable reports whether a signalling message sent now from one node reaches the
	// other.
	Reachable(from, to string) bool
	// UnreachableFor is how long signalling between two nodes has not got through (0
	// while it does): a phone keeps sending to a PBX node that became unreachable for
	// the PBX's failover delay, as it does to one that failed.
	UnreachableFor(from, to string) sim.Time
}

// Stream is one open one-way media stream (an RTP stream of a call).
type Stream interface {
	// Delivering reports whether the stream's packets currently arrive. A stream may
	// report false right after it was opened, until the network has evaluated its path;
	// OnChange tells when that happens.
	Delivering() bool
	// OneWayDelay is the current network delay of the stream's packets.
	OneWayDelay() sim.Time
	// OnChange registers fn, which the network calls at the simulated instant the stream
	// stops or resumes delivering (also when its first evaluation settles). Calls that
	// repeat the current state are harmless.
	OnChange(fn func(delivering bool))
	// Close stops the stream; it no longer loads the links and fn is not called again.
	Close()
}

// DelayNotifier is what a Stream may also offer: a call to fn whenever its network
// delay may have changed other than by its delivery stopping or resuming (its path
// moved). A call whose streams all offer it is rated only when something changes
// (event-driven); a stream without it is sampled every second, as its delay may drift
// at any time.
type DelayNotifier interface {
	OnDelayChange(fn func())
}
