package server

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Guard watches over every check of a client secret: it bounds how many
// run at once (each is a deliberately slow PBKDF2), so that a flood of
// guesses leaves the CPU to authenticated callers, and it refuses
// attempts from an address, or at a client id, that failed too often
// lately. One Guard shared by the token endpoint and the console's
// sign-in (server.WithGuard, console.WithGuard) makes one lockout: ten
// failed sign-ins in the console also close the token endpoint to that
// address. It is safe for concurrent use and starts no goroutine.
//
// Failures are counted per address (an IPv6 address stands for its /64,
// which one host usually holds whole) and per client id. An address that
// failed too often may not try again until its window has passed. A
// client id that failed too often may still be tried from an address
// that has not failed in the window, so that nobody can lock an officer
// out by failing with the officer's id: guessing at that id then takes a
// fresh address for every guess. Both tables hold a bounded number of
// entries and forget the least recently used first; nobody is ever
// refused because the tables are full.
type Guard struct {
	limit   int
	window  time.Duration
	now     func() time.Time
	checks  chan struct{}
	waiting atomic.Int64
	maxWait int64
	tracked int

	mu      sync.Mutex
	addrs   *expirable.LRU[string, *failures]
	clients *expirable.LRU[string, *failures]
}

// failures counts the attempts of an address or at a client id since
// first, but for those that succeeded.
type failures struct {
	first time.Time
	n     int
}

// Guard defaults.
const (
	DefaultFailureLimit  = 10               // failed attempts per address or client id in a window
	DefaultFailureWindow = 15 * time.Minute // the window
	// DefaultTrackedFailures bounds the addresses and the client ids
	// whose failures a Guard remembers (each, least recently used
	// forgotten first).
	DefaultTrackedFailures = 65_536
	// maxWaitingChecks bounds the checks waiting for a slot per slot;
	// past it a check is refused at once with ErrBusy.
	maxWaitingChecks = 64
)

// ErrBadCredentials is returned by Guard.Authenticate for an unknown
// client or a wrong secret; the two are not told apart.
var ErrBadCredentials = errors.New("server: unknown client or wrong secret")

// ErrBusy is returned by Guard.Authenticate when so many secret checks
// wait for a slot that one more would only queue: try again shortly.
var ErrBusy = errors.New("server: too many secret checks at once; try again shortly")

// LockedError is returned by Guard.Authenticate when the address or the
// client id failed too often; RetryAfter says when the window ends.
type LockedError struct {
	RetryAfter time.Duration
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("server: too many failed attempts; try again in %v", e.RetryAfter.Round(time.Second))
}

// GuardOption configures a Guard; options validate their arguments.
type GuardOption func(*Guard) error

// NewGuard returns a Guard: by default DefaultFailureLimit failures per
// address or client id in DefaultFailureWindow, and at most 4 secret
// checks at once, fewer on a machine with fewer than 8 CPUs (half of
// them, at least one), so that checks never take every CPU.
func NewGuard(opts ...GuardOption) (*Guard, error) {
	g := &Guard{limit: DefaultFailureLimit, window: DefaultFailureWindow, now: time.Now, tracked: DefaultTrackedFailures}
	slots := max(1, min(4, runtime.GOMAXPROCS(0)/2))
	for _, o := range opts {
		if err := o(g); err != nil {
			return nil, fmt.Errorf("server: guard: %w", err)
		}
	}
	if g.checks != nil {
		slots = cap(g.checks)
	}
	g.checks = make(chan struct{}, slots)
	g.maxWait = int64(slots) * maxWaitingChecks
	// No TTL: an expiring table would start a goroutine nobody can stop;
	// each entry carries its own window instead.
	g.addrs = expirable.NewLRU[string, *failures](g.tracked, nil, 0)
	g.clients = expirable.NewLRU[string, *failures](g.tracked, nil, 0)
	return g, nil
}

// WithFailureLimit sets how many failed attempts an address, or a client
// id, may make in a window (defaults 10 in 15 minutes).
func WithFailureLimit(failures int, window time.Duration) GuardOption {
	return func(g *Guard) error {
		if failures < 1 || window < time.Second {
			return fmt.Errorf("failure limit: %d failures in %v: give 1 or more in a second or more", failures, window)
		}
		g.limit, g.window = failures, window
		return nil
	}
}

