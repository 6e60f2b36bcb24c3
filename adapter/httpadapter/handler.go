package httpadapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// DefaultMaxBody is the largest call body a Handler reads by default.
const DefaultMaxBody = 4 << 20

// HandlerOption configures a Handler. Options are validated by Handler.
type HandlerOption func(*handlerConfig) error

type handlerConfig struct {
	window     time.Duration
	maxBody    int64
	log        *slog.Logger
	now        func() time.Time
	secrets    [][]byte // accepted besides the secret given to Handler
	concurrent int
	replay     int
}

// WithSecrets makes the handler accept calls signed with any of more as
// well as with the secret given to Handler, so that the secret can be
// rotated without refusing a call: accept the new secret beside the old,
// switch the processor to the new one, then drop the old (see Secret
// rotation in the package documentation). Each must be MinSecretLen bytes
// or more. WithSecrets given more than once adds up.
func WithSecrets(more ...string) HandlerOption {
	return func(c *handlerConfig) error {
		for i, s := range more {
			if len(s) < MinSecretLen {
				return fmt.Errorf("httpadapter: WithSecrets: secret %d must be %d bytes or more", i+1, MinSecretLen)
			}
			c.secrets = append(c.secrets, []byte(s))
		}
		return nil
	}
}

// WithWindow sets how far a call's timestamp may be from the service's
// clock, either way (default DefaultWindow). Calls outside it are
// answered 401, so that a captured call cannot be replayed later. Keep
// clocks in sync (NTP) well within it.
func WithWindow(d time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if d < time.Second {
			return fmt.Errorf("httpadapter: WithWindow: %v is shorter than a second, the precision of timestamps", d)
		}
		c.window = d
		return nil
	}
}

// WithMaxBody sets the largest call body the handler reads (default
// DefaultMaxBody); larger calls are answered 413. An erasure's apply call
// carries one decision, about 200 bytes, per record of the subject.
func WithMaxBody(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n < 1<<10 {
			return fmt.Errorf("httpadapter: WithMaxBody: %d bytes is too small for a call", n)
		}
		c.maxBody = n
		return nil
	}
}

// DefaultMaxConcurrent is how many calls a Handler serves at once by
// default.
const DefaultMaxConcurrent = 64

// WithMaxConcurrent sets how many calls the handler serves at once
// (default DefaultMaxConcurrent); a signed call past it is answered 503
// (code busy) with Retry-After at once, and the processor tries again.
// With the largest body (WithMaxBody), it bounds the memory calls take.
func WithMaxConcurrent(n int) HandlerOption {
	return func(c *handlerConfig) error {
		if n < 1 {
			return fmt.Errorf("httpadapter: WithMaxConcurrent: %d is under 1", n)
		}
		c.concurrent = n
		return nil
	}
}

// WithReplayCache sets how many nonces of signed calls the handler
// remembers, to refuse a call sent again within its window (default
// DefaultReplayCache). When it holds that many calls still within their
// window, new calls are answered 503 (code busy) until the oldest leave
// it: a nonce is never forgotten while its call could be replayed.
func WithReplayCache(n int) HandlerOption {
	return func(c *handlerConfig) error {
		if n < 1 {
			return fmt.Errorf("httpadapter: WithReplayCache: %d is under 1", n)
		}
		c.replay = n
		return nil
	}
}

// WithHandlerLogger makes the handler log every call (route, request id,
// operation id, status) at debug level, rejected calls at warn and
// failures at error. Nothing logged carries a term, a record or the
// secret. Without it the handler logs nothing.
func WithHandlerLogger(l *slog.Logger) HandlerOption {
	return func(c *handlerConfig) error {
		c.log = l
		return nil
	}
}

// handler serves the protocol over one local adapter.
type handler struct {
	a       adapter.Adapter
	secrets [][]byte // any of them verifies a call
	cfg     handlerConfig
	slots   chan struct{} // one per call being served
	seen    *replayCache
}

