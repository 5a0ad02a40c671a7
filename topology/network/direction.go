package network

import (
	"math"
	"math/bits"

	"dctwin/sim"
)

// This file keeps the books of each direction of a flow: when its packets are sent,
// its own outages, and the packets it lost, as whole numbers. A bidirectional flow
// delivers while both directions do (calls and heartbeats need both), but the two
// directions fail and recover on their own: a team that lost its receiving NIC still
// sends, a cut fibre darkens one direction. The report and the packet trace show each.

// packetClock says when a flow direction sends its packets: at the instants
// phase + k·interval (k = 0, 1, 2, …) while the flow runs, interval = 8·PacketBytes /
// RateBps. The interval is kept as the exact fraction num/den nanoseconds (the rate
// to a millibit per second), so that counting the packets of adjacent spans adds up
// exactly and the packet trace loses exactly the packets the report counts.
type packetClock struct {
	phase    sim.Time // the first send instant, in [0, interval)
	num, den uint64   // interval = num/den ns; den 0 for a flow that sends nothing
}

// newPacketClock returns the clock of a direction sending rate bits per second in
// packets of bytes bytes; draw (uniform over all uint64) places the phase.
func newPacketClock(rate float64, bytes int, draw uint64) packetClock {
	if rate <= 0 || bytes <= 0 {
		return packetClock{}
	}
	// interval = 8·bytes/rate s = 8e9·bytes·scale / (rate·scale) ns. A millibit per
	// second resolves every rate a scenario can write; absurd rates fall back to bit/s.
	scale := 1000.0
	if rate*scale >= 1<<62 {
		scale = 1
	}
	if rate >= 1<<62 {
		rate = 1 << 62
	}
	c := packetClock{num: uint64(8e9*scale) * uint64(bytes), den: uint64(math.Round(rate * scale))}
	if c.den == 0 {
		return packetClock{}
	}
	// phase = ⌊u·interval⌋ with u = draw/2^64: the high word of draw·num, divided by den.
	hi, _ := bits.Mul64(draw, c.num)
	c.phase = sim.Time(hi / c.den)
	return c
}

// index returns how many packets the clock sends before t (at instants < t), counting
// from time 0: ⌈(t − phase)/interval⌉ for t > phase.
func (c packetClock) index(t sim.Time) int64 {
	if c.den == 0 || t <= c.phase {
		return 0
	}
	hi, lo := bits.Mul64(uint64(t-c.phase), c.den)
	if hi >= c.num {
		return math.MaxInt64 // beyond any run
	}
	q, r := bits.Div64(hi, lo, c.num)
	if r != 0 {
		q++
	}
	return int64(q)
}

// count returns the packets sent in [a, b).
func (c packetClock) count(a, b sim.Time) int64 {
	if b <= a {
		return 0
	}
	return c.index(b) - c.index(a)
}

// at returns the instant packet k is sent: phase + ⌊k·interval⌋ (sim.Never beyond
// any run).
func (c packetClock) at(k int64) sim.Time {
	if c.den == 0 {
		return sim.Never
	}
	hi, lo := bits.Mul64(uint64(k), c.num)
	if hi >= c.den {
		return sim.Never
	}
	q, _ := bits.Div64(hi, lo, c.den)
	if q > math.MaxInt64-uint64(c.phase) {
		return sim.Never
	}
	return c.phase + sim.Time(q)
}

// dirBooks is what one direction has sent and lost.
type dirBooks struct {
	clock        packetClock
	up           bool         // delivering, as its outages record it
	settleQueued bool         // in Network.congFlows (next to up: a direction fits 384 bytes)
	outages      []Interval   // the latest outages; the last one has End sim.Never while it lasts
	folded       OutageTotals // the older ones (see foldOutages)
	lost         int64        // packets lost in closed outages
	sent         int64        // packets sent before the flow's last Start

	// Congestion (congestion.go): the fraction of the packets lost on the most loaded
	// link of the path since congSince, and the (expected, fractional) packets lost
	// to congestion before congSince.
	congFrac    float64
	congSince   sim.Time
	congAcc     float64
	congSettled uint64 // Network.congEpoch when settleCongested last settled it

	label string // the direction's name, once asked for (dirLabel)
}