// WithConcurrentChecks sets how many secret checks may run at once.
func WithConcurrentChecks(n int) GuardOption {
	return func(g *Guard) error {
		if n < 1 || n > 1024 {
			return fmt.Errorf("concurrent checks %d is not between 1 and 1024", n)
		}
		g.checks = make(chan struct{}, n)
		return nil
	}
}

// WithTrackedFailures sets how many addresses, and how many client ids,
// the guard remembers failures of (default DefaultTrackedFailures).
func WithTrackedFailures(n int) GuardOption {
	return func(g *Guard) error {
		if n < 1 {
			return fmt.Errorf("tracked failures %d is under 1", n)
		}
		g.tracked = n
		return nil
	}
}

// WithGuardClock sets the source of the current time, for tests.
func WithGuardClock(now func() time.Time) GuardOption {
	return func(g *Guard) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		g.now = now
		return nil
	}
}

// Authenticate checks id and secret against clients for a caller at addr
// (as Proxies.ClientAddr tells it), and returns the client. It returns
// ErrBadCredentials for an unknown id or a wrong secret, a *LockedError
// when addr or id failed too often, ErrBusy when too many checks wait
// already, or ctx's error when ctx ends while the check waits for a slot.
// An attempt is counted before its secret is checked, so that attempts
// sent at once cannot pass the limit together; a success takes its own
// attempt back, never the failures before it.
func (g *Guard) Authenticate(ctx context.Context, clients *Clients, addr, id, secret string) (Client, error) {
	a, c := addrKey(addr), clientKey(id)
	if wait, ok := g.attempt(a, c); !ok {
		return Client{}, &LockedError{RetryAfter: wait}
	}
	var (
		cl Client
		ok bool
	)
	if err := g.check(ctx, func() { cl, ok = clients.Authenticate(id, secret) }); err != nil {
		g.takeBack(a, c) // not checked: not a failure
		return Client{}, err
	}
	if !ok || id == "" {
		return Client{}, ErrBadCredentials
	}
	g.takeBack(a, c)
	return cl, nil
}

// attempt counts an attempt from addr at client, or returns how long
// until one of them may try again.
func (g *Guard) attempt(addr, client string) (time.Duration, bool) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.current(g.addrs, addr, now)
	if a.n >= g.limit {
		return a.first.Add(g.window).Sub(now), false
	}
	c := g.current(g.clients, client, now)
	if c.n >= g.limit && a.n > 0 {
		return c.first.Add(g.window).Sub(now), false
	}
	a.n++
	c.n++
	return 0, true
}

// current returns key's failures in the window at now, a fresh count when
// its window has passed. The caller holds g.mu.
func (g *Guard) current(t *expirable.LRU[string, *failures], key string, now time.Time) *failures {
	f, ok := t.Get(key)
	if !ok || !now.Before(f.first.Add(g.window)) {
		f = &failures{first: now}
		t.Add(key, f)
	}
	return f
}

// takeBack undoes an attempt that was not a failure.
func (g *Guard) takeBack(addr, client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range []struct {
		t   *expirable.LRU[string, *failures]
		key string
	}{{g.addrs, addr}, {g.clients, client}} {
		if f, ok := p.t.Peek(p.key); ok && f.n > 0 {
			f.n--
		}
	}
}

// check runs f when a check slot is free. It returns ErrBusy at once
// when too many checks wait already, and ctx's error if ctx ends first.
func (g *Guard) check(ctx context.Context, f func()) error {
	select {
	case g.checks <- struct{}{}:
	default:
		if g.waiting.Add(1) > g.maxWait {
			g.waiting.Add(-1)
			return ErrBusy
		}
		select {
		case g.checks <- struct{}{}:
			g.waiting.Add(-1)
		case <-ctx.Done():
			g.waiting.Add(-1)
			return ctx.Err()
		}
	}
	defer func() { <-g.checks }()
	f()
	return nil
}

// addrKey is the key of an address in every per-address limit: an IPv6
// address stands for its /64, which one host usually holds whole, so that
// a host cannot multiply its allowance by the addresses of its prefix.
func addrKey(host string) string {
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if a = a.Unmap().WithZone(""); !a.Is6() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// clientKey is the key of a client id: ids past any real one's length
// share a key, so that long ids cannot take more memory.
func clientKey(id string) string {
	if len(id) > 256 {
		return id[:256]
	}
	return id
}
