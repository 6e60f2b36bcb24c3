package httpadapter_test

import (
	"context"
	"errors"
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

var robinEmail = gdpr.Term{Kind: gdpr.KindEmail, Value: "robin@example.com"}

// wantClean fails when an error message holds a term or a secret.
func wantClean(t *testing.T, err error) {
	t.Helper()
	for _, leak := range []string{robinEmail.Value, "ec-robin", testSecret} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error %q holds %q", err, leak)
		}
	}
}

// TestWrongURL: a 404 from something that does not serve the protocol is
// not a subject that is not found.
func TestWrongURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	a, err := httpadapter.New("crm", srv.URL+"/gdpr", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Resolve(t.Context(), gdpr.Term{Kind: gdpr.KindExternalContactID, Value: "ec-robin"})
	if err == nil || errors.Is(err, gdpr.ErrNotFound) {
		t.Fatalf("Resolve at a URL without the protocol: %v, want an error not matching gdpr.ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "URL") {
		t.Errorf("error %q does not point at the URL", err)
	}
	wantClean(t, err)
}

// TestUnreachable: a service that is down gives an error that names the
// adapter and says to check the service, after the retries.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	a, err := httpadapter.New("crm", url+"/gdpr", testSecret, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Search(t.Context(), robinEmail)
	if err == nil || !strings.Contains(err.Error(), "crm") || !strings.Contains(err.Error(), "reachable") {
		t.Fatalf("Search of a service that is down: %v, want an error naming the adapter and saying to check the service", err)
	}
	wantClean(t, err)
}

// failing is an adapter whose every search fails.
type failing struct{ adapter.Adapter }

func (failing) Search(context.Context, gdpr.Term) ([]gdpr.Subject, error) {
	return nil, errors.New("crm database unavailable")
}

// TestServiceFailure: the local adapter's failure reaches the caller as a
// 5xx error with its message, after the retries.
func TestServiceFailure(t *testing.T) {
	t.Parallel()
	base := serve(t, failing{memory(t, "crm", people())})
	a, err := httpadapter.New("crm", base, testSecret, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Search(t.Context(), robinEmail)
	if !errors.Is(err, gdpr.ErrServer) || !strings.Contains(err.Error(), "crm database unavailable") {
		t.Fatalf("Search of a failing service: %v, want an error matching gdpr.ErrServer with the service's message", err)
	}
	var e *httpadapter.Error
	if !errors.As(err, &e) || e.Status != http.StatusInternalServerError || e.Op != "search" {
		t.Errorf("error %#v, want an *httpadapter.Error of search with status 500", err)
	}
	wantClean(t, err)
}

// partialExport is an adapter whose Export leaves out orders, so that its
// Erase meets records its export does not list.
type partialExport struct{ adapter.Adapter }

func (p partialExport) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	return p.Adapter.Export(ctx, op, terms, func(r adapter.Record) error {
		if r.Kind == "order" {
			return nil
		}
		return emit(r)
	})
}

// TestEraseUndecided: a service erases only records the retention policy
// decided; meeting another, it erases nothing, and the erasure fails so
// that the step is retried.
func TestEraseUndecided(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	a, err := httpadapter.New("crm", serve(t, partialExport{m}), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	asked := 0
	_, err = a.Erase(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/op-1"}, []gdpr.Term{robinEmail},
		func(context.Context, adapter.Record) (string, bool, error) {
			mu.Lock()
			asked++
			mu.Unlock()
			return "", false, nil
		})
	if err == nil || !strings.Contains(err.Error(), "no decision covers") {
		t.Fatalf("Erase meeting an undecided record: %v, want an error saying no decision covers it", err)
	}
	if m.Len() != 1 {
		t.Errorf("the erasure erased the person though a record was undecided")
	}
	if asked == 0 {
		t.Error("the retention policy was never asked")
	}
	wantClean(t, err)
}

// losesFirstAnswer loses the answer of the first attempt of every call
// that changes data, after the service has handled it.
type losesFirstAnswer struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (l *losesFirstAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	key := req.URL.Path + string(body)
	changes := strings.HasSuffix(req.URL.Path, "/rectify") || strings.Contains(string(body), `"phase":"apply"`)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !changes {
		return resp, err
	}
	l.mu.Lock()
	first := !l.seen[key]
	l.seen[key] = true
	l.mu.Unlock()
	if !first {
		return resp, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("connection reset by peer")
}

// TestLostAnswer: when the answer to a change is lost after the service
// made it, the retry carries the same operation id and reports the first
// run's Outcome, not the nothing a second run would find.
func TestLostAnswer(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	a, err := httpadapter.New("crm", serve(t, m), testSecret,
		httpadapter.WithTransport(&losesFirstAnswer{seen: map[string]bool{}}),
		httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	out, err := a.Rectify(ctx, adapter.Op{RequestID: "req-1", ID: "req-1/rectify"}, []gdpr.Term{robinEmail},
		[]adapter.Change{{Kind: gdpr.KindEmail, Existing: robinEmail.Value, Updated: "robin@new.example"}})
	if err != nil || out.Updated != 1 {
		t.Fatalf("Rectify with a lost answer: %+v, %v; want 1 updated", out, err)
	}
	newEmail := gdpr.Term{Kind: gdpr.KindEmail, Value: "robin@new.example"}
	out, err = a.Erase(ctx, adapter.Op{RequestID: "req-2", ID: "req-2/erase"}, []gdpr.Term{newEmail}, nil)
	if err != nil || out.Deleted != 2 {
		t.Fatalf("Erase with a lost answer: %+v, %v; want 2 deleted", out, err)
	}
	if m.Len() != 0 {
		t.Errorf("%d people left after the erasure, want 0", m.Len())
	}
}

// TestStreamCut: an export stream that ends without its end line is an
// error, never a shorter export.
func TestStreamCut(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		io.WriteString(w, `{"record":{"kind":"order","id":"o-1","fields":{}}}`+"\n")
	}))
	t.Cleanup(srv.Close)
	a, err := httpadapter.New("crm", srv.URL, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = a.Export(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/export"}, []gdpr.Term{robinEmail},
		func(adapter.Record) error { n++; return nil })
	if err == nil || !strings.Contains(err.Error(), "end line") {
		t.Fatalf("Export of a cut stream: %v after %d records, want an error about the missing end line", err, n)
	}
}