// packetStream is the name of the random stream that places a flow's packets in time:
// a flow's packet phase depends on the seed, as every random choice does.
func packetStream(flow string) string { return "packets " + flow }

// initBooks gives every direction of f its packet clock; the directions' phases are
// drawn one after the other from the flow's stream.
func (n *Network) initBooks(f *Flow) {
	if f.cfg.RateBps <= 0 {
		return
	}
	src := sim.NewStream(n.s.Seed(), packetStream(f.cfg.Name))
	for i := range f.dirs {
		f.dirs[i].books.clock = newPacketClock(f.cfg.RateBps, f.cfg.PacketBytes, src.Uint64())
	}
}

// setDirDelivering records a direction's delivery state after an evaluation: it opens
// or closes the direction's outage and reports FlowDown or FlowUp for it. first is the
// flow's first evaluation since it started.
func (n *Network) setDirDelivering(f *Flow, i int, ok, first bool) {
	b := &f.dirs[i].books
	if !first && ok == b.up {
		return
	}
	b.up = ok
	now := n.s.Now()
	if !ok {
		b.outages = foldOutages(b.outages, &b.folded)
		b.outages = append(b.outages, Interval{Start: now, End: sim.Never})
		if !f.internal && n.s.Observed() {
			n.s.Report(FlowDown{Flow: f.cfg.Name, Direction: f.dirLabel(i), Reason: f.dirs[i].reason.format(n)})
		}
		return
	}
	if first {
		return
	}
	k := len(b.outages)
	if k == 0 || b.outages[k-1].End != sim.Never {
		return
	}
	iv := &b.outages[k-1]
	iv.End = now
	lost := b.clock.count(iv.Start, now)
	b.lost += lost
	if !f.internal && n.s.Observed() {
		n.s.Report(FlowUp{Flow: f.cfg.Name, Direction: f.dirLabel(i), Outage: now - iv.Start, Lost: lost,
			Delivered: f.Direction(i).Delivered()})
	}
}

// stopBooks closes a direction's books when its flow stops: an open outage ends with
// the flow, unrestored, and the packets of this running period are counted as sent.
func (n *Network) stopBooks(f *Flow, i int) {
	b := &f.dirs[i].books
	now := n.s.Now()
	if k := len(b.outages); k > 0 && b.outages[k-1].End == sim.Never {
		b.outages[k-1].End = now
		b.lost += b.clock.count(b.outages[k-1].Start, now)
	}
	b.sent += b.clock.count(f.startedAt, now)
	b.up = false
}

// dirLabel names direction i by its ends, as in "client-1 → srv-1".
func (f *Flow) dirLabel(i int) string {
	b := &f.dirs[i].books
	if b.label == "" {
		b.label = f.endsLabel(i)
	}
	return b.label
}

func (f *Flow) endsLabel(i int) string {
	from, to := f.cfg.FromName, f.cfg.ToName
	if from == "" {
		from = f.cfg.From
	}
	if to == "" {
		to = f.cfg.To
	}
	if i == 1 {
		from, to = to, from
	}
	return from + " → " + to
}

// Direction is one direction of a flow: a bidirectional flow has two (0 from From to
// To, 1 back), a one-way flow one. It is a view: its figures are those of the moment
// they are asked for.
type Direction struct {
	f *Flow
	i int
}

// Directions returns how many directions the flow has (1 or 2).
func (f *Flow) Directions() int { return len(f.dirs) }

// Direction returns direction i (0 from From to To, 1 from To to From).
func (f *Flow) Direction(i int) Direction {
	if i < 0 || i >= len(f.dirs) {
		panic("network: flow direction out of range")
	}
	return Direction{f, i}
}

