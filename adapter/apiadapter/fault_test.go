package apiadapter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// faulty answers about one API call in five with a fault, in turn: a
// 429 with Retry-After, a 503, a connection reset before the call is
// served, a reset after it was served (the caller never sees the answer:
// a create the remote has made) and a slow answer. Token calls pass.
type faulty struct {
	next  http.Handler
	calls atomic.Int64
	kinds [5]atomic.Int64
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.calls.Add(1)
	if strings.HasPrefix(r.URL.Path, "/oauth/") || n%5 != 0 {
		f.next.ServeHTTP(w, r)
		return
	}
	kind := (n / 5) % 5
	f.kinds[kind].Add(1)
	switch kind {
	case 0:
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"status":429,"code":"too.many.requests","message":"Rate limit exceeded"}`)
	case 1:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"status":503,"code":"service.unavailable","message":"try again"}`)
	case 2:
		reset(w)
	case 3:
		f.next.ServeHTTP(httptest.NewRecorder(), r)
		reset(w)
	case 4:
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		t.Stop()
		f.next.ServeHTTP(w, r)
	}
}

// slowErase is a remote data store whose every fifth erasure takes 30ms:
// slow completions, which outlast the adapter's inline wait.
type slowErase struct {
	adapter.Adapter
	calls atomic.Int64
}

func (s *slowErase) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if s.calls.Add(1)%5 == 0 {
		t := time.NewTimer(30 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return gdpr.Outcome{}, ctx.Err()
		case <-t.C:
		}
	}
	return s.Adapter.Erase(ctx, op, terms, keep)
}

// reset closes the connection without an answer.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// TestFaults erases 500 people through the adapter while the remote
// answers about a fifth of the calls with 429s, 503s, resets (before and
// after serving a create) and slow answers, and some remote requests
// outlast the inline wait, so that their steps park: every request
// completes, and the remote holds exactly one GDPR_DELETE per person.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("500 erasures")
	}
	const n = 500
	var f *faulty
	slow := &slowErase{Adapter: testkit.Memory(t, "contacts", demo.Generated("g", 0, n))}
	rem := serveRemote(t, slow, func(h http.Handler) http.Handler { f = &faulty{next: h}; return f }, nil).start(t)
	c := rem.client(t, gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 4, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}))
	api := newAPI(t, c, apiadapter.WithInlineWait(5*time.Millisecond))
	st := memstore.New()
	p, err := processor.New(st, []adapter.Adapter{api},
		processor.WithWorkers(16), processor.WithStorePoll(2*time.Millisecond),
		processor.WithWaitPolling(5*time.Millisecond, 20*time.Millisecond),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 10, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		r, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(i)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	testkit.Run(t, p)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		open, _, err := st.List(ctx, "", store.Filter{Open: true, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(open) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests still open after 2 minutes, such as %s (%s, steps %+v)", open[0].Request.ID, open[0].Request.Status, open[0].Request.Steps)
		}
		time.Sleep(20 * time.Millisecond)
	}
	parked := 0
	for _, id := range ids {
		r, err := p.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		s := r.Steps[0]
		if r.Status != gdpr.StatusCompleted || s.Outcome == nil || s.Outcome.Erased != 1 {
			t.Fatalf("request %s: %s, step %+v; want COMPLETED with 1 subject erased", id, r.Status, s)
		}
		if s.Attempts > 1 || r.Verification == nil || !r.Verification.Passed {
			// A step that failed (the client's retries spent) ran again: fine,
			// as long as it made no second remote request (checked below).
			t.Logf("request %s: step ran %d times", id, s.Attempts)
		}
		evs, err := p.Audit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if strings.Contains(e.Detail, "WAITING") {
				parked++
				break
			}
		}
	}
	perSubject := map[string]int{}
	for _, r := range rem.requests(t) {
		if r.RequestType != gdpr.RequestDelete {
			t.Errorf("remote request %s is a %s", r.ID, r.RequestType)
		}
		perSubject[r.Subject.ExternalContactID]++
	}
	if len(perSubject) != n {
		t.Errorf("the remote holds requests for %d subjects, want %d", len(perSubject), n)
	}
	for sub, k := range perSubject {
		if k != 1 {
			t.Errorf("the remote holds %d requests for subject %s, want 1", k, sub)
		}
	}
	var kinds [5]int64
	for i := range kinds {
		kinds[i] = f.kinds[i].Load()
	}
	t.Logf("%d calls; faults 429/503/reset/reset-after/slow = %v; %d steps parked", f.calls.Load(), kinds, parked)
	if parked == 0 {
		t.Error("no step parked; the test does not cover waiting")
	}
	for i, k := range kinds {
		if k == 0 {
			t.Errorf("fault %d never happened", i)
		}
	}
}
