package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// evidenceEnv is a server over a demo processor that signs checkpoints
// and receipts with a key of its own, and opts, with clients acme (scope
// gdpr), acme-ro (gdpr:readonly) and globex (gdpr, another organization).
func evidenceEnv(t *testing.T, opts ...processor.Option) (*testEnv, *processor.Processor, *evidence.Key) {
	t.Helper()
	k, _, err := evidence.LoadOrCreateKey(t.TempDir() + "/evidence.key")
	if err != nil {
		t.Fatal(err)
	}
	p := testkit.Demo(t, append([]processor.Option{processor.WithEvidence(k, nil)}, opts...)...)
	hash := server.CheapHash(t, secret)
	clients, err := server.NewClients(
		server.Client{ID: "acme", SecretHash: hash, Organization: "acme", Scope: server.ScopeAll},
		server.Client{ID: "acme-ro", SecretHash: hash, Organization: "acme", Scope: server.ScopeReadOnly},
		server.Client{ID: "globex", SecretHash: hash, Organization: "globex", Scope: server.ScopeAll},
	)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(p, clients, server.WithClock(testclock.New(time.Now()).Now), server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testEnv{srv: srv, p: p}, p, k
}

func TestReceiptRoute(t *testing.T) {
	e, p, k := evidenceEnv(t)

	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{"sam.rivera@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	path := strings.Replace(server.ReceiptPath, "{requestId}", req.ID, 1)
	testkit.WaitDone(ctx, t, p, req.ID)

	resp, body := e.call(t, e.token(t, "acme-ro"), http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("receipt: %d %s", resp.StatusCode, body)
	}
	resp, pub := e.call(t, "", http.MethodGet, server.PublicKeyPath, nil)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(pub)) != k.PublicKey() {
		t.Fatalf("public key: %d %q, want %q", resp.StatusCode, pub, k.PublicKey())
	}
	rec, err := evidence.VerifyReceipt(body, string(pub))
	if err != nil {
		t.Fatalf("the served receipt does not verify with the served key: %v", err)
	}
	if rec.RequestID != req.ID || rec.RequestType != gdpr.RequestExport {
		t.Errorf("receipt %+v", rec)
	}
	// Another organization's client, or none, gets no receipt.
	resp, body = e.call(t, e.token(t, "globex"), http.MethodGet, path, nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
	resp, body = e.call(t, "", http.MethodGet, path, nil)
	wantError(t, resp, body, http.StatusUnauthorized, "authentication.required", "")
}

func TestReceiptRouteNotServed(t *testing.T) {
	e := newEnv(t) // a processor without an evidence key
	resp, body := e.call(t, e.token(t, "acme"), http.MethodGet, strings.Replace(server.ReceiptPath, "{requestId}", "x", 1), nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
	resp, body = e.call(t, "", http.MethodGet, server.PublicKeyPath, nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
	resp, body = e.call(t, "", http.MethodGet, server.PublicKeysPath, nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
}

// After a key rotation the key route still serves the current key alone,
// as clients of it read it, and the keys route serves it first and the
// retired keys after it, as a key file the commands read.
func TestPublicKeysRoute(t *testing.T) {
	_, old1, _ := evidence.GenerateKey()
	_, old2, _ := evidence.GenerateKey()
	for _, retired := range [][]string{nil, {old1, old2}} {
		e, _, k := evidenceEnv(t, processor.WithRetiredEvidenceKeys(retired...))
		resp, pub := e.call(t, "", http.MethodGet, server.PublicKeyPath, nil)
		if resp.StatusCode != http.StatusOK || string(pub) != k.PublicKey()+"\n" {
			t.Errorf("%d retired: the key route = %d %q, want the current key alone", len(retired), resp.StatusCode, pub)
		}
		resp, body := e.call(t, "", http.MethodGet, server.PublicKeysPath, nil)
		keys, err := evidence.ParsePublicKeys(string(body))
		want := append([]string{k.PublicKey()}, retired...)
		if resp.StatusCode != http.StatusOK || err != nil || !slices.Equal(keys, want) || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%d retired: the keys route = %d %q (%v), want %q", len(retired), resp.StatusCode, body, err, want)
		}
	}
}
