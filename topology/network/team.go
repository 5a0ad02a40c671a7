package network

import (
	"fmt"
	"slices"
	"strings"

	"dctwin/sim"
	"dctwin/topology"
)

// LACPRate is the LACPDU rate a team asks its partner for.
type LACPRate string

// LACP rates: the partner is timed out after three missed LACPDUs, 3 s fast or 90 s
// slow (reference-facts §5). Slow is the default.
const (
	LACPSlow LACPRate = "slow" // LACPDUs every 30 s, timeout 90 s
	LACPFast LACPRate = "fast" // LACPDUs every 1 s, timeout 3 s
)

// TeamConfig describes a host's NIC team. Counts are taken literally (0 gratuitous
// ARPs means none); zero timers take the documented defaults of the team's flavour
// (topology/defaults.go).
type TeamConfig struct {
	// Mode is NFT, TLB, SLB or LACP (topology.TeamMode). Default NFT.
	Mode topology.TeamMode
	// Flavour is whose driver the team follows (default topology.DefaultTeamFlavour):
	// it sets the heartbeat defaults, Linux's extra missed probe for backups, and that
	// Linux fails back to the primary only, never to another member.
	Flavour topology.TeamFlavour
	// Members are the host's ports ("eth0" or "host:eth0") in preference order.
	Members []string
	// Primary is the preferred member (default the first).
	Primary string
	// Failback makes a returning preferred member active again (NFT with preference
	// order, Linux primary_reselect, VMware failback); without it the team stays where
	// it is. topology.TeamFlavour.FailsBack says what each vendor does.
	Failback bool
	// Reselect refines Failback as Linux's primary_reselect: "" or always, better (only
	// to a primary whose link is faster than the active member's) or failure (never
	// while the active member works).
	Reselect topology.Reselect
	// Detection is how members are judged: carrier (default), miimon, heartbeat or
	// beacon (beacon.go). Heartbeat and beacon also react to carrier loss, as HP teams
	// and VMware's beacon probing ("in addition to link status") do.
	Detection topology.Detection
	// MIIMonInterval is the miimon poll period (default 100 ms, reference-facts §4.1).
	MIIMonInterval sim.Time
	// PollPhase is the offset of the miimon polls in (0, interval]; zero draws it from
	// the team's random stream.
	PollPhase sim.Time
	// UpDelay is how long a returning member must stay up before it is used again;
	// DownDelay how long a miimon-detected loss must last. Linux rounds both down to
	// multiples of the miimon interval (reference-facts §4.1).
	UpDelay, DownDelay sim.Time
	// HeartbeatInterval is the probe (or beacon) period (default per flavour: hp 3 s,
	// linux 1 s, vmware 1 s; beacons 1 s).
	HeartbeatInterval sim.Time
	// HeartbeatMissed is how many intervals without a reply fail the active member
	// (default per flavour: hp 3, linux arp_missed_max 2, vmware 3); Linux backups may
	// miss one more.
	HeartbeatMissed int
	// HeartbeatTarget is the host, switch or gateway the probes go to.
	HeartbeatTarget string
	// HeartbeatPhase is the offset of probe rounds in (0, interval]; zero draws it.
	HeartbeatPhase sim.Time
	// GratuitousARPs is how many announcements follow a switchover (may be 0).
	GratuitousARPs int
	// GARPInterval spaces the announcements (default the miimon interval, Linux
	// peer_notif_delay).
	GARPInterval sim.Time
	// LACPRate is the LACPDU rate for LACP teams (default slow).
	LACPRate LACPRate
	// LACPPhase is when, within a period, both ends send their LACPDUs; zero draws a
	// phase per end.
	LACPPhase sim.Time
}

// team is a host's NIC team at runtime.
type team struct {
	n       *Network
	host    *device
	cfg     TeamConfig
	members []*member
	active  *member
	deps    depList
	hbPhase sim.Time
	pollPh  sim.Time
	target  endpoint
	vsw     *vswitch // the virtual switch whose uplinks the members are
	beacons *beacons // beacon probing (beacon.go)
	// An LACP team whose members reach several switches has aggs aggregators and uses
	// activeAgg (lacp.go).
	aggs      int
	activeAgg int
}

