package experiment

import (
	"fmt"
	"strings"
)

// Overrides are the changes the command line makes to a spec: --replications,
// --precision METRIC=SHARE and --max-replications. experiment.json records them, so
// that the spec reads back as it ran.
type Overrides struct {
	Replications    int    `json:"replications,omitempty"`
	Precision       string `json:"precision,omitempty"`
	MaxReplications int    `json:"max_replications,omitempty"`
}

// Apply changes the spec as o says; zero fields leave it as written. A precision
// metric must be one of the spec's metrics.
func (s *Spec) Apply(o Overrides) error {
	if o.Replications < 0 || o.Replications > MaxReplications {
		return fmt.Errorf("--replications %d: expected 1 to %d", o.Replications, MaxReplications)
	}
	if o.Replications > 0 {
		s.Replications = o.Replications
	}
	if o.Precision != "" {
		name, share, ok := strings.Cut(o.Precision, "=")
		if !ok {
			return fmt.Errorf("--precision %q: expected METRIC=SHARE, e.g. failure[0].detected_after_ms=5%%", o.Precision)
		}
		found := false
		for _, m := range s.Metrics {
			found = found || m.Name == name
		}
		if !found {
			return fmt.Errorf("--precision: %s is not one of the experiment's metrics (%s)", name, strings.Join(s.metricNames(), ", "))
		}
		p := &Precision{Metric: name, Pos: s.PosOf("precision")}
		if s.Precision != nil {
			p.MaxReplications = s.Precision.MaxReplications
		}
		hw, err := parseShare(share)
		if err != nil {
			return fmt.Errorf("--precision %s: %v", o.Precision, err)
		}
		p.HalfWidth = hw
		s.Precision = p
	}
	if o.MaxReplications != 0 {
		if s.Precision == nil {
			return fmt.Errorf("--max-replications needs precision (--precision METRIC=SHARE, or precision: in the file)")
		}
		s.Precision.MaxReplications = o.MaxReplications
	}
	if p := s.Precision; p != nil {
		if p.MaxReplications == 0 {
			p.MaxReplications = max(200, s.Replications)
		}
		if s.Replications < 2 {
			return fmt.Errorf("precision needs at least 2 replications to start from (replications: %d)", s.Replications)
		}
		if p.MaxReplications < s.Replications {
			return fmt.Errorf("the most replications precision may add to (%d) is below replications (%d)", p.MaxReplications, s.Replications)
		}
	}
	return nil
}

func (s *Spec) metricNames() []string {
	out := make([]string, len(s.Metrics))
	for i, m := range s.Metrics {
		out[i] = m.Name
	}
	return out
}
