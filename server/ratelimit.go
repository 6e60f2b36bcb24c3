package server

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
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
	keys *expirable.LRU[string, *limit]
}

type limit struct {
	bucket *rate.Limiter
	window time.Time // start of the current one-minute window
	count  int
}

func newLimits(perSecond float64, burst int, now func() time.Time) *limits {
	return newLimitsSize(perSecond, burst, now, maxKeys)
}

// newLimitsSize is newLimits holding at most size keys.
func newLimitsSize(perSecond float64, burst int, now func() time.Time, size int) *limits {
	allowed := "2147483647" // no limit: the largest count a 32-bit client reads
	if perSecond > 0 {
		allowed = strconv.Itoa(int(math.Floor(perSecond * 60)))
	}
	return &limits{perSecond: perSecond, burst: burst, allowed: allowed, now: now,
		// No TTL, which would start a goroutine nobody can stop: each limit
		// carries its own window and bucket.
		keys: expirable.NewLRU[string, *limit](size, nil, 0)}
}

// The inin-ratelimit headers, in canonical form so that setting them
// allocates no key.
const (
	countHeader   = "Inin-Ratelimit-Count"
	allowedHeader = "Inin-Ratelimit-Allowed"
	resetHeader   = "Inin-Ratelimit-Reset"
)

// maxKeys bounds the keys limits hold; past it, the least recently used
// key is forgotten (its bucket was full again, unless it is the busiest of
// maxKeys callers), so that a new caller is never refused for the table
// and no request scans it.
const maxKeys = 100_000

// take counts a request of key, sets the inin-ratelimit headers, and
// reports whether it may proceed; when not, it returns the wait.
func (l *limits) take(h http.Header, key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	k := l.counted(key, now)
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

// counted returns the limit of key, with this request counted in its
// window. The caller holds l.mu.
func (l *limits) counted(key string, now time.Time) *limit {
	k, ok := l.keys.Get(key)
	if !ok {
		b := rate.NewLimiter(rate.Inf, 0)
		if l.perSecond > 0 {
			b = rate.NewLimiter(rate.Limit(l.perSecond), l.burst)
		}
		k = &limit{bucket: b}
		l.keys.Add(key, k)
	}
	if now.Sub(k.window) >= time.Minute {
		k.window, k.count = now.Truncate(time.Minute), 0
	}
	k.count++
	return k
}

// wait takes a request from key's rate limit, waiting until the limit
// allows it, or returns ctx's error (and gives the request back) if ctx
// ends first.
func (l *limits) wait(ctx context.Context, key string) error {
	now := l.now()
	l.mu.Lock()
	k := l.counted(key, now)
	var r *rate.Reservation
	if l.perSecond > 0 {
		r = k.bucket.ReserveN(now, 1)
	}
	l.mu.Unlock()
	if r == nil {
		return nil
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(l.now())
		return ctx.Err()
	}
}
