package emodel

import "math"

// MOS converts a rating R to the estimated mean opinion score for conversational quality
// (MOS-CQE) by G.107 Annex B eq. B-4 (reference-facts 1.8):
// 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶ for 0 < R < 100, 1 below, 4.5 above. The
// polynomial dips under 1 for R below about 6.5, so the result is clamped to [1, 4.5].
func MOS(r float64) float64 {
	switch {
	case r <= 0:
		return 1
	case r >= 100:
		return 4.5
	}
	m := 1 + 0.035*r + r*(r-60)*(100-r)*7e-6
	return min(max(m, 1), 4.5)
}

// Category is a G.109 speech-transmission-quality category (G.109 (09/1999) §5 Table 1,
// reference-facts 1.10): the planning vocabulary for what users will think of a rating.
type Category struct {
	// Quality is the G.109 name of the category: Best, High, Medium, Low or Poor. G.109
	// gives no name for R < 50 (a dash in Table 1); that band is called "Below Poor" here.
	Quality string `json:"quality"`
	// Satisfaction is the user satisfaction G.109 attaches to the category.
	Satisfaction string `json:"satisfaction"`
	// MinR is the lower limit of R for the category (inclusive); the band ends at the
	// next category's MinR. Below Poor has -math.MaxFloat64, not -Inf, because JSON
	// cannot carry infinities.
	MinR float64 `json:"min_r"`
}

// Categories lists the G.109 categories from best to worst.
func Categories() []Category {
	return []Category{
		{"Best", "Very satisfied", 90},
		{"High", "Satisfied", 80},
		{"Medium", "Some users dissatisfied", 70},
		{"Low", "Many users dissatisfied", 60},
		{"Poor", "Nearly all users dissatisfied", 50},
		// G.109/G.108 guidance: connections below R = 50 should not be planned, even in
		// exceptional cases.
		{"Below Poor", "Not recommended", -math.MaxFloat64},
	}
}

// CategoryOf returns the G.109 category of rating r. A boundary value belongs to the
// better category (R = 80 is High), as in G.109 Table 1's "90 ≤ R < 100".
func CategoryOf(r float64) Category {
	cs := Categories()
	for _, c := range cs {
		if r >= c.MinR {
			return c
		}
	}
	return cs[len(cs)-1] // NaN
}

// String gives the category as "Medium (some users dissatisfied)".
func (c Category) String() string {
	s := []byte(c.Satisfaction)
	if len(s) > 0 && s[0] >= 'A' && s[0] <= 'Z' {
		s[0] += 'a' - 'A'
	}
	return c.Quality + " (" + string(s) + ")"
}
