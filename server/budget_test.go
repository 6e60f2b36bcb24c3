package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/server"
)

// What another front end takes with WaitBudget comes out of the same
// budget as the API's calls of the organization.
func TestWaitBudgetSharesTheOrganizationsRate(t *testing.T) {
	t.Parallel()
	var s *server.Server
	e := newEnv(t, server.WithRate(0.001, 2), func(srv *server.Server) error { s = srv; return nil })
	tok := e.token(t, "acme")
	for range 2 {
		if err := s.WaitBudget(t.Context(), "acme"); err != nil {
			t.Fatal(err)
		}
	}
	if resp, _ := e.call(t, tok, "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("an API call after the budget was spent elsewhere: %d, want 429", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := s.WaitBudget(ctx, "acme"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the context: %v, want its deadline", err)
	}
	if err := s.WaitBudget(t.Context(), "globex"); err != nil {
		t.Errorf("another organization: %v", err)
	}
}
