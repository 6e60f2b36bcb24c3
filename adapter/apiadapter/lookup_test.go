package apiadapter_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// TestLookupWithoutIdempotency erases through a remote that ignores
// Idempotency-Key and whose answer to the first create is lost after it
// made the request: with WithLookup and a client that does not retry, the
// step's retry finds that request in the remote's list, and the remote
// holds one request.
func TestLookupWithoutIdempotency(t *testing.T) {
	t.Parallel()
	var posts atomic.Int64
	rem := newRemote(t, 3, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Idempotency-Key")
			if r.Method == http.MethodPost && r.URL.Path == "/api/v2/gdpr/requests" && posts.Add(1) == 1 {
				h.ServeHTTP(discard{}, r)
				reset(w)
				return
			}
			h.ServeHTTP(w, r)
		})
	}).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t, gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 1}), gdpr.WithTransport(apiadapter.NoKeys(nil))), apiadapter.WithLookup()),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	s := step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Outcome == nil || s.Outcome.Erased != 1 || s.Attempts != 2 {
		t.Fatalf("status %s, genesys step %+v; want COMPLETED, 1 erased, on the second attempt", got.Status, s)
	}
	if n := len(rem.requests(t)); n != 1 || posts.Load() != 1 {
		t.Errorf("remote holds %d requests after %d creates, want 1 after 1", n, posts.Load())
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
