package scenario

import (
	"dctwin/topology/power"
	"fmt"
	"slices"
	"strings"
	"time"

	"dctwin/topology"
)

// builder turns the topology section into the model, parsing vocabulary (modes,
// kinds, port references) and applying defaults. Vocabulary mistakes are collected,
// all with positions; names that point nowhere are left to validation.
type builder struct {
	file string
	errs Errors
}

// minDRSInterval is the shortest DRS invocation interval dctwin accepts: vSphere's
// DRS invocation interval is an advanced setting in whole minutes (its default of
// 5 min is reference-facts §6.4; the unit is vSphere's, not in reference-facts).
// Shorter would also make a day's run invoke DRS millions of times.
const minDRSInterval = time.Minute

func (b *builder) fail(p topology.Pos, format string, args ...any) {
	b.errs = append(b.errs, &PosError{p, fmt.Sprintf(format, args...)})
}

func written(src topology.Source, key string) bool { return src.Written(key) }

// orDefault keeps a written duration (even 0) and fills in the default otherwise.
func orDefault(src topology.Source, key string, d Duration, def time.Duration) time.Duration {
	if written(src, key) {
		return d.D()
	}
	return def
}

// speedOr is a written speed, or the default where none was written. A written 0 is
// kept (and refused by check: a port of 0 bit/s carries nothing).
func speedOr(src topology.Source, key string, v Bandwidth, def int64) int64 {
	if !written(src, key) {
		return def
	}
	return int64(v)
}

func (b *builder) port(src topology.Source, key, s string) topology.PortRef {
	if s == "" {
		return topology.PortRef{}
	}
	p, err := topology.ParsePortRef(s)
	if err != nil {
		b.fail(src.PosOf(key), "%v", err)
	}
	return p
}

func (b *builder) duplex(src topology.Source, key, s string) topology.Duplex {
	switch strings.ToLower(s) {
	case "", "full":
		return topology.Full
	case "half":
		return topology.Half
	}
	b.fail(src.PosOf(key), "unknown duplex %q (expected full or half)", s)
	return topology.Full
}

func (b *builder) spanningTree(src topology.Source, key, s string) topology.SpanningTree {
	switch topology.SpanningTree(strings.ToLower(s)) {
	case "":
		return topology.DefaultSpanningTree
	case topology.RSTP:
		return topology.RSTP
	case topology.STP:
		return topology.STP
	case topology.NoSTP:
		return topology.NoSTP
	}
	b.fail(src.PosOf(key), "unknown spanning_tree %q (expected rstp, stp or none)", s)
	return topology.DefaultSpanningTree
}