// Name names the direction by its ends, "client-1 → srv-1"; the FlowDown and FlowUp
// records of this direction carry the same name.
func (d Direction) Name() string { return d.f.dirLabel(d.i) }

// Delivering reports whether this direction's packets currently arrive.
func (d Direction) Delivering() bool { return d.f.active && d.f.dirs[d.i].books.up }

// Outages returns the intervals in which this direction did not deliver; the last one
// has End sim.Never while it lasts. At most the last 2·MaxOutageIntervals are listed;
// OutageTotals counts them all.
func (d Direction) Outages() []Interval { return d.f.dirs[d.i].books.outages }

// OutageTotals sums every outage of this direction so far: the folded ones and those
// Outages still lists.
func (d Direction) OutageTotals() OutageTotals {
	b := &d.f.dirs[d.i].books
	t := b.folded
	now := d.f.n.s.Now()
	for _, iv := range b.outages {
		t.add(iv.Duration(now))
	}
	return t
}

// Sent returns the packets this direction has sent so far: the send instants
// (PacketPhase plus multiples of PacketInterval) that fell while the flow ran.
func (d Direction) Sent() int64 {
	b := &d.f.dirs[d.i].books
	if !d.f.active {
		return b.sent
	}
	return b.sent + b.clock.count(d.f.startedAt, d.f.n.s.Now())
}

// Lost returns the packets this direction lost in its outages so far: the send
// instants inside them, a whole number.
func (d Direction) Lost() int64 {
	b := &d.f.dirs[d.i].books
	lost := b.lost
	if k := len(b.outages); k > 0 && b.outages[k-1].End == sim.Never {
		lost += b.clock.count(b.outages[k-1].Start, d.f.n.s.Now())
	}
	return lost
}

// CongestionLost returns the packets this direction lost to links over capacity so
// far, counted apart from the packets lost in outages (a direction in an outage loses
// nothing to congestion: nothing of it arrives anyway).
func (d Direction) CongestionLost() int64 {
	return int64(math.Floor(d.f.dirs[d.i].books.congestionThrough(d.f.n.s.Now())))
}

// Flooded counts the packets this direction had delivered only by flooding.
func (d Direction) Flooded() int64 {
	fd := &d.f.dirs[d.i]
	k := fd.floodedPkts
	if fd.flooded {
		k += fd.books.clock.count(fd.floodFrom, d.f.n.s.Now())
	}
	return k
}

// Delivered returns the packets this direction delivered so far: sent, less those
// lost in outages and to congestion.
func (d Direction) Delivered() int64 { return max(0, d.Sent()-d.Lost()-d.CongestionLost()) }

// PacketInterval returns the time between two packets of the flow, 8·PacketBytes /
// RateBps (0 for a flow without a rate).
func (d Direction) PacketInterval() float64 {
	c := d.f.dirs[d.i].books.clock
	if c.den == 0 {
		return 0
	}
	return float64(c.num) / float64(c.den) / 1e9
}

// PacketPhase returns the instant of this direction's first packet from time 0: it
// sends at PacketPhase + k·PacketInterval while the flow runs. The phase is drawn per
// flow from the simulation's random stream "packets <flow>", so two flows of the same
// rate do not send in lockstep.
func (d Direction) PacketPhase() sim.Time { return d.f.dirs[d.i].books.clock.phase }

// Path returns the element names of this direction's delivery path.
func (d Direction) Path() []string { return d.f.n.pathNames(d.f.dirs[d.i].path) }

// Delay returns this direction's one-way delay (0 while it does not deliver); see
// Flow.Delay.
func (d Direction) Delay() sim.Time { return d.f.n.delay(d.f, &d.f.dirs[d.i]) }

// Reason says where this direction's packets are lost ("" while it delivers).
func (d Direction) Reason() string {
	fd := &d.f.dirs[d.i]
	if fd.delivered {
		return ""
	}
	return fd.reason.format(d.f.n)
}
