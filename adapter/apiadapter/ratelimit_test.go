package apiadapter_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// TestRateLimitNeverFailsAStep: a 429 that outlasts the client's retries
// (here it has none) is waited out by the adapter, after its Retry-After,
// and the step completes at its first attempt.
func TestRateLimitNeverFailsAStep(t *testing.T) {
	t.Parallel()
	var searches atomic.Int64
	rem := newRemote(t, 3, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v2/gdpr/subjects" && searches.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"status":429,"code":"too.many.requests","message":"Rate limit exceeded"}`)
				return
			}
			h.ServeHTTP(w, r)
		})
	}).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t, gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 1}))))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(0)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	s := step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Attempts != 1 || s.Outcome.Erased != 1 || searches.Load() < 2 {
		t.Fatalf("status %s, genesys step %+v after %d searches; want COMPLETED at the first attempt, the 429 waited out", got.Status, s, searches.Load())
	}
}
