package server

import (
	"context"
	"errors"
	"net/http"
)

// Evidence routes.
const (
	// ReceiptPath is the route of a finished request's signed receipt;
	// {requestId} is the request's id.
	ReceiptPath = "/api/v2/gdpr/requests/{requestId}/receipt"
	// PublicKeyPath is the route of the evidence public key, which checks
	// checkpoints and receipts; it is public.
	PublicKeyPath = "/api/v2/gdpr/evidence/key"
)

// Receipter is implemented by services that sign receipts of their
// finished requests, such as the reference processor with an evidence
// key. A server over one serves ReceiptPath to any client that may read
// the request (a receipt holds no personal data) and PublicKeyPath to
// anyone; over another, or when PublicKey fails, both routes answer 404.
type Receipter interface {
	// Receipt returns the signed receipt of the context organization's
	// request id, served as it is: a *gdpr.APIError says why there is
	// none (404 no such request, 409 not finished).
	Receipt(ctx context.Context, id string) ([]byte, error)
	// PublicKey returns the public key checking the receipts.
	PublicKey() (string, error)
}

func (s *Server) evidenceRoutes(mux *http.ServeMux) {
	s.consistencyRoute(mux)
	rc, ok := s.svc.(Receipter)
	if ok {
		if _, err := rc.PublicKey(); err != nil {
			ok = false
		}
	}
	if !ok {
		mux.Handle(ReceiptPath, s.open(nil))
		mux.Handle(PublicKeyPath, s.open(nil))
		return
	}
	mux.Handle(ReceiptPath, s.api(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		b, err := rc.Receipt(r.Context(), r.PathValue("requestId"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="receipt.txt"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}}))
	mux.Handle(PublicKeyPath, s.open(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		pub, err := rc.PublicKey()
		if err != nil {
			s.writeError(w, r, errors.New("server: evidence key unavailable"))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(pub + "\n"))
	}}))
}
