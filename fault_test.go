package gdpr

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A server that answers 429 with Retry-After and fails a fifth of its
// requests with 503 or by dropping the connection, before or after it
// created the request: every one of 500 CreateRequest calls succeeds, and
// the server holds exactly 500 requests, since it dedupes by
// Idempotency-Key as gdprkit's server does.
func TestFaultsCreateEachRequestOnce(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		byKey    = map[string]string{} // Idempotency-Key → request id
		attempts atomic.Int64
		faults   [4]atomic.Int64 // 429, 503, dropped before, dropped after create
		rng      = rand.New(rand.NewPCG(1, 2))
		rngMu    sync.Mutex
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		rngMu.Lock()
		p := rng.Float64()
		rngMu.Unlock()
		key := r.Header.Get("Idempotency-Key")
		body, err := io.ReadAll(r.Body)
		if err != nil || key == "" || !json.Valid(body) {
			t.Errorf("bad request: key %q, body %q, %v", key, body, err)
		}
		switch {
		case p < 0.05:
			faults[0].Add(1)
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, NewError(429, "too.many.requests.retry.after", "Retry the request in [1] seconds").Body)
			return
		case p < 0.10:
			faults[1].Add(1)
			writeJSON(w, 503, NewError(503, "service.unavailable", "try later").Body)
			return
		case p < 0.15:
			faults[2].Add(1)
			hijackClose(t, w)
			return
		}
		mu.Lock()
		id, ok := byKey[key]
		if !ok {
			id = fmt.Sprintf("r%d", len(byKey)+1)
			byKey[key] = id
		}
		mu.Unlock()
		if p < 0.20 {
			faults[3].Add(1)
			hijackClose(t, w)
			return
		}
		writeJSON(w, 202, Request{ID: id, Status: StatusInitiated})
	}))
	defer srv.Close()

	c, err := New(WithBaseURL(srv.URL), tokenOpt, WithRetry(RetryPolicy{Attempts: 12, MinWait: 100 * time.Microsecond, MaxWait: time.Millisecond, MaxRetryAfter: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	const calls, workers = 500, 8
	var next atomic.Int64
	var wg sync.WaitGroup
	ids := make([]string, calls)
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < calls; i = next.Add(1) - 1 {
				r, err := c.CreateRequest(context.Background(), RequestSpec{Type: RequestExport,
					Subject: Subject{EmailAddresses: []string{fmt.Sprintf("p%d@example.com", i)}}})
				if err != nil {
					t.Errorf("call %d: %v", i, err)
					continue
				}
				ids[i] = r.ID
			}
		})
	}
	wg.Wait()
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	t.Logf("%d calls, %d attempts; faults: %d 429, %d 503, %d dropped before and %d after create; %d requests on the server",
		calls, attempts.Load(), faults[0].Load(), faults[1].Load(), faults[2].Load(), faults[3].Load(), len(byKey))
	if len(byKey) != calls || len(distinct) != calls {
		t.Errorf("server holds %d requests, callers got %d ids; want %d of each", len(byKey), len(distinct), calls)
	}
}
