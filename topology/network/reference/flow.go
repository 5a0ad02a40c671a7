package reference

import (
	"cmp"
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/topology"
)

// endpoint is where a flow direction starts or ends.
type endpoint struct {
	dev *device
	gw  *gateway
	pin *Port // a probe leaves through this member, its reply comes back to it
	ifc int   // a host's interface (index into device.ifaces)
}

// vlan is the VLAN of the endpoint's interface: a host's interface, a gateway's VLAN,
// or 0 for a switch (which answers in any VLAN it carries).
func (e endpoint) vlan() int {
	switch {
	case e.gw != nil:
		return e.gw.vlan
	case e.dev != nil && e.dev.kind == kindHost:
		return e.dev.ifaces[e.ifc].vlan
	}
	return 0
}

// flowDir is one direction's current evaluation.
type flowDir struct {
	from, to  endpoint
	delivered bool
	dup       bool
	flooded   bool     // delivered, but by flooding: some switch did not know the destination
	floodFrom sim.Time // since when flooded
	// floodedPkts counts the packets sent in earlier flooded spans.
	floodedPkts int64
	reason      loss
	path        []hop
	all         []hop
	held        []learnRef
	custom      func(*walker) // internal frames (VRRP adverts) walk themselves
	books       dirBooks      // outages, packets and congestion of this direction (direction.go)
}

// Flow is a data-plane flow. Its path, delivery state and delay follow the forwarding
// state; its outages are recorded as they happen.
type Flow struct {
	n    *Network
	cfg  FlowConfig
	hash uint32
	dirs []flowDir

	idx      int // position in Network.flowList
	active   bool
	internal bool
	onChange func(bool)

	id     int32 // in the dependency index (Network.flowIDs, Network.stamps)
	dirty  bool
	round  uint32
	evals  int
	deliv  bool
	seen   bool         // evaluated at least once
	outage []Interval   // the latest outages (see addOutage)
	folded OutageTotals // the older ones

	tracers []*packetTracer // packet tracing (TracePackets), one per direction

	startedAt sim.Time // last Start
}

// AddFlow adds a flow. Flows may be added while the simulation runs (a call starting).
func (n *Network) AddFlow(cfg FlowConfig) (*Flow, error) {
	if cfg.Name == "" {
		return nil, fmt.Errorf("flow without a name")
	}
	if _, ok := n.flows[cfg.Name]; ok {
		return nil, fmt.Errorf("flow %q already exists", cfg.Name)
	}
	if cfg.RateBps < 0 {
		return nil, fmt.Errorf("flow %q: negative rate", cfg.Name)
	}
	if cfg.PacketBytes <= 0 {
		cfg.PacketBytes = topology.DefaultPacketBytes
	}
	from, err := n.endpointIn(cfg.From, cfg.FromVLAN)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", cfg.Name, err)
	}
	to, err := n.endpointIn(cfg.To, cfg.ToVLAN)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", cfg.Name, err)
	}
	if from == to {
		return nil, fmt.Errorf("flow %q: from and to are both %q", cfg.Name, cfg.From)
	}
	f := n.newFlow(cfg, from, to, cfg.Bidirectional)
	f.internal = cfg.Quiet
	f.idx = len(n.flowList)
	n.flows[cfg.Name] = f
	n.flowList = append(n.flowList, f)
	if !cfg.Stopped {
		f.Start()
	}
	return f, nil
}

func (n *Network) newFlow(cfg FlowConfig, from, to endpoint, bidi bool) *Flow {
	f := &Flow{n: n, cfg: cfg, hash: hashName(cfg.Name)}
	n.flowID(f)
	f.dirs = append(f.dirs, flowDir{from: from, to: to})
	if bidi {
		back := endpoint{dev: to.dev, gw: to.gw, ifc: to.ifc}
		fwd := endpoint{dev: from.dev, gw: from.gw, pin: from.pin, ifc: from.ifc}
		f.dirs = append(f.dirs, flowDir{from: back, to: fwd})
	}
	n.initBooks(f)
	return f
}