// member is one NIC of a team.
type member struct {
	t      *team
	port   *Port
	up     bool // the team uses it
	linkOK bool // link state as the detection mechanism last judged it
	polls  int
	poll   *sim.Timer
	upWait *sim.Timer
	upMech Mechanism // what noticed the member healthy, reported when upWait fires

	probe   *Flow
	hbDown  bool
	hbTimer *sim.Timer

	lacpDown bool
	agg      int // the member's aggregator in an LACP team (lacp.go); -1 without a switch
}

// AddTeam bonds a host's NICs into a team.
func (n *Network) AddTeam(host string, cfg TeamConfig) error {
	if err := n.checkBuilding("team " + host); err != nil {
		return err
	}
	d, ok := n.devices[host]
	if !ok || d.kind != kindHost {
		return fmt.Errorf("team: unknown host %q", host)
	}
	if d.team != nil {
		return fmt.Errorf("team: host %q already has a team", host)
	}
	if cfg.Mode == "" {
		cfg.Mode = topology.NFT
	}
	mode, err := topology.ParseTeamMode(string(cfg.Mode))
	if err != nil {
		return fmt.Errorf("team %s: %w", host, err)
	}
	cfg.Mode = mode
	if cfg.Detection == "" {
		cfg.Detection = topology.Carrier
	}
	det, err := topology.ParseDetection(string(cfg.Detection))
	if err != nil {
		return fmt.Errorf("team %s: %w", host, err)
	}
	cfg.Detection = det
	if len(cfg.Members) == 0 {
		return fmt.Errorf("team %s: no members", host)
	}
	if cfg.Flavour == "" {
		cfg.Flavour = topology.DefaultTeamFlavour
	}
	flavour, err := topology.ParseTeamFlavour(string(cfg.Flavour))
	if err != nil {
		return fmt.Errorf("team %s: %w", host, err)
	}
	cfg.Flavour = flavour
	if cfg.Reselect != "" {
		if _, err := topology.ParseReselect(string(cfg.Reselect)); err != nil {
			return fmt.Errorf("team %s: %w", host, err)
		}
	}
	if cfg.MIIMonInterval <= 0 {
		cfg.MIIMonInterval = sim.Time(topology.DefaultMIIMonInterval)
	}
	hbInterval, hbMissed := flavour.HeartbeatDefaults()
	if cfg.Detection == topology.Beacon {
		hbInterval, hbMissed = topology.FlavourVMware.HeartbeatDefaults()
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = sim.Time(hbInterval)
	}
	if cfg.HeartbeatMissed <= 0 {
		cfg.HeartbeatMissed = hbMissed
	}
	if cfg.GARPInterval <= 0 {
		cfg.GARPInterval = cfg.MIIMonInterval
	}
	if cfg.LACPRate == "" {
		cfg.LACPRate = LACPSlow
	}
	if cfg.LACPRate != LACPSlow && cfg.LACPRate != LACPFast {
		return fmt.Errorf("team %s: unknown LACP rate %q (slow or fast)", host, cfg.LACPRate)
	}
	if cfg.UpDelay < 0 || cfg.DownDelay < 0 || cfg.GratuitousARPs < 0 {
		return fmt.Errorf("team %s: negative delay or count", host)
	}
	t := &team{n: n, host: d, cfg: cfg}
	rng := n.s.Rand("team/" + host)
	t.pollPh = phase(cfg.PollPhase, cfg.MIIMonInterval, rng.Int64N)
	t.hbPhase = phase(cfg.HeartbeatPhase, cfg.HeartbeatInterval, rng.Int64N)
	seen := map[*Port]bool{}
	for _, name := range cfg.Members {
		local := strings.TrimPrefix(name, host+":")
		if strings.Contains(local, ":") {
			return fmt.Errorf("team %s: member %q is not a port of %s", host, name, host)
		}
		p := n.port(d, local)
		if seen[p] {
			return fmt.Errorf("team %s: member %q listed twice", host, name)
		}
		seen[p] = true
		m := &member{t: t, port: p}
		p.mem = m
		t.members = append(t.members, m)
	}
	if cfg.Primary != "" {
		local := strings.TrimPrefix(cfg.Primary, host+":")
		k := -1
		for i, m := range t.members {
			if m.port.name == host+":"+local {
				k = i
			}
		}
		if k < 0 {
			return fmt.Errorf("team %s: primary %q is not a member", host, cfg.Primary)
		}
		pm := t.members[k]
		copy(t.members[1:k+1], t.members[:k])
		t.members[0] = pm
	}
	if cfg.Detection == topology.Heartbeat {
		if cfg.HeartbeatTarget == "" {
			return fmt.Errorf("team %s: heartbeat detection needs a heartbeat target", host)
		}
		to, err := n.endpoint(cfg.HeartbeatTarget)
		if err != nil {
			return fmt.Errorf("team %s: %w", host, err)
		}
		if to.dev == d {
			return fmt.Errorf("team %s: the heartbeat target must be another device", host)
		}
		t.target = to
	}
	d.team = t
	return nil
}

