package netbench

import (
	"runtime"
	"sync"
	"time"
)

// memPeak samples the Go runtime's memory figures in the background, so the peak
// between the phase boundaries (the run allocates as failures happen) is seen too.
type memPeak struct {
	mu        sync.Mutex
	heap, sys uint64
	stop      chan struct{}
	done      chan struct{}
}

// memSampling is how often memPeak reads the runtime's figures.
const memSampling = 100 * time.Millisecond

func startMemPeak() *memPeak {
	m := &memPeak{stop: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		tick := time.NewTicker(memSampling)
		defer tick.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-tick.C:
				m.sample()
			}
		}
	}()
	return m
}

// sample reads the runtime's figures and returns them; it keeps the maxima.
func (m *memPeak) sample() runtime.MemStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.mu.Lock()
	m.heap = max(m.heap, ms.HeapInuse)
	m.sys = max(m.sys, ms.Sys)
	m.mu.Unlock()
	return ms
}

// finish stops the sampling and returns the peaks, a last sample included.
func (m *memPeak) finish() (heap, sys uint64) {
	close(m.stop)
	<-m.done
	m.sample()
	return m.heap, m.sys
}
