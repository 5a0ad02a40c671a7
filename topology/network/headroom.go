package network

import (
	"math"
	"slices"
)

// Headroom is the bandwidth a flow's forward path leaves for it, in bits per second:
// over the links it crosses, the least of a link's speed less what everything else
// offers in that direction (floods included; a half-duplex link shares its speed with
// the other direction). A bulk transfer that takes what the network gives (a live
// migration's memory copy) sends at it. speed is the speed of that link. Both are 0
// while the flow does not deliver.
func (f *Flow) Headroom() (free, speed float64) {
	if !f.Delivering() || len(f.dirs[0].path) == 0 {
		return 0, 0
	}
	n := f.n
	free = math.Inf(1)
	for _, h := range f.dirs[0].path {
		l, d := h.link(n), h.dir()
		load := n.linkLoad(l, d) - f.cfg.RateBps
		if l.cfg.HalfDuplex {
			load += n.linkLoad(l, 1-d)
		}
		if left := l.cfg.Speed - max(load, 0); left < free {
			free, speed = left, l.cfg.Speed
		}
	}
	return max(free, 0), speed
}

// FairShare is Headroom for a flow of a kind whose flows split a link evenly between
// them (bulk copies over TCP, such as live migrations' memory copies): on each link of
// its forward path, the link's speed less what flows other than it and its peers offer
// there, divided evenly among it and the peers that deliver across that link in the
// same direction (either direction on a half-duplex link); the least of these over
// the path, and that link's speed. Without peers it is Headroom. The split is equal
// on every link, not max-min fair: a peer held back elsewhere still counts for its
// share here (dctwin's simplification; the copies of one host's evacuation share one
// path, where the two agree). Both are 0 while the flow does not deliver.
func (f *Flow) FairShare(peers []*Flow) (share, speed float64) {
	if !f.Delivering() || len(f.dirs[0].path) == 0 {
		return 0, 0
	}
	n := f.n
	share = math.Inf(1)
	for _, h := range f.dirs[0].path {
		l, d := h.link(n), h.dir()
		same := func(x hop) bool { return x>>1 == h>>1 && (x.dir() == d || l.cfg.HalfDuplex) }
		load := n.linkLoad(l, d) - f.cfg.RateBps
		if l.cfg.HalfDuplex {
			load += n.linkLoad(l, 1-d)
		}
		sharers := 1.0
		for _, p := range peers {
			if p == f || p == nil {
				continue
			}
			for i := range p.dirs {
				for _, x := range p.dirs[i].all {
					if same(x) {
						load -= p.cfg.RateBps
					}
				}
			}
			if p.Delivering() && slices.ContainsFunc(p.dirs[0].path, same) {
				sharers++
			}
		}
		if left := (l.cfg.Speed - max(load, 0)) / sharers; left < share {
			share, speed = left, l.cfg.Speed
		}
	}
	return max(share, 0), speed
}
