package httpadapter_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// endless is a body that sends some bytes and then never ends, until
// its test does.
func endless(t *testing.T, first int) io.ReadCloser {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(strings.Repeat("a", first)))
	}()
	t.Cleanup(func() { pw.Close() })
	return pr
}

// An unsigned call is refused from its headers, before the service waits
// for, or holds, any of its body.
func TestUnsignedCallIsRefusedBeforeItsBodyIsRead(t *testing.T) {
	t.Parallel()
	base := serve(t, memory(t, "crm", people()))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for name, hdr := range map[string]func(*http.Request){
		"unsigned": func(*http.Request) {},
		"signed with another secret": func(r *http.Request) {
			s := signed(t, base, "export", "another-secret-of-the-same-size", time.Now(), "{}")
			r.Header = s.Header
		},
	} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/export", endless(t, 1<<20))
		hdr(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v (the service waited for the body)", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, resp.StatusCode)
		}
	}
}

// Past its limit of calls at once, the handler answers a signed call 503
// busy at once rather than take more memory.
func TestHandlerBoundsCallsAtOnce(t *testing.T) {
	t.Parallel()
	h, err := httpadapter.Handler(memory(t, "crm", people()), testSecret, httpadapter.WithMaxConcurrent(1))
	if err != nil {
		t.Fatal(err)
	}
	// The handler reads a call's body only once it holds a slot: the
	// first read of the slow call's body says it holds the only one.
	holding := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow-Call") != "" {
			r.Body = readNotice{r.Body, func() { once.Do(func() { close(holding) }) }}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := srv.URL
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// The first call holds the one slot while its body trickles in, on a
	// connection of its own.
	slow := signed(t, base, "search", testSecret, time.Now(), "{}")
	slow = slow.WithContext(ctx)
	slow.Header.Set("X-Slow-Call", "1")
	slow.Body, slow.ContentLength = endless(t, 10), -1
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	go func() {
		if resp, err := (&http.Client{Transport: transport}).Do(slow); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-holding:
	case <-ctx.Done():
		t.Fatal("the slow call never reached its body")
	}
	call := `{"operationId":"op-1","term":{"kind":"EMAIL","value":"robin@example.com"}}`
	if s, code := status(t, signed(t, base, "search", testSecret, time.Now(), call).WithContext(ctx)); s != http.StatusServiceUnavailable || code != "busy" {
		t.Fatalf("a second call while the only slot is held: %d %q, want 503 busy", s, code)
	}
}

// readNotice is a body that calls first at each read.
type readNotice struct {
	io.ReadCloser
	first func()
}

func (r readNotice) Read(p []byte) (int, error) {
	r.first()
	return r.ReadCloser.Read(p)
}

// A replay cache full of calls still in their window refuses new calls
// rather than forget a nonce that could then be replayed.
func TestReplayCacheFullRefusesRatherThanForgets(t *testing.T) {
	t.Parallel()
	base := serve(t, memory(t, "crm", people()), httpadapter.WithReplayCache(2))
	call := `{"operationId":"op-1","term":{"kind":"EMAIL","value":"robin@example.com"}}`
	for i := range 2 {
		if s, code := status(t, signed(t, base, "search", testSecret, time.Now(), call)); s != http.StatusOK {
			t.Fatalf("call %d: %d %q", i, s, code)
		}
	}
	if s, code := status(t, signed(t, base, "search", testSecret, time.Now(), call)); s != http.StatusServiceUnavailable || code != "busy" {
		t.Errorf("a third call with room for two nonces: %d %q, want 503 busy", s, code)
	}
}

// Retries of a call are new signed calls, with new nonces: the
// conformance suite over a lossy network (TestConformanceLossy) runs
// every operation through lost answers and their retries.

// A service answering with one endless record fails the call at the
// Adapter's record limit, not the processor's memory.
func TestStreamRecordIsBounded(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		io.WriteString(w, `{"record":{"kind":"order","id":"o-1","fields":{"note":"`)
		chunk := strings.Repeat("x", 64<<10)
		for i := 0; i < 1024 && r.Context().Err() == nil; i++ { // up to 64 MiB
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	a, err := httpadapter.New("crm", srv.URL, testSecret, httpadapter.WithMaxRecord(1<<20), httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	err = a.Export(t.Context(), adapter.Op{ID: "op-1", RequestID: "r-1"}, []gdpr.Term{{Kind: gdpr.KindEmail, Value: "robin@example.com"}},
		func(adapter.Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "longer than the limit") {
		t.Fatalf("an endless record: %v, want the record limit", err)
	}
}