// ActiveMember returns the port name of a host's active team member ("" if none).
func (n *Network) ActiveMember(host string) string {
	d := n.devices[host]
	if d == nil || d.team == nil || d.team.active == nil {
		return ""
	}
	return d.team.active.port.name
}

// phase returns a configured phase, or one drawn in [0, interval) at whole
// milliseconds (so that event times in reports stay readable).
func phase(p, interval sim.Time, draw func(int64) int64) sim.Time {
	if p > 0 {
		return p % interval
	}
	if interval >= 2*sim.Millisecond {
		return sim.Time(draw(int64(interval/sim.Millisecond))) * sim.Millisecond
	}
	return sim.Time(draw(int64(interval)))
}

// nextTick returns the first tick phase + k·interval at or after t.
func nextTick(t, ph, interval sim.Time) sim.Time {
	k := (t - ph + interval - 1) / interval
	if t < ph {
		k = 0
	}
	return ph + k*interval
}

// lastTick returns the last tick phase + k·interval at or before t.
func lastTick(t, ph, interval sim.Time) sim.Time {
	if t < ph {
		return ph - interval
	}
	return ph + (t-ph)/interval*interval
}

func (n *Network) defaultTeam(d *device) {
	iv := sim.Time(topology.DefaultMIIMonInterval)
	// A host announces its address with one gratuitous ARP when its interface comes up
	// (duplicate-address detection), so every switch of the domain, and a router that
	// later routes to it, has learned it before traffic flows.
	t := &team{n: n, host: d, cfg: TeamConfig{Mode: topology.NFT, Flavour: topology.DefaultTeamFlavour,
		Detection: topology.Carrier, MIIMonInterval: iv, GARPInterval: iv, GratuitousARPs: 1}}
	m := &member{t: t, port: d.ports[0]}
	d.ports[0].mem = m
	t.members = []*member{m}
	d.team = t
}

// bundle builds the switch side of an SLB/LACP team: the member ports' peers become an
// aggregate (one per bridge they reach; MC-LAG clusters are one bridge), supervised by
// LACP in LACP mode.
func (t *team) bundle() {
	if !t.cfg.Mode.NeedsSwitchAggregation() {
		return
	}
	var aggs []*lport
	for _, m := range t.members {
		sp, chain := farEnd(m.port)
		if sp == nil || sp.dev.kind != kindSwitch || sp.lp != nil {
			continue
		}
		var lp *lport
		for _, a := range aggs {
			if a.br == sp.dev.br {
				lp = a
			}
		}
		if lp == nil {
			lp = &lport{br: sp.dev.br, name: t.host.name + "(agg)", agg: true}
			aggs = append(aggs, lp)
		}
		lp.members = append(lp.members, sp)
		sp.lp = lp
		if t.cfg.Mode == topology.LACP {
			t.n.newLACP(m, m.port, sp, chain, t.cfg.LACPRate, t.cfg.LACPPhase)
		}
	}
}

// farEnd follows a port's link through pass-through modules to the device port at the
// other end, returning it and the module ports on the way.
func farEnd(p *Port) (*Port, []*Port) {
	var chain []*Port
	q := p.peer()
	for i := 0; q != nil && q.dev.kind == kindPassThrough && i < 8; i++ {
		chain = append(chain, q)
		if q.pair == nil {
			return nil, chain
		}
		chain = append(chain, q.pair)
		q = q.pair.peer()
	}
	return q, chain
}

