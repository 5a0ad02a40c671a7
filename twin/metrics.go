package twin

import (
	"fmt"
	"sort"
)

// Metric is one named figure of a run's report: what the batch experiments collect
// and plot. Names are stable; the list:
//
//	summary.failures               failures that happened
//	summary.undetected             failures no mechanism noticed
//	summary.flow_outages           flows interrupted (a flow once per failure)
//	summary.unrestored             of those, not restored before the repair
//	summary.max_outage_ms          the longest restored flow outage
//	summary.flow_availability      share of flow time delivered, 0..1
//	failure[i].detected_after_ms   the i-th failure's earliest detection (0-based; absent if never)
//	failure[i].detections          how many mechanisms noticed it
//	failure[i].max_flow_outage_ms  its longest restored flow-direction outage (absent if none)
//	failure[i].flow_outages        flow directions it interrupted
//	failure[i].unrestored          of those, not restored before the repair
//	failure[i].cut_off             nodes it cut off from their gateway
//	failure[i].calls_dropped       calls dropped while it was in force (with calls)
//	failure[i].calls_degraded      calls degraded while it was in force (with calls)
//	failure[i].calls_failed_setup  calls that failed their setup while it was in force
//	flow[NAME].down_ms             the longest down time of the flow's directions
//	flow[NAME].lost_packets        packets lost in outages, all directions
//	flow[NAME].congestion_lost     packets dropped by links over capacity, all directions
//	flow[NAME].delay_ms            the longest one-way delay of its directions (0 if down)
//	service[NODE].unreachable_ms   time the node was cut off
//	service[NODE].impaired_ms      time the node had traffic lost
//	calls.attempted, calls.completed, calls.blocked, calls.busy, calls.failed_setup,
//	calls.dropped, calls.degraded, calls.over_delay_budget, calls.in_progress_at_start
//	calls.blocking_ratio           blocked / attempted
//	calls.mean_mos, calls.min_mos  whole-call MOS of the ended calls
//	calls.min_interval_mos         the worst interval MOS of any ended call
//	energy.total_kwh               energy of the hosts with a power model (with any)
//	energy.host[NAME].kwh          one host's energy
//	vm_cluster[NAME].down_ms       a VM-level cluster's service downtime over the failures (restored outages)
//	migration[i].downtime_ms       the i-th live migration's VM downtime (0-based; absent unless it went through)
//	migration[i].duration_ms       its pre-copy and stun together
//	migrations.count               live migrations started (by hand, maintenance, DRS, DPM)
//	drs.migrations                 migrations fully automated DRS started (0 without DRS at work)
//	drs.recommendations            moves manual or partially automated DRS recommended
//	dpm.power_offs, dpm.power_ons  DPM's power actions that completed
//	dpm.host_off_hours             the hosts' total time powered off by DPM
type Metric struct {
	Name  string
	Value float64
}

// MetricFamilies lists the figures of each family of metric names, as Metrics names
// them ("summary.failures", "failure[0].detected_after_ms", "energy.host[hv-1].kwh"):
// what a program that collects metrics (the experiments) accepts as a name. Families
// with brackets take an index or a name.
var MetricFamilies = map[string][]string{
	"summary": {"failures", "undetected", "flow_outages", "unrestored", "max_outage_ms", "flow_availability"},
	"failure": {"detected_after_ms", "detections", "max_flow_outage_ms", "flow_outages", "unrestored", "cut_off",
		"calls_dropped", "calls_degraded", "calls_failed_setup"},
	"flow":    {"down_ms", "lost_packets", "congestion_lost", "delay_ms"},
	"service": {"unreachable_ms", "impaired_ms"},
	"calls": {"attempted", "completed", "blocked", "busy", "failed_setup", "dropped", "degraded",
		"over_delay_budget", "in_progress_at_start", "blocking_ratio", "mean_mos", "min_mos", "min_interval_mos"},
	"energy":      {"total_kwh"},
	"energy.host": {"kwh"},
	"migration":   {"downtime_ms", "duration_ms"},
	"vm_cluster":  {"down_ms"},
	"migrations":  {"count"},
	"drs":         {"migrations", "recommendations"},
	"dpm":         {"power_offs", "power_ons", "host_off_hours"},
}

