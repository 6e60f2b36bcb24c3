package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// writeJSON writes v with status, without HTML escaping (the bodies are
// JSON for programs, and page URIs keep their '&').
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"message":"the response could not be encoded","code":"internal.server.error","status":500,"details":[],"errors":[]}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeError writes err as the wire ErrorBody: an *gdpr.APIError as it
// is, a failing data store as 503, a cancelled request as 408, anything
// else as 500 (logged, with no detail for the caller).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *gdpr.APIError
	var adapterErr *processor.AdapterError
	switch {
	case errors.As(err, &ae):
		ae = &gdpr.APIError{Body: ae.Body}
	case errors.As(err, &adapterErr):
		s.log.WarnContext(r.Context(), "data store failed", "adapter", adapterErr.Adapter, "op", adapterErr.Op, "err", adapterErr.Err, "correlation", correlation(r))
		ae = gdpr.NewError(http.StatusServiceUnavailable, gdpr.CodeServiceUnavailable,
			"the data store %q is unavailable; retry later", adapterErr.Adapter)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		ae = gdpr.NewError(http.StatusRequestTimeout, "client.timeout", "the request was cancelled before it finished")
	default:
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "correlation", correlation(r))
		ae = gdpr.NewError(http.StatusInternalServerError, gdpr.CodeInternalServerError,
			"the server failed to answer; retry later, and quote the correlation id if it persists")
	}
	ae.Body.ContextID = correlation(r)
	if ae.Body.Details == nil {
		ae.Body.Details = []gdpr.ErrorDetail{}
	}
	if ae.Body.Errors == nil {
		ae.Body.Errors = []gdpr.ErrorBody{}
	}
	if ae.Body.Status == 0 {
		ae.Body.Status = http.StatusInternalServerError
	}
	writeJSON(w, ae.Body.Status, ae.Body)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, field, format string, args ...any) {
	var e *gdpr.APIError
	if field != "" {
		e = gdpr.NewFieldError(status, code, field, format, args...)
	} else {
		e = gdpr.NewError(status, code, format, args...)
	}
	s.writeError(w, r, e)
}

// logRequest logs one answered request without its query string, which
// may hold personal data.
func (s *Server) logRequest(r *http.Request, status int, org string) {
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return
	}
	s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
		"status", status, "org", org, "correlation", correlation(r))
}
