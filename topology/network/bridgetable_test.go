package network

import (
	"math/rand/v2"
	"testing"
)

// A bridgeTable must answer as a plain map does, through its change from list to map
// and back (shrink), over random puts and deletes on few and on many bridges.
func TestBridgeTableActsAsAMap(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		span := 8 + rng.IntN(200) // ids drawn from 0..span-1
		var tab bridgeTable[int32]
		ref := map[int32]int32{}
		for step := range 2000 {
			id := int32(rng.IntN(span))
			switch op := rng.IntN(10); {
			case op < 5:
				v := int32(step)
				tab.put(id, v)
				ref[id] = v
			case op < 9:
				tab.del(id)
				delete(ref, id)
			default:
				tab.shrink()
			}
			if tab.len() != len(ref) {
				t.Fatalf("seed %d step %d: %d values, want %d", seed, step, tab.len(), len(ref))
			}
			for probe := range int32(span) {
				got, ok := tab.get(probe)
				want, wok := ref[probe]
				if ok != wok || got != want {
					t.Fatalf("seed %d step %d: get(%d) = %d, %v; want %d, %v", seed, step, probe, got, ok, want, wok)
				}
			}
		}
	}
}
