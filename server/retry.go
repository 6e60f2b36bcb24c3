package server

import (
	"context"
	"net/http"

	"github.com/gdprkit/gdpr"
)

// Retrier is a gdpr.Service that can run again the failed steps of a
// request that ended in ERROR, as the processor can. The server serves
// POST /api/v2/gdpr/requests/{requestId}/retry when its service is one.
type Retrier interface {
	Retry(ctx context.Context, id string) (*gdpr.Request, error)
}

// retryRequest serves POST /api/v2/gdpr/requests/{requestId}/retry.
func (s *Server) retryRequest(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.svc.(Retrier)
	if !ok {
		s.fail(w, r, http.StatusNotFound, gdpr.CodeNotFound, "", "this server's service cannot retry requests")
		return
	}
	req, err := rt.Retry(r.Context(), r.PathValue("requestId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.present(r, req)
	writeJSON(w, http.StatusAccepted, req)
}
