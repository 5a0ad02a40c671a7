package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// NewStream returns the PCG generator for the named stream of a master seed. Each
// component draws from its own stream, so adding a component does not shift the random
// numbers of the others: compared configurations see common random numbers.
func NewStream(seed uint64, name string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(name))
	k := h.Sum64()
	return rand.NewPCG(splitmix(seed^k), splitmix(k+0x9e3779b97f4a7c15))
}

// splitmix is the SplitMix64 finalizer; it spreads nearby seeds (1, 2, 3...) apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Rand returns the simulation's random stream with the given name, creating it on first
// use. A *rand.Rand is also a rand.Source, so it can feed gonum's distuv distributions.
func (s *Simulation) Rand(name string) *rand.Rand {
	if r, ok := s.streams[name]; ok {
		return r
	}
	r := rand.New(NewStream(s.seed, name))
	s.streams[name] = r
	return r
}
