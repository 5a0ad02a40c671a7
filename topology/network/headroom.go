package network

import "math"

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