func (n *Network) endpoint(name string) (endpoint, error) {
	if g, ok := n.gateways[name]; ok {
		return endpoint{gw: g}, nil
	}
	d, ok := n.devices[name]
	if !ok || d.kind == kindPassThrough {
		return endpoint{}, fmt.Errorf("unknown endpoint %q (a host, switch or gateway)", name)
	}
	return endpoint{dev: d}, nil
}

// endpointIn resolves an endpoint and, for a host, its interface in VLAN v (0: the
// primary one).
func (n *Network) endpointIn(name string, v int) (endpoint, error) {
	e, err := n.endpoint(name)
	if err != nil || v == 0 {
		return e, err
	}
	if e.dev == nil || e.dev.kind != kindHost {
		return e, fmt.Errorf("%q is not a host: it has no interface to choose by VLAN", name)
	}
	for i, fi := range e.dev.ifaces {
		if fi.vlan == v {
			e.ifc = i
			return e, nil
		}
	}
	return e, fmt.Errorf("host %q has no interface in VLAN %d", name, v)
}

// Name returns the flow's name.
func (f *Flow) Name() string { return f.cfg.Name }

// Config returns the flow's configuration.
func (f *Flow) Config() FlowConfig { return f.cfg }

// Start starts a stopped flow; its path is evaluated at the current instant.
func (f *Flow) Start() {
	if f.active {
		return
	}
	f.active = true
	f.seen = false
	f.startedAt = f.n.s.Now()
	if f.n.started {
		f.n.markDirty(f)
	}
}

// Stop stops the flow: it no longer loads links or refreshes MAC entries (which start
// to age), and an open outage is closed.
func (f *Flow) Stop() {
	if !f.active {
		return
	}
	n := f.n
	n.stamps[f.id]++
	for i := range f.dirs {
		fd := &f.dirs[i]
		n.addLoad(fd.all, -f.cfg.RateBps)
		for _, r := range fd.held {
			r.e.b.release(r)
		}
		fd.all, fd.held, fd.path = fd.all[:0], fd.held[:0], fd.path[:0]
		fd.delivered = false
		f.setFlooded(fd, false)
		n.settleCongestion(f, fd)
		n.stopBooks(f, i)
	}
	f.active = false
	if k := len(f.outage); k > 0 && f.outage[k-1].End == sim.Never {
		f.outage[k-1].End = n.s.Now() // the outage ends with the flow, unrestored
	}
	f.deliv = false
}

// RemoveFlow stops a flow and forgets it, so that short-lived flows (calls) do not
// accumulate.
func (n *Network) RemoveFlow(name string) {
	f := n.flows[name]
	if f == nil {
		return
	}
	f.Stop()
	n.freeFlowID(f)
	delete(n.flows, name)
	last := len(n.flowList) - 1
	n.flowList[f.idx] = n.flowList[last]
	n.flowList[f.idx].idx = f.idx
	n.flowList[last] = nil
	n.flowList = n.flowList[:last]
}

// Active reports whether the flow runs.
func (f *Flow) Active() bool { return f.active }

// OnChange registers fn to be called at the simulated instant the flow stops or
// resumes delivering (with the new state), replacing any earlier function.
func (f *Flow) OnChange(fn func(delivering bool)) { f.onChange = fn }

// Delivering reports whether the flow's packets currently arrive (every direction).
func (f *Flow) Delivering() bool { return f.active && f.deliv }

// Duplicated reports whether the flow's packets currently arrive more than once
// (flooding in a loop without spanning tree).
func (f *Flow) Duplicated() bool {
	for i := range f.dirs {
		if f.dirs[i].dup {
			return true
		}
	}
	return false
}

// Reason says where the flow's packets are lost ("" while delivering).
func (f *Flow) Reason() string {
	for i := range f.dirs {
		if !f.dirs[i].delivered {
			return f.dirs[i].reason.format(f.n)
		}
	}
	return ""
}

