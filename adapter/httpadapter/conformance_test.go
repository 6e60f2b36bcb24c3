package httpadapter_test

import (
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// TestConformance runs the Adapter suite over the protocol: a Handler
// around a memadapter, called through New.
func TestConformance(t *testing.T) {
	adaptertest.TestAdapter(t, func(t *testing.T, ds memadapter.Dataset) adapter.Adapter {
		return remote(t, ds)
	})
}

// TestConformanceLossy runs the suite through a transport that loses 20%
// of calls, half of them after the service handled them. Retries make
// every call succeed in the end; a repeated Rectify or Erase whose first
// answer was lost must report the first run's Outcome, which the suite
// checks, so this proves that operation ids make repeats harmless.
func TestConformanceLossy(t *testing.T) {
	var mu sync.Mutex
	var transports []*lossy
	seed := uint64(0)
	t.Cleanup(func() {
		var before, after int64
		for _, l := range transports {
			before += l.before.Load()
			after += l.after.Load()
		}
		if before == 0 || after == 0 {
			t.Errorf("the transport lost %d calls before sending and %d answers: want some of each", before, after)
		}
		t.Logf("lost %d calls before sending and %d answers after the service handled them", before, after)
	})
	adaptertest.TestAdapter(t, func(t *testing.T, ds memadapter.Dataset) adapter.Adapter {
		mu.Lock()
		seed++
		l := newLossy(seed, 0.2)
		transports = append(transports, l)
		mu.Unlock()
		return remote(t, ds, httpadapter.WithTransport(l),
			httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 13, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}))
	})
}
