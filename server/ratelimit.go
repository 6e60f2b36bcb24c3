package server

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limits rate-limits each key (an organization, or an address for
// unauthenticated calls) with a token bucket, and counts requests in
// one-minute windows for the inin-ratelimit headers.
type limits struct {
	perSecond float64
	burst     int
	allowed   string // the inin-ratelimit-allowed header
	now       func() time.Time

	mu   sync.Mutex
	keys map[string]*limit
}

type limit struct {
	bucket *rate.Limiter
	window time.Time // start of the current one-minute window
	count  int
}

func newLimits(perSecond float64, burst int, now func() time.Time) *limits {
	allowed := "2147483647" // no limit: the largest count a 32-bit client reads
	if perSecond > 0 {
		allowed = strconv.Itoa(int(math.Floor(perSecond * 60)))
	}
	return &limits{perSecond: perSecond, burst: burst, allowed: allowed, now: now, keys: map[string]*limit{}}
}

// The inin-ratelimit headers, in canonical form so that setting them
// allocates no key.
const (
	countHeader   = "Inin-Ratelimit-Count"
	allowedHeader = "Inin-Ratelimit-Allowed"
	resetHeader   = "Inin-Ratelimit-Reset"
)

// maxKeys bounds the memory limits hold; past it, idle keys are dropped.
const maxKeys = 100_000

// take counts a request of key, sets the inin-ratelimit headers, and
// reports whether it may proceed; when not, it returns the wait.
func (l *limits) take(h http.Header, key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	k := l.keys[key]
	if k == nil {
		if len(l.keys) >= maxKeys {
			l.prune(now)
		}
		b := rate.NewLimiter(rate.Inf, 0)
		if l.perSecond > 0 {
			b = rate.NewLimiter(rate.Limit(l.perSecond), l.burst)
		}
		k = &limit{bucket: b}
		l.keys[key] = k
	}
	if now.Sub(k.window) >= time.Minute {
		k.window, k.count = now.Truncate(time.Minute), 0
	}
	k.count++
	count, reset := k.count, k.window.Add(time.Minute).Sub(now)
	ok, wait := true, time.Duration(0)
	if l.perSecond > 0 {
		r := k.bucket.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			ok, wait = false, d
		}
	}
	l.mu.Unlock()

	v := []string{strconv.Itoa(count), l.allowed, strconv.Itoa(int(math.Ceil(reset.Seconds())))}
	h[countHeader], h[allowedHeader], h[resetHeader] = v[0:1:1], v[1:2:2], v[2:3:3]
	return ok, wait
}

// prune drops keys idle for a whole window. The caller holds l.mu.
func (l *limits) prune(now time.Time) {
	for key, k := range l.keys {
		if now.Sub(k.window) >= 2*time.Minute {
			delete(l.keys, key)
		}
	}
}