// Outages returns the intervals in which the flow did not deliver (some direction did
// not), at most the last 2·MaxOutageIntervals (OutageTotals counts them all); the last
// one has End sim.Never while it lasts. Direction(i).Outages has each direction's own.
func (f *Flow) Outages() []Interval { return f.outage }

// Lost returns the packets lost in outages so far, of all directions together, each
// direction counting the packets it sent inside its own outages.
func (f *Flow) Lost() int64 {
	var lost int64
	for i := range f.dirs {
		lost += f.Direction(i).Lost()
	}
	return lost
}

// Delivered returns the packets delivered so far, of all directions together.
func (f *Flow) Delivered() int64 {
	var got int64
	for i := range f.dirs {
		got += f.Direction(i).Delivered()
	}
	return got
}

// FloodedPackets returns the packets delivered so far by flooding (all directions):
// those sent while a switch on the way had no MAC entry for the destination, so that
// every port of the domain got a copy. A receiver whose entries have aged out (it
// only receives) costs this until it sends again.
func (f *Flow) FloodedPackets() int64 {
	var k int64
	for i := range f.dirs {
		k += f.Direction(i).Flooded()
	}
	return k
}

// setFlooded notes whether direction fd is delivered by flooding from now on.
func (f *Flow) setFlooded(fd *flowDir, flooded bool) {
	if flooded == fd.flooded {
		return
	}
	now := f.n.s.Now()
	if flooded {
		fd.floodFrom = now
	} else {
		fd.floodedPkts += fd.books.clock.count(fd.floodFrom, now)
	}
	fd.flooded = flooded
}

// Path returns the element names of the forward direction's delivery path: for each
// link crossed, the sending port, the link and the receiving port.
func (f *Flow) Path() []string { return f.n.pathNames(f.dirs[0].path) }

// ReversePath returns the reverse direction's path of a bidirectional flow.
func (f *Flow) ReversePath() []string {
	if len(f.dirs) < 2 {
		return nil
	}
	return f.n.pathNames(f.dirs[1].path)
}

func (n *Network) pathNames(hs []hop) []string {
	out := make([]string, 0, 3*len(hs))
	for _, h := range hs {
		l, d := h.link(n), h.dir()
		out = append(out, l.ends[d].name, l.name, l.ends[1-d].name)
	}
	return out
}

// Delay returns the forward direction's one-way delay: per link, propagation plus
// serialization plus M/M/1 waiting time ρ/(1-ρ)·service time from the load of all
// flows on that link direction (ρ capped at 0.99); per switch crossed, its forwarding
// latency; and the delays of the two end systems (FromDelay, ToDelay). A flow that does not deliver has
// no delay (0).
func (f *Flow) Delay() sim.Time { return f.n.delay(f, &f.dirs[0]) }

// ReverseDelay returns the reverse direction's one-way delay.
func (f *Flow) ReverseDelay() sim.Time {
	if len(f.dirs) < 2 {
		return 0
	}
	return f.n.delay(f, &f.dirs[1])
}

func (n *Network) delay(f *Flow, fd *flowDir) sim.Time {
	if len(fd.path) == 0 {
		return 0
	}
	d := f.cfg.FromDelay + f.cfg.ToDelay
	bits := float64(8 * f.cfg.PacketBytes)
	var queued float64
	for _, h := range fd.path {
		l := h.link(n)
		// Store and forward: every hop receives the whole frame before sending it on,
		// so each link adds the frame's serialization at its own speed.
		service := bits / l.cfg.Speed
		rho := l.utilization(h.dir())
		if rho > 0.99 {
			rho = 0.99
		}
		queued += service + rho/(1-rho)*service
		d += l.cfg.Latency
		if rx := l.ends[1-h.dir()].dev; rx.kind == kindSwitch {
			d += rx.cfg.Latency
		}
	}
	return d + sim.Seconds(queued)
}

// utilization is the offered load on l in direction dir over its capacity; a
// half-duplex link shares its capacity between both directions.
func (l *Link) utilization(dir int) float64 {
	load := l.load[dir]
	if l.cfg.HalfDuplex {
		load += l.load[1-dir]
	}
	return load / l.cfg.Speed
}

