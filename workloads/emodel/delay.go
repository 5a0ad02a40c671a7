package emodel

// DelayBand is a G.114 planning band for the one-way mouth-to-ear delay.
type DelayBand struct {
	// MaxMs is the upper limit of the band in ms (inclusive); 0 for the open last band.
	MaxMs float64 `json:"max_ms"`
	// Verdict is the G.114 planning statement for delays in the band.
	Verdict string `json:"verdict"`
}

// DelayBandOf returns the G.114 (1996, clause 2) planning band of a one-way delay in ms
// (reference-facts 3): up to 150 ms acceptable for most applications, up to 400 ms
// acceptable if the administration is aware of the impact, beyond 400 ms unacceptable for
// general network planning (G.114 (2003) keeps 400 ms as the planning limit).
func DelayBandOf(oneWayMs float64) DelayBand {
	switch {
	case oneWayMs <= 150:
		return DelayBand{150, "0–150 ms: acceptable for most user applications (G.114)"}
	case oneWayMs <= 400:
		return DelayBand{400, "150–400 ms: acceptable only if the administration is aware of the impact on quality (G.114)"}
	}
	return DelayBand{0, "over 400 ms: unacceptable for general network planning (G.114)"}
}
