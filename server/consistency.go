package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gdprkit/gdpr"
)

// ConsistencyPath is the route of a consistency proof between two of the
// caller's organization's checkpoints, numbered by the query parameters
// old and new (1 ≤ old < new): GET ConsistencyPath?old=3&new=9. Anyone
// who holds checkpoint old, as every receipt carries one, checks with the
// public key alone that checkpoint new extends the same history, not a
// rewritten or forked one (gdpr audit consistency).
const ConsistencyPath = "/api/v2/gdpr/evidence/consistency"

// Consistencer is implemented by services that serve consistency proofs
// between their signed checkpoints, such as the reference processor with
// an evidence key. A server over one serves ConsistencyPath to any client
// that may read requests; over another, the route answers 404.
type Consistencer interface {
	// Consistency returns the proof between the context organization's
	// checkpoints numbered from and to, served as it is (JSON): a
	// *gdpr.APIError says why there is none (400 bad numbers, 404 no
	// such checkpoint).
	Consistency(ctx context.Context, from, to int64) ([]byte, error)
}

func (s *Server) consistencyRoute(mux *http.ServeMux) {
	cs, ok := s.svc.(Consistencer)
	if rc, isRc := s.svc.(Receipter); ok && isRc {
		if _, err := rc.PublicKey(); err != nil {
			ok = false // no evidence key: nothing is signed
		}
	}
	if !ok {
		mux.Handle(ConsistencyPath, s.open(nil))
		return
	}
	mux.Handle(ConsistencyPath, s.api(methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		num := func(field string) (int64, error) {
			v := q.Get(field)
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return 0, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, field,
					"%s must be a checkpoint number, 1 or more, as in ?old=1&new=2; got %q", field, v)
			}
			return n, nil
		}
		from, err := num("old")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		to, err := num("new")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		b, err := cs.Consistency(r.Context(), from, to)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}}))
}
