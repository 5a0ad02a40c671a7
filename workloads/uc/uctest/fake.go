// Package uctest provides a scripted stand-in for the data-center network, so that the
// UC model can be tested (and taught) without a topology: nodes go down and come back at
// given simulated times, and every media stream touching a node that is down stops
// delivering at that instant.
package uctest

import (
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/workloads/uc"
)

// Network is a fake network: every node reaches every other node, with a fixed one-way
// delay, except while one of them is down. It implements uc.Network.
type Network struct {
	s       *sim.Simulation
	delay   sim.Time
	down    map[string]int      // outage nesting count per node
	since   map[string]sim.Time // when a node went down
	refuse  map[string]bool
	streams []*Stream
	open    int
	notify  bool // streams report delay changes (NotifyDelays)
}

// New returns a fake network on s whose streams have one-way delay delay.
func New(s *sim.Simulation, delay sim.Time) *Network {
	return &Network{s: s, delay: delay, down: make(map[string]int), since: make(map[string]sim.Time), refuse: make(map[string]bool)}
}

// Stream is a fake media stream.
type Stream struct {
	n        *Network
	Name     string
	From, To string
	RateBps  float64
	Bytes    int
	Opened   sim.Time
	Closed   sim.Time // sim.Never while open
	fn       func(bool)
	delayFn  func()
	deliv    bool
}

// NotifyingStream is a Stream that also reports changes of its delay
// (uc.DelayNotifier), so that calls over it are rated when something changes rather
// than every second.
type NotifyingStream struct{ *Stream }

// OnDelayChange registers fn, called when SetDelay changes the delay.
func (st NotifyingStream) OnDelayChange(fn func()) { st.delayFn = fn }

// NotifyDelays makes the streams opened from now on report delay changes
// (NotifyingStream).
func (n *Network) NotifyDelays() { n.notify = true }

var _ uc.Network = (*Network)(nil)

// OpenMedia opens a stream; it delivers at once unless an end is down.
func (n *Network) OpenMedia(name, from, to string, rateBps float64, packetBytes int) (uc.Stream, error) {
	for _, node := range []string{from, to} {
		if n.refuse[node] {
			return nil, fmt.Errorf("unknown endpoint %q", node)
		}
	}
	st := &Stream{n: n, Name: name, From: from, To: to, RateBps: rateBps, Bytes: packetBytes,
		Opened: n.s.Now(), Closed: sim.Never}
	st.deliv = n.down[from] == 0 && n.down[to] == 0
	n.streams = append(n.streams, st)
	n.open++
	if n.notify {
		return NotifyingStream{st}, nil
	}
	return st, nil
}

// Reachable reports whether both nodes are up.
func (n *Network) Reachable(from, to string) bool { return n.down[from] == 0 && n.down[to] == 0 }

// UnreachableFor is how long the earlier-lost of two nodes that are down has been
// down (0 while both are up).
func (n *Network) UnreachableFor(from, to string) sim.Time {
	var d sim.Time
	for _, node := range []string{from, to} {
		if n.down[node] > 0 {
			d = max(d, n.s.Now()-n.since[node])
		}
	}
	return d
}

// Refuse makes OpenMedia fail for streams from or to node, as for a name the network
// does not know.
func (n *Network) Refuse(node string) { n.refuse[node] = true }

// Down takes node down now: streams touching it stop delivering.
func (n *Network) Down(node string) {
	if n.down[node] == 0 {
		n.since[node] = n.s.Now()
	}
	n.down[node]++
	n.update()
}

// Up ends one Down of node.
func (n *Network) Up(node string) {
	if n.down[node] > 0 {
		n.down[node]--
	}
	n.update()
}

// Outage schedules node to be down from at for d.
func (n *Network) Outage(node string, at, d sim.Time) {
	n.s.At(at, func() { n.Down(node) })
	n.s.At(at+d, func() { n.Up(node) })
}

// SetDelay changes the one-way delay of every stream from now on; streams that report
// delay changes report it.
func (n *Network) SetDelay(d sim.Time) {
	n.delay = d
	for _, st := range slices.Clone(n.streams) {
		if st.Closed == sim.Never && st.delayFn != nil {
			st.delayFn()
		}
	}
}

// update tells every open stream whose state changed, in the order they were opened.
func (n *Network) update() {
	for _, st := range slices.Clone(n.streams) {
		if st.Closed != sim.Never {
			continue
		}
		ok := n.down[st.From] == 0 && n.down[st.To] == 0
		if ok != st.deliv {
			st.deliv = ok
			if st.fn != nil {
				st.fn(ok)
			}
		}
	}
}

// Streams returns every stream opened so far, open or closed.
func (n *Network) Streams() []*Stream { return n.streams }

// Open returns the number of streams open now.
func (n *Network) Open() int { return n.open }

// LoadBps is the total rate of the streams open now, bit/s.
func (n *Network) LoadBps() float64 {
	var sum float64
	for _, st := range n.streams {
		if st.Closed == sim.Never {
			sum += st.RateBps
		}
	}
	return sum
}

// Delivering reports whether the stream delivers.
func (st *Stream) Delivering() bool { return st.deliv }

// OneWayDelay is the network's delay.
func (st *Stream) OneWayDelay() sim.Time { return st.n.delay }

// OnChange registers the callback.
func (st *Stream) OnChange(fn func(bool)) { st.fn = fn }

// Close closes the stream.
func (st *Stream) Close() {
	if st.Closed != sim.Never {
		return
	}
	st.Closed = st.n.s.Now()
	st.n.open--
}