func buildTopology(file string, ts *TopologySpec) (*topology.Topology, Errors) {
	b := &builder{file: file}
	t := topology.New()
	for _, v := range ts.VLANs {
		t.AddVLAN(&topology.VLAN{Name: v.Name, ID: v.ID, Subnet: v.Subnet, Source: v.Source})
	}
	for _, s := range ts.Switches {
		t.AddSwitch(b.switchOf(s))
	}
	for _, l := range ts.Links {
		t.AddLink(&topology.Link{Name: l.Name, A: b.port(l.Source, "a", l.A), B: b.port(l.Source, "b", l.B),
			Speed: speedOr(l.Source, "speed", l.Speed, topology.DefaultLinkSpeed), Duplex: b.duplex(l.Source, "duplex", l.Duplex),
			Latency:      orDefault(l.Source, "latency", l.Latency, topology.DefaultLinkLatency),
			CarrierDelay: orDefault(l.Source, "carrier_delay", l.CarrierDelay, topology.DefaultCarrierDelay),
			VLANs:        l.VLANs, Source: l.Source})
	}
	for _, e := range ts.Enclosures {
		t.AddEnclosure(b.enclosureOf(e))
	}
	for _, h := range ts.Hosts {
		t.AddHost(b.hostOf(h))
	}
	for _, s := range ts.Storage {
		t.AddStorage(b.storageOf(s))
	}
	for _, c := range ts.Clusters {
		cl := b.clusterOf(c)
		cl.HA.DatastoreHeartbeats = datastoreHeartbeats(c, t)
		cl.HA.APDResponse, cl.HA.APDDelay = b.apdResponse(c)
		t.AddCluster(cl)
	}
	for _, v := range ts.VMs {
		vm := &topology.VM{Name: v.Name, Host: v.Host, CPU: v.CPU, RAMGB: v.RAMGB, Disk: v.Disk,
			Role: v.Role, FT: v.FT, Source: v.Source,
			BootTime:          orDefault(v.Source, "boot_time", v.BootTime, topology.DefaultVMBootTime),
			RestartPriority:   strings.ToLower(v.RestartPriority),
			OnGuestCrash:      v.OnGuestCrash,
			CPUReservationMHz: v.CPUReservationMHz, RAMReservationGB: v.RAMReservationGB,
			DirtyRateBps: float64(topology.DefaultDirtyRateBps), WorkingSetGB: v.WorkingSetGB}
		if _, ok := v.Source.Fields.Get("dirty_rate"); ok {
			vm.DirtyRateBps = float64(v.DirtyRate)
		}
		vm.Demand = b.demandOf(v)
		if v.WorkingSetGB < 0 {
			b.fail(v.PosOf("working_set_gb"), "working_set_gb %v is negative", v.WorkingSetGB)
		}
		if v.CPUReservationMHz < 0 {
			b.fail(v.PosOf("cpu_reservation_mhz"), "cpu_reservation_mhz %v is negative", v.CPUReservationMHz)
		}
		switch {
		case v.RAMReservationGB < 0:
			b.fail(v.PosOf("ram_reservation_gb"), "ram_reservation_gb %v is negative", v.RAMReservationGB)
		case v.RAMReservationGB > v.RAMGB && written(v.Source, "ram_reservation_gb"):
			b.fail(v.PosOf("ram_reservation_gb"), "ram_reservation_gb %v is more than the VM's ram_gb %v: a VM reserves at most its memory", v.RAMReservationGB, v.RAMGB)
		case v.FT && v.RAMReservationGB < v.RAMGB && written(v.Source, "ram_reservation_gb"):
			// vSphere sets a full memory reservation on an FT VM; less would do nothing.
			b.fail(v.PosOf("ram_reservation_gb"), "ram_reservation_gb %v on FT VM %s: an FT VM reserves all its memory, %v GB (leave the key out)", v.RAMReservationGB, v.Name, v.RAMGB)
		}
		switch vm.RestartPriority {
		case "":
			vm.RestartPriority = topology.DefaultRestartPriority
		case "high", "medium", "low", "disabled":
		default:
			b.fail(v.PosOf("restart_priority"), "unknown restart_priority %q (expected high, medium, low or disabled)", v.RestartPriority)
		}
		switch vm.OnGuestCrash {
		case "":
			vm.OnGuestCrash = topology.DefaultOnGuestCrash
		case topology.GuestReboot, topology.GuestHalt:
		default:
			b.fail(v.PosOf("on_guest_crash"), "unknown on_guest_crash %q (expected reboot or halt)", v.OnGuestCrash)
		}
		if vm.Disk == "" {
			vm.Disk = topology.LocalDisk
		}
		for _, n := range v.NICs {
			vm.VNICs = append(vm.VNICs, topology.VNIC{Name: n.Name, PortGroup: n.PortGroup})
		}
		t.AddVM(vm)
	}
	for _, c := range ts.VMClusters {
		t.AddVMCluster(&topology.VMCluster{Name: c.Name, VMs: c.VMs, Source: c.Source,
			Heartbeat: orDefault(c.Source, "heartbeat", c.Heartbeat, topology.DefaultVMClusterHeartbeat),
			Timeout:   orDefault(c.Source, "timeout", c.Timeout, topology.DefaultVMClusterTimeout),
			Takeover:  orDefault(c.Source, "takeover", c.Takeover, topology.DefaultVMClusterTakeover)})
	}
	for _, e := range ts.Endpoints {
		kind := topology.EndpointKind(strings.ToLower(e.Kind))
		switch kind {
		case topology.Phone, topology.Client, topology.Room:
		case "":
			kind = topology.Client
		default:
			b.fail(e.PosOf("kind"), "unknown endpoint kind %q (expected phone, client or room)", e.Kind)
		}
		t.AddEndpoint(&topology.Endpoint{Name: e.Name, Kind: kind, Connect: b.port(e.Source, "connect", e.Connect),
			VLAN: e.VLAN, Source: e.Source})
	}
	for _, g := range ts.Gateways {
		proto := strings.ToLower(g.Protocol)
		hello, dead := topology.DefaultVRRPHello, time.Duration(0) // VRRP: dead from the RFC formula
		switch proto {
		case "":
			proto = "vrrp"
		case "vrrp":
		case "hsrp":
			hello, dead = topology.DefaultHSRPHello, topology.DefaultHSRPHold
		default:
			b.fail(g.PosOf("protocol"), "unknown first-hop protocol %q (expected vrrp or hsrp)", g.Protocol)
		}
		t.AddGateway(&topology.Gateway{Name: g.Name, VLAN: g.VLAN, Address: g.Address, Protocol: proto,
			Routers: g.Routers, Hello: orDefault(g.Source, "hello", g.Hello, hello),
			Dead: orDefault(g.Source, "dead", g.Dead, dead), Source: g.Source})
	}
	t.Wire()
	return t, b.errs
}

