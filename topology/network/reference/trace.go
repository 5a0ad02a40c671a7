package reference

import (
	"dctwin/sim"
)

// tracePriority runs a traced packet after the instant's flows have settled
// (Network.runSettle runs at sim.Late), so that a packet sent at the instant an outage
// begins is lost, as the books count it.
const tracePriority = sim.Late + 1

// TracePackets reports a PacketTraced record for each packet of every direction of the
// flow (at the direction's send instants, PacketPhase + k·PacketInterval) while on is
// true.
func (f *Flow) TracePackets(on bool) {
	if !on {
		for _, t := range f.tracers {
			t.timer.Stop()
		}
		return
	}
	if f.cfg.RateBps <= 0 {
		return
	}
	if f.tracers == nil {
		for i := range f.dirs {
			t := &packetTracer{timer: f.n.s.NewTimer(func() { f.tracePacket(i) })}
			t.timer.SetPriority(tracePriority)
			f.tracers = append(f.tracers, t)
		}
	}
	now := f.n.s.Now()
	for i, t := range f.tracers {
		if !t.timer.Armed() {
			clock := f.dirs[i].books.clock
			t.next = clock.index(now)
			if at := clock.at(t.next); at != sim.Never {
				t.timer.Reset(at - now)
			}
		}
	}
}

// packetTracer follows the packets of one direction of a traced flow.
type packetTracer struct {
	timer *sim.Timer
	seq   int   // packets traced so far
	next  int64 // the clock index of the next packet to trace
}

// tracePacket reports the packets of direction i sent now and arms the timer for the
// next one.
func (f *Flow) tracePacket(i int) {
	n, fd, t := f.n, &f.dirs[i], f.tracers[i]
	b := &fd.books
	now := n.s.Now()
	if !f.active {
		return // tracing ends with the flow
	}
	for ; b.clock.at(t.next) <= now; t.next++ {
		t.seq++
		r := PacketTraced{Flow: f.cfg.Name, Direction: f.dirLabel(i), Seq: t.seq}
		switch {
		case !b.up:
			r.Lost = fd.reason.format(n)
		case b.congestionDrops(t.next):
			r.Lost = "congestion"
		default:
			r.Delivered, r.Delay, r.Path = true, n.delay(f, fd), len(fd.path)
		}
		n.record(r)
	}
	if at := b.clock.at(t.next); at != sim.Never {
		t.timer.Reset(at - now)
	}
}
