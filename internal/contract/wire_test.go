package contract_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/contract"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/server"
)

const (
	clientID     = "contract"
	clientSecret = "contract-secret-not-for-production"
)

// liveServer serves the demo processor on loopback, wrapped by wrap.
func liveServer(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	hash, err := server.HashSecretCost(clientSecret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: clientID, SecretHash: hash, Organization: "contract", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(testkit.Demo(t), clients, server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = s
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestServerAndClient(t *testing.T) {
	srv := liveServer(t, nil)
	c, err := gdpr.New(gdpr.WithBaseURL(srv.URL), gdpr.WithClientCredentials(clientID, clientSecret))
	if err != nil {
		t.Fatal(err)
	}
	contract.Test(t, contract.Service{Service: c, Poll: 5 * time.Millisecond})
}

// cassetteClient returns a client whose traffic goes through a go-vcr
// recorder: recorded against a live server when recording, replayed from
// testdata/cassettes/NAME.yaml otherwise.
func cassetteClient(t *testing.T, name string, wrap func(http.Handler) http.Handler, opts ...gdpr.Option) *gdpr.Client {
	t.Helper()
	rec := testkit.Cassette(t, name, func() string { return liveServer(t, wrap).Listener.Addr().String() })
	opts = append([]gdpr.Option{
		gdpr.WithBaseURL(testkit.CassetteHost),
		gdpr.WithClientCredentials(clientID, clientSecret),
		gdpr.WithTransport(rec),
		gdpr.WithPolling(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := gdpr.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCassetteContract(t *testing.T) {
	c := cassetteClient(t, "contract", nil)
	poll := time.Duration(0)
	if testkit.Recording() {
		poll = 5 * time.Millisecond
	}
	contract.Test(t, contract.Service{Service: c, Poll: poll})
}

// TestCassetteExportToDownload: an export from create to download.
func TestCassetteExportToDownload(t *testing.T) {
	c := cassetteClient(t, "export-download", nil)
	ctx := context.Background()
	r, err := c.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.AlexMorganSeattleEmail}}, IdempotencyKey: "cassette-export"})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.Wait(ctx, r.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.DownloadResults(ctx, done, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["manifest.json"] || !names["crm.json"] || !names["dialer.json"] {
		t.Fatalf("archive holds %v", names)
	}
}

// faults answers the nth request of the API with a fault, once each: a
// 503, a 429 with Retry-After, and a 401 that makes the client refresh
// its token.
func faults(next http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			next.ServeHTTP(w, r)
			return
		}
		switch n.Add(1) {
		case 1:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"message":"try again","code":"service.unavailable","status":503,"details":[],"errors":[]}`))
		case 3:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"Rate limit exceeded the maximum. Retry the request in [1] seconds","code":"too.many.requests.retry.after","status":429,"details":[],"errors":[]}`))
		case 5:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"the bearer token is invalid or expired","code":"bad.credentials","status":401,"details":[],"errors":[]}`))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// TestCassetteFaults: 503 then 200, 429 with Retry-After then 200, 401
// then a token refresh, and a 404, as recorded.
func TestCassetteFaults(t *testing.T) {
	c := cassetteClient(t, "faults", faults, gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 4, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond, MaxRetryAfter: 5 * time.Second}))
	ctx := context.Background()
	for i, q := range []string{demo.SamRiveraEmail, demo.LenaFischerEmail, demo.JordanBlakeEmail} {
		got, err := c.SearchSubjects(ctx, gdpr.KindEmail, q)
		if err != nil || len(got) == 0 {
			t.Fatalf("search %d (through a fault): %v, %v", i, got, err)
		}
	}
	_, err := c.GetRequest(ctx, "00000000-0000-4000-8000-000000000000")
	var ae *gdpr.APIError
	if !errors.Is(err, gdpr.ErrNotFound) || !errors.As(err, &ae) || ae.CorrelationID == "" {
		t.Fatalf("unknown id: %v, want ErrNotFound with a correlation id", err)
	}
}
