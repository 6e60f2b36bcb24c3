package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Evidence routes.
const (
	// ReceiptPath is the route of a finished request's signed receipt;
	// {requestId} is the request's id.
	ReceiptPath = "/api/v2/gdpr/requests/{requestId}/receipt"
	// PublicKeyPath is the route of the evidence public key, which checks
	// checkpoints and receipts; it is public. It serves the current key
	// alone, one line of text.
	PublicKeyPath = "/api/v2/gdpr/evidence/key"
	// PublicKeysPath is the route of every evidence public key whose
	// signatures verify: one a line, the current key (as PublicKeyPath
	// serves it) first, then the retired keys it replaced (see
	// [KeyRing]). It is public, and its body is a key file as
	// gdpr receipt verify --key, gdpr audit verify --public-key and gdpr
	// audit consistency --key read it.
	PublicKeysPath = "/api/v2/gdpr/evidence/keys"
)

// KeyRing is implemented by Receipters whose evidence key replaced
// earlier ones, such as the reference processor with
// processor.WithRetiredEvidenceKeys: checkpoints and receipts signed
// before the rotation verify with the retired keys, which PublicKeysPath
// serves after the current one.
type KeyRing interface {
	// RetiredPublicKeys returns the public keys of the evidence keys
	// retired from signing, in the order the operator gave them.
	RetiredPublicKeys() []string
}

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
		mux.Handle(PublicKeysPath, s.open(nil))
		return
	}
	mux.Handle(ReceiptPath, s.api(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		b, err := rc.Receipt(r.Context(), r.PathValue("requestId"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="receipt.json"`)
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
	mux.Handle(PublicKeysPath, s.open(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		pub, err := rc.PublicKey()
		if err != nil {
			s.writeError(w, r, errors.New("server: evidence key unavailable"))
			return
		}
		keys := []string{pub}
		if kr, ok := s.svc.(KeyRing); ok {
			keys = append(keys, kr.RetiredPublicKeys()...)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(strings.Join(keys, "\n") + "\n"))
	}}))
}