// Load returns the offered load on a link in the direction from the named end port
// (bits per second).
func (n *Network) Load(link, from string) float64 {
	l := n.links[link]
	if l == nil {
		return 0
	}
	for d, p := range l.ends {
		if p.name == from || p.dev.name == from {
			return l.load[d]
		}
	}
	return 0
}

func (n *Network) addLoad(hs []hop, rate float64) {
	if rate == 0 {
		return
	}
	for _, h := range hs {
		l, d := h.link(n), h.dir()
		load := &l.load[d]
		before := *load
		*load += rate
		if *load < 1e-6 {
			*load = 0
		}
		// A change while over capacity (before or after) changes what the link drops.
		after := *load
		if l.cfg.HalfDuplex {
			before, after = before+l.load[1-d], after+l.load[1-d]
		}
		if before > l.cfg.Speed || after > l.cfg.Speed {
			n.loadChanged(l)
		}
	}
}

func (n *Network) markDirty(f *Flow) {
	if f.dirty || !f.active || !n.started {
		return
	}
	f.dirty = true
	n.dirty = append(n.dirty, f)
	if !n.settling && !n.settle.Armed() {
		n.settle.Reset(0)
	}
}

// runSettle re-evaluates dirty flows until none is left; it runs late in the instant,
// after every state change of that instant.
func (n *Network) runSettle() {
	n.settling = true
	defer func() { n.settling = false }()
	n.round++
	n.sendFrames()
	for len(n.dirty) > 0 || len(n.holdQueue) > 0 {
		if len(n.dirty) == 0 {
			n.settleHolds()
			continue
		}
		batch := n.dirty
		n.dirty = n.spare[:0]
		// The flows of a batch are walked in the order of their ids, not in the
		// order they were marked dirty in: that follows the dependency lists, whose
		// order is an accident of which walks registered last, and a network that
		// skips a walk which cannot change (a flood past a host port) must not
		// change the order of the walks that follow.
		slices.SortFunc(batch, func(a, b *Flow) int { return cmp.Compare(a.id, b.id) })
		for i, f := range batch {
			batch[i] = nil
			f.dirty = false
			if !f.active {
				continue
			}
			if f.round != n.round {
				f.round, f.evals = n.round, 0
			}
			f.evals++
			if f.evals > n.opt.SettleLimit {
				continue
			}
			n.evaluate(f)
		}
		n.spare = batch[:0]
		n.sendFrames()
	}
	n.settleCongested()
	n.maybeSweep()
}

// evaluate walks every direction of f through the current forwarding state.
func (n *Network) evaluate(f *Flow) {
	n.evals++
	n.stamps[f.id]++
	w := &n.w
	ok := true
	first := !f.seen
	for i := range f.dirs {
		fd := &f.dirs[i]
		// The flow's old holds go before it walks again, so that its own traffic is not
		// taken for another flow's teaching the same MAC elsewhere (flap.go); the
		// entries nobody holds after the walk start to age.
		released := n.released[:0]
		for _, r := range fd.held {
			if r.e.b.unhold(r) {
				released = append(released, r.e)
			}
		}
		w.reset(f, f.hash)
		w.walk(fd)
		// A flow re-walked over the links it crossed before (one still flooding, say,
		// re-walked because a port it looked at changed) leaves every load as it was.
		if !slices.Equal(fd.all, w.all) {
			n.addLoad(fd.all, -f.cfg.RateBps)
			n.addLoad(w.all, f.cfg.RateBps)
			fd.all = keep(fd.all, w.all)
		}
		fd.path = keep(fd.path, w.path)
		for _, e := range released {
			e.b.startAging(e)
		}
		n.released = released[:0]
		fd.held = keep(fd.held, w.held)
		fd.delivered, fd.dup, fd.reason = w.done, w.dup, w.reason
		f.setFlooded(fd, w.done && w.byFlood)
		if !w.done {
			ok = false
			if fd.reason == (loss{}) {
				fd.reason = loss{what: "flooded, no copy reached the destination"}
			}
		}
	}
	for i := range f.dirs {
		fd := &f.dirs[i]
		n.setDirDelivering(f, i, fd.delivered, first)
		n.evaluated(f, i)
	}
	n.setDelivering(f, ok)
}

