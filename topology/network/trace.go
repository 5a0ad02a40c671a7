package network

import (
	"fmt"

	"dctwin/sim"
)

// PacketTraced is reported for every packet of a flow under packet tracing: whether it
// arrived and with what one-way delay. Packet tracing is a teaching aid for one chosen
// flow; flows are otherwise evaluated at flow level.
type PacketTraced struct {
	Flow      string
	Seq       int
	Delivered bool
	Delay     sim.Time // forward one-way delay (0 when lost)
	Path      int      // number of links crossed
}

// Subject implements sim.Record.
func (r PacketTraced) Subject() string { return r.Flow }

// String implements sim.Record.
func (r PacketTraced) String() string {
	if !r.Delivered {
		return fmt.Sprintf("packet %d lost", r.Seq)
	}
	return fmt.Sprintf("packet %d delivered after %v over %d links", r.Seq, r.Delay, r.Path)
}

// TracePackets reports a PacketTraced record for each packet of the flow's forward
// direction (one per packet interval, PacketBytes·8/RateBps) while on is true.
func (f *Flow) TracePackets(on bool) {
	if !on {
		if f.tracer != nil {
			f.tracer.Stop()
		}
		return
	}
	if f.cfg.RateBps <= 0 {
		return
	}
	gap := sim.Seconds(float64(8*f.cfg.PacketBytes) / f.cfg.RateBps)
	if gap <= 0 {
		gap = 1
	}
	if f.tracer == nil {
		f.tracer = f.n.s.NewTimer(func() {
			if !f.active {
				return
			}
			f.traceSeq++
			fd := &f.dirs[0]
			r := PacketTraced{Flow: f.cfg.Name, Seq: f.traceSeq, Delivered: fd.delivered}
			if fd.delivered {
				r.Delay, r.Path = f.Delay(), len(fd.path)
			}
			f.n.record(r)
			f.tracer.Reset(gap)
		})
	}
	if !f.tracer.Armed() {
		f.tracer.Reset(gap)
	}
}