func (b *builder) switchOf(s SwitchSpec) *topology.Switch {
	layer := topology.L2
	switch s.Layer {
	case 0, 2:
	case 3:
		layer = topology.L3
	default:
		b.fail(s.PosOf("layer"), "layer %d: expected 2 (bridging) or 3 (routing)", s.Layer)
	}
	sw := &topology.Switch{Name: s.Name, Layer: layer, Ports: s.Ports, Cluster: s.Cluster, VLANs: s.VLANs,
		SpanningTree: b.spanningTree(s.Source, "spanning_tree", s.SpanningTree),
		STP: topology.STPTimers{
			Hello:        orDefault(s.Source, "stp.hello", s.STP.Hello, topology.DefaultSTPHello),
			MaxAge:       orDefault(s.Source, "stp.max_age", s.STP.MaxAge, topology.DefaultSTPMaxAge),
			ForwardDelay: orDefault(s.Source, "stp.forward_delay", s.STP.ForwardDelay, topology.DefaultSTPForwardDelay),
		},
		MACAging: orDefault(s.Source, "mac_aging", s.MACAging, topology.DefaultMACAging),
		Latency:  orDefault(s.Source, "latency", s.Latency, topology.DefaultSwitchLatency),
		PortFast: topology.DefaultPortFast,
		BootTime: orDefault(s.Source, "boot_time", s.BootTime, topology.DefaultSwitchBootTime),
		Source:   s.Source}
	if s.PortFast != nil {
		sw.PortFast = *s.PortFast
	}
	return sw
}

func (b *builder) enclosureOf(e EnclosureSpec) *topology.Enclosure {
	psus := topology.DefaultPowerSupplies
	if e.PowerSupplies != nil {
		psus = *e.PowerSupplies
	}
	enc := &topology.Enclosure{Name: e.Name, Bays: e.Bays, PowerSupplies: psus, Source: e.Source}
	for i, m := range e.Modules {
		kind := topology.ModuleKind(strings.ToLower(m.Kind))
		switch kind {
		case topology.PassThrough, topology.SwitchModule:
		case "passthrough", "pass_through":
			kind = topology.PassThrough
		default:
			b.fail(m.PosOf("kind"), "unknown module kind %q (expected switch or pass-through)", m.Kind)
			kind = topology.PassThrough
		}
		boot := time.Duration(0) // a pass-through module is passive: nothing to boot
		if kind == topology.SwitchModule {
			boot = orDefault(m.Source, "boot_time", m.BootTime, topology.DefaultSwitchBootTime)
		}
		enc.Modules = append(enc.Modules, &topology.Module{Name: m.Name, Slot: i + 1, Kind: kind, Uplinks: m.Uplinks,
			UplinkFailureDetection: m.UplinkFailureDetection, VLANs: m.VLANs,
			SpanningTree: b.spanningTree(m.Source, "spanning_tree", m.SpanningTree), BootTime: boot, Source: m.Source})
	}
	return enc
}