// keep copies a walk's result into a flow's slice, reusing its array. A flooded walk's
// result is thousands of hops long; once the flow has learned its path again the
// array is given back instead of being kept for every flow that ever flooded, and an
// array that must grow is allocated at the exact size (a flood repeats its length).
func keep[T any](dst, src []T) []T {
	if cap(dst) < len(src) || cap(dst) > 4*len(src)+16 {
		if len(src) == 0 {
			return nil
		}
		dst = make([]T, len(src))
	}
	dst = dst[:len(src)]
	copy(dst, src)
	return dst
}

// setDelivering records the whole flow's delivery state (every direction delivering)
// and tells the flow's owner; each direction's own outages and records are
// setDirDelivering's.
func (n *Network) setDelivering(f *Flow, ok bool) {
	if f.seen && ok == f.deliv {
		return
	}
	first := !f.seen
	f.seen = true
	f.deliv = ok
	now := n.s.Now()
	if ok {
		if k := len(f.outage); !first && k > 0 && f.outage[k-1].End == sim.Never {
			f.outage[k-1].End = now
		}
	} else {
		f.addOutage(Interval{Start: now, End: sim.Never})
	}
	if f.onChange != nil {
		f.onChange(ok)
	}
}

// Evaluations returns how many flow evaluations (path walks of all directions of one
// flow) the network has made: the data-plane cost of what happened.
func (n *Network) Evaluations() uint64 { return n.evals }

// walk evaluates one direction.
func (w *walker) walk(fd *flowDir) {
	if fd.custom != nil {
		fd.custom(w)
		return
	}
	from, to := fd.from, fd.to
	switch {
	case to.gw != nil:
		w.fr.dst = to.gw.vmac
		w.fr.gw = to.gw
		w.dep(&to.gw.deps)
	case to.pin != nil:
		w.fr.dst = to.pin.sendMAC() // a probe reply, to the MAC the probe came from
		w.dep(&to.dev.team.deps)
	default:
		w.fr.dst = to.dev.mac
	}
	if from.gw != nil {
		// From a gateway: its master answers with the virtual MAC, in its VLAN.
		g := from.gw
		w.dep(&g.deps)
		m := g.master()
		if m == nil {
			w.lose(g.name, " has no master", 0)
			return
		}
		w.fr.src, w.fr.vlan = g.vmac, g.vlan
		w.fromSwitch(m)
		return
	}
	d := from.dev
	w.fr.src = d.mac
	if from.pin != nil {
		w.fr.src = from.pin.sendMAC()
	}
	if d.kind == kindSwitch {
		// A switch speaks in the VLAN of the other end (its interface there).
		w.fr.vlan = to.vlan()
		if w.fr.vlan == 0 {
			w.fr.vlan = DefaultVLAN
		}
		w.fromSwitch(d)
		return
	}
	fi := d.ifaces[from.ifc]
	w.fr.vlan = fi.vlan
	if to.dev != nil && to.dev.kind == kindHost && to.pin == nil {
		ti := to.dev.ifaces[to.ifc]
		if g := w.n.routeVia(fi, ti); g != nil {
			w.fr.routeTo = to.dev.mac
			w.fr.routeIn = ti.vlan
			w.fr.dst = g.vmac
			w.fr.gw = g
			w.dep(&g.deps)
		}
	}
	w.fromHost(d, from.pin)
}

// routeVia returns the gateway that routes from interface a to interface b, or nil
// when they share a subnet.
func (n *Network) routeVia(a, b iface) *gateway {
	if a.subnet == "" || b.subnet == "" || a.subnet == b.subnet {
		return nil
	}
	return n.gateways[a.gateway]
}
