package uc

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"dctwin/sim"
)

// warmStart puts the calls a stationary busy hour has in progress onto the network at
// Start, so that a short run (a lesson's two minutes) does not begin with an empty
// PBX. The number of calls in progress in an infinite-server system with Poisson
// arrivals is Poisson with mean A = λ·mean holding (M/G/∞, whatever the holding
// distribution); where a capacity limit is full the excess calls are left out, which
// gives the truncated Poisson distribution of the loss system. A call in progress has
// a residual holding time U·L with U uniform on [0, 1) and L drawn length-biased (a
// call seen in progress is more likely a long one): for an exponential holding time
// that is again exponential with the same mean; for a lognormal (μ, σ) the
// length-biased law is lognormal (μ + σ², σ).
func (m *Model) warmStart(g *group) {
	rate := g.arrivalRate()
	if rate <= 0 {
		return
	}
	mean := g.cfg.Holding.Seconds()
	src := m.s.Rand("uc/" + g.cfg.Name + "/warm")
	n := int(distuv.Poisson{Lambda: rate * mean, Src: src}.Rand())
	residual := func() sim.Time {
		if g.cfg.HoldingDist == Lognormal {
			sigma := g.cfg.HoldingSigma
			mu := math.Log(mean) - sigma*sigma/2
			l := distuv.LogNormal{Mu: mu + sigma*sigma, Sigma: sigma, Src: src}.Rand()
			return drawn(src.Float64() * l)
		}
		return drawn(distuv.Exponential{Rate: 1 / mean, Src: src}.Rand())
	}
	for range n {
		from, kind, to := m.route(g, src.Float64(), src.Float64())
		holding := residual()
		var srv *server
		if kind != Internal {
			srv = m.serverFor(kind)
		}
		if full(g.pbx.channels) || (srv != nil && full(srv.channels)) {
			continue
		}
		c := m.place(g, from, kind, to, holding)
		if c.state == Ringing && m.cfg.PostDialDelay > 0 {
			// Calls in progress are past their post-dial delay already.
			c.answer()
		}
	}
}

// full reports whether a capacity limit has no free channel.
func full(r *sim.Resource) bool { return r != nil && r.InUse() >= r.Capacity() }