func (b *builder) hostOf(h HostSpec) *topology.Host {
	kind := topology.HostKind(strings.ToLower(h.Kind))
	switch kind {
	case topology.Legacy, topology.Rack, topology.Blade, topology.Hypervisor:
	case "":
		kind = topology.Rack
		if h.Enclosure != "" {
			kind = topology.Blade
		}
	default:
		b.fail(h.PosOf("kind"), "unknown host kind %q (expected legacy, rack, blade or hypervisor)", h.Kind)
	}
	coreMHz := topology.DefaultCoreMHz
	if written(h.Source, "core_mhz") {
		coreMHz = h.CoreMHz
		if coreMHz <= 0 {
			b.fail(h.PosOf("core_mhz"), "core_mhz %v: expected a core clock above 0 MHz", h.CoreMHz)
		}
	}
	host := &topology.Host{Name: h.Name, Kind: kind, Role: h.Role, CPU: h.CPU, RAMGB: h.RAMGB, CoreMHz: coreMHz,
		Power:     b.power(h),
		BootTime:  orDefault(h.Source, "boot_time", h.BootTime, bootTimeOf(kind)),
		Enclosure: h.Enclosure, Bay: h.Bay, Storage: h.Storage, Source: h.Source}
	for _, n := range h.NICs {
		host.NICs = append(host.NICs, &topology.NIC{Name: n.Name, Speed: speedOr(n.Source, "speed", n.Speed, topology.DefaultNICSpeed),
			Duplex: b.duplex(n.Source, "duplex", n.Duplex), VLANs: n.VLANs,
			Connect: b.port(n.Source, "connect", n.Connect), Source: n.Source})
	}
	for _, tm := range h.Teams {
		host.Teams = append(host.Teams, b.teamOf(tm))
	}
	for _, pg := range h.PortGroups {
		host.PortGroups = append(host.PortGroups, &topology.PortGroup{Name: pg.Name, VLAN: pg.VLAN,
			VMKernel: pg.VMKernel, Source: pg.Source})
	}
	switch {
	case host.IsHypervisor():
		host.VSwitch = b.vswitchOf(h, host)
	case h.VSwitch != nil:
		b.fail(h.PosOf("vswitch"), "host %s is a %s server: only a hypervisor has a virtual switch", h.Name, host.Kind)
	}
	return host
}

// vswitchOf is a hypervisor's virtual switch with the defaults for what its
// `vswitch:` block leaves out: route based on the originating virtual port (IP hash
// over an SLB or LACP team, whose switch side bundles the uplinks), notify switches
// (reference-facts §4.3); an NFT team's non-primary members in standby (an NFT team is
// active/standby by definition), none otherwise; failback as the team's; the virtual
// switch latency of topology/defaults.go.
func (b *builder) vswitchOf(h HostSpec, host *topology.Host) *topology.VSwitch {
	var s VSwitchSpec
	if h.VSwitch != nil {
		s = *h.VSwitch
	}
	vs := &topology.VSwitch{LoadBalancing: topology.DefaultLoadBalancing, NotifySwitches: topology.DefaultNotifySwitches,
		Failback: true, Latency: orDefault(h.Source, "vswitch.latency", s.Latency, topology.DefaultVSwitchLatency)}
	var tm *topology.Team
	if len(host.Teams) > 0 {
		tm = host.Teams[0]
		vs.Uplinks = tm.Name
		vs.Failback = tm.Failback
		if tm.Mode.NeedsSwitchAggregation() {
			vs.LoadBalancing = topology.IPHash
		}
		if tm.Mode == topology.NFT {
			vs.Standby = without(tm.Members, tm.Primary())
		}
	}
	if s.LoadBalancing != "" {
		lb, err := topology.ParseLoadBalancing(s.LoadBalancing)
		if err != nil {
			b.fail(h.PosOf("vswitch.load_balancing"), "%v", err)
		}
		vs.LoadBalancing = lb
	}
	if written(h.Source, "vswitch.standby") {
		vs.Standby = s.Standby
	}
	if s.NotifySwitches != nil {
		vs.NotifySwitches = *s.NotifySwitches
	}
	if s.Failback != nil {
		vs.Failback = *s.Failback
	}
	return vs
}