// start brings the team up on the wired state: members with carrier are up, the first
// of them in preference order is active; probes start; the first announcement goes out.
func (t *team) start() {
	n := t.n
	t.selectAggregator()
	for _, m := range t.members {
		m.linkOK = m.port.carrier
		m.up = m.linkOK && !m.lacpDown
		if t.cfg.Detection == topology.Heartbeat {
			t.startProbe(m)
		}
	}
	if t.cfg.Detection == topology.Beacon && len(t.members) > 1 && t.beacons == nil {
		t.startBeacons()
	}
	t.active = nil
	for _, m := range t.members {
		if m.up {
			t.active = m
			break
		}
	}
	if t.active != nil {
		t.announce()
	}
	n.touch(&t.deps)
}

// restart re-evaluates the team after the host came back.
func (t *team) restart() { t.n.touch(&t.deps) }

// powerOff silences the team of a host that lost power: no driver runs, so nothing is
// detected and nobody switches over. Members come back through their detection
// mechanism when the host is powered on (a booting bond waits its up-delay too).
func (t *team) powerOff() {
	for _, m := range t.members {
		for _, tm := range []*sim.Timer{m.poll, m.upWait, m.hbTimer} {
			if tm != nil {
				tm.Stop()
			}
		}
		m.up, m.linkOK, m.polls = false, false, 0
	}
	t.active = nil
	t.n.touch(&t.deps)
	if t.vsw != nil {
		t.vsw.uplinksChanged()
	}
}

// off reports whether the team's host is powered off.
func (t *team) off() bool { return t.host.failed }

// startProbe creates member m's heartbeat: an internal bidirectional flow from the
// member to the target and back, which is delivered or not according to the current
// forwarding state, as the real probes are. The active member's probes carry the team
// MAC (HP's primary sends its heartbeats with it, Linux its ARP probes from the bond),
// the others' their own (sendMAC). Being a flow, a probe keeps the MAC entries on its
// path refreshed while it runs: heartbeats every few seconds do the same against a
// 300 s aging time, which is why HP sends them "so that packets to the servers'
// addresses are not flooded" (source article): a silent team's entries age out.
func (t *team) startProbe(m *member) {
	n := t.n
	from := endpoint{dev: t.host, pin: m.port}
	f := n.newFlow(FlowConfig{Name: m.port.name + "(heartbeat)", PacketBytes: 64}, from, t.target, true)
	f.internal = true
	f.onChange = m.probeChanged
	m.probe = f
	m.hbTimer = n.s.NewTimer(m.heartbeatDue)
	f.active = true
	n.markDirty(f)
}

// sendMAC is the source MAC of the frames a host port sends on its own behalf (probes):
// the active team member speaks for the team with the team MAC, other members and
// ports outside a team with their own.
func (p *Port) sendMAC() mac {
	if m := p.mem; m != nil && m.up && m.t.active == m {
		return p.dev.mac
	}
	return p.mac
}

// txMember returns the member a flow with hash h leaves on.
func (t *team) txMember(h uint32) *member {
	if t.cfg.Mode == topology.NFT {
		if t.active != nil && t.active.up {
			return t.active
		}
		return nil
	}
	k := 0
	for _, m := range t.members {
		if m.up {
			k++
		}
	}
	if k == 0 {
		return nil
	}
	i := int(h % uint32(k))
	for _, m := range t.members {
		if m.up {
			if i == 0 {
				return m
			}
			i--
		}
	}
	return nil
}

// accepts reports whether the host takes a frame for dst arriving on q: NFT and TLB
// receive the team MAC on the active member only, SLB and LACP on every member in use;
// a NIC's own MAC (probe replies) on that NIC.
func (t *team) accepts(q *Port, dst mac) bool {
	if t.host.failed || q.failed || !q.carrier {
		return false
	}
	if dst == q.mac {
		return true
	}
	if dst != t.host.mac || q.mem == nil {
		return false
	}
	if t.cfg.Mode.NeedsSwitchAggregation() {
		return q.mem.up
	}
	return q.mem == t.active
}

// carrierChanged is the NIC driver's link notification.
func (m *member) carrierChanged() {
	if m.t.off() {
		return
	}
	switch m.t.cfg.Detection {
	case topology.MIIMon:
		m.schedulePoll()
	default:
		m.linkOK = m.port.carrier
		m.refresh(ByCarrier)
	}
}