// Handler returns an http.Handler that serves the protocol (see the
// package documentation and PROTOCOL.md) over a, authenticating every call
// with secret (and those of WithSecrets). It serves the six routes as the
// last segment of the URL path, so it may be mounted under any prefix:
//
//	mux.Handle("/gdpr/", h) // https://crm.internal/gdpr/search, ...
//
// The handler is safe for concurrent use; every call runs on a, which
// must keep the contracts of adapter.Adapter. Operation ids reach a
// unchanged, so a's memory of operations makes repeated calls harmless.
// The describe route answers with a's description when a implements
// adapter.Describer, and 404 not_described otherwise. An erasure's
// decisions are checked against each record's version, so a's Export and
// the records its Erase shows keep must present a record alike, and not
// change between two reads (no "read at" field): else every round is
// undecided and the step fails. Handler fails when a is nil or secret is
// shorter than MinSecretLen.
func Handler(a adapter.Adapter, secret string, opts ...HandlerOption) (http.Handler, error) {
	if a == nil {
		return nil, errors.New("httpadapter: Handler: the adapter is nil")
	}
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("httpadapter: Handler: the secret must be %d bytes or more", MinSecretLen)
	}
	c := handlerConfig{window: DefaultWindow, maxBody: DefaultMaxBody, now: time.Now,
		concurrent: DefaultMaxConcurrent, replay: DefaultReplayCache}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	secrets := append([][]byte{[]byte(secret)}, c.secrets...)
	return &handler{a: a, secrets: secrets, cfg: c,
		slots: make(chan struct{}, c.concurrent), seen: newReplayCache(c.replay)}, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch route {
	case routeSearch, routeResolve, routeExport, routeRectify, routeErase, routeDescribe:
	default:
		h.fail(w, r, route, http.StatusNotFound, codeNoRoute, "no such route: the routes are search, resolve, export, rectify, erase and describe")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, route, http.StatusMethodNotAllowed, codeMethod, "use POST")
		return
	}
	// The headers are checked before the body is read: an unsigned caller
	// gets nothing of the service's memory.
	now := h.cfg.now()
	sh, err := verifyHeaders(r.Header, h.secrets, r.Method, route, now, h.cfg.window)
	if err == nil {
		err = h.seen.add(sh.nonce, time.Unix(sh.ts, 0), h.cfg.window, now)
	}
	if errors.Is(err, errReplayFull) {
		w.Header().Set("Retry-After", "1")
		h.fail(w, r, route, http.StatusServiceUnavailable, codeBusy, err.Error())
		return
	}
	if err != nil {
		h.cfg.log.WarnContext(r.Context(), "httpadapter: call rejected", "route", route, "reason", err.Error())
		h.fail(w, r, route, http.StatusUnauthorized, codeUnauthorized, err.Error())
		return
	}
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	default:
		w.Header().Set("Retry-After", "1")
		h.fail(w, r, route, http.StatusServiceUnavailable, codeBusy,
			fmt.Sprintf("the service is serving %d calls, its limit; try again shortly", cap(h.slots)))
		return
	}
	if r.ContentLength > h.cfg.maxBody {
		h.fail(w, r, route, http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("the body is larger than the service's limit of %d bytes", h.cfg.maxBody))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.maxBody))
	if err != nil {
		if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
			h.fail(w, r, route, http.StatusRequestEntityTooLarge, codeTooLarge,
				fmt.Sprintf("the body is larger than the service's limit of %d bytes", mb.Limit))
			return
		}
		h.fail(w, r, route, http.StatusBadRequest, codeBadRequest, "the body could not be read")
		return
	}
	if bodyDigest(body) != sh.digest {
		h.cfg.log.WarnContext(r.Context(), "httpadapter: call rejected", "route", route, "reason", errBadDigest.Error())
		h.fail(w, r, route, http.StatusUnauthorized, codeUnauthorized, errBadDigest.Error())
		return
	}
	var c callBody
	if err := json.Unmarshal(body, &c); err != nil {
		h.fail(w, r, route, http.StatusBadRequest, codeBadRequest, "the body is not the JSON of a call")
		return
	}
	if msg := c.check(route); msg != "" {
		h.fail(w, r, route, http.StatusBadRequest, codeBadRequest, msg)
		return
	}
	if c.Organization != "" {
		r = r.WithContext(gdpr.ContextWithOrganization(r.Context(), c.Organization))
	}
	h.cfg.log.DebugContext(r.Context(), "httpadapter: call", "route", route, "phase", c.Phase,
		"request", c.RequestID, "operation", c.OperationID)
	switch route {
	case routeSearch:
		h.search(w, r, &c)
	case routeResolve:
		h.resolve(w, r, &c)
	case routeExport:
		h.stream(w, r, route, &c)
	case routeRectify:
		h.rectify(w, r, &c)
	case routeErase:
		if c.Phase == phaseCandidates {
			h.stream(w, r, route, &c)
		} else {
			h.erase(w, r, &c)
		}
	case routeDescribe:
		h.describe(w, r)
	}
}

