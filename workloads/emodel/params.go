package emodel

import (
	"fmt"
	"math"
)

// Params holds every input of the G.107 E-model. Units follow G.107 Table 3: loudness
// ratings and losses in dB, noise in dBm0p/dBmp, room noise in dB(A), delays in ms, Ppl in
// percent. The zero value is not meaningful; start from Defaults.
type Params struct {
	SLR    float64 `json:"slr"`    // send loudness rating, dB
	RLR    float64 `json:"rlr"`    // receive loudness rating, dB
	STMR   float64 `json:"stmr"`   // sidetone masking rating, dB
	LSTR   float64 `json:"lstr"`   // listener sidetone rating, dB (G.107: LSTR = STMR + Dr)
	Ds     float64 `json:"ds"`     // D-value of the telephone, send side
	Dr     float64 `json:"dr"`     // D-value of the telephone, receive side
	TELR   float64 `json:"telr"`   // talker echo loudness rating, dB
	WEPL   float64 `json:"wepl"`   // weighted echo path loss, dB
	T      float64 `json:"t"`      // mean one-way delay of the echo path, ms
	Tr     float64 `json:"tr"`     // round-trip delay in a 4-wire loop, ms
	Ta     float64 `json:"ta"`     // absolute (mouth-to-ear) delay in echo-free connections, ms
	Qdu    float64 `json:"qdu"`    // number of quantizing distortion units
	Ie     float64 `json:"ie"`     // equipment impairment factor of the codec (G.113)
	Bpl    float64 `json:"bpl"`    // packet-loss robustness factor of the codec (G.113)
	Ppl    float64 `json:"ppl"`    // random packet-loss probability, percent
	BurstR float64 `json:"burstr"` // burst ratio: 1 for random loss, > 1 for bursty loss
	Nc     float64 `json:"nc"`     // circuit noise referred to the 0 dBr point, dBm0p
	Nfor   float64 `json:"nfor"`   // noise floor at the receive side, dBmp
	Ps     float64 `json:"ps"`     // room noise at the send side, dB(A)
	Pr     float64 `json:"pr"`     // room noise at the receive side, dB(A)
	A      float64 `json:"a"`      // advantage factor (expectation), see AdvantageMax*
	ST     float64 `json:"st"`     // sT, delay sensitivity of the absolute-delay impairment (G.107 2014+)
	MT     float64 `json:"mt"`     // mT, minimum perceivable absolute delay, ms (G.107 2014+)
}

// DefaultBpl is the packet-loss robustness factor Defaults uses. The G.107 (2005) table
// and many implementations print 1; newer implementations citing the current Table 3 use
// 4.3, the G.113 value for G.711 without PLC (reference-facts 1.2 notes the edition
// question is unconfirmed). 4.3 is the more conservative choice for a codec of unknown
// robustness; with Ppl = 0 it has no effect on R.
const DefaultBpl = 4.3

// Advantage factor maxima of G.107 Table 2 (reference-facts 1.7): the most a user's
// expectation can offset impairments for each kind of access.
const (
	AdvantageMaxWirebound  = 0  // conventional wirebound access
	AdvantageMaxInBuilding = 5  // mobility inside a building
	AdvantageMaxVehicle    = 10 // mobility in a geographical area or in a vehicle
	AdvantageMaxSatellite  = 20 // hard-to-reach locations, e.g. multi-hop satellite
)

// Defaults returns the G.107 Table 3 default values (reference-facts 1.2, G.107 Table 3
// as reproduced in Hindawi Mobile Information Systems 2022 art. 4816516 Table 3), with
// sT = 1 and mT = 100 ms, the "default" delay-sensitivity class of G.107 (2014+) Table 1,
// and Bpl = DefaultBpl. With these values R = 93.2 (G.107 §7.7).
func Defaults() Params {
	return Params{
		SLR:    8,
		RLR:    2,
		STMR:   15,
		LSTR:   18,
		Ds:     3,
		Dr:     3,
		TELR:   65,
		WEPL:   110,
		T:      0,
		Tr:     0,
		Ta:     0,
		Qdu:    1,
		Ie:     0,
		Bpl:    DefaultBpl,
		Ppl:    0,
		BurstR: 1,
		Nc:     -70,
		Nfor:   -64,
		Ps:     35,
		Pr:     35,
		A:      0,
		ST:     1,
		MT:     100,
	}
}

