package httpadapter_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// stall wraps a service so that the first call it picks (by route, and
// by a fragment of the body when not "") hangs until the caller gives up.
type stall struct {
	next          http.Handler
	route, inBody string

	once      sync.Once
	abandoned atomic.Bool // the stalled call ended because its caller left
	calls     atomic.Int64
}

func (s *stall) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.HasSuffix(r.URL.Path, "/"+s.route) && bytes.Contains(body, []byte(s.inBody)) {
		picked := false
		s.once.Do(func() { picked = true })
		if picked {
			select {
			case <-r.Context().Done():
				s.abandoned.Store(true)
			case <-time.After(time.Minute): // a safety net; the caller leaves long before
			}
			return
		}
	}
	s.next.ServeHTTP(w, r)
}

// stalling starts a service holding m whose first call to route (with
// inBody in its body) hangs.
func stalling(t *testing.T, m adapter.Adapter, route, inBody string) (*stall, string) {
	t.Helper()
	h, err := httpadapter.Handler(m, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	s := &stall{next: h, route: route, inBody: inBody}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// TestTimeoutRetried: a call the service does not answer in time is
// abandoned and tried again, and the caller sees only the answer.
func TestTimeoutRetried(t *testing.T) {
	t.Parallel()
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	s, url := stalling(t, mems[2], "search", "")
	a, err := httpadapter.New(demo.Dialer, url, testSecret,
		httpadapter.WithTimeout(time.Second), httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	term, err := adapter.Normalizer{}.Term(gdpr.Term{Kind: gdpr.KindEmail, Value: demo.AlexMorganSeattleEmail})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := a.Search(t.Context(), term)
	if err != nil {
		t.Fatalf("Search through a stalled first call: %v", err)
	}
	if len(ss) != 1 {
		t.Errorf("Search found %d subjects, want 1", len(ss))
	}
	// The service learns that its caller left only when the server notices
	// the closed connection, which may come after the retry's answer.
	for deadline := time.Now().Add(5 * time.Second); !s.abandoned.Load() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if !s.abandoned.Load() || s.calls.Load() < 2 {
		t.Errorf("the stalled call was abandoned: %v; calls: %d; want it abandoned and tried again", s.abandoned.Load(), s.calls.Load())
	}
}

// TestSlowServiceStepRetried runs an erasure across the demo's three data
// stores, the dialer behind the protocol. The dialer service stalls on
// its first erasure, past the adapter's timeout, with HTTP retries off:
// the dialer's step fails with the timeout and the processor retries that
// step alone, and the request completes.
func TestSlowServiceStepRetried(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	mems, err := demo.Adapters()
	if err != nil {
		t.Fatal(err)
	}
	s, url := stalling(t, mems[2], "erase", `"phase":"apply"`)
	dialer, err := httpadapter.New(demo.Dialer, url, testSecret,
		httpadapter.WithTimeout(2*time.Second), httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	clk := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	p, err := processor.New(memstore.New(), []adapter.Adapter{mems[0], mems[1], dialer},
		processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithClock(clk.Now),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 5, MinWait: time.Second, MaxWait: 4 * time.Second}),
		processor.WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))))
	if err != nil {
		t.Fatal(err)
	}
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.AlexMorganSeattleEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	r := settle(t, p, clk, req.ID)

	if r.Status != gdpr.StatusCompleted {
		t.Fatalf("request ended %s, want COMPLETED (steps %+v)", r.Status, r.Steps)
	}
	for _, st := range r.Steps {
		switch {
		case st.State != gdpr.StepDone:
			t.Errorf("step %s is %s, want DONE", st.Adapter, st.State)
		case st.Adapter == demo.Dialer && st.Attempts < 2:
			t.Errorf("the dialer's step ran %d times, want it failed once and retried", st.Attempts)
		case st.Adapter != demo.Dialer && st.Attempts != 1:
			t.Errorf("step %s ran %d times, want once: only the failed step is retried", st.Adapter, st.Attempts)
		}
		if st.Adapter == demo.Dialer && (st.Outcome == nil || st.Outcome.Deleted == 0) {
			t.Errorf("the dialer's step outcome is %+v, want records deleted", st.Outcome)
		}
	}
	if !s.abandoned.Load() {
		t.Error("the stalled erasure was not abandoned by the adapter")
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logs.String(), "did not answer within the timeout") {
		t.Errorf("the step's failure is not the timeout; log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), demo.AlexMorganSeattleEmail) || strings.Contains(logs.String(), testSecret) {
		t.Error("the log holds the subject's email or the secret")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// settle runs the processor, moving the clock past retry backoffs, until
// the request is final.
func settle(t *testing.T, p *processor.Processor, clk *testclock.Clock, id string) *gdpr.Request {
	t.Helper()
	ctx := context.Background()
	for range 50 {
		for {
			found, err := p.RunOnce(ctx)
			if err != nil {
				t.Fatalf("RunOnce: %v", err)
			}
			if !found {
				break
			}
		}
		r, err := p.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		clk.Advance(5 * time.Second)
	}
	t.Fatalf("request %s never finished", id)
	return nil
}
