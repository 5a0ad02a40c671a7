package failures

import (
	"slices"

	"dctwin/sim"
)

// ClassSummary condenses the failures of one kind that came after the first Detailed
// ones: a long run with random failures reports those in total rather than one by one.
type ClassSummary struct {
	Kind     Kind
	Failures int
	// Detected counts the failures some mechanism noticed; DetectionTotal and
	// DetectionMax are over their earliest detections.
	Detected       int
	DetectionTotal sim.Time
	DetectionMax   sim.Time
	// FlowOutages counts the flow outages charged to these failures, Unrestored those
	// not restored before the repair; OutageTotal and OutageMax are over the restored.
	FlowOutages int
	Unrestored  int
	// FlowDirectionOutages counts the outages of single flow directions,
	// RestoredDirections those restored before the repair: the outage times are over them.
	FlowDirectionOutages int
	RestoredDirections   int
	OutageTotal          sim.Time
	OutageMax            sim.Time
}

// Restored is how many of the flow outages were restored (in every direction).
func (c ClassSummary) Restored() int { return c.FlowOutages - c.Unrestored }

// MeanOutage is the mean outage of the restored flow directions (0 without any).
func (c ClassSummary) MeanOutage() sim.Time {
	if c.RestoredDirections == 0 {
		return 0
	}
	return c.OutageTotal / sim.Time(c.RestoredDirections)
}

// add folds one failure's report into the summary.
func (c *ClassSummary) add(r *FailureReport) {
	c.Failures++
	if d, ok := r.DetectedAfter(); ok {
		c.Detected++
		c.DetectionTotal += d
		c.DetectionMax = max(c.DetectionMax, d)
	}
	// A flow counts once per failure (once more if the repair interrupted it),
	// whichever of its directions were hit, and is unrestored if any direction was.
	type hit struct {
		flow        string
		afterRepair bool
	}
	unrestored := map[hit]bool{}
	for _, fo := range r.Flows {
		c.FlowDirectionOutages++
		h := hit{fo.Flow, fo.AfterRepair}
		if _, seen := unrestored[h]; !seen {
			c.FlowOutages++
			unrestored[h] = false
		}
		if !fo.Restored {
			if !unrestored[h] {
				c.Unrestored++
			}
			unrestored[h] = true
			continue
		}
		c.RestoredDirections++
		c.OutageTotal += fo.Outage
		c.OutageMax = max(c.OutageMax, fo.Outage)
	}
}

// final reports whether nothing can change a report any more: it is repaired (only a
// failure in force is detected), a later event took the blame for flow changes, and
// no flow outage charged to it is still open.
func (m *Measurement) final(r *FailureReport) bool {
	return r.Failure.RepairAt != sim.Never && r != m.latest && r.refs == 0
}

// Compact folds the later failures that nothing can change any more into their kind's
// summary. The measurement calls it itself as they pile up; callers may call it
// between steps of a run.
func (m *Measurement) Compact() {
	m.live = slices.DeleteFunc(m.live, func(r *FailureReport) bool {
		if !m.final(r) {
			return false
		}
		c := m.summary[r.Failure.Kind]
		if c == nil {
			c = &ClassSummary{Kind: r.Failure.Kind}
			m.summary[r.Failure.Kind] = c
		}
		c.add(r)
		return true
	})
}

// Summaries returns, per failure kind in the order of Kinds, the failures after the
// first Detailed ones (nil while there are none); those that can still change are
// counted as they stand now.
func (m *Measurement) Summaries() []ClassSummary {
	byKind := map[Kind]ClassSummary{}
	for k, c := range m.summary {
		byKind[k] = *c
	}
	for _, r := range m.live {
		c := byKind[r.Failure.Kind]
		c.Kind = r.Failure.Kind
		c.add(r)
		byKind[r.Failure.Kind] = c
	}
	var out []ClassSummary
	for _, k := range Kinds {
		if c, ok := byKind[k]; ok {
			out = append(out, c)
		}
	}
	return out
}
