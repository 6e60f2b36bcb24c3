package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// BenchmarkRequestsToCompleted creates b.N requests, each for a different
// person held by all three (in-memory) adapters, and measures until every
// one is COMPLETED by the workers of one processor, on each dialect. It
// reports requests/s from the first create to the last completion.
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
func benchStores(b *testing.B, dialect string, n int) []processor.Store {
	b.Helper()
	stores := make([]processor.Store, n)
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

func benchCompleted(b *testing.B, stores []processor.Store, typ func(int) gdpr.RequestType) {
	n := b.N
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ps []*processor.Processor
	done := make(chan error, len(stores))
	for _, s := range stores {
		p, err := processor.New(s, newAdapters(b, n, nil), processor.WithPoll(5*time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
		go func() { done <- p.Run(ctx) }()
	}
	b.ResetTimer()
	start := time.Now()
	for i := range n {
		sp := spec(i)
		if sp.Type != typ(i) {
			sp = gdpr.RequestSpec{Type: typ(i), Subject: sp.Subject, DeleteConfirmed: typ(i) == gdpr.RequestDelete}
		}
		if _, err := ps[i%len(ps)].CreateRequest(ctx, sp); err != nil {
			b.Fatal(err)
		}
	}
	waitFinal(b, stores[0], n, 10*time.Minute)
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	for range ps {
		<-done
	}
	_, failed, err := stores[0].List(context.Background(), "", processor.Filter{Statuses: []gdpr.Status{gdpr.StatusError}, Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if failed != 0 {
		b.Fatalf("%d requests ended in ERROR", failed)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "requests/s")
}
