package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
)

// Path is where the console is served: every page is under it.
const Path = "/console/"

// Processor is what the console drives: the gdpr.Service with the extras
// of the reference processor. *processor.Processor implements it. Every
// method acts for the organization on its context.
type Processor interface {
	gdpr.Service
	// ListFiltered is ListRequests over the requests that pass the filter.
	ListFiltered(ctx context.Context, opts gdpr.ListOptions, f store.Filter) (*gdpr.RequestEntityListing, error)
	// Overdue lists the requests that are not final and past their due date.
	Overdue(ctx context.Context, opts gdpr.ListOptions) (*gdpr.RequestEntityListing, error)
	// Retry resumes a request in ERROR.
	Retry(ctx context.Context, id string) (*gdpr.Request, error)
	// OpenResults opens a completed export's archive.
	OpenResults(ctx context.Context, id string) (io.ReadCloser, error)
	// Audit returns a request's audit events, oldest first.
	Audit(ctx context.Context, id string) ([]store.Event, error)
	// CheckAudit verifies the organization's audit chain, with its signed
	// checkpoints when the processor signs them: the whole chain with a
	// nil mark, else what was added after the mark an earlier check
	// returned. What does not hold is an *evidence.Error.
	CheckAudit(ctx context.Context, mark *evidence.Mark) (processor.AuditCheck, error)
	// CheckpointCovering returns the first of the organization's
	// checkpoints 1 to upto that signs event seq, nil when none does.
	CheckpointCovering(ctx context.Context, seq, upto int64) (*evidence.Statement, error)
}

var _ Processor = (*processor.Processor)(nil)

// Console is the privacy console, an http.Handler serving the pages under
// Path. Create one with New; it is safe for concurrent use and starts no
// goroutine.
type Console struct {
	proc     Processor
	clients  *server.Clients
	log      *slog.Logger
	clock    func() time.Time
	secure   bool
	sessions *sessions
	guard    *server.Guard
	pages    *pages
	mux      *http.ServeMux
	audit    auditChecks
	proxies  server.Proxies
	dsrKey   []byte // keys the DSR ids derived from identifiers
	budget   Budget // nil: searches and creates are not rate-limited
	maxIDs   int    // identifiers one DSR form may hold
	// resolveWait is how long the New DSR form waits for its searches
	// before it shows their progress.
	resolveWait time.Duration
}

// Option configures a Console; options validate their arguments.
type Option func(*Console) error

// Defaults.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultSessionLifetime = 12 * time.Hour
	DefaultSignInFailures  = 10
	DefaultSignInWindow    = 15 * time.Minute
)

// New returns the console over proc, signing officers in with clients
// (the clients file of the server, so the same ids, secrets, organizations
// and scopes).
func New(proc Processor, clients *server.Clients, opts ...Option) (*Console, error) {
	if proc == nil {
		return nil, errors.New("console: processor is nil")
	}
	if clients == nil {
		return nil, errors.New("console: no clients; load them with server.LoadClients")
	}
	c := &Console{proc: proc, clients: clients, log: slog.New(slog.DiscardHandler), clock: time.Now, maxIDs: DefaultMaxIdentifiers,
		resolveWait: resolveWait}
	c.sessions = newSessions(DefaultIdleTimeout, DefaultSessionLifetime, c.now)
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	if c.guard == nil {
		g, err := server.NewGuard(server.WithFailureLimit(DefaultSignInFailures, DefaultSignInWindow), server.WithGuardClock(c.now))
		if err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		c.guard = g
	}
	if c.dsrKey == nil {
		c.dsrKey = make([]byte, 32)
		if _, err := rand.Read(c.dsrKey); err != nil {
			return nil, fmt.Errorf("console: DSR key: %w", err)
		}
	}
	p, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	c.pages = p
	c.routes()
	return c, nil
}

