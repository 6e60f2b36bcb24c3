package gdpr

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle is the layer of the transport stack that keeps the Client
// within its own rate (WithRate) and within what the server says it
// allows. Every attempt takes a token, retries included, and every wait
// selects on the request's context.
//
// The server's view comes from its headers: inin-ratelimit-allowed
// requests per window, inin-ratelimit-count used so far, and
// inin-ratelimit-reset seconds until the window ends. Once the window's
// budget is spent, requests wait for its end. A 429 with Retry-After
// pauses every request of the Client until then (capped like the retry
// layer's waits).
type throttle struct {
	next     http.RoundTripper
	lim      *rate.Limiter // nil: no rate of the Client's own
	clock    clock
	maxPause time.Duration

	mu         sync.Mutex
	pauseUntil time.Time // from a 429's Retry-After
	window     bool      // whether windowEnd and remaining are known
	windowEnd  time.Time
	remaining  int // requests the server's window still allows
	inflight   int // requests sent whose responses are not in
}

func newThrottle(next http.RoundTripper, perSecond float64, burst int, k clock, maxPause time.Duration) *throttle {
	t := &throttle{next: next, clock: k, maxPause: maxPause}
	if !math.IsInf(perSecond, 1) {
		t.lim = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
	return t
}

// RoundTrip waits for a token, then sends req.
func (t *throttle) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.roundTrip(req, t.next)
}

// roundTrip waits for a token, sends req through rt and learns from the
// response's headers.
func (t *throttle) roundTrip(req *http.Request, rt http.RoundTripper) (*http.Response, error) {
	if err := t.wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := rt.RoundTrip(req)
	t.observe(resp)
	return resp, err
}

// wait blocks until one request may be sent, and counts it as sent.
func (t *throttle) wait(ctx context.Context) error {
	for {
		t.mu.Lock()
		now := t.clock.Now()
		var d time.Duration
		switch {
		case now.Before(t.pauseUntil):
			d = t.pauseUntil.Sub(now)
		case t.window && !now.Before(t.windowEnd):
			t.window = false // the window ended: nothing known of the next
		case t.window && t.remaining <= 0:
			d = t.windowEnd.Sub(now)
		}
		if d > 0 {
			t.mu.Unlock()
			if err := t.clock.Sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if t.window {
			t.remaining--
		}
		t.inflight++
		t.mu.Unlock()
		break
	}
	if t.lim == nil {
		return nil
	}
	now := t.clock.Now()
	r := t.lim.ReserveN(now, 1)
	if err := t.clock.Sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(t.clock.Now())
		t.done()
		return err
	}
	return nil
}

func (t *throttle) done() {
	t.mu.Lock()
	t.inflight--
	t.mu.Unlock()
}

// observe ends one request sent and learns what the server allows from
// resp, which may be nil.
func (t *throttle) observe(resp *http.Response) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inflight--
	if resp == nil {
		return
	}
	now := t.clock.Now()
	if resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			if until := now.Add(min(d, t.maxPause)); until.After(t.pauseUntil) {
				t.pauseUntil = until
			}
		}
	}
	// Canonical names: looking them up allocates nothing.
	allowed, ok1 := headerInt(resp.Header, "Inin-Ratelimit-Allowed")
	count, ok2 := headerInt(resp.Header, "Inin-Ratelimit-Count")
	reset, ok3 := headerSeconds(resp.Header, "Inin-Ratelimit-Reset")
	if !ok1 || !ok2 || !ok3 || allowed <= 0 {
		return
	}
	// Requests still in flight may or may not have been counted yet:
	// assume they were not, and leave room for them.
	est := max(allowed-count-t.inflight, 0)
	end := now.Add(reset)
	// Within the window already known (the reset header has a resolution
	// of a second), the lower estimate wins; a later end is a new window.
	if t.window && now.Before(t.windowEnd) && !end.After(t.windowEnd.Add(time.Second)) {
		t.remaining = min(t.remaining, est)
		if end.After(t.windowEnd) {
			t.windowEnd = end
		}
		return
	}
	t.window, t.remaining, t.windowEnd = true, est, end
}

func headerInt(h http.Header, name string) (int, bool) {
	v := h.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil
}

// headerSeconds reads a number of seconds, fractions allowed.
func headerSeconds(h http.Header, name string) (time.Duration, bool) {
	v := h.Get(name)
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f > 1e6 {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}