// check returns what is missing from a call to route, or "".
func (c *callBody) check(route string) string {
	switch {
	case c.OperationID == "":
		return "operationId is required"
	case (route == routeSearch || route == routeResolve) && c.Term == nil:
		return "term is required"
	case route == routeResolve && !c.Term.Kind.IsID():
		return "resolve takes an id term: USER_ID, EXTERNAL_CONTACT_ID, DIALER_CONTACT_ID or JOURNEY_CUSTOMER"
	case route == routeErase && c.Phase != phaseCandidates && c.Phase != phaseApply:
		return `phase must be "candidates" or "apply"`
	}
	return ""
}

// reply writes v as a 200 JSON answer.
func (h *handler) reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// fail writes the protocol's error body.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, route string, status int, code, msg string) {
	h.failWith(w, r, route, status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

// failWith writes an error body, which may carry an outcome.
func (h *handler) failWith(w http.ResponseWriter, r *http.Request, route string, status int, eb errorBody) {
	code, msg := eb.Error.Code, eb.Error.Message
	if status >= 500 {
		h.cfg.log.ErrorContext(r.Context(), "httpadapter: call failed", "route", route, "status", status, "error", msg)
	} else {
		h.cfg.log.DebugContext(r.Context(), "httpadapter: call refused", "route", route, "status", status, "code", code)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(eb)
}

// maxMessage bounds the length of an adapter's error passed on to the
// caller.
const maxMessage = 1000

// failAdapter answers a failure of the local adapter: 500 with its
// message, which adapters keep free of personal data. A call whose
// caller went away gets no answer.
func (h *handler) failAdapter(w http.ResponseWriter, r *http.Request, route string, err error) {
	h.failChanged(w, r, route, err, gdpr.Outcome{})
}

// failChanged answers a failure of the local adapter's Rectify or Erase
// as failAdapter does, with the Outcome of what it changed before it
// failed when it changed something, so that the caller keeps the counts.
func (h *handler) failChanged(w http.ResponseWriter, r *http.Request, route string, err error, out gdpr.Outcome) {
	if r.Context().Err() != nil {
		h.cfg.log.DebugContext(r.Context(), "httpadapter: caller went away", "route", route)
		return
	}
	msg := err.Error()
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	eb := errorBody{Error: errorDetail{Code: codeInternal, Message: msg}}
	if changed(out) {
		eb.Outcome = &out
	}
	// An adapter refusing what the call carried (a replacement value that
	// is no email, say) is the caller's mistake, not the service's.
	if errors.Is(err, adapter.ErrNoOrganization) {
		eb.Error.Code = codeNoOrg
		h.failWith(w, r, route, http.StatusBadRequest, eb)
		return
	}
	if errors.Is(err, gdpr.ErrBadRequest) {
		eb.Error.Code = codeBadRequest
		h.failWith(w, r, route, http.StatusBadRequest, eb)
		return
	}
	h.failWith(w, r, route, http.StatusInternalServerError, eb)
}

// changed reports whether an Outcome counts records changed: updated,
// deleted or anonymized.
func changed(o gdpr.Outcome) bool {
	return o.Updated+o.Deleted+o.Anonymized > 0
}