// Metrics returns the report's named figures, sorted by name.
func (r *Report) Metrics() []Metric {
	var out []Metric
	add := func(name string, v float64) { out = append(out, Metric{name, v}) }
	s := r.Summary
	add("summary.failures", float64(s.Failures))
	add("summary.undetected", float64(s.Undetected))
	add("summary.flow_outages", float64(s.FlowOutages))
	add("summary.unrestored", float64(s.Unrestored))
	if s.MaxOutageMs != nil {
		add("summary.max_outage_ms", *s.MaxOutageMs)
	}
	add("summary.flow_availability", s.FlowAvailability)
	for i, f := range r.Failures {
		p := fmt.Sprintf("failure[%d].", i)
		if f.DetectedAfterMs != nil {
			add(p+"detected_after_ms", *f.DetectedAfterMs)
		}
		add(p+"detections", float64(len(f.Detections)))
		unrestored, longest := 0, -1.0
		for _, fo := range f.Flows {
			if fo.OutageMs == nil {
				unrestored++
			} else {
				longest = max(longest, *fo.OutageMs)
			}
		}
		if longest >= 0 {
			add(p+"max_flow_outage_ms", longest)
		}
		add(p+"flow_outages", float64(len(f.Flows)))
		add(p+"unrestored", float64(unrestored))
		add(p+"cut_off", float64(len(f.CutOff)))
		if f.CallsDropped != nil {
			add(p+"calls_dropped", float64(*f.CallsDropped))
			add(p+"calls_degraded", float64(*f.CallsDegraded))
			if f.CallsFailedSetup != nil {
				add(p+"calls_failed_setup", float64(*f.CallsFailedSetup))
			}
		}
	}
	type flowSum struct{ down, lost, cong, delay float64 }
	flows := map[string]*flowSum{}
	var names []string
	for _, f := range r.Flows {
		fs := flows[f.Flow]
		if fs == nil {
			fs = &flowSum{}
			flows[f.Flow] = fs
			names = append(names, f.Flow)
		}
		fs.down = max(fs.down, f.DownMs)
		fs.lost += float64(f.LostPackets)
		fs.cong += float64(f.CongestionLostPackets)
		fs.delay = max(fs.delay, f.DelayMs)
	}
	for _, n := range names {
		fs := flows[n]
		p := "flow[" + n + "]."
		add(p+"down_ms", fs.down)
		add(p+"lost_packets", fs.lost)
		add(p+"congestion_lost", fs.cong)
		add(p+"delay_ms", fs.delay)
	}
	for _, sv := range r.Services {
		add("service["+sv.Node+"].unreachable_ms", sv.UnreachableMs)
		add("service["+sv.Node+"].impaired_ms", sv.ImpairedMs)
	}
	if c := r.Calls; c != nil {
		add("calls.in_progress_at_start", float64(c.InProgressAtStart))
		add("calls.attempted", float64(c.Attempted))
		add("calls.completed", float64(c.Completed))
		add("calls.blocked", float64(c.Blocked))
		add("calls.busy", float64(c.Busy))
		add("calls.failed_setup", float64(c.FailedSetup))
		add("calls.dropped", float64(c.Dropped))
		add("calls.degraded", float64(c.Degraded))
		add("calls.over_delay_budget", float64(c.OverDelayBudget))
		add("calls.blocking_ratio", c.BlockingRatio())
		add("calls.mean_mos", c.MeanMOS)
		add("calls.min_mos", c.MinMOS)
		add("calls.min_interval_mos", c.MinIntervalMOS)
	}
	if e := r.Energy; e != nil {
		add("energy.total_kwh", e.TotalKWh)
		for _, h := range e.Hosts {
			add("energy.host["+h.Host+"].kwh", h.KWh)
		}
	}
	down := map[string]float64{}
	for _, c := range r.vmClusters {
		down[c] = 0
	}
	for _, f := range r.Failures {
		for _, o := range f.VMClusters {
			if o.OutageMs != nil {
				down[o.Service] += *o.OutageMs
			}
		}
	}
	for c, ms := range down {
		add("vm_cluster["+c+"].down_ms", ms)
	}
	add("migrations.count", float64(len(r.Migrations)))
	for i, m := range r.Migrations {
		if m.Aborted == "" && m.EndS != nil {
			p := fmt.Sprintf("migration[%d].", i)
			add(p+"downtime_ms", m.DowntimeMs)
			add(p+"duration_ms", m.PreCopyMs+m.StunMs)
		}
	}
	rs := r.Resources
	if rs == nil {
		rs = &ResourcesResult{} // DRS and DPM did nothing: zeros, so that experiments compare
	}
	add("drs.migrations", float64(rs.DRSMigrations))
	add("drs.recommendations", float64(len(rs.Recommendations)))
	var offs, ons float64
	for _, a := range rs.PowerActions {
		if a.DoneS == nil {
			continue
		}
		if a.Action == "power on" {
			ons++
		} else {
			offs++
		}
	}
	add("dpm.power_offs", offs)
	add("dpm.power_ons", ons)
	add("dpm.host_off_hours", rs.HostOffHours)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Metric returns one named figure of the report, and false if the report has none of
// that name (a failure that did not happen, a failure never detected).
func (r *Report) Metric(name string) (float64, bool) {
	for _, m := range r.Metrics() {
		if m.Name == name {
			return m.Value, true
		}
	}
	return 0, false
}