// WithLogger sets where the console logs sign-ins, sign-outs, submissions
// and retries (ids and counts, never personal data). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *Console) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		c.log = l
		return nil
	}
}

// WithTrustedProxies sets the reverse proxies whose X-Forwarded-For the
// console believes (see server.Proxies), so that failed sign-ins are
// counted for each client behind them rather than for the proxy: without
// it, behind a load balancer, one client's failures lock every officer
// out. The default trusts none.
func WithTrustedProxies(p server.Proxies) Option {
	return func(c *Console) error {
		c.proxies = p
		return nil
	}
}

// WithDSRKey sets the key of the DSR ids the console derives from what a
// person gave, when the officer gives no reference of their own (see
// dsr.Options.DSRKey): with a key, nobody without it can test the
// ids, which name the requests and make their idempotency keys, against
// guessed identifiers. Replicas share it, as a signing key. The default
// is a random key: a DSR submitted again after a restart then makes new
// requests.
func WithDSRKey(key []byte) Option {
	return func(c *Console) error {
		if len(key) < 32 {
			return fmt.Errorf("DSR key has %d bytes; give 32 or more", len(key))
		}
		c.dsrKey = bytes.Clone(key)
		return nil
	}
}

// WithClock sets the source of the current time, for tests.
func WithClock(now func() time.Time) Option {
	return func(c *Console) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		c.clock = now
		return nil
	}
}

// WithSessionLifetime sets how long a session lasts without use (default
// 30 minutes) and at most, however busy (default 12 hours).
func WithSessionLifetime(idle, longest time.Duration) Option {
	return func(c *Console) error {
		if idle < time.Second || longest < idle {
			return fmt.Errorf("session lifetime: idle %v must be a second or more, and the longest %v at least that", idle, longest)
		}
		c.sessions.idle, c.sessions.longest = idle, longest
		return nil
	}
}

// WithSecureCookies marks the cookies Secure even on requests that did not
// come over TLS: for a console behind a proxy that terminates TLS.
func WithSecureCookies() Option {
	return func(c *Console) error {
		c.secure = true
		return nil
	}
}

// WithSignInLimit sets how many failed sign-ins one address (an IPv6
// address: its /64), or one client id, may make in a window before its
// sign-ins are refused until the window has passed (defaults 10 in 15
// minutes; see server.Guard, which also lets an officer at an address that
// has not failed sign in to a client id others failed at). Attempts are
// counted before their secret is checked, so attempts sent at once cannot
// pass the limit together, and a successful sign-in does not clear the
// failures before it. Behind a proxy every officer has the proxy's
// address and shares its limit, unless WithTrustedProxies names it. It
// gives the console a Guard of its own; WithGuard shares one instead.
func WithSignInLimit(failures int, window time.Duration) Option {
	return func(c *Console) error {
		g, err := server.NewGuard(server.WithFailureLimit(failures, window), server.WithGuardClock(c.now))
		if err != nil {
			return fmt.Errorf("sign-in limit: %w", err)
		}
		c.guard = g
		return nil
	}
}

// WithGuard sets the Guard of the sign-in's secret checks. Give the API
// server the same one (server.WithGuard), as gdpr serve does, so that
// failures at the console and at the token endpoint count in one lockout
// and the secret checks of both share one bound. By default the console
// has a Guard of its own.
func WithGuard(g *server.Guard) Option {
	return func(c *Console) error {
		if g == nil {
			return errors.New("guard is nil")
		}
		c.guard = g
		return nil
	}
}

func (c *Console) now() time.Time { return c.clock() }

// ServeHTTP answers one request under Path.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	c.mux.ServeHTTP(w, r)
}

// Mount returns a handler that sends the requests under Path (and Path
// without its trailing slash) to con and every other request to api, the
// GDPR API's server, untouched.
func Mount(api, con http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; strings.HasPrefix(p, Path) || p == strings.TrimSuffix(Path, "/") {
			con.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}