// schedulePoll arms the miimon timer for the next poll. Polls only matter while the
// link differs from what the team believes, so an idle team schedules none; the poll
// instants keep the team's phase, so detection = wait for the next poll + downdelay.
func (m *member) schedulePoll() {
	t := m.t
	if m.poll == nil {
		m.poll = t.n.s.NewTimer(m.pollNow)
	}
	if m.poll.Armed() {
		return
	}
	m.polls = 0
	m.poll.ResetAt(nextTick(t.n.s.Now(), t.pollPh, t.cfg.MIIMonInterval))
}

func (m *member) pollNow() {
	t := m.t
	if t.off() {
		return
	}
	seen := m.port.carrier
	if seen == m.linkOK {
		m.polls = 0
		return
	}
	m.polls++
	delay := t.cfg.DownDelay
	if seen {
		delay = t.upDelay()
	}
	if sim.Time(m.polls-1) < delay/t.cfg.MIIMonInterval {
		m.poll.Reset(t.cfg.MIIMonInterval)
		return
	}
	m.polls = 0
	m.linkOK = seen
	m.refresh(ByMIIMon)
}

// probeChanged follows a heartbeat probe's delivery: a member is failed when no reply
// came for HeartbeatMissed intervals since the last answered probe (a backup of a
// Linux team one interval more, topology.TeamFlavour.BackupGrace), and is back with
// the first answered probe.
func (m *member) probeChanged(ok bool) {
	t := m.t
	if t.off() {
		return
	}
	now := t.n.s.Now()
	iv := t.cfg.HeartbeatInterval
	if ok == !m.hbDown {
		m.hbTimer.Stop()
		return
	}
	if m.hbTimer.Armed() {
		return
	}
	if ok {
		m.hbTimer.ResetAt(nextTick(now, t.hbPhase, iv))
		return
	}
	missed := t.cfg.HeartbeatMissed
	if m != t.active {
		missed += t.cfg.Flavour.BackupGrace()
	}
	at := lastTick(now, t.hbPhase, iv) + sim.Time(missed)*iv
	if at < now {
		at = now
	}
	m.hbTimer.ResetAt(at)
}

func (m *member) heartbeatDue() {
	if m.t.off() {
		return
	}
	down := !m.probe.Delivering()
	if down == m.hbDown {
		return
	}
	m.hbDown = down
	m.refresh(ByHeartbeat)
}

func (m *member) healthy() bool { return m.linkOK && !m.hbDown && !m.lacpDown }

// upDelay is how long a member that came back must stay healthy before it is used:
// the configured up-delay, except while the team has no active member. Then the first
// member back is used at once, as Linux bonding does (bond_miimon_inspect ignores
// updelay when there is no current active slave): waiting would only prolong an
// outage that is total anyway.
func (t *team) upDelay() sim.Time {
	if t.active == nil || !t.active.up {
		return 0
	}
	return t.cfg.UpDelay
}

// refresh applies a member's health to its use: a failed member leaves at once; a
// healthy one returns after the up-delay (miimon counts the up-delay in polls).
func (m *member) refresh(mech Mechanism) {
	t := m.t
	n := t.n
	if !m.healthy() {
		if m.upWait != nil {
			m.upWait.Stop()
		}
		if m.up {
			m.up = false
			n.record(Detected{Device: t.host.name, Member: m.port.name, Mechanism: mech, Up: false})
			t.reselect(fmt.Sprintf("%s down (%s)", m.port.name, mech))
		}
		return
	}
	if m.up {
		return
	}
	wait := t.upDelay()
	if mech == ByMIIMon {
		wait = 0 // the polls already counted the up-delay
	}
	if wait == 0 {
		m.comeUp(mech)
		return
	}
	if m.upWait == nil {
		m.upWait = n.s.NewTimer(func() {
			if m.healthy() && !m.up && !t.off() {
				m.comeUp(m.upMech)
			}
		})
	}
	if !m.upWait.Armed() {
		m.upMech = mech
		m.upWait.Reset(wait)
	}
}

func (m *member) comeUp(mech Mechanism) {
	t := m.t
	m.up = true
	t.n.record(Detected{Device: t.host.name, Member: m.port.name, Mechanism: mech, Up: true})
	t.reselect(fmt.Sprintf("%s up (%s)", m.port.name, mech))
}

