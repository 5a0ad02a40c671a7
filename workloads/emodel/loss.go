package emodel

import "fmt"

// Loss is the packet-loss description the E-model takes: Ppl, the loss probability in
// percent, and BurstR, the burst ratio (reference-facts 1.6).
type Loss struct {
	Ppl    float64 `json:"ppl"`    // packet-loss probability, percent
	BurstR float64 `json:"burstr"` // burst ratio, ≥ 1
}

// BurstRGilbert is the burst ratio of a two-state Markov (Gilbert) loss process with
// p = P(loss | previous packet received) and q = P(received | previous packet lost):
// BurstR = 1/(p + q) (McGowan, reference-facts 1.6). p = 1 − q is random loss (BurstR 1).
// It panics unless p and q are probabilities with p + q > 0: that is a caller's bug.
func BurstRGilbert(p, q float64) float64 {
	if !(p >= 0 && p <= 1 && q >= 0 && q <= 1 && p+q > 0) {
		panic(fmt.Sprintf("emodel: Gilbert probabilities p = %g, q = %g out of range", p, q))
	}
	return 1 / (p + q)
}

// GilbertLoss is the steady-state Loss of a Gilbert process (see BurstRGilbert): the loss
// probability is p/(p + q).
func GilbertLoss(p, q float64) Loss {
	b := BurstRGilbert(p, q)
	return Loss{Ppl: 100 * p * b, BurstR: b}
}

// LossFromCounts derives Ppl and BurstR from sent packets, of which lost were lost in
// bursts runs of consecutive losses. BurstR is the mean observed burst length lost/bursts
// divided by the mean burst length random loss of the same rate would give, 1/(1 − P)
// (Chydzinski's definition, reference-facts 1.6; it equals 1/(p + q) for a Gilbert
// process). An outage of 1 s in a 3-minute call at 50 pps is sent 9000, lost 50, bursts 1.
//
// BurstR is floored at 1: the E-model's range starts there (random loss), and losses
// spread more evenly than random are rated as random. Without losses the result is
// {0, 1}. When every packet is lost the burst ratio is undefined and BurstR is 1; such a
// Ppl of 100 % is far outside the E-model's range anyway.
func LossFromCounts(sent, lost, bursts int) (Loss, error) {
	switch {
	case sent < 0 || lost < 0 || bursts < 0:
		return Loss{}, fmt.Errorf("loss counts must not be negative (sent %d, lost %d, bursts %d)", sent, lost, bursts)
	case lost > sent:
		return Loss{}, fmt.Errorf("lost %d packets of only %d sent", lost, sent)
	case (lost == 0) != (bursts == 0) || bursts > lost:
		return Loss{}, fmt.Errorf("%d loss bursts cannot hold %d lost packets", bursts, lost)
	case bursts > sent-lost+1:
		return Loss{}, fmt.Errorf("%d loss bursts need at least %d received packets between them, not %d",
			bursts, bursts-1, sent-lost)
	}
	if lost == 0 {
		return Loss{Ppl: 0, BurstR: 1}, nil
	}
	p := float64(lost) / float64(sent)
	b := float64(lost) / float64(bursts) * (1 - p)
	return Loss{Ppl: 100 * p, BurstR: max(b, 1)}, nil
}

// LossFromSequence derives Ppl and BurstR (see LossFromCounts) from a packet trace:
// lost[i] is true when packet i never arrived (or arrived too late to be played).
func LossFromSequence(lost []bool) Loss {
	n, bursts := 0, 0
	for i, l := range lost {
		if l {
			n++
			if i == 0 || !lost[i-1] {
				bursts++
			}
		}
	}
	loss, err := LossFromCounts(len(lost), n, bursts)
	if err != nil {
		panic("emodel: inconsistent counts from a sequence: " + err.Error())
	}
	return loss
}
