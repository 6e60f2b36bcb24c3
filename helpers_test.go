package gdpr

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr/internal/testclock"
)

// newFakeClock returns the tests' clock, which never waits: Sleep records
// the duration and moves the time on.
func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC))
}

// setup returns a Client of a test server whose routes the test adds to
// mux. The client has a static token, a fake clock and fast retries.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *testclock.Clock, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	all := append([]Option{
		WithBaseURL(srv.URL), withClock(clk),
		WithRetry(RetryPolicy{Attempts: 4, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond, MaxRetryAfter: 5 * time.Second}),
	}, opts...)
	c, err := New(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, mux, clk, srv
}

// tokenOpt is the credentials most tests use.
var tokenOpt = WithToken("test-token")

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method %s, want %s", r.Method, want)
	}
}

func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

// testQuery checks the whole query string, decoded.
func testQuery(t *testing.T, r *http.Request, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for k, v := range r.URL.Query() {
		got[k] = v[0]
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("query (-want +got):\n%s", d)
	}
}

// testJSONBody checks that the body decodes to the same JSON as want.
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var got, w any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(w, got); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// hijackClose drops the connection without an answer.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