func (b *builder) teamOf(s TeamSpec) *topology.Team {
	mode := topology.NFT
	if s.Mode != "" {
		m, err := topology.ParseTeamMode(s.Mode)
		if err != nil {
			b.fail(s.PosOf("mode"), "%v", err)
		}
		mode = m
	}
	flavour := topology.FlavourOfMode(s.Mode)
	if s.Flavour != "" {
		f, err := topology.ParseTeamFlavour(s.Flavour)
		if err != nil {
			b.fail(s.PosOf("flavour"), "%v", err)
		} else {
			flavour = f
		}
	}
	det := topology.TeamDetection{Method: topology.Carrier}
	if s.Detection.Method != "" {
		m, err := topology.ParseDetection(s.Detection.Method)
		if err != nil {
			b.fail(s.PosOf("detection.method"), "%v", err)
		}
		det.Method = m
	}
	switch det.Method {
	case topology.MIIMon:
		det.Interval = orDefault(s.Source, "detection.interval", s.Detection.Interval, topology.DefaultMIIMonInterval)
	case topology.Heartbeat:
		interval, missed := flavour.HeartbeatDefaults()
		det.Interval = orDefault(s.Source, "detection.interval", s.Detection.Interval, interval)
		det.Missed = missed
	case topology.Beacon:
		// Beacon probing is VMware's whatever the flavour says of heartbeats.
		interval, missed := topology.FlavourVMware.HeartbeatDefaults()
		det.Interval = orDefault(s.Source, "detection.interval", s.Detection.Interval, interval)
		det.Missed = missed
	}
	det.UpDelay, det.DownDelay = s.Detection.UpDelay.D(), s.Detection.DownDelay.D()
	if written(s.Source, "detection.missed") {
		det.Missed = s.Detection.Missed
	}
	team := &topology.Team{Name: s.Name, Members: s.Members, Mode: mode, Flavour: flavour, Preference: s.Preference,
		Detection: det, GratuitousARP: topology.DefaultGratuitousARP, LACPRate: topology.DefaultLACPRate, Source: s.Source}
	if s.Primary != "" {
		team.Preference = append([]string{s.Primary}, without(s.Preference, s.Primary)...)
	}
	b.failback(s, team)
	if s.GratuitousARP != nil {
		team.GratuitousARP = *s.GratuitousARP
	}
	switch topology.LACPRate(strings.ToLower(s.LACPRate)) {
	case "":
	case topology.LACPFast:
		team.LACPRate = topology.LACPFast
	case topology.LACPSlow:
		team.LACPRate = topology.LACPSlow
	default:
		b.fail(s.PosOf("lacp_rate"), "unknown lacp_rate %q (expected slow or fast)", s.LACPRate)
	}
	return team
}

