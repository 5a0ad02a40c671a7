package experiment

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/twin"
	"dctwin/workloads/uc"
)

// The metrics an experiment can collect are the run report's named metrics (see
// twin.Metric for the list; service[NODE].* are 0 for a node the report does not list,
// as it lists only the nodes that lost traffic) and these, which the experiment
// measures itself:
//
//	service[NODE].availability   1 − service[NODE].unreachable_ms / the run's duration
//	calls.max_setup_ms           the longest time from a call's first INVITE to its answer
//	                             (post-dial delay, plus INVITE retransmissions while the
//	                             PBX could not be reached or had not failed over)
//	calls.max_gap_ms             the longest media gap of any call that ended or dropped:
//	                             the failover as the calls felt it
//
// SeriesMetrics are sampled over simulated time (series: in the file):
var SeriesMetrics = []string{
	"calls.mos",    // mean interval MOS of the calls talking (the MOS time series of the calls model)
	"calls.active", // calls talking
}

// Probe metrics, measured from the run's records rather than read from its report.
const (
	metricMaxSetup = "calls.max_setup_ms"
	metricMaxGap   = "calls.max_gap_ms"
)

// metricSuffixes are the report's metric families (twin.MetricFamilies) and the
// figures the experiment measures itself.
var metricSuffixes = func() map[string][]string {
	m := map[string][]string{}
	for f, xs := range twin.MetricFamilies {
		m[f] = slices.Clone(xs)
	}
	m["service"] = append(m["service"], "availability")
	m["calls"] = append(m["calls"], "max_setup_ms", "max_gap_ms")
	return m
}()

var metricName = regexp.MustCompile(`^(summary|calls|energy|drs|dpm|migrations|failure\[(\d+)\]|flow\[([^\]]+)\]|service\[([^\]]+)\]|energy\.host\[([^\]]+)\]|migration\[\d+\]|vm_cluster\[[^\]]+\])\.([a-z_]+)$`)

// checkMetricName accepts the names twin.Metric lists and the experiment's own.
func checkMetricName(name string) error {
	m := metricName.FindStringSubmatch(name)
	if m == nil {
		return fmt.Errorf("unknown metric %q: expected summary.X, failure[i].X, flow[NAME].X, service[NODE].X, calls.X, energy.X, energy.host[NAME].X, vm_cluster[NAME].X, migration[i].X, migrations.X, drs.X or dpm.X (see 'go doc dctwin/twin Metric')", name)
	}
	family := m[1]
	if i := strings.IndexByte(family, '['); i >= 0 {
		family = family[:i]
	}
	if !slices.Contains(metricSuffixes[family], m[6]) {
		return fmt.Errorf("unknown metric %q: %s has %s", name, family, strings.Join(metricSuffixes[family], ", "))
	}
	return nil
}

// metricSubject checks that a flow or service a metric names exists in the scenario.
func metricSubject(sc *scenario.Scenario, name string) error {
	m := metricName.FindStringSubmatch(name)
	if m == nil {
		return nil
	}
	switch {
	case m[3] != "":
		for _, f := range sc.Spec.Workloads.Flows {
			if f.Name == m[3] {
				return nil
			}
		}
		return fmt.Errorf("metric %s: the scenario has no flow %q", name, m[3])
	case m[5] != "":
		if h := sc.Topology().Host(m[5]); h == nil || h.Power.Max <= 0 {
			return fmt.Errorf("metric %s: the scenario has no host %q with a power model", name, m[5])
		}
	case m[4] != "":
		t := sc.Topology()
		if t.Host(m[4]) == nil && t.VM(m[4]) == nil && t.Endpoint(m[4]) == nil {
			return fmt.Errorf("metric %s: the scenario has no host, VM or endpoint %q", name, m[4])
		}
	}
	return nil
}

// items is what one run records, in runs.csv order: the metrics, then each series'
// samples.
type item struct {
	metric string
	at     time.Duration
	series bool
}

func (s *Spec) items() []item {
	var out []item
	for _, m := range s.Metrics {
		out = append(out, item{metric: m.Name})
	}
	for _, sr := range s.Series {
		for _, t := range sr.Times() {
			out = append(out, item{metric: sr.Metric, at: t, series: true})
		}
	}
	return out
}

