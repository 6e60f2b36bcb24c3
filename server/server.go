package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
)

// ResultsOpener is implemented by services that keep export archives, such
// as *processor.Processor. A server over one serves the download route
// behind resultsUrl; over another, it passes resultsUrl through.
type ResultsOpener interface {
	// OpenResults opens the archive of the request id of the context's
	// organization, or returns an error matching gdpr.ErrNotFound.
	OpenResults(ctx context.Context, id string) (io.ReadCloser, error)
}

// Server is an http.Handler serving a gdpr.Service on the GDPR API's wire.
// Create one with New; it is safe for concurrent use.
type Server struct {
	svc     gdpr.Service
	results ResultsOpener
	clients *Clients
	key     []byte

	tokenTTL   time.Duration
	resultsTTL time.Duration
	maxBody    int64
	publicURL  *url.URL
	clock      func() time.Time
	log        *slog.Logger
	limits     *limits
	tokens     *tokenCache
	proxies    Proxies
	observe    func(Response)
	guard      *Guard

	mux *http.ServeMux
}

// Option configures a Server; options validate their arguments.
type Option func(*Server) error

// Defaults.
const (
	DefaultTokenTTL   = time.Hour
	DefaultResultsTTL = 15 * time.Minute
	DefaultMaxBody    = 64 << 10
	DefaultRate       = 10 // requests per second and organization
	DefaultBurst      = 20
)

// New returns a server over svc, accepting the OAuth clients in clients.
// Without WithSigningKey, tokens and results URLs are signed with a random
// key and stop working when the process ends.
func New(svc gdpr.Service, clients *Clients, opts ...Option) (*Server, error) {
	if svc == nil {
		return nil, errors.New("server: service is nil")
	}
	if clients == nil {
		return nil, errors.New("server: no clients; load them with LoadClients or make them with NewClients")
	}
	s := &Server{
		svc:        svc,
		clients:    clients,
		tokenTTL:   DefaultTokenTTL,
		resultsTTL: DefaultResultsTTL,
		maxBody:    DefaultMaxBody,
		clock:      time.Now,
		log:        slog.New(slog.DiscardHandler),
		tokens:     newTokenCache(),
	}
	if ro, ok := svc.(ResultsOpener); ok {
		s.results = ro
	}
	s.limits = newLimits(DefaultRate, DefaultBurst, s.now)
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if s.key == nil {
		s.key = make([]byte, 32)
		if _, err := rand.Read(s.key); err != nil {
			return nil, fmt.Errorf("server: signing key: %w", err)
		}
	}
	if s.guard == nil {
		g, err := NewGuard(WithGuardClock(s.now))
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.guard = g
	}
	s.routes()
	return s, nil
}

// WithGuard sets the Guard of the token endpoint's secret checks: give
// the console the same one, so that both share one lockout and one bound
// on checks at once. By default the server has a Guard of its own.
func WithGuard(g *Guard) Option {
	return func(s *Server) error {
		if g == nil {
			return errors.New("guard is nil")
		}
		s.guard = g
		return nil
	}
}

// WithSigningKey sets the key (32 bytes or more) that signs bearer tokens
// and results URLs. Replicas behind one load balancer share it.
func WithSigningKey(key []byte) Option {
	return func(s *Server) error {
		if len(key) < 32 {
			return fmt.Errorf("signing key has %d bytes; use 32 or more random bytes", len(key))
		}
		s.key = append([]byte(nil), key...)
		return nil
	}
}

// WithTokenTTL sets how long issued tokens last (default 1h).
func WithTokenTTL(d time.Duration) Option {
	return func(s *Server) error {
		if d < time.Second {
			return fmt.Errorf("token lifetime %v is under a second", d)
		}
		s.tokenTTL = d
		return nil
	}
}

// WithResultsTTL sets how long a signed results URL stays valid (default
// 15m). A request fetched again carries a fresh URL.
func WithResultsTTL(d time.Duration) Option {
	return func(s *Server) error {
		if d < time.Second {
			return fmt.Errorf("results URL lifetime %v is under a second", d)
		}
		s.resultsTTL = d
		return nil
	}
}

// WithRate sets each organization's rate limit: perSecond requests on
// average, burst at once (defaults 10 and 20). perSecond 0 (or
// math.Inf(1)) means no limit, and burst is then not used, as with
// gdpr.WithRate. A negative or NaN
// perSecond, or a burst under 1 with a limit, is an error.
func WithRate(perSecond float64, burst int) Option {
	return func(s *Server) error {
		switch {
		case math.IsNaN(perSecond) || perSecond < 0:
			return fmt.Errorf("WithRate: perSecond is %v; give a positive rate, or 0 for no limit", perSecond)
		case math.IsInf(perSecond, 1):
			perSecond = 0
		case perSecond > 0 && burst < 1:
			return fmt.Errorf("WithRate: burst is %d; give 1 or more with a rate of %v a second", burst, perSecond)
		}
		s.limits = newLimits(perSecond, burst, s.now)
		return nil
	}
}

// WithTrustedProxies sets the reverse proxies whose X-Forwarded-For the
// server believes (see Proxies), so that the per-address rate limit of
// token requests and unauthenticated calls counts each client behind them
// apart. The default trusts none.
func WithTrustedProxies(p Proxies) Option {
	return func(s *Server) error {
		s.proxies = p
		return nil
	}
}

// WithMaxBody sets the largest request body accepted (default 64 KiB);
// larger bodies are refused with 413 before they are read.
func WithMaxBody(n int64) Option {
	return func(s *Server) error {
		if n < 1024 {
			return fmt.Errorf("max body %d is under 1024 bytes", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithPublicURL sets the base URL clients reach the server at, used in
// resultsUrl. By default it comes from the Host and X-Forwarded-Proto of
// a trusted proxy (WithTrustedProxies), or else from the address the
// connection arrived at: never from a Host header a client wrote.
func WithPublicURL(base string) Option {
	return func(s *Server) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public URL %q is not an http(s) URL with a host", base)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		s.publicURL = u
		return nil
	}
}

// WithLogger sets where the server logs: one line per request with its
// method, path (never the query), status, organization and correlation id.
// The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		s.log = l
		return nil
	}
}

// WithClock sets the source of the current time, for tests.
func WithClock(now func() time.Time) Option {
	return func(s *Server) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		s.clock = now
		return nil
	}
}

func (s *Server) now() time.Time { return s.clock() }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}