// failback decides whether the team returns to its preferred member as its vendor
// does (topology.TeamFlavour.FailsBack), or as an explicit `failback` says. A
// failback: true that the vendor could not be configured for (an hp or linux team
// without a preference order has no member to return to) is refused rather than
// quietly made into something else.
// power resolves a host's power model: a named SPECpower model or idle and full-load
// watts, and the utilisation it runs at.
func (b *builder) power(h HostSpec) topology.Power {
	ps := h.Power
	p := topology.Power{Model: ps.Model, Idle: ps.Idle, Max: ps.Max, Utilization: topology.DefaultUtilization}
	if ps.Utilization != nil {
		p.Utilization = *ps.Utilization
		if p.Utilization < 0 || p.Utilization > 1 {
			b.fail(h.PosOf("power.utilization"), "power utilization %g: a share of the CPU from 0 to 1", p.Utilization)
		}
	}
	switch {
	case ps.Model != "":
		m, ok := power.Models[ps.Model]
		if !ok {
			b.fail(h.PosOf("power.model"), "unknown power model %q (known: %s)", ps.Model, strings.Join(power.ModelNames(), ", "))
			return p
		}
		if ps.Idle != 0 || ps.Max != 0 {
			b.fail(h.PosOf("power.model"), "power: give a model or idle and max watts, not both")
		}
		p.Idle, p.Max = m.Idle, m.Max
	case ps.Idle != 0 || ps.Max != 0:
		if err := (power.Model{Idle: ps.Idle, Max: ps.Max}).Check(); err != nil || ps.Max == 0 {
			b.fail(h.PosOf("power.idle"), "power: idle %g W and max %g W: need 0 ≤ idle ≤ max and max > 0", ps.Idle, ps.Max)
		}
	}
	return p
}

func (b *builder) failback(s TeamSpec, team *topology.Team) {
	preferred := len(team.Preference) > 0
	if s.PrimaryReselect != "" {
		r, err := topology.ParseReselect(s.PrimaryReselect)
		switch {
		case err != nil:
			b.fail(s.PosOf("primary_reselect"), "%v", err)
		case team.Flavour != topology.FlavourLinux:
			b.fail(s.PosOf("primary_reselect"), "primary_reselect is a Linux bonding setting, but team %s is %s (write flavour: linux, or failback)", s.Name, team.Flavour)
		case !preferred:
			b.fail(s.PosOf("primary_reselect"), "primary_reselect says when a primary takes over again, but team %s has no primary", s.Name)
		default:
			team.PrimaryReselect = r
		}
	} else if team.Flavour == topology.FlavourLinux && preferred {
		team.PrimaryReselect = topology.ReselectAlways
	}
	team.Failback = team.Flavour.FailsBack(preferred, team.PrimaryReselect)
	if s.Failback == nil {
		return
	}
	switch {
	case s.PrimaryReselect != "":
		b.fail(s.PosOf("failback"), "team %s writes both failback and primary_reselect; primary_reselect already says when the primary takes over again", s.Name)
	case *s.Failback && !preferred && team.Flavour != topology.FlavourVMware && !team.Mode.NeedsSwitchAggregation():
		b.fail(s.PosOf("failback"), "failback: true on %s team %s without a preference order: %s (write primary or preference)", team.Flavour, s.Name, noFailbackWhy[team.Flavour])
	default:
		team.Failback = *s.Failback
	}
}

// noFailbackWhy explains why a team without a preference order has nothing to fail
// back to.
var noFailbackWhy = map[topology.TeamFlavour]string{
	topology.FlavourHP:    "HP fails back only in \"NFT/TLB with Preference Order\"; plain NFT keeps the adapter that took over",
	topology.FlavourLinux: "Linux bonding fails back only to the slave named as primary",
}