// probes measures the experiment's own call metrics from the run's records.
type probes struct {
	attempted map[string]sim.Time
	maxSetup  float64
	maxGap    float64
	setups    bool
}

func (p *probes) Observe(at sim.Time, r sim.Record) {
	switch v := r.(type) {
	case uc.CallAttempt:
		p.attempted[v.ID] = at
	case uc.CallStarted:
		if t0, ok := p.attempted[v.ID]; ok {
			p.maxSetup = max(p.maxSetup, (at-t0).Seconds()*1000)
			p.setups = true
			delete(p.attempted, v.ID)
		}
	case uc.CallFailedSetup:
		delete(p.attempted, v.ID)
	case uc.CallEnded:
		p.maxGap = max(p.maxGap, time.Duration(v.MaxGap).Seconds()*1000)
	case uc.CallDropped:
		p.maxGap = max(p.maxGap, time.Duration(v.MaxGap).Seconds()*1000)
	}
}

// measure runs one replication of a prepared configuration and returns the value of
// every item (NaN where the run has none).
func (s *Spec) measure(ctx context.Context, sc *scenario.Scenario, seed uint64) ([]float64, error) {
	tw, err := twin.New(sc, twin.Options{Seed: seed, SeedSet: true, Duration: sim.Time(s.Duration), Force: s.Force})
	if err != nil {
		return nil, err
	}
	var pr *probes
	for _, m := range s.Metrics {
		if m.Name == metricMaxSetup || m.Name == metricMaxGap {
			pr = &probes{attempted: map[string]sim.Time{}}
			tw.Observe(pr)
			break
		}
	}
	if err := tw.RunContext(ctx); err != nil {
		return nil, err
	}
	rep := tw.Report()
	ms := rep.Metrics() // sorted by name
	lookup := func(name string) (float64, bool) {
		i := sort.Search(len(ms), func(i int) bool { return ms[i].Name >= name })
		if i < len(ms) && ms[i].Name == name {
			return ms[i].Value, true
		}
		return 0, false
	}
	var series []uc.Sample
	if tw.Calls != nil {
		series = tw.Calls.Series()
	}
	out := make([]float64, 0, len(s.Metrics))
	for _, m := range s.Metrics {
		v, ok := 0.0, false
		switch {
		case m.Name == metricMaxSetup:
			v, ok = pr.maxSetup, pr.setups
		case m.Name == metricMaxGap:
			v, ok = pr.maxGap, tw.Calls != nil
		case strings.HasSuffix(m.Name, "].availability"):
			// The report lists only the nodes that had an outage; Parse checked that
			// the node exists, so absent means never cut off.
			down, _ := lookup(strings.TrimSuffix(m.Name, "availability") + "unreachable_ms")
			v, ok = 1-down/(float64(tw.Duration)/float64(sim.Millisecond)), true
		case strings.HasPrefix(m.Name, "service["):
			v, ok = lookup(m.Name)
			ok = true // 0 when the node never lost traffic (see above)
		default:
			v, ok = lookup(m.Name)
		}
		if !ok && m.IfAbsent != nil {
			v, ok = *m.IfAbsent, true
		}
		if !ok {
			v = math.NaN()
		}
		out = append(out, v)
	}
	for _, sr := range s.Series {
		for _, t := range sr.Times() {
			out = append(out, sample(series, sr.Metric, sim.Time(t)))
		}
	}
	return out, nil
}

// sample is the series value at t: the latest sample at or before t, NaN if there is
// none (no calls, or before the first sample) or no call was talking for calls.mos.
func sample(series []uc.Sample, metric string, t sim.Time) float64 {
	i := sort.Search(len(series), func(i int) bool { return series[i].At > t }) - 1
	if i < 0 {
		return math.NaN()
	}
	sm := series[i]
	switch metric {
	case "calls.active":
		return float64(sm.Active)
	case "calls.mos":
		if sm.Active == 0 {
			return math.NaN()
		}
		return sm.MeanMOS
	}
	return math.NaN()
}
