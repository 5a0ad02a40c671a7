package network

import (
	"fmt"
	"math"

	"dctwin/sim"
)

// This file models what a link over capacity does: it carries what fits and drops the
// rest. A link direction whose offered load exceeds its speed (both directions together
// on a half-duplex link) loses the fraction (load − speed)/load of the packets that
// cross it, every flow alike, as a tail-drop queue that is always full does.
//
// A flow direction loses at the most loaded link of its path, its bottleneck. This is
// dctwin's choice: the loads are offered loads (what the senders send), so a link
// behind the bottleneck sees more than actually reaches it, and multiplying the
// fractions of every link on the path would count the same excess twice; for a flow
// through a chain of links the bottleneck's fraction is exact.
//
// The fractions change only when a load changes (a flow starting, stopping or moving),
// so each flow direction keeps its current fraction and the (fractional) packets lost
// up to the last change, and settles them whenever its path or the load of a link on
// it changes: a piecewise-constant integral, exact at every change. A link direction
// whose load changes while it is, or was, over capacity is queued, and at the end of
// the instant (when every flow has settled on its new path) the flows crossing it are
// settled and the link's change is reported (LinkCongested). Links that never run
// over capacity cost a comparison per load change.

// overCapacity reports whether direction d of l is offered more than it carries.
func (l *Link) overCapacity(d int) bool {
	n := l.ends[0].dev.n
	load := n.linkLoad(l, d)
	if l.cfg.HalfDuplex {
		load += n.linkLoad(l, 1-d)
	}
	return load > l.cfg.Speed
}

// lossFraction is the fraction of the packets crossing l from end d that it drops.
func (l *Link) lossFraction(d int) float64 {
	if u := l.utilization(d); u > 1 {
		return 1 - 1/u
	}
	return 0
}

// loadChanged notes that the load of l changed while it was or is over capacity.
func (n *Network) loadChanged(l *Link) {
	n.congEpoch++ // a fraction may change: a flow settled before settles again
	if l.congQueued {
		return
	}
	l.congQueued = true
	n.congQueue = append(n.congQueue, l)
	if n.started && !n.settling && !n.settle.Armed() {
		n.settle.Reset(0)
	}
}

// pathLoss is the fraction of a flow direction's packets its path drops.
func (n *Network) pathLoss(fd *flowDir) float64 {
	worst := 0.0
	for _, h := range fd.path {
		worst = max(worst, h.link(n).lossFraction(h.dir()))
	}
	return worst
}

// settleCongestion books a flow direction's congestion loss up to now and takes its
// path's current fraction from now on.
func (n *Network) settleCongestion(f *Flow, fd *flowDir) {
	b := &fd.books
	frac := 0.0
	if f.active && fd.delivered {
		frac = n.pathLoss(fd)
	}
	if frac == b.congFrac {
		return
	}
	now := n.s.Now()
	b.congAcc = b.congestionThrough(now)
	b.congSince, b.congFrac = now, frac
}

// congestionThrough is the expected number of packets lost to congestion that were
// sent before t.
func (b *dirBooks) congestionThrough(t sim.Time) float64 {
	if b.congFrac == 0 {
		return b.congAcc
	}
	return b.congAcc + b.congFrac*float64(b.clock.count(b.congSince, t))
}

// congestionDrops reports whether packet k of a direction is one its congestion drops:
// the packets lost are spread evenly, one whenever the expected loss passes a whole
// number, so that the packet trace drops exactly the packets CongestionLost counts.
func (b *dirBooks) congestionDrops(k int64) bool {
	if b.congFrac == 0 {
		return false
	}
	before := b.congAcc + b.congFrac*float64(k-b.clock.index(b.congSince))
	return math.Floor(before+b.congFrac) > math.Floor(before)
}

// evaluated notes that a flow direction was walked again: if it was losing packets to
// congestion, or some link is over capacity, its path may have moved off or onto one,
// and it is settled at the end of the instant, when every load is final.
func (n *Network) evaluated(f *Flow, i int) {
	b := &f.dirs[i].books
	n.congEpoch++ // its path may have moved: settled before, it settles again
	if b.settleQueued || b.congFrac == 0 && n.congestedDirs == 0 {
		return
	}
	b.settleQueued = true
	n.congFlows = append(n.congFlows, dirRef{f, i})
}

// dirRef is one direction of a flow.
type dirRef struct {
	f *Flow
	i int
}

// settleCongested settles the flows crossing every queued link, and every queued flow
// direction, and reports the links that ran over capacity or fit again. It runs at
// the end of the instant's settling.
func (n *Network) settleCongested() {
	n.settleFloodLoads()
	// A flow direction crossing several links whose fractions changed is settled
	// once: while no load, path or delivery changes (congEpoch), settling it again
	// would find the fraction it has.
	n.congEpoch++
	for len(n.congQueue) > 0 {
		queue := n.congQueue
		n.congQueue = n.congSpare[:0]
		for i, l := range queue {
			queue[i] = nil
			l.congQueued = false
			was := l.isCongested()
			n.reportCongestion(l)
			if !l.fractionChanged() && was == l.isCongested() {
				// A flow was re-walked over its old path, or moved between the
				// directions' loads without changing them: the flows crossing l lose
				// what they lost.
				continue
			}
			if !was {
				n.indexCrossing(l)
			}
			for _, r := range l.crossing.items {
				if n.stamps[r.id] != r.stamp {
					continue
				}
				f := n.flowIDs[r.id]
				for j := range f.dirs {
					if fd := &f.dirs[j]; fd.books.congSettled != n.congEpoch && crosses(fd.path, l) {
						n.settleCongestion(f, fd)
						fd.books.congSettled = n.congEpoch
					}
				}
			}
			if !l.isCongested() {
				n.depItems -= len(l.crossing.items)
				l.crossing = depList{}
			}
		}
		n.congSpare = queue[:0]
	}
	for i, r := range n.congFlows {
		n.congFlows[i] = dirRef{}
		f, fd := r.f, &r.f.dirs[r.i]
		fd.books.settleQueued = false
		if fd.books.congSettled != n.congEpoch {
			n.settleCongestion(f, fd)
			fd.books.congSettled = n.congEpoch
		}
		if !f.active {
			continue
		}
		// The flow walked anew: it is found again on the links over capacity it now
		// crosses.
		ref := depRef{f.id, n.stamps[f.id]}
		for _, h := range fd.path {
			if l := h.link(n); l.isCongested() {
				l.crossing.add(n, ref)
			}
		}
	}
	n.congFlows = n.congFlows[:0]
}

