package emodel

import "math"

// Rating is the E-model result with every intermediate term, so that a report can say
// which impairment dominates. R = Ro − Is − Id − Ie,eff + A (G.107 eq. 7-1,
// reference-facts 1.1), with Is = Iolr + Ist + Iq and Id = Idte + Idle + Idd.
type Rating struct {
	No    float64 `json:"No"`     // total noise power referred to 0 dBr, dBm0p (eqs. 7-2 … 7-7)
	Ro    float64 `json:"Ro"`     // basic signal-to-noise ratio (eqs. 7-2 … 7-7)
	Iolr  float64 `json:"Iolr"`   // impairment by too low overall loudness (eqs. 7-8 … 7-17)
	Ist   float64 `json:"Ist"`    // impairment by non-optimum sidetone
	Iq    float64 `json:"Iq"`     // impairment by quantizing distortion
	Is    float64 `json:"Is"`     // simultaneous impairment Iolr + Ist + Iq
	Idte  float64 `json:"Idte"`   // talker echo impairment (eqs. 7-18 … 7-28)
	Idle  float64 `json:"Idle"`   // listener echo impairment
	Idd   float64 `json:"Idd"`    // absolute delay impairment (eqs. 7-27, 7-28)
	Id    float64 `json:"Id"`     // delay impairment Idte + Idle + Idd
	IeEff float64 `json:"Ie_eff"` // effective equipment impairment, codec plus loss (eq. 7-29)
	A     float64 `json:"A"`      // advantage factor, as given
	R     float64 `json:"R"`      // transmission rating factor, not clamped
	MOS   float64 `json:"MOS"`    // MOS-CQE from R by Annex B, in [1, 4.5]
}

// R computes the transmission rating of a connection with the G.107 E-model and its
// breakdown. It does not validate p (see Params.Validate): the formulas are evaluated
// wherever they are defined, and R is returned unclamped (it can exceed 100 with A > 0 or
// fall below 0); MOS is clamped.
func R(p Params) Rating {
	var r Rating
	olr := p.SLR + p.RLR

	// Ro (reference-facts 1.3): the signal-to-noise ratio from all noise sources summed in
	// power, referred to the 0 dBr point.
	nos := p.Ps - p.SLR - p.Ds - 100 + 0.004*sq(p.Ps-olr-p.Ds-14)
	pre := p.Pr + 10*math.Log10(1+math.Pow(10, (10-p.LSTR)/10))
	nor := p.RLR - 121 + pre + 0.008*sq(pre-35)
	nfo := p.Nfor + p.RLR
	r.No = 10 * math.Log10(math.Pow(10, p.Nc/10)+math.Pow(10, nos/10)+
		math.Pow(10, nor/10)+math.Pow(10, nfo/10))
	r.Ro = 15 - 1.5*(p.SLR+r.No)

	// Is (reference-facts 1.4).
	xolr := olr + 0.2*(64+r.No-p.RLR)
	r.Iolr = 20 * (math.Pow(1+math.Pow(xolr/8, 8), 1.0/8) - xolr/8)
	r.Ist = sidetone(p.STMR, p.T, p.TELR)
	r.Iq = quantizing(r.Ro, p.Qdu)
	r.Is = r.Iolr + r.Ist + r.Iq

	// Id (reference-facts 1.5).
	r.Idte = talkerEcho(p, r.No, r.Ist)
	rle := 10.5 * (p.WEPL + 7) * math.Pow(p.Tr+1, -0.25)
	r.Idle = (r.Ro-rle)/2 + math.Sqrt(sq(r.Ro-rle)/4+169)
	r.Idd = Idd(p.Ta, p.ST, p.MT)
	r.Id = r.Idte + r.Idle + r.Idd

	r.IeEff = IeEff(p.Ie, p.Bpl, p.Ppl, p.BurstR)
	r.A = p.A
	r.R = r.Ro - r.Is - r.Id - r.IeEff + r.A
	r.MOS = MOS(r.R)
	return r
}

// sidetone is Ist (reference-facts 1.4): the masking effect of the talker's own voice, with
// the talker echo (TELR, delayed by T) added to the sidetone path.
func sidetone(stmr, t, telr float64) float64 {
	stmro := -10 * math.Log10(math.Pow(10, -stmr/10)+math.Exp(-t/4)*math.Pow(10, -telr/10))
	return 12*math.Pow(1+math.Pow((stmro-13)/6, 8), 1.0/8) -
		28*math.Pow(1+math.Pow((stmro+1)/19.4, 35), 1.0/35) -
		13*math.Pow(1+math.Pow((stmro-3)/33, 13), 1.0/13) + 29
}

// quantizing is Iq (reference-facts 1.4).
func quantizing(ro, qdu float64) float64 {
	q := 37 - 15*math.Log10(qdu)
	g := 1.07 + 0.258*q + 0.0602*q*q
	y := (ro-100)/15 + 46/8.4 - g/9
	z := 46.0/30 - g/40
	return 15 * math.Log10(1+math.Pow(10, y)+math.Pow(10, z))
}

// talkerEcho is Idte (reference-facts 1.5), with the two sidetone special cases and the rule
// that an echo returning within 1 ms is heard as sidetone, not as echo (reference-facts 1.5).
func talkerEcho(p Params, no, ist float64) float64 {
	t := p.T
	if t < 1 {
		return 0
	}
	roe := -1.5 * (no - p.RLR)
	terv := p.TELR - 40*math.Log10((1+t/10)/(1+t/150)) + 6*math.Exp(-0.3*t*t)
	if p.STMR < 9 {
		terv += ist / 2
	}
	re := 80 + 2.5*(terv-14)
	idte := ((roe-re)/2 + math.Sqrt(sq(roe-re)/4+100) - 1) * (1 - math.Exp(-t))
	if p.STMR > 20 {
		idte = math.Sqrt(idte*idte + ist*ist)
	}
	return idte
}

// Idd is the impairment caused by an absolute one-way delay ta (ms), G.107 eqs. 7-27 and
// 7-28 in the 2014+ form with delay sensitivity sT and minimum perceivable delay mT (ms);
// sT = 1, mT = 100 ms give the classic form (reference-facts 1.5). It is 0 up to mT.
func Idd(ta, sT, mT float64) float64 {
	if ta <= mT {
		return 0
	}
	x := math.Log10(ta/mT) / math.Log10(2)
	e := 6 * sT
	return 25 * (math.Pow(1+math.Pow(x, e), 1/e) - 3*math.Pow(1+math.Pow(x/3, e), 1/e) + 2)
}

// IeEff is the effective equipment impairment of a codec with impairment ie and loss
// robustness bpl under ppl percent packet loss with burst ratio burstR (G.107 eq. 7-29,
// reference-facts 1.6): Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl). With ppl = 0 it is ie.
func IeEff(ie, bpl, ppl, burstR float64) float64 {
	if ppl == 0 {
		return ie
	}
	return ie + (95-ie)*ppl/(ppl/burstR+bpl)
}

func sq(x float64) float64 { return x * x }