// Range is the permitted range of one E-model input. Symbol is the G.107 symbol as
// written in the standard (SLR, qdu, sT, ...).
type Range struct {
	Symbol   string
	Min, Max float64
	Unit     string
}

// Ranges lists the permitted ranges of G.107 Table 3 (2005 table, reference-facts 1.2) in
// the order of Params. Where the secondary copy is doubtful the standard's value is used
// and marked: LSTR 13…23 (copy prints 12…23), TELR 5…65 (copy prints 5…56, a typo),
// BurstR 1…8 (copy prints 1…2); all three are unconfirmed. Nfor has only a default
// (−64 dBmp) in the table, no range; dctwin's own guard gives it Nc's range, −80 … −40
// dBmp, since Nfor + RLR is summed in power with Nc into No (far above it the power sum
// overflows and R turns NaN). sT and mT have only named classes in G.107 Table 1 (not
// tabulated in reference-facts), so their ranges are dctwin's own guard too: below
// sT ≈ 0.17 the Idd formula turns negative and non-monotone in Ta, hence sT 0.25…10; mT
// beyond 500 ms (the top of Ta's range) would switch Idd off, hence mT 1…500 ms.
func Ranges() []Range {
	return []Range{
		{"SLR", 0, 18, "dB"},
		{"RLR", -5, 14, "dB"},
		{"STMR", 10, 20, "dB"},
		{"LSTR", 13, 23, "dB"},
		{"Ds", -3, 3, ""},
		{"Dr", -3, 3, ""},
		{"TELR", 5, 65, "dB"},
		{"WEPL", 5, 110, "dB"},
		{"T", 0, 500, "ms"},
		{"Tr", 0, 1000, "ms"},
		{"Ta", 0, 500, "ms"},
		{"qdu", 1, 14, ""},
		{"Ie", 0, 40, ""},
		{"Bpl", 1, 40, ""},
		{"Ppl", 0, 20, "%"},
		{"BurstR", 1, 8, ""},
		{"Nc", -80, -40, "dBm0p"},
		{"Nfor", -80, -40, "dBmp"},
		{"Ps", 35, 85, "dB(A)"},
		{"Pr", 35, 85, "dB(A)"},
		{"A", 0, 20, ""},
		{"sT", 0.25, 10, ""},
		{"mT", 1, 500, "ms"},
	}
}

// values returns the inputs in the order of Ranges.
func (p Params) values() []float64 {
	return []float64{p.SLR, p.RLR, p.STMR, p.LSTR, p.Ds, p.Dr, p.TELR, p.WEPL, p.T, p.Tr,
		p.Ta, p.Qdu, p.Ie, p.Bpl, p.Ppl, p.BurstR, p.Nc, p.Nfor, p.Ps, p.Pr, p.A, p.ST, p.MT}
}

// RangeError reports an input outside its permitted range.
type RangeError struct {
	Range
	Value float64
}

// Error names the input, its value and the range it left.
func (e *RangeError) Error() string {
	if math.IsInf(e.Min, -1) && math.IsInf(e.Max, 1) {
		return fmt.Sprintf("%s = %g: must be a finite number", e.Symbol, e.Value)
	}
	return fmt.Sprintf("%s = %g: outside the permitted range %g … %g%s",
		e.Symbol, e.Value, e.Min, e.Max, unitSuffix(e.Unit))
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// Validate checks every input against Ranges and returns a *RangeError for the first one
// outside it (NaN and infinities included). R itself computes outside the ranges too,
// since some special cases of G.107 (STMR < 9 or > 20 dB) live there.
func (p Params) Validate() error {
	ranges := Ranges()
	for i, v := range p.values() {
		r := ranges[i]
		if math.IsNaN(v) || math.IsInf(v, 0) || v < r.Min || v > r.Max {
			return &RangeError{Range: r, Value: v}
		}
	}
	return nil
}
