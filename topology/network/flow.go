package network

import (
	"cmp"
	"fmt"
	"slices"

	"dctwin/sim"
	"dctwin/topology"
)

// FlowConfig describes a data-plane flow between two endpoints (hosts, switches, or
// gateways by name).
type FlowConfig struct {
	Name     string
	From, To string
	// RateBps is the offered load in bits per second; it loads every link the flow
	// crosses and so adds queueing delay for all flows there.
	RateBps float64
	// PacketBytes is the packet size; it sets serialization delay and packet counts.
	// Zero means topology.DefaultPacketBytes.
	PacketBytes int
	// Bidirectional adds the reverse direction; the flow delivers only while both do.
	Bidirectional bool
	// Stopped creates the flow without starting it (Start starts it).
	Stopped bool
	// FromDelay and ToDelay are added at the ends of the path: the forwarding latency
	// of a virtual switch between a VM and its host's NICs (zero for a physical server).
	FromDelay, ToDelay sim.Time
	// FromName and ToName name the ends in the directions' names ("client-1 → srv-1")
	// when they are not From and To: a VM whose traffic its host's NICs carry.
	FromName, ToName string
	// Quiet keeps the flow out of the trace (no FlowDown/FlowUp records): for flows a
	// model follows through OnChange, such as signalling and media streams of calls,
	// which a failover report would otherwise list by the hundred.
	Quiet bool
	// Passive makes the flow an observer: it follows the forwarding state like any
	// flow but teaches the switches nothing and holds no MAC entries, so measuring
	// with it (a reachability probe) does not change what it measures. Give it no rate.
	Passive bool
	// FromVLAN and ToVLAN choose the interface of a host end by its VLAN (a VM on a
	// hypervisor, in its port group's VLAN); zero means the host's primary interface.
	FromVLAN, ToVLAN int
	// Resolve has the destination of each direction answer the sender's ARP request
	// when the flow starts, before its first packet (resolve), as a callee's phone
	// does before the caller sends a call's media. Flows present from the start need
	// none: hosts announce themselves when their interfaces come up.
	Resolve bool
}

// Interval is a span of simulated time; End is sim.Never while it is still open.
type Interval struct {
	Start, End sim.Time
}

// Duration returns the length of a closed interval, or the time from Start to now for
// an open one.
func (iv Interval) Duration(now sim.Time) sim.Time {
	if iv.End == sim.Never {
		return now - iv.Start
	}
	return iv.End - iv.Start
}

// Flow is a data-plane flow. Its path, delivery state and delay follow the forwarding
// state; its outages are recorded as they happen.
type Flow struct {
	n    *Network
	cfg  FlowConfig
	hash uint32
	dirs []flowDir

	id    int32 // in the dependency index (Network.flowIDs, Network.stamps)
	round uint32
	evals int
	idx   int // position in Network.flowList

	onChange func(bool)
	onPath   func()

	// (the flags together: a flow fits 320 bytes)
	active   bool
	internal bool
	dirty    bool
	deliv    bool
	seen     bool         // evaluated at least once
	removed  bool         // RemoveFlow forgot it
	outage   []Interval   // the latest outages (see addOutage)
	folded   OutageTotals // the older ones

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
	if !bidi {
		f.dirs = []flowDir{{from: from, to: to}}
	} else {
		back := endpoint{dev: to.dev, gw: to.gw, ifc: to.ifc}
		fwd := endpoint{dev: from.dev, gw: from.gw, pin: from.pin, ifc: from.ifc}
		f.dirs = []flowDir{{from: from, to: to}, {from: back, to: fwd}}
	}
	n.initBooks(f)
	return f
}

// Name returns the flow's name.
func (f *Flow) Name() string { return f.cfg.Name }

// Config returns the flow's configuration.
func (f *Flow) Config() FlowConfig { return f.cfg }

