package bench

import (
	"runtime/metrics"
	"time"
)

// heapObjects is the runtime metric of the heap that objects occupy: live
// ones, and dead ones the collector has not yet freed.
const heapObjects = "/memory/classes/heap/objects:bytes"

// heapPeak samples heapObjects every 250 µs from when it is made until
// its stop is called, which returns the highest value seen. A peak shorter
// than the interval can be missed, so the result is a lower bound, close
// for allocations that build up over milliseconds.
type heapPeak struct {
	quit chan struct{}
	peak chan uint64
}

// startHeapPeak starts sampling.
func startHeapPeak() *heapPeak {
	h := &heapPeak{quit: make(chan struct{}), peak: make(chan uint64)}
	go func() {
		s := []metrics.Sample{{Name: heapObjects}}
		t := time.NewTicker(250 * time.Microsecond)
		defer t.Stop()
		var peak uint64
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-h.quit:
				metrics.Read(s)
				h.peak <- max(peak, s[0].Value.Uint64())
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// stop ends the sampling and returns the peak in bytes.
func (h *heapPeak) stop() uint64 {
	close(h.quit)
	return <-h.peak
}

// heapNow returns heapObjects now.
func heapNow() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
