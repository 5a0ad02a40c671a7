package network

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"dctwin/sim"
)

// The packet clock's closed forms against exact rational arithmetic: packet k is sent
// at phase + ⌊k·interval⌋, and index(t) counts the packets sent before t, for random
// rates (1 kbit/s to 4 Tbit/s, some with fractions of a bit per second), packet sizes
// and times up to a day.
func TestPacketClockAgreesWithExactArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		rate := float64(rng.IntN(4_000_000_000)+1) * 1000
		if rng.IntN(4) == 0 {
			rate = float64(rng.IntN(100_000_000)+1000) + float64(rng.IntN(1000))/1000
		}
		bytes := rng.IntN(9216) + 1
		c := newPacketClock(rate, bytes, rng.Uint64())
		// interval = 8e9·bytes/rate ns, exactly as a fraction, the rate taken to the
		// millibit per second.
		iv := new(big.Rat).SetFrac(big.NewInt(int64(8e12)*int64(bytes)), big.NewInt(int64(math.Round(rate*1000))))
		if c.phase < 0 || new(big.Rat).SetInt64(int64(c.phase)).Cmp(iv) >= 0 {
			t.Fatalf("rate %v, %d bytes: phase %d outside [0, %s)", rate, bytes, c.phase, iv.FloatString(3))
		}
		tm := sim.Time(rng.Int64N(int64(24 * sim.Hour)))
		k := c.index(tm)
		// Packet k-1 is sent before t, packet k at or after it.
		sentAt := func(k int64) *big.Rat {
			x := new(big.Rat).Mul(iv, new(big.Rat).SetInt64(k))
			fl := new(big.Int).Quo(x.Num(), x.Denom()) // ⌊k·interval⌋ for k ≥ 0
			return new(big.Rat).SetInt(fl.Add(fl, big.NewInt(int64(c.phase))))
		}
		limit := new(big.Rat).SetInt64(int64(tm))
		if k > 0 && sentAt(k-1).Cmp(limit) >= 0 || sentAt(k).Cmp(limit) < 0 {
			t.Fatalf("rate %v, %d bytes, phase %d: index(%d) = %d, but packet %d is sent at %s and %d at %s",
				rate, bytes, c.phase, tm, k, k-1, sentAt(k-1).FloatString(0), k, sentAt(k).FloatString(0))
		}
		if at := c.at(k); new(big.Rat).SetInt64(int64(at)).Cmp(sentAt(k)) != 0 {
			t.Fatalf("at(%d) = %d, want %s", k, at, sentAt(k).FloatString(0))
		}
		// Counts of adjacent spans add up.
		mid := sim.Time(rng.Int64N(int64(tm) + 1))
		if c.count(0, mid)+c.count(mid, tm) != c.count(0, tm) {
			t.Fatalf("counts over [0, %d) and [%d, %d) do not add up", mid, mid, tm)
		}
	}
}