// isCongested reports whether some direction of l is over capacity, as last settled.
func (l *Link) isCongested() bool { return l.congested[0] || l.congested[1] }

// indexCrossing finds the flows that cross l when it goes over capacity; from then on
// until it fits again, l.crossing keeps them (settleCongested registers the flows that
// walk onto it), so that a change of its load settles exactly the flows that lose
// there. A flow crossing l registered on both its ends when it walked over it
// (walker.send, walker.crossPeer), so the index of either end finds them all; the
// shorter has fewer flows that only looked.
func (n *Network) indexCrossing(l *Link) {
	// A flood registers on its bridges rather than their ports (bridge.floodDeps):
	// there the bridge's list holds the flows that may cross the port too.
	candidates := func(p *Port) [][]depRef {
		if p.dev.kind == kindSwitch && p.dev.br.bulk {
			return [][]depRef{p.deps.items, p.dev.br.floodDeps.items}
		}
		return [][]depRef{p.deps.items}
	}
	size := func(ls [][]depRef) int {
		k := 0
		for _, x := range ls {
			k += len(x)
		}
		return k
	}
	lists := candidates(l.ends[0])
	if other := candidates(l.ends[1]); size(other) < size(lists) {
		lists = other
	}
	for _, deps := range lists {
		n.indexCrossingOf(l, deps)
	}
}

func (n *Network) indexCrossingOf(l *Link, deps []depRef) {
	for _, r := range deps {
		if n.stamps[r.id] != r.stamp {
			continue
		}
		f := n.flowIDs[r.id]
		for j := range f.dirs {
			if crosses(f.dirs[j].path, l) {
				l.crossing.add(n, r)
				break
			}
		}
	}
}

// fractionChanged takes l's current loss fractions and reports whether either moved
// from the one its flows were last settled at. Changes below 1e-9 are left out: they
// come from adding and taking back the same rate in floating point, and would settle
// every flow on the link for nothing.
func (l *Link) fractionChanged() bool {
	changed := false
	for d := range 2 {
		if f := l.lossFraction(d); math.Abs(f-l.congFrac[d]) > 1e-9 {
			l.congFrac[d] = f
			changed = true
		}
	}
	return changed
}

// crosses reports whether a path crosses l in either direction.
func crosses(path []hop, l *Link) bool {
	for _, h := range path {
		if int(h>>1) == l.idx {
			return true
		}
	}
	return false
}

// reportCongestion reports each direction of l (the shared medium of a half-duplex
// link) that went over capacity or fits again.
func (n *Network) reportCongestion(l *Link) {
	dirs := 2
	if l.cfg.HalfDuplex {
		dirs = 1
	}
	for d := range dirs {
		over := l.overCapacity(d)
		if over == l.congested[d] {
			continue
		}
		l.congested[d] = over
		delta := 1
		if !over {
			delta = -1
		}
		n.congestedDirs += delta
		if b := l.leafBridge(); b != nil {
			b.congestedLeaves += delta
		}
		load := n.linkLoad(l, d)
		from := l.ends[d].name
		if l.cfg.HalfDuplex {
			load += n.linkLoad(l, 1-d)
			from = ""
		}
		n.record(LinkCongested{Link: l.name, From: from, Load: load, Capacity: l.cfg.Speed, Over: over})
	}
}

// LinkCongested is reported when the offered load on a link direction (on both
// directions of a half-duplex link) rises above what the link carries, and when it
// fits again. While it is over capacity, every flow crossing it loses the fraction
// (Load − Capacity)/Load of its packets there.
type LinkCongested struct {
	Link string
	From string // the port the direction leaves from; "" for a half-duplex link
	// Load is the offered load and Capacity the link's speed, in bits per second.
	Load, Capacity float64
	Over           bool
}

// Subject implements sim.Record.
func (r LinkCongested) Subject() string { return r.Link }

// String implements sim.Record.
func (r LinkCongested) String() string {
	dir := "from " + r.From
	if r.From == "" {
		dir = "(half duplex)"
	}
	if !r.Over {
		return fmt.Sprintf("load %s fits again: %s of %s", dir, bitRate(r.Load), bitRate(r.Capacity))
	}
	return fmt.Sprintf("over capacity %s: %s offered, %s carried, %.3f%% of the packets dropped",
		dir, bitRate(r.Load), bitRate(r.Capacity), 100*(1-r.Capacity/r.Load))
}

// bitRate prints a rate in bit/s with an SI prefix.
func bitRate(v float64) string {
	for _, u := range []struct {
		scale  float64
		prefix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.scale {
			return fmt.Sprintf("%.4g %sbit/s", v/u.scale, u.prefix)
		}
	}
	return fmt.Sprintf("%.4g bit/s", v)
}