// reselect picks the active member after a member's state changed.
func (t *team) reselect(reason string) {
	n := t.n
	n.touch(&t.deps)
	if t.vsw != nil {
		defer t.vsw.uplinksChanged()
	}
	t.reselectAggregator()
	next := t.choose()
	if next == nil {
		// No member is usable: one that is only sitting out its up-delay is used at
		// once (upDelay), and its coming up reselects.
		for _, m := range t.members {
			if m.upWait != nil && m.upWait.Armed() && m.healthy() && !t.off() {
				m.upWait.Stop()
				m.comeUp(m.upMech)
				return
			}
		}
	}
	if next == t.active {
		return
	}
	from, to := "", ""
	if t.active != nil {
		from = t.active.port.name
	}
	if next != nil {
		to = next.port.name
	}
	t.active = next
	if !t.cfg.Mode.NeedsSwitchAggregation() {
		n.record(TeamSwitchover{Host: t.host.name, From: from, To: to, Reason: reason})
	}
	if next != nil {
		t.announce()
	}
}

// choose returns the member that should be active: the current one while it is usable
// unless the team fails back, else the first usable one in preference order. Failing
// back follows the vendor: Linux returns to its primary only (a backup that precedes
// the active one in the list does not take over), and with primary_reselect better
// only when the primary's link is faster; failure never while the active one works.
func (t *team) choose() *member {
	var first *member
	for _, m := range t.members {
		if m.up {
			first = m
			break
		}
	}
	cur := t.active
	if cur == nil || !cur.up {
		return first
	}
	if !t.cfg.Failback || first == cur {
		return cur
	}
	if t.cfg.Flavour == topology.FlavourLinux && first != t.members[0] {
		return cur
	}
	switch t.cfg.Reselect {
	case topology.ReselectFailure:
		return cur
	case topology.ReselectBetter:
		if first.port.speed() <= cur.port.speed() {
			return cur
		}
	}
	return first
}

// speed is the bit rate of p's link (0 without one).
func (p *Port) speed() float64 {
	if p.link == nil {
		return 0
	}
	return p.link.cfg.Speed
}

// announce sends the configured gratuitous ARPs from the active member, spaced by the
// GARP interval, so that switches re-learn the team MAC there.
func (t *team) announce() {
	k := t.cfg.GratuitousARPs
	if k <= 0 {
		return
	}
	for i := 0; i < k; i++ {
		seq := i + 1
		fire := func() {
			t.n.sendFrame(func() {
				if t.active == nil || t.host.failed {
					return
				}
				p := t.active.port
				t.n.record(GratuitousARP{Device: t.host.name, Port: p.name, MAC: t.host.name, Seq: seq})
				// One announcement for each VLAN the host has an interface in (Linux
				// bonding: "for the master and each VLAN").
				for i, fi := range t.host.ifaces {
					if slices.ContainsFunc(t.host.ifaces[:i], func(x iface) bool { return x.vlan == fi.vlan }) {
						continue
					}
					w := t.n.oneShot(t.host.mac)
					w.fr.vlan = fi.vlan
					w.fromHost(t.host, p)
				}
			})
		}
		if i == 0 {
			fire()
		} else {
			t.n.s.After(sim.Time(i)*t.cfg.GARPInterval, fire)
		}
	}
}

// sendFrame sends a one-shot frame (a gratuitous ARP) late in the current instant,
// after every state change of the instant, as flows are evaluated. A frame walked at
// once would see the instant half done: when a link comes up, its two ends see
// carrier at the same instant but one after the other, and a team that fails back on
// carrier would announce itself through a switch port that has not yet noticed the
// link, so the announcement would be lost there.
func (n *Network) sendFrame(send func()) {
	n.frames = append(n.frames, send)
	if !n.settling && !n.settle.Armed() {
		n.settle.Reset(0)
	}
}

// sendFrames walks the queued one-shot frames (runSettle calls it before it evaluates
// flows, so that flows see what the frames taught).
func (n *Network) sendFrames() {
	for len(n.frames) > 0 {
		fs := n.frames
		n.frames = nil
		for _, send := range fs {
			send()
		}
	}
}

// oneShot returns a walker for a broadcast frame from src that teaches the switches.
func (n *Network) oneShot(src mac) *walker {
	w := &n.garp
	w.n = n
	w.reset(nil, 0)
	w.fr.src, w.fr.dst = src, macFlood
	return w
}
