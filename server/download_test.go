package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// slowArchives serves every archive as a slow disk would: a chunk at a
// time, with a pause before each.
type slowArchives struct {
	*processor.Processor
	chunks int
	pause  time.Duration
}

func (s slowArchives) OpenResults(ctx context.Context, id string) (io.ReadCloser, error) {
	return io.NopCloser(&slowReader{left: s.chunks, pause: s.pause}), nil
}

type slowReader struct {
	left  int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	r.left--
	<-time.After(r.pause) // the slow disk this fake stands for
	return copy(p, bytes.Repeat([]byte("z"), min(len(p), 1024))), nil
}

// A download that takes longer than the server's WriteTimeout, but keeps
// moving, arrives whole.
func TestDownloadRunsPastTheWriteTimeoutWhileItMoves(t *testing.T) {
	t.Parallel()
	p := testkit.Demo(t)
	clients, err := server.NewClients(server.Client{ID: "acme", SecretHash: server.CheapHash(t, secret), Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(slowArchives{Processor: p, chunks: 8, pause: 100 * time.Millisecond}, clients, server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(s)
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	e := &testEnv{srv: srv, p: p}
	tok := e.token(t, "acme")
	resp, body := e.call(t, tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["`+demo.LenaFischerEmail+`"]}}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	id := between(string(body), `"id":"`, `"`)
	got := e.wait(t, tok, id)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("export ended %s", got.Status)
	}
	resp, body = e.call(t, "", "GET", strings.TrimPrefix(got.ResultsURL, srv.URL), nil)
	if resp.StatusCode != http.StatusOK || len(body) != 8*1024 {
		t.Fatalf("download: %d, %d bytes, want 200 and %d bytes", resp.StatusCode, len(body), 8*1024)
	}
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}