// Start starts a stopped flow; its path is evaluated at the current instant. A
// removed flow stays stopped.
func (f *Flow) Start() {
	if f.active || f.removed {
		return
	}
	f.active = true
	f.seen = false
	f.startedAt = f.n.s.Now()
	if f.n.started {
		if f.cfg.Resolve && !f.cfg.Passive {
			for i := range f.dirs {
				f.n.resolve(&f.dirs[i])
			}
		}
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
		n.addFloodLoad(fd.segs, -f.cfg.RateBps)
		for _, r := range fd.held {
			r.e.b.release(r)
		}
		fd.all, fd.held, fd.path, fd.segs = fd.all[:0], fd.held[:0], fd.path[:0], fd.segs[:0]
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
	f.removed = true
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

// OnPathChange registers fn to be called at the simulated instant an evaluation moves
// the path of one of the flow's directions (its delay changes with it), replacing any
// earlier function. Changes of the load on an unchanged path are not reported.
func (f *Flow) OnPathChange(fn func()) { f.onPath = fn }

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
	if !fd.delivered {
		return 0
	}
	d := f.cfg.FromDelay + f.cfg.ToDelay
	// A VM's frames cross its host's virtual switch; between two VMs of one host only
	// that one.
	if len(fd.path) == 0 {
		return d + max(fd.from.vswLatency(), fd.to.vswLatency())
	}
	d += fd.from.vswLatency() + fd.to.vswLatency() + fd.latency
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
	}
	return d + sim.Seconds(queued)
}

// pathLatency is the fixed part of a path's delay: the links' propagation and the
// receiving switches' forwarding latency (delay adds what the load makes of it).
func (n *Network) pathLatency(hs []hop) sim.Time {
	var d sim.Time
	for _, h := range hs {
		l := h.link(n)
		d += l.cfg.Latency
		if rx := l.ends[1-h.dir()].dev; rx.kind == kindSwitch {
			d += rx.cfg.Latency
		}
	}
	return d
}

// utilization is the offered load on l in direction dir over its capacity; a
// half-duplex link shares its capacity between both directions.
func (l *Link) utilization(dir int) float64 {
	n := l.ends[0].dev.n
	load := n.linkLoad(l, dir)
	if l.cfg.HalfDuplex {
		load += n.linkLoad(l, 1-dir)
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
			return n.linkLoad(l, d)
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
		flood := 0.0
		if p := l.ends[d]; p.leaf {
			flood = n.floodOn(p, false)
		}
		before := *load + flood
		*load += rate
		if *load < 1e-6 {
			*load = 0
		}
		// A change while over capacity (before or after) changes what the link drops.
		after := *load + flood
		if l.cfg.HalfDuplex {
			other := n.linkLoad(l, 1-d)
			before, after = before+other, after+other
		}
		if before > l.cfg.Speed || after > l.cfg.Speed {
			n.loadChanged(l)
		}
		if p := l.ends[d]; p.leaf || l.cfg.HalfDuplex && l.ends[1-d].leaf {
			if !p.leaf {
				p = l.ends[1-d]
			}
			b, out := p.dev.br, l.explicitOut(p.end)
			b.leafMax = max(b.leafMax, out)
			g := &b.leafGroups[p.group]
			g.max = max(g.max, out)
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
	n.maybeForget()
}

// evaluate walks every direction of f through the current forwarding state.
func (n *Network) evaluate(f *Flow) {
	n.evals++
	n.stamps[f.id]++
	w := &n.w
	ok := true
	first := !f.seen
	moved := false
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
		w.unindexEager()
		// A flow re-walked over the links it crossed before (one still flooding, say,
		// re-walked because a port it looked at changed) leaves every load as it was.
		if !slices.Equal(fd.all, w.all) {
			n.addLoad(fd.all, -f.cfg.RateBps)
			n.addLoad(w.all, f.cfg.RateBps)
			fd.all = keep(fd.all, w.all)
		}
		if !slices.Equal(fd.segs, w.segs) {
			n.addFloodLoad(fd.segs, -f.cfg.RateBps)
			n.addFloodLoad(w.segs, f.cfg.RateBps)
			fd.segs = keep(fd.segs, w.segs)
		}
		if !slices.Equal(fd.path, w.path) {
			moved = true
			fd.path = keep(fd.path, w.path)
			fd.latency = n.pathLatency(fd.path)
		}
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
	if moved && !first && f.onPath != nil {
		f.onPath()
	}
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
