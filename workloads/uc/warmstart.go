package uc

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"dctwin/sim"
)

// warmupHoldings is how many mean holding times (of the group with the longest) the
// loss system runs before t = 0 to reach its busy-hour equilibrium from empty. dctwin's
// choice: without capacity limits the number in progress after t holding times is
// Poisson with mean A·(1 − e^(−t)) (M/G/∞), 0.005 % short of A after 10; with limits the
// test of the warm start checks the distribution at t = 0 against the truncated
// Poisson law of the Erlang loss system.
const warmupHoldings = 10

// maxWarmArrivals bounds the arrivals of one group in the run before t = 0, so that a
// group of short calls next to one of very long calls (a room booked for a day) does not
// make the warm start crawl: such a group starts later, though never later than
// warmupHoldings of its own holding times before t = 0. dctwin's guard: a busy hour of
// 100,000 phones at 0.11 erlang and 180 s needs about 110,000 arrivals for 30 min.
const maxWarmArrivals = 2_000_000

// warmCall is a call of the loss-system run before t = 0.
type warmCall struct {
	g                   *group
	from, to            string
	kind                Kind
	caller, callee, srv resource
	end                 float64 // departure time, s (negative: before t = 0)
	seq                 int     // arrival order
}

// warmStart puts the calls a stationary busy hour has in progress onto the network at
// Start, so that a short run (a lesson's two minutes) does not begin with an empty PBX.
//
// Which calls those are comes from running the loss system itself from empty over the
// warmupHoldings mean holding times before t = 0: Poisson arrivals of every group with
// its rate, routed by its mix from its own stream; each admitted or refused by the
// same rules as a live call (its caller's station, the PBX's channels, the callee's
// station, the server's channels; occupancy.admit), holding for an exponential time of
// the group's mean. The stationary state of such a loss network is the product-form
// (truncated Poisson) law whatever the holding-time distribution (insensitivity,
// reference-facts 9), so the exponential times of this run give the right calls for
// a lognormal group too. Simply drawing a Poisson number and leaving out what does not
// fit is not that law: it puts every overflowing draw on a full trunk and overstates
// the blocking of the first minutes.
//
// The calls in progress at t = 0 are then admitted on the live occupancy, answered at
// once and not counted as attempts. Each gets a fresh residual holding time U·L with U
// uniform on [0, 1) and L drawn length-biased (a call seen in progress is more likely a
// long one): for an exponential holding time that is again exponential with the same
// mean; for a lognormal (μ, σ) the length-biased law is lognormal (μ + σ², σ). In the
// stationary state of an insensitive loss network the residual times are independent of
// which calls are in progress.
func (m *Model) warmStart() {
	var loaded []*group
	var longest float64
	for _, g := range m.groups {
		if g.arrivalRate() > 0 {
			loaded = append(loaded, g)
			longest = max(longest, g.cfg.Holding.Seconds())
		}
	}
	if len(loaded) == 0 || longest <= 0 {
		return
	}
	occ := m.occ.empty()
	srcs := make([]*rand.Rand, len(loaded))
	next := make([]float64, len(loaded)) // next arrival of each group, s
	for i, g := range loaded {
		srcs[i] = m.s.Rand("uc/" + g.cfg.Name + "/warm")
		rate := g.arrivalRate()
		window := max(min(warmupHoldings*longest, maxWarmArrivals/rate), warmupHoldings*g.cfg.Holding.Seconds())
		next[i] = -window + srcs[i].ExpFloat64()/rate
	}
	var inProgress []*warmCall // departure heap
	seq := 0
	for {
		gi := 0
		for i := range next {
			if next[i] < next[gi] {
				gi = i
			}
		}
		now := next[gi]
		if len(inProgress) > 0 && inProgress[0].end < min(now, 0) {
			w := popWarm(&inProgress)
			occ.release(w.caller)
			occ.leave(w.g.pbx.channels, w.callee, w.srv)
			continue
		}
		if now >= 0 {
			break
		}
		g, src := loaded[gi], srcs[gi]
		next[gi] = now + src.ExpFloat64()/g.arrivalRate()
		from, kind, to := m.route(g, src.Float64(), src.Float64())
		hold := src.ExpFloat64() * g.cfg.Holding.Seconds()
		w := &warmCall{g: g, from: from, to: to, kind: kind, caller: m.station(from), callee: noResource,
			srv: noResource, end: now + hold, seq: seq}
		seq++
		if occ.stationBusy(w.caller, src.Float64()) {
			continue // the user is on the phone already
		}
		if kind == Internal {
			w.callee = m.station(to)
		} else {
			w.srv = m.serverFor(kind).channels
		}
		u := 1.0
		if w.callee != noResource {
			u = src.Float64()
		}
		if occ.admit(g.pbx.channels, w.callee, w.srv, u) != admitted {
			continue
		}
		occ.take(w.caller)
		pushWarm(&inProgress, w)
	}
	slices.SortFunc(inProgress, func(a, b *warmCall) int { return a.seq - b.seq })
	residual := make(map[*group]func() sim.Time)
	for i, g := range loaded {
		residual[g] = residualSampler(g, srcs[i])
	}
	for _, w := range inProgress {
		c := m.newCall(w.g, w.from, w.kind, w.to, residual[w.g]())
		c.warm = true
		m.tally.inProgressAtStart++
		c.admit()
	}
}

// residualSampler draws the residual holding time of a call found in progress.
func residualSampler(g *group, src *rand.Rand) func() sim.Time {
	mean := g.cfg.Holding.Seconds()
	if g.cfg.HoldingDist == Lognormal {
		sigma := g.cfg.HoldingSigma
		mu := math.Log(mean) - sigma*sigma/2
		l := distuv.LogNormal{Mu: mu + sigma*sigma, Sigma: sigma, Src: src}
		return func() sim.Time { return drawn(src.Float64() * l.Rand()) }
	}
	e := distuv.Exponential{Rate: 1 / mean, Src: src}
	return func() sim.Time { return drawn(e.Rand()) }
}

// pushWarm and popWarm keep calls in a binary min-heap by departure time.
func pushWarm(h *[]*warmCall, w *warmCall) {
	*h = append(*h, w)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p].end <= a[i].end {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func popWarm(h *[]*warmCall) *warmCall {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a[last] = nil
	a = a[:last]
	for i := 0; ; {
		l, r, small := 2*i+1, 2*i+2, i
		if l < len(a) && a[l].end < a[small].end {
			small = l
		}
		if r < len(a) && a[r].end < a[small].end {
			small = r
		}
		if small == i {
			break
		}
		a[i], a[small] = a[small], a[i]
		i = small
	}
	*h = a
	return top
}
