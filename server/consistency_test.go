package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/server"
)

func TestConsistencyRoute(t *testing.T) {
	e, p, k := evidenceEnv(t)
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	for range 2 {
		req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{"sam.rivera@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		testkit.WaitDone(ctx, t, p, req.ID)
		if _, err := p.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ro := e.token(t, "acme-ro")
	resp, body := e.call(t, ro, http.MethodGet, server.ConsistencyPath+"?old=1&new=2", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consistency: %d %s", resp.StatusCode, body)
	}
	older, newer, err := evidence.VerifyConsistency(body, k.PublicKey())
	if err != nil || older.Seq != 1 || newer.Seq != 2 || older.Org != "acme" {
		t.Fatalf("the served proof: %+v, %+v, %v", older, newer, err)
	}
	for _, c := range []struct{ query, field string }{
		{"", "old"}, {"?old=x&new=2", "old"}, {"?old=0&new=2", "old"}, {"?old=1", "new"}, {"?old=2&new=1", "new"}, {"?old=2&new=2", "new"},
	} {
		resp, body := e.call(t, ro, http.MethodGet, server.ConsistencyPath+c.query, nil)
		wantError(t, resp, body, http.StatusBadRequest, gdpr.CodeInvalidValue, c.field)
	}
	resp, body = e.call(t, ro, http.MethodGet, server.ConsistencyPath+"?old=1&new=99", nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
	// Another organization's client sees its own checkpoints only; none
	// without a token.
	resp, body = e.call(t, e.token(t, "globex"), http.MethodGet, server.ConsistencyPath+"?old=1&new=2", nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
	resp, body = e.call(t, "", http.MethodGet, server.ConsistencyPath+"?old=1&new=2", nil)
	wantError(t, resp, body, http.StatusUnauthorized, "authentication.required", "")
}

func TestConsistencyRouteNotServed(t *testing.T) {
	e := newEnv(t) // a processor without an evidence key
	resp, body := e.call(t, e.token(t, "acme"), http.MethodGet, server.ConsistencyPath+"?old=1&new=2", nil)
	wantError(t, resp, body, http.StatusNotFound, gdpr.CodeNotFound, "")
}