func without(list []string, x string) []string {
	var out []string
	for _, s := range list {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) clusterOf(c ClusterSpec) *topology.Cluster {
	iso := strings.ToLower(c.HA.IsolationResponse)
	switch iso {
	case "":
		iso = "leave-powered-on" // vSphere 5.x+ default (reference-facts §6.1)
	case "leave-powered-on", "power-off", "shutdown":
	default:
		b.fail(c.PosOf("ha.isolation_response"), "unknown isolation_response %q (expected leave-powered-on, power-off or shutdown)", c.HA.IsolationResponse)
	}
	legacy := false
	switch strings.ToLower(c.HA.Agent) {
	case "", "fdm":
	case "aam":
		legacy = true
	default:
		b.fail(c.PosOf("ha.agent"), "unknown HA agent %q (expected fdm, vSphere 5 and later, or aam, legacy HA of vSphere 4 and before)", c.HA.Agent)
	}
	drsThreshold := topology.DefaultDRSThreshold
	if written(c.Source, "drs.threshold") {
		drsThreshold = c.DRS.Threshold
		if drsThreshold < 1 || drsThreshold > 5 {
			b.fail(c.PosOf("drs.threshold"), "drs threshold %d: expected a level from 1 (conservative) to 5 (aggressive)", drsThreshold)
		}
	}
	if written(c.Source, "drs.interval") && c.DRS.Interval.D() < minDRSInterval {
		b.fail(c.PosOf("drs.interval"), "drs interval %v: expected at least 1m (vSphere's DRS invocation interval is set in whole minutes, 5m by default)", c.DRS.Interval.D())
	}
	automation := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(c.DRS.Automation)), "-automated")
	switch automation {
	case "":
		automation = topology.DRSFully
	case topology.DRSManual, topology.DRSPartially, topology.DRSFully:
	default:
		b.fail(c.PosOf("drs.automation"), "unknown drs automation %q (expected manual, partially or fully)", c.DRS.Automation)
	}
	dpmTarget, dpmTol := topology.DefaultDPMTarget, topology.DefaultDPMTolerance
	if written(c.Source, "dpm.target_utilization") {
		dpmTarget = c.DPM.TargetUtilization
	}
	if written(c.Source, "dpm.tolerance") {
		dpmTol = c.DPM.Tolerance
	}
	// vSphere's ranges for DPM's DemandCapacityRatioTarget and
	// DemandCapacityRatioToleranceHost: 40–90 % and 10–40 % (its settings' ranges;
	// reference-facts §6.5 gives only the defaults, 63 % and 18 %).
	if dpmTarget < 40 || dpmTarget > 90 {
		b.fail(c.PosOf("dpm.target_utilization"), "dpm target_utilization %g: expected 40 to 90 (%%, vSphere's range; default 63)", dpmTarget)
	}
	if dpmTol < 10 || dpmTol > 40 {
		b.fail(c.PosOf("dpm.tolerance"), "dpm tolerance %g: expected 10 to 40 (%%, vSphere's range; default 18)", dpmTol)
	}
	if written(c.Source, "concurrent_vmotions") && (c.ConcurrentVMotions < 1 || c.ConcurrentVMotions > topology.VMotionsOn10GbE) {
		b.fail(c.PosOf("concurrent_vmotions"), "concurrent_vmotions %d: expected 1 to %d live migrations at once per host (vSphere's limit; left out: %d on a 1 GbE vMotion network, %d on 10 GbE)",
			c.ConcurrentVMotions, topology.VMotionsOn10GbE, topology.VMotionsOn1GbE, topology.VMotionsOn10GbE)
	}
	if c.HA.HostFailuresTolerated < 0 {
		b.fail(c.PosOf("ha.host_failures_tolerated"), "ha host_failures_tolerated %d: expected 0 or more host failures", c.HA.HostFailuresTolerated)
	}
	admission := c.HA.AdmissionControl
	switch {
	case admission == "" && written(c.Source, "ha.failover_hosts"):
		admission = "failover-hosts"
	case admission == "" && (written(c.Source, "ha.cpu_failover_percent") || written(c.Source, "ha.memory_failover_percent")):
		admission = "percentage"
	case admission == "" && written(c.Source, "ha.host_failures_tolerated"):
		admission = "host-failures"
	case admission == "":
		admission = "disabled"
	case admission != "disabled" && admission != "host-failures" && admission != "percentage" && admission != "failover-hosts":
		b.fail(c.PosOf("ha.admission_control"), "unknown admission_control %q (expected disabled, host-failures, percentage or failover-hosts)", admission)
	}
	b.admissionSettings(c, admission)
	ftRate := speedOr(c.Source, "ft.logging_rate", c.FT.LoggingRate, topology.DefaultFTLoggingRate)
	return &topology.Cluster{Name: c.Name, Hosts: c.Hosts, VMotionVLAN: c.VMotionVLAN, ConcurrentVMotions: c.ConcurrentVMotions, Source: c.Source,
		HA: topology.HA{Enabled: c.HA.Enabled, Legacy: legacy,
			Heartbeat:             orDefault(c.Source, "ha.heartbeat", c.HA.Heartbeat, topology.DefaultHAHeartbeat),
			FailureDetection:      orDefault(c.Source, "ha.failure_detection", c.HA.FailureDetection, topology.DefaultHAFailureDetection),
			IsolationResponse:     iso,
			HostFailuresTolerated: c.HA.HostFailuresTolerated, VMMonitoring: c.HA.VMMonitoring,
			Admission: admission, CPUFailoverPercent: c.HA.CPUFailoverPercent, MemoryFailoverPercent: c.HA.MemoryFailoverPercent,
			FailoverHosts: c.HA.FailoverHosts},
		FT: topology.FT{Enabled: c.FT.Enabled, LoggingVLAN: c.FT.LoggingVLAN, LoggingRate: ftRate},
		DRS: topology.DRS{Enabled: c.DRS.Enabled, Threshold: drsThreshold, Interval: orDefault(c.Source, "drs.interval", c.DRS.Interval, topology.DefaultDRSInterval),
			Automation: automation},
		DPM: topology.DPM{Enabled: c.DPM.Enabled, TargetUtilization: dpmTarget, Tolerance: dpmTol},
	}
}

