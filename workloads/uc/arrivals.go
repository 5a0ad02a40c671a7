package uc

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"dctwin/sim"
)

// arrivalRate is the group's call arrival rate in calls per second: BHCA per station
// times stations over an hour, or offered erlangs over the mean holding time
// (A = λ/μ, BHCA = A·3600/MHT, reference-facts 9).
func (g *group) arrivalRate() float64 {
	n := float64(len(g.cfg.Endpoints)) * float64(max(g.cfg.Stations, 1))
	switch {
	case g.cfg.BHCA > 0:
		return g.cfg.BHCA * n / 3600
	case g.cfg.Erlangs > 0 && g.cfg.Holding > 0:
		return g.cfg.Erlangs * n / g.cfg.Holding.Seconds()
	}
	return 0
}

// offeredErlangs is the traffic the group offers, A = λ·mean holding.
func (g *group) offeredErlangs() float64 {
	return g.arrivalRate() * g.cfg.Holding.Seconds()
}

// startArrivals starts the group's Poisson call arrivals: exponential times between
// them, each from a uniformly chosen station of the group, to a destination drawn by the
// group's mix, holding for a time drawn from the group's distribution. An arrival whose
// station is in a call is no attempt: its user is on the phone (with one station per
// endpoint and a few endpoints, that makes the group an Engset rather than an Erlang
// source). Each group draws from its own named streams, so adding a group leaves the
// others' calls unchanged.
func (m *Model) startArrivals(g *group) {
	rate := g.arrivalRate()
	if rate <= 0 {
		return
	}
	prefix := "uc/" + g.cfg.Name + "/"
	gap := distuv.Exponential{Rate: rate, Src: m.s.Rand(prefix + "arrivals")}
	route := m.s.Rand(prefix + "route")
	holding := m.holdingSampler(g, prefix+"holding")
	g.arrivals = m.s.NewTimer(func() {
		from, kind, to := m.route(g, route.Float64(), route.Float64())
		h := holding()
		if !m.occ.stationBusy(m.station(from), g.pick.Float64()) {
			m.place(g, from, kind, to, h)
		}
		g.arrivals.Reset(drawn(gap.Rand()))
	})
	g.arrivals.Reset(drawn(gap.Rand()))
}

// holdingSampler returns the group's holding-time draw: exponential with the mean
// holding time, or lognormal with the same mean and shape σ (μ = ln mean − σ²/2).
func (m *Model) holdingSampler(g *group, stream string) func() sim.Time {
	mean := g.cfg.Holding.Seconds()
	src := m.s.Rand(stream)
	if g.cfg.HoldingDist == Lognormal {
		sigma := g.cfg.HoldingSigma
		d := distuv.LogNormal{Mu: math.Log(mean) - sigma*sigma/2, Sigma: sigma, Src: src}
		return func() sim.Time { return drawn(d.Rand()) }
	}
	if mean <= 0 {
		return func() sim.Time { return 0 }
	}
	d := distuv.Exponential{Rate: 1 / mean, Src: src}
	return func() sim.Time { return drawn(d.Rand()) }
}

// route picks the caller and the destination of a random call from two uniform
// numbers: u chooses the destination by the mix, v the endpoints.
func (m *Model) route(g *group, u, v float64) (from string, kind Kind, to string) {
	eps := g.cfg.Endpoints
	mix := g.cfg.Mix
	total := mix.Internal + mix.OtherGroup + mix.Trunk + mix.Voicemail + mix.Conference
	u *= total
	// v picks the caller; what is left of it picks the callee, so one draw serves both.
	v *= float64(len(eps))
	ci := min(int(v), len(eps)-1)
	from, v = eps[ci], v-float64(ci)
	switch {
	case u < mix.Internal:
		j := min(int(v*float64(len(eps)-1)), len(eps)-2)
		if j >= ci {
			j++
		}
		return from, Internal, eps[j]
	case u < mix.Internal+mix.OtherGroup:
		return from, Internal, m.otherEndpoint(g, v)
	case u < mix.Internal+mix.OtherGroup+mix.Trunk:
		return from, Trunk, ""
	case u < mix.Internal+mix.OtherGroup+mix.Trunk+mix.Voicemail:
		return from, VoicemailCall, ""
	}
	return from, ConferenceCall, ""
}

// otherEndpoint picks an endpoint of the other groups, uniformly over all of them, by
// the uniform number v.
func (m *Model) otherEndpoint(g *group, v float64) string {
	n := 0
	for _, o := range m.groups {
		if o != g {
			n += len(o.cfg.Endpoints)
		}
	}
	k := min(int(v*float64(n)), n-1)
	for _, o := range m.groups {
		if o == g {
			continue
		}
		if k < len(o.cfg.Endpoints) {
			return o.cfg.Endpoints[k]
		}
		k -= len(o.cfg.Endpoints)
	}
	return g.cfg.Endpoints[0] // not reached: validate demands another group
}

// maxDrawn bounds a drawn duration: a century, far beyond any run, and far inside
// sim.Time's range, which a heavy-tailed draw (a lognormal with a large σ) could leave.
const maxDrawn = 100 * 365 * 24 * sim.Hour

// drawn converts a random duration in seconds to sim.Time, clamped to [0, maxDrawn].
func drawn(seconds float64) sim.Time {
	if !(seconds > 0) {
		return 0
	}
	if seconds >= maxDrawn.Seconds() {
		return maxDrawn
	}
	return sim.Seconds(seconds)
}
