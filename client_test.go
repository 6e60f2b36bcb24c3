package gdpr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSearchSubjects(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt, WithUserAgent("test-agent/1"))
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, map[string]string{"searchType": "EMAIL", "searchValue": "ann+x@example.com"})
		testHeader(t, r, "Authorization", "Bearer test-token")
		testHeader(t, r, "Accept", "application/json")
		testHeader(t, r, "User-Agent", "test-agent/1")
		fmt.Fprint(w, `{"entities":[{"name":"Ann","userId":"u1","emailAddresses":["ann+x@example.com"]}],"pageSize":1,"pageNumber":1,"total":1}`)
	})
	got, err := c.SearchSubjects(context.Background(), KindEmail, "ann+x@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []Subject{{Name: "Ann", UserID: "u1", EmailAddresses: []string{"ann+x@example.com"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("subjects (-want +got):\n%s", d)
	}
}

func TestSearchSubjectsNoMatchIsEmpty(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"entities":null,"total":0}`)
	})
	got, err := c.SearchSubjects(context.Background(), KindPhone, "+13115552368")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("SearchSubjects = %#v, %v; want an empty slice", got, err)
	}
}

func TestCreateRequest(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	var key string
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testQuery(t, r, map[string]string{"deleteConfirmed": "false"})
		testHeader(t, r, "Content-Type", "application/json")
		key = r.Header.Get("Idempotency-Key")
		testJSONBody(t, r, `{"name":"DSR 1","requestType":"GDPR_UPDATE","subject":{"emailAddresses":["a@example.com"]},`+
			`"replacementTerms":[{"type":"EMAIL","existingValue":"a@example.com","updatedValue":"b@example.com"}]}`)
		writeJSON(w, http.StatusAccepted, Request{ID: "r1", RequestType: RequestUpdate, Status: StatusInitiated,
			Subject: Subject{EmailAddresses: []string{"a@example.com"}}})
	})
	got, err := c.CreateRequest(context.Background(), RequestSpec{
		Name: "DSR 1", Type: RequestUpdate,
		Subject:          Subject{EmailAddresses: []string{"a@example.com"}},
		ReplacementTerms: []ReplacementTerm{{Type: KindEmail, ExistingValue: "a@example.com", UpdatedValue: "b@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Request{ID: "r1", RequestType: RequestUpdate, Status: StatusInitiated, Subject: Subject{EmailAddresses: []string{"a@example.com"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("request (-want +got):\n%s", d)
	}
	if len(key) < 16 {
		t.Errorf("Idempotency-Key %q; want a generated key", key)
	}
}

func TestCreateRequestDeleteWithCallersKey(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, map[string]string{"deleteConfirmed": "true"})
		testHeader(t, r, "Idempotency-Key", "my-key-1")
		testJSONBody(t, r, `{"requestType":"GDPR_DELETE","subject":{"phoneNumbers":["+13115552368"]}}`)
		writeJSON(w, http.StatusOK, Request{ID: "r2", RequestType: RequestDelete, Status: StatusInitiated})
	})
	r, err := c.CreateRequest(context.Background(), RequestSpec{Type: RequestDelete,
		Subject: Subject{PhoneNumbers: []string{"+13115552368"}}, DeleteConfirmed: true, IdempotencyKey: "my-key-1"})
	if err != nil || r.ID != "r2" {
		t.Fatalf("CreateRequest = %v, %v", r, err)
	}
}

func TestGetRequest(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, map[string]string{})
		writeJSON(w, 200, Request{ID: r.PathValue("id"), Status: StatusSearching, RequestType: RequestExport})
	})
	got, err := c.GetRequest(context.Background(), "r 1/x")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&Request{ID: "r 1/x", Status: StatusSearching, RequestType: RequestExport}, got); d != "" {
		t.Errorf("request (-want +got):\n%s", d)
	}
	if _, err := c.GetRequest(context.Background(), ""); !errors.Is(err, ErrBadRequest) {
		t.Errorf("empty id: err = %v, want ErrBadRequest", err)
	}
}

func TestListRequests(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	var queries []string
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		queries = append(queries, r.URL.RawQuery)
		writeJSON(w, 200, RequestEntityListing{Entities: []Request{{ID: "r9"}}, PageSize: 10, PageNumber: 2, Total: 11, PageCount: 2})
	})
	got, err := c.ListRequests(context.Background(), ListOptions{PageSize: 10, PageNumber: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := &RequestEntityListing{Entities: []Request{{ID: "r9"}}, PageSize: 10, PageNumber: 2, Total: 11, PageCount: 2}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("page (-want +got):\n%s", d)
	}
	if _, err := c.ListRequests(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"pageNumber=2&pageSize=10", ""}, queries); d != "" {
		t.Errorf("queries (-want +got):\n%s", d)
	}
}

// pagedServer serves n requests, newest first, in pages.
func pagedServer(t *testing.T, mux *http.ServeMux, n int, calls *atomic.Int32) {
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var size, page int
		fmt.Sscan(r.URL.Query().Get("pageSize"), &size)
		fmt.Sscan(r.URL.Query().Get("pageNumber"), &page)
		l := RequestEntityListing{Entities: []Request{}, PageSize: size, PageNumber: page, Total: int64(n), PageCount: (n + size - 1) / size}
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			l.Entities = append(l.Entities, Request{ID: fmt.Sprintf("r%d", i)})
		}
		writeJSON(w, 200, l)
	})
}

func TestRequestsIteratesEveryPage(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	var calls atomic.Int32
	pagedServer(t, mux, 5, &calls)
	var ids []string
	for r, err := range c.Requests(context.Background(), 2) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if d := cmp.Diff([]string{"r0", "r1", "r2", "r3", "r4"}, ids); d != "" {
		t.Errorf("ids (-want +got):\n%s", d)
	}
	if calls.Load() != 3 {
		t.Errorf("%d pages asked for, want 3", calls.Load())
	}
	calls.Store(0)
	for range c.Requests(context.Background(), 2) {
		break
	}
	if calls.Load() != 1 {
		t.Errorf("break: %d pages asked for, want 1", calls.Load())
	}
}

func TestRequestsYieldsError(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, NewError(403, "missing.permissions", "needs gdpr:readonly").Body)
	})
	n := 0
	for _, err := range c.Requests(context.Background(), 0) {
		n++
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("err = %v, want ErrForbidden", err)
		}
	}
	if n != 1 {
		t.Errorf("%d values, want 1", n)
	}
}

func TestNotFoundCarriesBodyAndCorrelationID(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	var hits atomic.Int32
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("ININ-Correlation-Id", "corr-404")
		e := NewError(404, CodeNotFound, "no request with this id")
		e.Body.EntityID = r.PathValue("id")
		writeJSON(w, 404, e.Body)
	})
	_, err := c.GetRequest(context.Background(), "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err %T is no *APIError", err)
	}
	want := &APIError{HTTPStatus: 404, CorrelationID: "corr-404", Body: ErrorBody{Status: 404, Code: CodeNotFound,
		Message: "no request with this id", EntityID: "nope", Details: []ErrorDetail{}, Errors: []ErrorBody{}}}
	if d := cmp.Diff(want, ae); d != "" {
		t.Errorf("error (-want +got):\n%s", d)
	}
	if got, want := err.Error(), "gdpr: 404 not.found: no request with this id (correlation id corr-404)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if hits.Load() != 1 {
		t.Errorf("404 sent %d times, want once", hits.Load())
	}
}

func TestErrorBodyNotJSON(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway + 0*len(r.URL.Path))
		fmt.Fprint(w, "<html>bad gateway</html>")
	})
	c2, _ := New(WithBaseURL(c.BaseURL()), tokenOpt, WithRetry(RetryPolicy{Attempts: 1}))
	_, err := c2.GetRequest(context.Background(), "x")
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if string(ae.Raw) != "<html>bad gateway</html>" || ae.Status() != 502 || ae.Body.Status != 502 {
		t.Errorf("error %+v", ae)
	}
	if got, want := err.Error(), "gdpr: 502 Bad Gateway"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// handlerSequence answers with each handler in turn, then with the last.
func handlerSequence(hs ...http.HandlerFunc) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		hs[min(i, len(hs)-1)](w, r)
	}, &n
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		code := code
		if code == 200 {
			fmt.Fprint(w, `{"entities":[{"userId":"u1"}]}`)
			return
		}
		c := map[int]string{429: "too.many.requests.retry.after", 503: "service.unavailable", 501: "not.implemented", 500: "internal.server.error"}[code]
		writeJSON(w, code, NewError(code, c, "status %d", code).Body)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	clkNow := newFakeClock().Now()
	tests := []struct {
		name      string
		handlers  []http.HandlerFunc
		wantHits  int32
		wantErr   error
		wantSleep []time.Duration // exact, for Retry-After waits
	}{
		{"429 Retry-After seconds", []http.HandlerFunc{status(429, "Retry-After", "2"), status(200)}, 2, nil, []time.Duration{2 * time.Second}},
		{"429 Retry-After HTTP-date", []http.HandlerFunc{status(429, "Retry-After", clkNow.Add(3*time.Second).Format(http.TimeFormat)), status(200)}, 2, nil, []time.Duration{3 * time.Second}},
		{"429 Retry-After capped", []http.HandlerFunc{status(429, "Retry-After", "120"), status(200)}, 2, nil, []time.Duration{5 * time.Second}},
		{"503 Retry-After", []http.HandlerFunc{status(503, "Retry-After", "1"), status(200)}, 2, nil, []time.Duration{time.Second}},
		{"503 then 200", []http.HandlerFunc{status(503), status(503), status(200)}, 3, nil, nil},
		{"500 then 200", []http.HandlerFunc{status(500), status(200)}, 2, nil, nil},
		{"501 not retried", []http.HandlerFunc{status(501), status(200)}, 1, ErrServer, []time.Duration{}},
		{"503 until attempts run out", []http.HandlerFunc{status(503)}, 4, ErrServer, nil},
		{"dropped connection", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) { hijackClose(t, w) }, status(200)}, 2, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, clk, _ := setup(t, tokenOpt)
			h, hits := handlerSequence(tt.handlers...)
			mux.HandleFunc("/api/v2/gdpr/subjects", h)
			_, err := c.SearchSubjects(context.Background(), KindName, "x")
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if hits.Load() != tt.wantHits {
				t.Errorf("%d attempts, want %d", hits.Load(), tt.wantHits)
			}
			if tt.wantSleep != nil {
				if d := cmp.Diff(tt.wantSleep, clk.Sleeps(), cmp.Comparer(func(a, b []time.Duration) bool {
					return len(a) == 0 && len(b) == 0 || fmt.Sprint(a) == fmt.Sprint(b)
				})); d != "" {
					t.Errorf("waits (-want +got):\n%s", d)
				}
			} else {
				for _, s := range clk.Sleeps() {
					if s > 10*time.Millisecond {
						t.Errorf("backoff %s beyond maxWait", s)
					}
				}
			}
		})
	}
}

// When retries run out on 429 the caller still gets the body, as a
// *RateLimitError that is also an *APIError.
func TestRateLimitErrorAfterRetries(t *testing.T) {
	t.Parallel()
	c, mux, clk, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "42")
		w.Header().Set("ININ-Correlation-Id", "corr-429")
		writeJSON(w, 429, NewError(429, "too.many.requests.retry.after", "Rate limit exceeded the maximum. Retry the request in [42] seconds").Body)
	})
	_, err := c.SearchSubjects(context.Background(), KindName, "x")
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want a *RateLimitError", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Body.Code != "too.many.requests.retry.after" || ae.CorrelationID != "corr-429" {
		t.Errorf("APIError %+v", ae)
	}
	if rl.RetryAfter != 42*time.Second {
		t.Errorf("RetryAfter %s, want 42s", rl.RetryAfter)
	}
	if !strings.Contains(err.Error(), "retry after 42s") {
		t.Errorf("Error() = %q", err)
	}
	if d := cmp.Diff([]time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}, clk.Sleeps()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

// A POST without an Idempotency-Key is never retried; CreateRequest always
// sends one, the same on every attempt with the same body.
func TestPostRetriedOnlyWithIdempotencyKey(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	var mu sync.Mutex
	var keys, bodies []string
	h, hits := handlerSequence(status(503), func(w http.ResponseWriter, r *http.Request) { hijackClose(t, w) }, status(503),
		func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 202, Request{ID: "r1"}) })
	mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		bodies = append(bodies, string(b))
		mu.Unlock()
		h(w, r)
	})

	err := c.do(context.Background(), &call{method: "POST", path: requestsPath, body: []byte(`{}`)}, new(Request))
	if !errors.Is(err, ErrServer) || hits.Load() != 1 {
		t.Fatalf("POST without key: err %v after %d attempts; want one 503", err, hits.Load())
	}

	hits.Store(0)
	mu.Lock()
	keys, bodies = nil, nil
	mu.Unlock()
	r, err := c.CreateRequest(context.Background(), RequestSpec{Type: RequestExport, Subject: Subject{Name: "Ann"}})
	if err != nil || r.ID != "r1" {
		t.Fatalf("CreateRequest = %v, %v", r, err)
	}
	if hits.Load() != 4 {
		t.Errorf("%d attempts, want 4", hits.Load())
	}
	for i := range keys {
		if keys[i] == "" || keys[i] != keys[0] || bodies[i] != bodies[0] {
			t.Errorf("attempt %d: key %q body %q; attempt 1: key %q body %q", i+1, keys[i], bodies[i], keys[0], bodies[0])
		}
	}
}

func TestCancelledContextNotRetried(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	ctx, cancel := context.WithCancel(context.Background())
	var hits atomic.Int32
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cancel()
		status(503)(w, r)
	})
	_, err := c.SearchSubjects(ctx, KindName, "x")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d attempts, want 1", hits.Load())
	}
	if _, err := c.SearchSubjects(ctx, KindName, "x"); !errors.Is(err, context.Canceled) || hits.Load() != 1 {
		t.Errorf("cancelled before the call: err %v, %d attempts", err, hits.Load())
	}
}

// Errors never show the query string, which holds the search value.
func TestErrorsHideSearchValue(t *testing.T) {
	t.Parallel()
	_, _, _, srv := setup(t)
	base := srv.URL
	srv.Close()
	c, err := New(WithBaseURL(base), tokenOpt, WithRetry(RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchSubjects(context.Background(), KindEmail, "hidden.value@example.com")
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if strings.Contains(err.Error(), "hidden") || !strings.Contains(err.Error(), "/api/v2/gdpr/subjects") {
		t.Errorf("error %q", err)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	c, mux, clk, _ := setup(t, WithClientCredentials("my-id", "my-secret"))
	var fetched atomic.Int32
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "my-id" || secret != "my-secret" {
			t.Errorf("basic auth %q %q %v", id, secret, ok)
		}
		r.ParseForm()
		if r.PostForm.Get("grant_type") != "client_credentials" {
			t.Errorf("form %v", r.PostForm)
		}
		n := fetched.Add(1)
		writeJSON(w, 200, map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": "bearer", "expires_in": 100})
	})
	var seen []string
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		writeJSON(w, 200, Request{ID: "r1"})
	})
	ctx := context.Background()
	for range 3 {
		if _, err := c.GetRequest(ctx, "r1"); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(89 * time.Second) // within the token's life
	c.GetRequest(ctx, "r1")
	clk.Advance(2 * time.Second) // 91 s: less than a tenth of its life left
	c.GetRequest(ctx, "r1")
	want := []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"}
	if d := cmp.Diff(want, seen); d != "" {
		t.Errorf("tokens (-want +got):\n%s", d)
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	t.Parallel()
	for _, accept := range []string{"tok-2", "never"} {
		t.Run(accept, func(t *testing.T) {
			t.Parallel()
			c, mux, _, _ := setup(t, WithClientCredentials("id", "secret"))
			var fetched, hits atomic.Int32
			mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]any{"access_token": fmt.Sprintf("tok-%d", fetched.Add(1)), "expires_in": 3600})
			})
			mux.HandleFunc("/api/v2/gdpr/requests", func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				testJSONBody(t, r, `{"requestType":"GDPR_EXPORT","subject":{"name":"Ann"}}`)
				if r.Header.Get("Authorization") != "Bearer "+accept {
					writeJSON(w, 401, NewError(401, "bad.credentials", "token expired").Body)
					return
				}
				writeJSON(w, 202, Request{ID: "r1"})
			})
			_, err := c.CreateRequest(context.Background(), RequestSpec{Type: RequestExport, Subject: Subject{Name: "Ann"}})
			if accept == "never" {
				if !errors.Is(err, ErrUnauthorized) {
					t.Errorf("err = %v, want ErrUnauthorized", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if fetched.Load() != 2 || hits.Load() != 2 {
				t.Errorf("%d tokens fetched, %d calls; want 2 and 2", fetched.Load(), hits.Load())
			}
		})
	}
}

func TestStaticTokenUnauthorized(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	h, hits := handlerSequence(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, NewError(401, "authentication.required", "no").Body)
	})
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", h)
	if _, err := c.GetRequest(context.Background(), "r1"); !errors.Is(err, ErrUnauthorized) || hits.Load() != 1 {
		t.Errorf("err %v after %d calls; want ErrUnauthorized after 1", err, hits.Load())
	}
}

func TestOAuthError(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, WithClientCredentials("id", "wrong"))
	var fetched atomic.Int32
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("ININ-Correlation-Id", "corr-oauth")
		writeJSON(w, 400, map[string]string{"error": "invalid_client", "description": "client not found", "error_description": "client not found"})
	})
	_, err := c.SearchSubjects(context.Background(), KindName, "x")
	var oe *OAuthError
	if !errors.As(err, &oe) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want an *OAuthError matching ErrUnauthorized", err)
	}
	want := &OAuthError{HTTPStatus: 400, Code: "invalid_client", Description: "client not found", CorrelationID: "corr-oauth"}
	if d := cmp.Diff(want, oe); d != "" {
		t.Errorf("error (-want +got):\n%s", d)
	}
	if fetched.Load() != 1 {
		t.Errorf("token endpoint asked %d times, want 1", fetched.Load())
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q shows the secret", err)
	}
}

func TestBusyTokenEndpointIsRetried(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, WithClientCredentials("id", "secret"))
	var fetched atomic.Int32
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		switch fetched.Add(1) {
		case 1:
			writeJSON(w, 503, map[string]string{"error": "temporarily_unavailable"})
		case 2:
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, map[string]string{"error": "too_many_requests"})
		default:
			writeJSON(w, 200, map[string]any{"access_token": "t", "token_type": "bearer", "expires_in": 3600})
		}
	})
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, SubjectEntityListing{Entities: []Subject{{Name: "x"}}})
	})
	got, err := c.SearchSubjects(context.Background(), KindName, "x")
	if err != nil || len(got) != 1 {
		t.Fatalf("SearchSubjects = %v, %v; want one subject after the token endpoint recovers", got, err)
	}
	if n := fetched.Load(); n != 3 {
		t.Errorf("token endpoint asked %d times, want 3 (503, 429, 200)", n)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	c, mux, clk, _ := setup(t, tokenOpt, WithPolling(time.Second, 3*time.Second))
	statuses := []Status{StatusInitiated, StatusSearching, StatusFinalizing, StatusFinalizing, StatusCompleted}
	var n atomic.Int32
	mux.HandleFunc("/api/v2/gdpr/requests/r1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, Request{ID: "r1", Status: statuses[n.Add(1)-1], ResultsURL: "/results/r1"})
	})
	var seen []Status
	r, err := c.Wait(context.Background(), "r1", func(r *Request) { seen = append(seen, r.Status) })
	if err != nil || r.Status != StatusCompleted {
		t.Fatalf("Wait = %v, %v", r, err)
	}
	if d := cmp.Diff(statuses, seen); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, clk.Sleeps()); d != "" {
		t.Errorf("poll waits (-want +got):\n%s", d)
	}
}

func TestWaitError(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/api/v2/gdpr/requests/r1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, Request{ID: "r1", RequestType: RequestDelete, Status: StatusError,
			Steps: []Step{{Adapter: "crm", State: StepFailed}, {Adapter: "hr", State: StepDone}}})
	})
	r, err := c.Wait(context.Background(), "r1", nil)
	var fe *RequestFailedError
	if !errors.As(err, &fe) || !errors.Is(err, ErrRequestFailed) || r == nil || fe.Request.ID != "r1" {
		t.Fatalf("Wait = %v, %v", r, err)
	}
	if got, want := err.Error(), "gdpr: request r1 (GDPR_DELETE) ended in ERROR: 1 of 2 steps failed"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDownloadResults(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, tokenOpt)
	mux.HandleFunc("/results/r1/part1.zip", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer test-token")
		fmt.Fprint(w, "part1;")
	})
	other, _, _, otherSrv := setup(t)
	_ = other
	otherSrv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "") // another host never sees the token
		fmt.Fprint(w, strings.TrimPrefix(r.URL.Path, "/signed/")+";")
	})
	req := &Request{ID: "r1", ResultsURL: "/results/r1/part1.zip",
		ResultsURLs: []string{"/results/r1/part1.zip", otherSrv.URL + "/signed/part2.zip?sig=secret", otherSrv.URL + "/signed/part3.zip"}}
	var buf bytes.Buffer
	n, err := c.DownloadResults(context.Background(), req, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if want := "part1;part2.zip;part3.zip;"; buf.String() != want || n != int64(len(want)) {
		t.Errorf("wrote %d bytes %q, want %q", n, buf.String(), want)
	}
	if _, err := c.DownloadResults(context.Background(), &Request{ID: "r2"}, &buf); !errors.Is(err, ErrNoResults) {
		t.Errorf("no results: err = %v", err)
	}
	_, err = c.DownloadResults(context.Background(), &Request{ID: "r3", ResultsURL: "/results/missing"}, &buf)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing results: err = %v", err)
	}
}

// TestDecodeBodyAsDecoder checks that a body read whole within its attempt
// decodes, or fails, as json.Decoder decodes it from the wire.
func TestDecodeBodyAsDecoder(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"entities":[{"name":"Ann"}],"total":1}`,
		"{\"total\":2}\n",
		`{"total":3} trailing`,
		`{"total":4}{"total":5}`,
		``,
		`   `,
		`{"total":`,
		`{"total":"six"}`,
		`[1,2]`,
		`null`,
	} {
		var want, got SubjectEntityListing
		wantErr := json.NewDecoder(strings.NewReader(body)).Decode(&want)
		b := &bufferedBody{data: []byte(body)}
		b.Reset(b.data)
		gotErr := decodeBody(b, &got)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("body %q: error %v, want %v", body, gotErr, wantErr)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("body %q (-want +got):\n%s", body, d)
		}
	}
}

// TestWithBearerLeavesRequest checks that the request the auth layer sends
// is a copy, and the caller's request and header are left as they were.
func TestWithBearerLeavesRequest(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Add("X-Two", "a")
	req.Header.Add("X-Two", "b")
	r := withBearer(req, "tok")
	if got := r.Header.Get("Authorization"); got != "Bearer tok" {
		t.Errorf("Authorization %q, want Bearer tok", got)
	}
	r.Header["X-Two"][0] = "changed"
	r.Header.Add("Accept", "text/plain")
	want := http.Header{"Accept": {"application/json"}, "X-Two": {"a", "b"}}
	if d := cmp.Diff(want, req.Header); d != "" {
		t.Errorf("caller's header changed (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"application/json", "text/plain"}, r.Header["Accept"]); d != "" {
		t.Errorf("copy's Accept (-want +got):\n%s", d)
	}
}
