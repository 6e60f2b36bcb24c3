package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

func TestInventoryRoute(t *testing.T) {
	e := newEnv(t)
	resp, body := e.call(t, e.token(t, "acme"), http.MethodGet, server.InventoryPath, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("gdpr scope: %d %s", resp.StatusCode, body)
	}
	var inv processor.Inventory
	if err := json.Unmarshal(body, &inv); err != nil {
		t.Fatal(err)
	}
	if len(inv.Adapters) != len(e.p.Adapters()) || inv.Retention == "" {
		t.Fatalf("inventory: %s", body)
	}
	for _, a := range inv.Adapters {
		if !a.Described || len(a.Terms) == 0 || len(a.Records) == 0 {
			t.Errorf("adapter %s: %+v", a.Adapter, a)
		}
	}

	resp, body = e.call(t, e.token(t, "acme-ro"), http.MethodGet, server.InventoryPath, nil)
	wantError(t, resp, body, http.StatusForbidden, "app.not.authorized.for.scope", "")
	resp, body = e.call(t, "", http.MethodGet, server.InventoryPath, nil)
	wantError(t, resp, body, http.StatusUnauthorized, "authentication.required", "")
	resp, body = e.call(t, e.token(t, "acme"), http.MethodPost, server.InventoryPath, "{}")
	wantError(t, resp, body, http.StatusMethodNotAllowed, gdpr.CodeBadRequest, "")
}

// plain hides the processor's Inventory method.
type plain struct{ gdpr.Service }

func TestInventoryRouteNotServed(t *testing.T) {
	e := newEnv(t)
	clients, err := server.NewClients(server.Client{ID: "acme", SecretHash: server.CheapHash(t, secret), Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(plain{e.p}, clients)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	other := &testEnv{srv: srv, p: e.p}
	resp, body := other.call(t, other.token(t, "acme"), http.MethodGet, server.InventoryPath, nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
}
