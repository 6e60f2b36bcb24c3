package console

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gdprkit/gdpr/server"
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

// failures counts an address's sign-ins since first, but for those that
// succeeded.
type failures struct {
	first time.Time
	n     int
}

func newSigninGuard(limit int, window time.Duration, now func() time.Time) *signinGuard {
	return &signinGuard{fails: map[string]*failures{}, limit: limit, window: window, now: now,
		checks: make(chan struct{}, concurrentChecks)}
}

// attempt counts a sign-in from addr before its secret is checked, and
// reports whether addr may try, or how long until it may. Counting first
// means that attempts sent at once cannot all pass the limit together.
// When so many addresses are tracked that addr cannot be, it is refused
// too: an unlimited guess is worse than a wait.
func (g *signinGuard) attempt(addr string) (bool, time.Duration) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.fails[addr]
	if ok && !now.Before(f.first.Add(g.window)) {
		delete(g.fails, addr)
		ok = false
	}
	if !ok {
		if len(g.fails) >= maxTracked {
			for a, f := range g.fails {
				if !now.Before(f.first.Add(g.window)) {
					delete(g.fails, a)
				}
			}
		}
		if len(g.fails) >= maxTracked {
			return false, g.window
		}
		f = &failures{first: now}
		g.fails[addr] = f
	}
	if f.n >= g.limit {
		return false, f.first.Add(g.window).Sub(now)
	}
	f.n++
	return true, 0
}

// succeeded takes back the attempt of a sign-in that succeeded. The
// failures before it still count: signing in with one client does not buy
// more guesses at another's secret.
func (g *signinGuard) succeeded(addr string) {
	g.mu.Lock()
	if f, ok := g.fails[addr]; ok && f.n > 0 {
		f.n--
	}
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

// remoteHost is the address a request came from, without its port, as
// proxies tell it (see server.Proxies); an IPv6 address stands for its
// /64, which one host usually holds whole.
func remoteHost(r *http.Request, proxies server.Proxies) string {
	host := proxies.ClientAddr(r)
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}
