package uc

import (
	"fmt"

	"dctwin/sim"
)

// Jitter-buffer defaults (reference-facts 3).
const (
	// DefaultJitterNominal is the playout delay of a fixed de-jitter buffer: Cisco's
	// example of 40 ms nominal (Doc 5125). Cisco adds 1.5× nominal in delay budgets to
	// cover buffer growth; a fixed buffer here holds exactly its nominal delay.
	DefaultJitterNominal = 40 * sim.Millisecond
	// DefaultJitterTargetExtra is what an adaptive buffer holds on top of the jitter it
	// has seen: Asterisk's JITTERBUFFER target_extra of 40 ms.
	DefaultJitterTargetExtra = 40 * sim.Millisecond
	// DefaultJitterMax caps an adaptive buffer: Asterisk's max_size of 200 ms.
	DefaultJitterMax = 200 * sim.Millisecond
	// DefaultJitterMemory is how long an adaptive buffer stays grown after a delay
	// excursion before it shrinks back. dctwin's choice, not a cited value: adaptive
	// buffers grow at once and shrink slowly, over seconds.
	DefaultJitterMemory = 10 * sim.Second
)

// JitterMode says how a de-jitter buffer sizes itself.
type JitterMode int

// Jitter-buffer modes.
const (
	// FixedJitter holds every packet for the nominal playout delay.
	FixedJitter JitterMode = iota
	// AdaptiveJitter holds the largest delay variation seen within Memory plus
	// TargetExtra, up to Max, like Asterisk's adaptive buffer.
	AdaptiveJitter
)

// String names the mode.
func (m JitterMode) String() string {
	switch m {
	case FixedJitter:
		return "fixed"
	case AdaptiveJitter:
		return "adaptive"
	}
	return fmt.Sprintf("JitterMode(%d)", int(m))
}

// JitterBuffer is an endpoint's de-jitter buffer. Its delay adds to the mouth-to-ear
// delay of every call (reference-facts 3). The zero value is a fixed 40 ms buffer.
type JitterBuffer struct {
	// Mode is fixed (default) or adaptive.
	Mode JitterMode
	// Nominal is the fixed buffer's playout delay (0: DefaultJitterNominal, 40 ms).
	Nominal sim.Time
	// TargetExtra is what the adaptive buffer adds to the observed jitter (0: 40 ms).
	TargetExtra sim.Time
	// Max caps the adaptive buffer (0: 200 ms).
	Max sim.Time
	// Memory is how long the adaptive buffer remembers a delay variation (0: 10 s).
	Memory sim.Time
}

func (b JitterBuffer) withDefaults() JitterBuffer {
	if b.Nominal == 0 {
		b.Nominal = DefaultJitterNominal
	}
	if b.TargetExtra == 0 {
		b.TargetExtra = DefaultJitterTargetExtra
	}
	if b.Max == 0 {
		b.Max = DefaultJitterMax
	}
	if b.Memory == 0 {
		b.Memory = DefaultJitterMemory
	}
	return b
}

func (b JitterBuffer) validate() error {
	switch {
	case b.Mode != FixedJitter && b.Mode != AdaptiveJitter:
		return fmt.Errorf("mode: unknown jitter-buffer mode %d", int(b.Mode))
	case b.Nominal < 0:
		return fmt.Errorf("nominal: negative (%v)", b.Nominal)
	case b.TargetExtra < 0:
		return fmt.Errorf("target_extra: negative (%v)", b.TargetExtra)
	case b.Max < b.TargetExtra:
		return fmt.Errorf("max: %v is below target_extra %v", b.Max, b.TargetExtra)
	case b.Memory < 0:
		return fmt.Errorf("memory: negative (%v)", b.Memory)
	}
	return nil
}

// jitterState is one receiving endpoint's buffer for one stream: it watches the
// stream's network delay and says how long packets wait in the buffer.
type jitterState struct {
	cfg     JitterBuffer
	last    sim.Time // last observed network delay, -1 before the first
	peaks   []jitterPeak
	current sim.Time
}

// jitterPeak is a delay variation seen at a time, kept while it is within memory.
type jitterPeak struct {
	at, size sim.Time
}

func newJitterState(cfg JitterBuffer) jitterState {
	js := jitterState{cfg: cfg, last: -1}
	js.current = js.size()
	return js
}

// observe takes a network delay sample at now and updates the buffer's delay. A step in
// the delay (a path change after a failover, queueing on a loaded link) is jitter the
// adaptive buffer grows for at once; it shrinks when the step leaves its memory.
func (js *jitterState) observe(now, delay sim.Time) {
	if js.cfg.Mode == AdaptiveJitter {
		if js.last >= 0 && delay != js.last {
			step := delay - js.last
			if step < 0 {
				step = -step
			}
			js.peaks = append(js.peaks, jitterPeak{at: now, size: step})
		}
		k := 0
		for k < len(js.peaks) && now-js.peaks[k].at > js.cfg.Memory {
			k++
		}
		js.peaks = js.peaks[k:]
	}
	js.last = delay
	js.current = js.size()
}

// size is the buffer's playout delay now.
func (js *jitterState) size() sim.Time {
	if js.cfg.Mode == FixedJitter {
		return js.cfg.Nominal
	}
	var peak sim.Time
	for _, p := range js.peaks {
		peak = max(peak, p.size)
	}
	return min(peak+js.cfg.TargetExtra, js.cfg.Max)
}
