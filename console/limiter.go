package console

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// maxTracked bounds the addresses whose failures are remembered.
const maxTracked = 10_000

// concurrentChecks bounds the secret checks (PBKDF2, deliberately slow)
// running at once, so that a flood of sign-ins cannot take every CPU.
const concurrentChecks = 4

// signinGuard refuses sign-ins from an address that failed too often
// lately, and bounds the secret checks running at once. It is safe for
// concurrent use.
type signinGuard struct {
	mu     sync.Mutex
	fails  map[string]*failures
	limit  int // failures allowed in a window
	window time.Duration
	now    func() time.Time
	checks chan struct{}
}

// failures counts an address's failed sign-ins since first.
type failures struct {
	first time.Time
	n     int
}

func newSigninGuard(limit int, window time.Duration, now func() time.Time) *signinGuard {
	return &signinGuard{fails: map[string]*failures{}, limit: limit, window: window, now: now,
		checks: make(chan struct{}, concurrentChecks)}
}

// blocked reports whether addr has used up its failures, and how long
// until it may try again.
func (g *signinGuard) blocked(addr string) (bool, time.Duration) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.fails[addr]
	if !ok {
		return false, 0
	}
	until := f.first.Add(g.window)
	if !now.Before(until) {
		delete(g.fails, addr)
		return false, 0
	}
	return f.n >= g.limit, until.Sub(now)
}

// failed counts a failure of addr.
func (g *signinGuard) failed(addr string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.fails) >= maxTracked {
		for a, f := range g.fails {
			if !now.Before(f.first.Add(g.window)) {
				delete(g.fails, a)
			}
		}
	}
	f, ok := g.fails[addr]
	if !ok || !now.Before(f.first.Add(g.window)) {
		if len(g.fails) >= maxTracked {
			return // too many addresses at once: the check's own cost still applies
		}
		f = &failures{first: now}
		g.fails[addr] = f
	}
	f.n++
}

// succeeded forgets addr's failures.
func (g *signinGuard) succeeded(addr string) {
	g.mu.Lock()
	delete(g.fails, addr)
	g.mu.Unlock()
}

// check runs f when one of the check slots is free, or returns false when
// ctx ends first.
func (g *signinGuard) check(ctx context.Context, f func()) bool {
	select {
	case g.checks <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-g.checks }()
	f()
	return true
}

// remoteHost is the address a request came from, without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
