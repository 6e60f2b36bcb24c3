package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/server"
)

// writeClientsFile writes the clients to path, all with the test secret.
func writeClientsFile(t *testing.T, path string, cs ...server.Client) {
	t.Helper()
	hash := server.CheapHash(t, secret)
	for i := range cs {
		cs[i].SecretHash = hash
	}
	b, err := json.Marshal(map[string]any{"clients": cs})
	if err != nil {
		t.Fatal(err)
	}
	// Written aside and renamed, as a careful operator (or a mounted
	// secret) replaces a file: never half-written.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// A token is refused as soon as the clients file no longer holds its
// client as it was: removed, moved to another organization, or given
// another scope. A file that cannot be read keeps the clients before.
func TestTokensOfARemovedOrChangedClientAreRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "clients.json")
	ops := server.Client{ID: "ops", Organization: "acme", Scope: server.ScopeAll}
	ro := server.Client{ID: "ro", Organization: "acme", Scope: server.ScopeReadOnly}
	mover := server.Client{ID: "mover", Organization: "acme", Scope: server.ScopeAll}
	writeClientsFile(t, path, ops, ro, mover)
	clock := testclock.New(time.Now())
	clients, err := server.LoadClients(path, server.WithClientsClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(testkit.Demo(t), clients, server.WithClock(clock.Now), server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &testEnv{srv: srv, clock: clock}
	tokens := map[string]string{}
	for _, id := range []string{"ops", "ro", "mover"} {
		tokens[id] = e.token(t, id)
		if resp, body := e.call(t, tokens[id], "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s before: %d %s", id, resp.StatusCode, body)
		}
	}

	ro.Scope = server.ScopeAll
	mover.Organization = "globex"
	writeClientsFile(t, path, ro, mover) // ops removed
	clock.Advance(server.ClientsCheckEvery)
	for _, id := range []string{"ops", "ro", "mover"} {
		if resp, _ := e.call(t, tokens[id], "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s's old token after the file changed: %d, want 401", id, resp.StatusCode)
		}
	}
	if resp, _ := e.call(t, e.token(t, "mover"), "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("mover's new token: %d, want 200", resp.StatusCode)
	}

	if err := os.WriteFile(path, []byte(`{"clients": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Advance(server.ClientsCheckEvery)
	if resp, _ := e.call(t, e.token(t, "ro"), "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after a broken clients file: %d, want 200 with the clients read before", resp.StatusCode)
	}
}
