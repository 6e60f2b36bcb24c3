package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/gdprkit/gdpr"
)

type ctxKey int

const correlationKey ctxKey = iota

// correlation returns the request's correlation id.
func correlation(r *http.Request) string {
	id, _ := r.Context().Value(correlationKey).(string)
	return id
}

// correlationHeader is ININ-Correlation-Id in canonical form, so that
// setting it allocates no key.
const correlationHeader = "Inin-Correlation-Id"

// newCorrelationID returns 128 random bits in the 8-4-4-4-12 hex form of
// a UUID.
func newCorrelationID() string {
	var b [16]byte
	rand.Read(b[:])
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	hex.Encode(s[9:13], b[4:6])
	hex.Encode(s[14:18], b[6:8])
	hex.Encode(s[19:23], b[8:10])
	hex.Encode(s[24:36], b[10:16])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}

// methods maps an HTTP method to its handler on one path.
type methods map[string]http.HandlerFunc

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) routes() {
	mux := http.NewServeMux()
	mux.Handle("/api/v2/gdpr/subjects", s.api(methods{http.MethodGet: s.searchSubjects}))
	mux.Handle("/api/v2/gdpr/requests", s.api(methods{http.MethodGet: s.listRequests, http.MethodPost: s.createRequest}))
	mux.Handle("/api/v2/gdpr/requests/{requestId}", s.api(methods{http.MethodGet: s.getRequest}))
	mux.Handle("/api/v2/gdpr/requests/{requestId}/retry", s.api(methods{http.MethodPost: s.retryRequest}))
	mux.Handle("/api/v2/gdpr/requests/{requestId}/results", s.open(methods{http.MethodGet: s.downloadResults}))
	mux.Handle(InventoryPath, s.inventoryRoute())
	s.evidenceRoutes(mux)
	mux.Handle("/oauth/token", s.open(methods{http.MethodPost: s.token}))
	mux.HandleFunc("/healthz", s.health)
	mux.Handle("/", s.open(nil))
	s.mux = mux
}

// base wraps every route: correlation id, panic recovery, request log.
func (s *Server) base(next func(w http.ResponseWriter, r *http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newCorrelationID()
		w.Header()[correlationHeader] = []string{id}
		r = r.WithContext(context.WithValue(r.Context(), correlationKey, id))
		sw := &statusWriter{ResponseWriter: w}
		org := ""
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "correlation", id)
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			s.logRequest(r, sw.status, org)
			s.observed(r, sw.status, org)
		}()
		org = next(sw, r)
	})
}

// api serves an authenticated API path: the token's organization is put
// on the context and rate-limited; scope gdpr:readonly may only GET.
func (s *Server) api(m methods) http.Handler {
	return s.base(func(w http.ResponseWriter, r *http.Request) string {
		h := m[r.Method]
		if h == nil {
			if s.limited(w, r, "addr:"+addrKey(s.proxies.ClientAddr(r))) {
				s.methodNotAllowed(w, r, m)
			}
			return ""
		}
		p, code, msg := s.authenticate(r)
		if code != "" {
			if s.limited(w, r, "addr:"+addrKey(s.proxies.ClientAddr(r))) {
				s.unauthorized(w, r, code, msg)
			}
			return ""
		}
		if !s.limited(w, r, "org:"+p.org) {
			return p.org
		}
		if r.Method != http.MethodGet && p.scope != ScopeAll {
			s.fail(w, r, http.StatusForbidden, "app.not.authorized.for.scope", "",
				"this client's scope is %s: it may read but not create requests; use a client with scope %s", p.scope, ScopeAll)
			return p.org
		}
		h(w, r.WithContext(gdpr.ContextWithOrganization(r.Context(), p.org)))
		return p.org
	})
}

// open serves a path that needs no bearer token, rate-limited by address.
func (s *Server) open(m methods) http.Handler {
	return s.base(func(w http.ResponseWriter, r *http.Request) string {
		if !s.limited(w, r, "addr:"+addrKey(s.proxies.ClientAddr(r))) {
			return ""
		}
		if m == nil {
			s.fail(w, r, http.StatusNotFound, gdpr.CodeNotFound, "", "no route %s %s; the GDPR API lives under /api/v2/gdpr/", r.Method, r.URL.Path)
			return ""
		}
		h := m[r.Method]
		if h == nil {
			s.methodNotAllowed(w, r, m)
			return ""
		}
		h(w, r)
		return ""
	})
}

// limited takes a request from key's rate limit; over it, it writes the
// 429 and reports false.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, key string) bool {
	ok, wait := s.limits.take(w.Header(), key)
	if ok {
		return true
	}
	secs := int(math.Max(1, math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	e := gdpr.NewError(http.StatusTooManyRequests, codeTooManyRequestsRetry,
		"Rate limit exceeded the maximum. Retry the request in [%d] seconds", secs)
	e.Body.MessageWithParams = "Rate limit exceeded the maximum. Retry the request in [{0}] seconds"
	e.Body.MessageParams = map[string]string{"0": strconv.Itoa(secs)}
	s.writeError(w, r, e)
	return false
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, m methods) {
	allow := ""
	for _, meth := range []string{http.MethodGet, http.MethodPost} {
		if m[meth] != nil {
			if allow != "" {
				allow += ", "
			}
			allow += meth
		}
	}
	w.Header().Set("Allow", allow)
	s.fail(w, r, http.StatusMethodNotAllowed, gdpr.CodeBadRequest, "", "%s is not allowed on %s; use %s", r.Method, r.URL.Path, allow)
}

// health serves GET /healthz for load balancers.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
