package uc

import (
	"slices"

	"dctwin/sim"
)

// What the model keeps of the past is bounded, so that a run of any duration holds
// memory in proportion to its calls in progress, not to its simulated time.

// MaxSeriesSamples is how much of the MOS time series the model keeps: the most recent
// day at the default one-second interval (about 2 MB). Series returns at most this
// many samples.
const MaxSeriesSamples = 86_400

// keepRecent appends s to the series; when the series reaches twice MaxSeriesSamples,
// the older half is dropped first, so appending stays amortized O(1).
func keepRecent(series []Sample, s Sample) []Sample {
	if len(series) >= 2*MaxSeriesSamples {
		n := copy(series, series[len(series)-MaxSeriesSamples:])
		series = series[:n]
	}
	return append(series, s)
}

// Forget discards the call drops, failed setups and the closed degraded episodes that
// ended before t,
// which CallsAffected needs only for windows that begin before t: the twin calls it
// once the failures it still asks about begin at t or later, so that a long run keeps
// only that much history. CallsAffected(from, to) stays exact for every from ≥ t.
func (m *Model) Forget(t sim.Time) {
	tl := &m.tally
	i := 0
	for i < len(tl.drops) && tl.drops[i] < t {
		i++
	}
	if i > 0 {
		tl.drops = slices.Delete(tl.drops, 0, i)
	}
	j := 0
	for j < len(tl.setupFailures) && tl.setupFailures[j] < t {
		j++
	}
	if j > 0 {
		tl.setupFailures = slices.Delete(tl.setupFailures, 0, j)
	}
	if !slices.ContainsFunc(tl.episodes, func(e episode) bool { return e.end < t }) {
		return
	}
	kept := tl.episodes[:0]
	for _, e := range tl.episodes {
		if e.end >= t {
			kept = append(kept, e)
		}
	}
	clear(tl.episodes[len(kept):])
	tl.episodes = kept
	// The open episodes moved: their calls, still active, find them by index.
	byID := make(map[string]*Call, m.active.n)
	for c := m.active.first; c != nil; c = c.next {
		byID[c.info.ID] = c
	}
	for k, e := range tl.episodes {
		if c := byID[e.call]; c != nil && e.end == sim.Never {
			c.episode = k
		}
	}
}
