package server

import (
	"context"
	"errors"
	"net/http"
)

// Response is what WithObserver is told of each answered HTTP request:
// no query, no body, no personal data.
type Response struct {
	// Method and Path are the request's, without the query.
	Method, Path string
	// Status is the HTTP status answered.
	Status int
	// Org is the organization of the token, "" when there was none (a
	// token request, a download, a refused token).
	Org string
}

// WithObserver calls f after every answered request, for metrics (429s
// by organization, refused tokens). f is called concurrently and must
// return quickly.
func WithObserver(f func(Response)) Option {
	return func(s *Server) error {
		if f == nil {
			return errors.New("server: WithObserver: f is nil")
		}
		s.observe = f
		return nil
	}
}

// observed tells the observer, if any, of the answer to r.
func (s *Server) observed(r *http.Request, status int, org string) {
	if s.observe != nil {
		s.observe(Response{Method: r.Method, Path: r.URL.Path, Status: status, Org: org})
	}
}

// CorrelationID returns the correlation id of the API request whose
// context ctx is (the ININ-Correlation-Id it answers with), or "" outside
// one. A logger can add it to every line logged under that context, such
// as the processor's "request created".
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey).(string)
	return id
}
