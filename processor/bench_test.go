package processor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

func benchAdapters(b *testing.B, names []string, each func(i int) memadapter.Dataset) []processor.Adapter {
	b.Helper()
	var as []processor.Adapter
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
// 1,000,000 subjects between them, and reports the latency percentiles.
func BenchmarkSearchSubjects(b *testing.B) {
	const total, perAdapter = 1_000_000, 1_000_000 / 3
	names := []string{"directory", "crm", "dialer"}
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
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		s, err := p.SearchSubjects(ctx, gdpr.SearchEmail, terms[i%len(terms)])
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
	store := memstore.New()
	p, err := processor.New(store, as, processor.WithPoll(time.Millisecond))
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
		_, completed, err := store.List(ctx, "", processor.Filter{Statuses: []gdpr.Status{gdpr.StatusCompleted, gdpr.StatusError}, Limit: 1})
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
	page, err := p.ListFiltered(context.Background(), gdpr.ListOptions{PageSize: 1}, processor.Filter{Statuses: []gdpr.Status{gdpr.StatusError}})
	if err != nil {
		b.Fatal(err)
	}
	if page.Total != 0 {
		b.Fatalf("%d requests ended in ERROR", page.Total)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "requests/s")
}
