package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/gdprkit/gdpr"
)

// jsonBuffer is a buffer with an encoder writing into it, reused across
// responses: get one with getJSONBuffer and give it back with free.
type jsonBuffer struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonBuffers = sync.Pool{New: func() any {
	b := new(jsonBuffer)
	b.enc = json.NewEncoder(&b.buf)
	b.enc.SetEscapeHTML(false)
	return b
}}

func getJSONBuffer() *jsonBuffer { return jsonBuffers.Get().(*jsonBuffer) }

// maxPooledJSON is the largest buffer kept for reuse, so that one large
// response does not keep its memory.
const maxPooledJSON = 64 << 10

func (b *jsonBuffer) free() {
	if b.buf.Cap() <= maxPooledJSON {
		b.buf.Reset()
		jsonBuffers.Put(b)
	}
}

// writeTo writes the buffer as a JSON response with status, in one Write
// with its Content-Length.
func (b *jsonBuffer) writeTo(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(b.buf.Len()))
	w.WriteHeader(status)
	w.Write(b.buf.Bytes())
}

// writeJSON writes v with status, without HTML escaping (the bodies are
// JSON for programs, and page URIs keep their '&').
func writeJSON(w http.ResponseWriter, status int, v any) {
	b := getJSONBuffer()
	defer b.free()
	if err := b.enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b.buf.Reset()
		b.buf.WriteString(`{"message":"the response could not be encoded","code":"internal.server.error","status":500,"details":[],"errors":[]}`)
	}
	b.writeTo(w, status)
}

// dataStoreError is an error naming the data store that failed (see
// gdpr.ErrUnavailable).
type dataStoreError interface {
	error
	DataStore() string
}

// Error codes of the wire's HTTP layer, which the server answers with
// before or around a Service's own answer.
const (
	codeAuthenticationRequired = "authentication.required"
	codeBadCredentials         = "bad.credentials"
	codeRequestEntityTooLarge  = "request.entity.too.large"
	codeUnsupportedMediaType   = "unsupported.media.type"
	codeTooManyRequestsRetry   = "too.many.requests.retry.after"
	codeInternalServerError    = "internal.server.error"
	codeServiceUnavailable     = "service.unavailable"
)

// writeError writes err as the wire ErrorBody: an *gdpr.APIError as it
// is, an error matching gdpr.ErrUnavailable as 503, a cancelled request
// as 408, anything else as 500 (logged, with no detail for the caller).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *gdpr.APIError
	switch {
	case errors.As(err, &ae):
		ae = &gdpr.APIError{Body: ae.Body}
	case errors.Is(err, gdpr.ErrUnavailable):
		s.log.WarnContext(r.Context(), "data store failed", "err", err, "correlation", correlation(r))
		store := "a data store"
		var ds dataStoreError
		if errors.As(err, &ds) {
			store = fmt.Sprintf("the data store %q", ds.DataStore())
		}
		ae = gdpr.NewError(http.StatusServiceUnavailable, codeServiceUnavailable,
			"%s is unavailable; retry later", store)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		ae = gdpr.NewError(http.StatusRequestTimeout, "client.timeout", "the request was cancelled before it finished")
	default:
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "correlation", correlation(r))
		ae = gdpr.NewError(http.StatusInternalServerError, codeInternalServerError,
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
