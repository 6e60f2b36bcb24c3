package processor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

func benchAdapters(b *testing.B, names []string, each func(i int) memadapter.Dataset) []adapter.Adapter {
	b.Helper()
	var as []adapter.Adapter
	for i, n := range names {
		a, err := memadapter.New(n)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Load(each(i)); err != nil {
			b.Fatal(err)
		}
		as = append(as, a)
	}
	return as
}

// BenchmarkSearchSubjects searches emails over three adapters holding
// 10,000, 100,000 and 1,000,000 subjects between them, and reports the
// latency percentiles: the cost should stay flat as the data grows.
// Loading the subjects is not timed; at 1,000,000 it takes about a minute.
func BenchmarkSearchSubjects(b *testing.B) {
	for _, size := range []struct {
		name  string
		total int
	}{{"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}} {
		b.Run("subjects="+size.name, func(b *testing.B) { benchSearch(b, size.total) })
	}
}

func benchSearch(b *testing.B, total int) {
	names := []string{"directory", "crm", "dialer"}
	perAdapter := total / len(names)
	as := benchAdapters(b, names, func(i int) memadapter.Dataset {
		n := perAdapter
		if i == len(names)-1 {
			n = total - perAdapter*(len(names)-1)
		}
		return demo.Generated(names[i], i*perAdapter, n)
	})
	p, err := processor.New(memstore.New(), as)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	terms := make([]string, 4096)
	for i := range terms {
		terms[i] = fmt.Sprintf("Person.%d@Example.com", rng.IntN(total))
	}
	runtime.GC() // collect what loading left, rather than while timing
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		s, err := p.SearchSubjects(ctx, gdpr.KindEmail, terms[i%len(terms)])
		lat = append(lat, time.Since(start))
		if err != nil || len(s) != 1 {
			b.Fatalf("search: %d subjects, %v", len(s), err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}

// BenchmarkRequestsToCompleted creates b.N requests, each for a different
// person held by all three adapters, and measures until every one is
// COMPLETED by Run's workers with the memory store.
func BenchmarkRequestsToCompleted(b *testing.B) {
	for _, typ := range []gdpr.RequestType{gdpr.RequestDelete, gdpr.RequestExport} {
		b.Run(string(typ), func(b *testing.B) { benchCompleted(b, typ) })
	}
}

func benchCompleted(b *testing.B, typ gdpr.RequestType) {
	n := b.N
	names := []string{"directory", "crm", "dialer"}
	as := benchAdapters(b, names, func(int) memadapter.Dataset { return demo.Generated("p", 0, n) })
	st := memstore.New()
	p, err := processor.New(st, as, processor.WithStorePoll(time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	b.ResetTimer()
	start := time.Now()
	for i := range n {
		_, err := p.CreateRequest(ctx, gdpr.RequestSpec{
			Type: typ, DeleteConfirmed: typ == gdpr.RequestDelete,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(i)}},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for {
		_, completed, err := st.List(ctx, "", store.Filter{Statuses: []gdpr.Status{gdpr.StatusCompleted, gdpr.StatusError}, Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if completed == n {
			break
		}
		time.Sleep(10 * time.Millisecond) // List scans the store: poll gently
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	page, err := p.ListFiltered(context.Background(), gdpr.ListOptions{PageSize: 1}, store.Filter{Statuses: []gdpr.Status{gdpr.StatusError}})
	if err != nil {
		b.Fatal(err)
	}
	if page.Total != 0 {
		b.Fatalf("%d requests ended in ERROR", page.Total)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "requests/s")
}
