package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// apiRate is N, the requests a second the remote gdpr serve allows the
// adapter's organization.
const apiRate = 50

// counted counts the API calls a server answered, and its 429s.
type counted struct {
	next         http.Handler
	ok, rejected atomic.Int64
	first, last  atomic.Int64 // unix nanoseconds of the first and last call answered
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/oauth/") {
		c.next.ServeHTTP(w, r)
		return
	}
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	c.next.ServeHTTP(rw, r)
	if rw.status == http.StatusTooManyRequests {
		c.rejected.Add(1)
		return
	}
	now := time.Now().UnixNano()
	c.first.CompareAndSwap(0, now)
	c.last.Store(now)
	c.ok.Add(1)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

// BenchmarkAdapterThrottle erases b.N people through the adapter, with 16
// workers, against a gdpr serve that allows N = 50 requests a second (with
// a burst of 10) and answers more with 429 and Retry-After: with the
// adapter's client configured for N (rate=N), and for twice N (rate=2N: a
// wrong configuration, which the client corrects from the
// inin-ratelimit-* headers and 429s). It reports the adapter's sustained
// call rate as a share of N (pct-of-N: calls answered, from the first to
// the last), the 429s the remote sent (429s), the steps that failed or
// whose error was a rate limit (step-429s) and the requests not COMPLETED
// (failed). Run it with a fixed count, such as -benchtime=100x.
func BenchmarkAdapterThrottle(b *testing.B) {
	b.Run("rate=N", func(b *testing.B) { adapterThrottle(b, apiRate) })
	b.Run("rate=2N", func(b *testing.B) { adapterThrottle(b, 2*apiRate) })
}

func adapterThrottle(b *testing.B, clientRate float64) {
	n := b.N
	remote, err := processor.New(memstore.New(), []adapter.Adapter{testkit.Memory(b, "contacts", demo.Generated("g", 0, n))},
		processor.WithStorePoll(2*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	testkit.Run(b, remote)
	hash, err := server.HashSecretCost("bench-secret", 1000)
	if err != nil {
		b.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "bench", SecretHash: hash, Organization: "bench", Scope: server.ScopeAll})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(remote, clients, server.WithRate(apiRate, apiRate/5))
	if err != nil {
		b.Fatal(err)
	}
	calls := &counted{next: srv}
	hs := httptest.NewServer(calls)
	b.Cleanup(hs.Close)

	c, err := gdpr.New(gdpr.WithBaseURL(hs.URL), gdpr.WithClientCredentials("bench", "bench-secret"), gdpr.WithRate(clientRate, 1))
	if err != nil {
		b.Fatal(err)
	}
	api, err := apiadapter.New("genesys", c)
	if err != nil {
		b.Fatal(err)
	}
	st := memstore.New()
	p, err := processor.New(st, []adapter.Adapter{api}, processor.WithWorkers(16), processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		r, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(i)}}})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	b.ResetTimer()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	for {
		open, _, err := st.List(ctx, "", store.Filter{Open: true, Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(open) == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	b.StopTimer()
	failed, stepLimited := 0, 0
	for _, id := range ids {
		r, err := p.GetRequest(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if r.Status != gdpr.StatusCompleted {
			failed++
		}
		for _, s := range r.Steps {
			if s.Attempts > 1 || strings.Contains(s.Error, "429") {
				stepLimited++
			}
		}
	}
	span := time.Duration(calls.last.Load() - calls.first.Load())
	b.ReportMetric(100*float64(calls.ok.Load()-1)/span.Seconds()/apiRate, "pct-of-N")
	b.ReportMetric(float64(calls.rejected.Load()), "429s")
	b.ReportMetric(float64(stepLimited), "step-429s")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(calls.ok.Load())/float64(n), "calls/erasure")
}

// parkForever is a data store whose erasures never complete: every Erase
// waits on a remote request named after its operation.
type parkForever struct {
	adapter.Adapter
	looks atomic.Int64
}

func (a *parkForever) Erase(_ context.Context, op adapter.Op, _ []gdpr.Term, _ adapter.KeepFunc) (gdpr.Outcome, error) {
	a.looks.Add(1)
	return gdpr.Outcome{}, &adapter.WaitError{On: []string{"remote-" + op.ID}, Detail: "remote erasure in progress"}
}

// claims counts a Store's Claim calls.
type claims struct {
	store.Store
	n atomic.Int64
}

func (c *claims) Claim(ctx context.Context, token string, now, until time.Time) (*store.Job, error) {
	c.n.Add(1)
	return c.Store.Claim(ctx, token, now, until)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkParkedSteps parks 10,000 erasures whose remote never completes
// (a memory store, one adapter) and reports the processor's live heap for
// them (parked-MB: the requests, their audit events and their WAITING
// steps, over the heap before they were created), then runs the
// processor's workers (8, the default store poll) for 3 s while every
// step is parked and reports the CPU the process used (cpu-pct, of one
// core), the Store claims a second (claims/s) and the adapter calls made
// (looks: none, until a step's next look). b.N is ignored; run it once
// (-benchtime=1x).
func BenchmarkParkedSteps(b *testing.B) {
	const n = 10_000
	const window = 3 * time.Second
	ctx := context.Background()
	before := heapInUse()
	st := &claims{Store: memstore.New()}
	waiter := &parkForever{Adapter: testkit.Memory(b, "genesys", demo.Generated("g", 0, 1))}
	p, err := processor.New(st, []adapter.Adapter{waiter})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(i)}}}); err != nil {
			b.Fatal(err)
		}
	}
	for {
		found, err := p.RunOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !found {
			break
		}
	}
	if got := waiter.looks.Load(); got != n {
		b.Fatalf("%d steps ran, want %d", got, n)
	}
	parked, _, err := st.List(ctx, "", store.Filter{Statuses: []gdpr.Status{gdpr.StatusDeleting}, Limit: 1})
	if err != nil || len(parked) != 1 || parked[0].Request.Steps[0].State != processor.StepWaiting {
		b.Fatalf("requests are not parked: %v %v", parked, err)
	}
	heap := heapInUse() - before

	b.ResetTimer()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	looks, claimed := waiter.looks.Load(), st.n.Load()
	cpu0, t0 := cpuTime(b), time.Now()
	go func() { p.Run(runCtx); close(done) }()
	time.Sleep(window)
	cancel()
	<-done
	cpu, wall := cpuTime(b)-cpu0, time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(heap)/(1<<20), "parked-MB")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-pct")
	b.ReportMetric(float64(st.n.Load()-claimed)/wall.Seconds(), "claims/s")
	b.ReportMetric(float64(waiter.looks.Load()-looks), "looks")
}
