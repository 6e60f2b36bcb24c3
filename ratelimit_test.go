package gdpr

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

func rateHeaders(allowed, count int, reset string) *http.Response {
	h := http.Header{}
	h.Set("inin-ratelimit-allowed", strconv.Itoa(allowed))
	h.Set("inin-ratelimit-count", strconv.Itoa(count))
	h.Set("inin-ratelimit-reset", reset)
	return &http.Response{StatusCode: 200, Header: h}
}

// The throttle spends what the server's window has left, then waits for
// the window to end.
func TestThrottleFollowsServerWindow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	th := newThrottle(nil, 1e9, 1000, clk, time.Minute)
	ctx := context.Background()
	th.wait(ctx)
	th.observe(rateHeaders(10, 7, "2")) // 3 left for 2 s
	for range 3 {
		th.wait(ctx)
		th.done()
	}
	if s := clk.Sleeps(); len(s) != 0 {
		t.Fatalf("waited %v within the budget", s)
	}
	th.wait(ctx)
	th.done()
	if d := cmp.Diff([]time.Duration{2 * time.Second}, clk.Sleeps()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

// A 429 with Retry-After holds back every request, up to the cap.
func TestThrottlePausesAfter429(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	th := newThrottle(nil, 1e9, 1000, clk, 5*time.Second)
	ctx := context.Background()
	th.wait(ctx)
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	th.observe(resp)
	th.wait(ctx)
	th.done()
	th.wait(ctx)
	resp.Header.Set("Retry-After", "600")
	th.observe(resp)
	th.wait(ctx)
	th.done()
	if d := cmp.Diff([]time.Duration{3 * time.Second, 5 * time.Second}, clk.Sleeps()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

func TestThrottleRateOnFakeClock(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	th := newThrottle(nil, 10, 2, clk, time.Minute)
	for range 4 {
		th.wait(context.Background())
		th.done()
	}
	if d := cmp.Diff([]time.Duration{100 * time.Millisecond, 100 * time.Millisecond}, clk.Sleeps()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := th.wait(ctx); err == nil {
		t.Error("wait with a cancelled context succeeded")
	}
}

// A server with fixed windows that says so in its headers: the client,
// with no rate of its own, never gets a 429.
func TestThrottleHeadersOverHTTP(t *testing.T) {
	t.Parallel()
	c, mux, clk, _ := setup(t, tokenOpt)
	const allowed, window = 20, time.Minute
	var mu sync.Mutex
	var start time.Time
	count, rejected := 0, 0
	mux.HandleFunc("/api/v2/gdpr/requests/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		now := clk.Now()
		if start.IsZero() || now.Sub(start) >= window {
			start, count = now, 0
		}
		count++
		w.Header().Set("inin-ratelimit-allowed", strconv.Itoa(allowed))
		w.Header().Set("inin-ratelimit-count", strconv.Itoa(count))
		w.Header().Set("inin-ratelimit-reset", strconv.Itoa(int((window-now.Sub(start)+time.Second-1)/time.Second)))
		if count > allowed {
			rejected++
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, NewError(429, "too.many.requests", "slow down").Body)
			return
		}
		writeJSON(w, 200, Request{ID: "r1"})
	})
	for i := range 50 {
		if _, err := c.GetRequest(context.Background(), "r1"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if rejected != 0 {
		t.Errorf("%d requests rejected", rejected)
	}
	if got := clk.Now().Sub(newFakeClock().Now()); got < 2*window {
		t.Errorf("50 requests at 20 a minute took %s, want 2 minutes or more", got)
	}
}

// Against a server allowing n requests a second, a client configured for n
// sends 3×n requests without a 429; a bare go-retryablehttp client meets
// 429s at once. The share of n the client sustains is measured by
// BenchmarkThrottle in bench/, not asserted here.
func TestThrottleStaysUnderServerRate(t *testing.T) {
	t.Parallel()
	const n = 50
	newServer := func() (*httptest.Server, *atomic.Int64, *atomic.Int64) {
		lim := rate.NewLimiter(n, n/5) // a little burst absorbs network jitter
		var ok, rejected atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !lim.Allow() {
				rejected.Add(1)
				w.Header().Set("Retry-After", "1")
				writeJSON(w, 429, NewError(429, "too.many.requests.retry.after", "Rate limit exceeded the maximum. Retry the request in [1] seconds").Body)
				return
			}
			ok.Add(1)
			fmt.Fprint(w, `{"entities":[]}`)
		}))
		t.Cleanup(srv.Close)
		return srv, &ok, &rejected
	}
	const workers = 8
	run := func(total int, do func() error) {
		var wg sync.WaitGroup
		var next atomic.Int64
		for range workers {
			wg.Go(func() {
				for next.Add(1) <= int64(total) {
					if err := do(); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}

	srv, ok, rejected := newServer()
	c, err := New(WithBaseURL(srv.URL), tokenOpt, WithRate(n, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	start := time.Now()
	run(3*n, func() error {
		_, err := c.SearchSubjects(context.Background(), KindName, "x")
		return err
	})
	elapsed := time.Since(start)
	achieved := float64(ok.Load()) / elapsed.Seconds()
	t.Logf("client: %d requests in %s = %.1f/s (%.1f%% of %d/s), %d answered 429", ok.Load(), elapsed.Round(time.Millisecond), achieved, 100*achieved/n, n, rejected.Load())
	if rejected.Load() != 0 {
		t.Errorf("client configured for %d/s met %d 429s", n, rejected.Load())
	}
	if ok.Load() != 3*n {
		t.Errorf("client sent %d requests, want %d", ok.Load(), 3*n)
	}

	bareSrv, _, bareRejected := newServer()
	bare := retryablehttp.NewClient()
	bare.Logger = nil
	bare.RetryMax = 0
	var failed atomic.Int64
	run(2*n, func() error {
		resp, err := bare.Get(bareSrv.URL + "/api/v2/gdpr/subjects?searchType=NAME&searchValue=x")
		if err != nil {
			failed.Add(1)
			return nil
		}
		resp.Body.Close()
		return nil
	})
	t.Logf("bare go-retryablehttp: %d of %d requests answered 429", bareRejected.Load(), 2*n)
	if bareRejected.Load() == 0 {
		t.Error("the bare client met no 429; the server does not limit")
	}
}

// WithRate(0, …) means no limit of the Client's own, as server.WithRate
// does: a burst of calls waits for nothing.
func TestRateZeroIsNoLimit(t *testing.T) {
	t.Parallel()
	c, mux, clk, _ := setup(t, tokenOpt, WithRate(10, 1), WithRate(0, 0))
	mux.HandleFunc("/api/v2/gdpr/subjects", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"subjects": []any{}})
	})
	for range 20 {
		if _, err := c.SearchSubjects(context.Background(), KindName, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if s := clk.Sleeps(); len(s) != 0 {
		t.Errorf("waited %v without a rate", s)
	}
}
