package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// BenchmarkRequestsToCompleted creates b.N requests, each for a different
// person held by all three (in-memory) adapters, created by concurrent
// callers as a server receives them (see creators), and measures until
// every one is COMPLETED by the workers of one processor, on each dialect.
// It reports requests/s from the first create to the last completion.
func BenchmarkRequestsToCompleted(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, typ := range []gdpr.RequestType{gdpr.RequestDelete, gdpr.RequestExport} {
			b.Run(dialect+"/"+string(typ), func(b *testing.B) {
				stores := benchStores(b, dialect, 1)
				benchCompleted(b, stores, func(int) gdpr.RequestType { return typ })
			})
		}
	}
}

// BenchmarkReplicas measures mixed requests (exports, updates and deletes
// in turn) from create to final with 1 and with 3 processors sharing one
// PostgreSQL database, each through a Store of its own, as replicas in
// separate processes would.
func BenchmarkReplicas(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("postgres/%dprocessors", n), func(b *testing.B) {
			stores := benchStores(b, "postgres", n)
			benchCompleted(b, stores, func(i int) gdpr.RequestType { return spec(i).Type })
		})
	}
}

// benchStores opens n Stores on one new database of the dialect.
func benchStores(b *testing.B, dialect string, n int) []store.Store {
	b.Helper()
	stores := make([]store.Store, n)
	switch dialect {
	case "sqlite":
		s, path := openSQLite(b)
		stores[0] = s
		for i := 1; i < n; i++ {
			stores[i] = reopenSQLite(b, path)
		}
	default:
		dsn := postgresDSN(b)
		schema := testSchema(b, dsn)
		for i := range stores {
			stores[i] = openPostgres(b, dsn, schema)
		}
	}
	return stores
}

// creators is how many callers create the requests of a benchmark at
// once: with one, the benchmark would measure the latency of a create
// rather than what the store sustains.
const creators = 16

func benchCompleted(b *testing.B, stores []store.Store, typ func(int) gdpr.RequestType) {
	n := b.N
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ps []*processor.Processor
	done := make(chan error, len(stores))
	final := newFinalCounter(n)
	for _, s := range stores {
		p, err := processor.New(s, newAdapters(b, n, nil),
			processor.WithLogger(slog.New(final)))
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
		go func() { done <- p.Run(ctx) }()
	}
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, creators)
	for range creators {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				sp := spec(i)
				if sp.Type != typ(i) {
					sp = gdpr.RequestSpec{Type: typ(i), Subject: sp.Subject, DeleteConfirmed: typ(i) == gdpr.RequestDelete}
				}
				if _, err := ps[i%len(ps)].CreateRequest(ctx, sp); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	select {
	case <-final.all:
	case <-time.After(10 * time.Minute):
		b.Fatalf("after 10 minutes, %d of %d requests are final", final.n.Load(), n)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	for range ps {
		<-done
	}
	waitFinal(b, stores[0], n, time.Minute) // what the log said, the store holds
	_, failed, err := stores[0].List(context.Background(), "", store.Filter{Statuses: []gdpr.Status{gdpr.StatusError}, Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if failed != 0 {
		b.Fatalf("%d requests ended in ERROR", failed)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "requests/s")
}

// finalCounter is a slog.Handler that counts the requests the processors
// log as completed or failed, and closes all when n of them are. It tells
// a benchmark when its requests are final without polling the database,
// which would compete with the store for the machine.
type finalCounter struct {
	n    atomic.Int64
	want int64
	all  chan struct{}
}

func newFinalCounter(n int) *finalCounter {
	return &finalCounter{want: int64(n), all: make(chan struct{})}
}

func (c *finalCounter) Enabled(context.Context, slog.Level) bool { return true }

func (c *finalCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "request completed" || r.Message == "request failed" {
		if c.n.Add(1) == c.want {
			close(c.all)
		}
	}
	return nil
}

func (c *finalCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *finalCounter) WithGroup(string) slog.Handler      { return c }