// admissionSettings refuses the settings of an admission control policy the cluster
// does not use (they would be read and do nothing) and a policy without its settings.
func (b *builder) admissionSettings(c ClusterSpec, policy string) {
	how := policy
	if c.HA.AdmissionControl == "" {
		how = policy + " (from the settings written; admission_control chooses)"
	}
	for _, p := range []struct{ policy, key string }{
		{"percentage", "ha.cpu_failover_percent"}, {"percentage", "ha.memory_failover_percent"},
		{"failover-hosts", "ha.failover_hosts"},
	} {
		if p.policy != policy && written(c.Source, p.key) {
			b.fail(c.PosOf(p.key), "%s belongs to admission_control: %s, but cluster %s's admission control is %s: it would do nothing",
				strings.TrimPrefix(p.key, "ha."), p.policy, c.Name, how)
		}
	}
	switch {
	case policy == "percentage" && !written(c.Source, "ha.cpu_failover_percent") && !written(c.Source, "ha.memory_failover_percent"):
		b.fail(c.PosOf("ha.admission_control"), "admission_control: percentage needs cpu_failover_percent or memory_failover_percent (the share of the cluster kept free)")
	case policy == "failover-hosts" && len(c.HA.FailoverHosts) == 0:
		b.fail(c.PosOf("ha.admission_control"), "admission_control: failover-hosts needs failover_hosts: [...] (the hosts kept free for restarts)")
	}
}

// datastoreHeartbeats is a cluster's datastore heartbeating: as written, or on where
// every host of the cluster is attached to one storage array (vSphere picks its two
// heartbeat datastores among those all hosts mount; reference-facts §6.1).
func datastoreHeartbeats(c ClusterSpec, t *topology.Topology) bool {
	if c.HA.DatastoreHeartbeats != nil {
		return *c.HA.DatastoreHeartbeats
	}
	var shared []string
	for i, name := range c.Hosts {
		var storage []string
		if h := t.Host(name); h != nil {
			storage = h.Storage
		}
		if i == 0 {
			shared = slices.Clone(storage)
			continue
		}
		shared = slices.DeleteFunc(shared, func(s string) bool { return !slices.Contains(storage, s) })
	}
	return len(shared) > 0
}

// bootTimeOf is the default boot time of a host kind (topology/defaults.go).
func bootTimeOf(k topology.HostKind) time.Duration {
	if k == topology.Hypervisor || k == topology.Legacy {
		return topology.DefaultSlowBootTime
	}
	return topology.DefaultHostBootTime
}
