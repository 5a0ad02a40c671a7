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

// DelayInputs returns the G.107 delay inputs of a connection whose one-way
// mouth-to-ear delay is oneWayMs, by the convention dctwin uses wherever one delay
// stands for all three (the call model, `dctwin emodel --delay`): the absolute delay
// Ta is the one-way delay; the connection is echo-controlled and its echo returns from
// the far end, so the talker-echo path delay T is the one-way delay as well and the
// listener echo, which crosses the loop once more, has Tr = 2·oneWayMs. This is the
// "T = Ta, Tr = 2·Ta" case of reference-facts 1.9 (Ta 200 ms: R 85.80 where an
// echo-free connection has 90.16).
func DelayInputs(oneWayMs float64) (ta, t, tr float64) {
	return oneWayMs, oneWayMs, 2 * oneWayMs
}
