package memstore_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
	"github.com/gdprkit/gdpr/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.TestStore(t, func(*testing.T) store.Store { return memstore.New() })
}

// BenchmarkClaimUpdate measures one turn of a worker: claim the due job
// with the earliest NextRun out of 100,000 queued, and update it to
// COMPLETED with one audit event. The queue is topped up, untimed, so that
// it never holds fewer than 90,000 jobs; the completed jobs and all events
// stay in the store, as they would in a running processor.
func BenchmarkClaimUpdate(b *testing.B) {
	const queued, refill = 100_000, 10_000
	ctx := b.Context()
	now := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	s := memstore.New()
	n := 0
	fill := func(count int) {
		for range count {
			id := fmt.Sprintf("req-%08d", n)
			job := &store.Job{
				Org: "org-bench",
				Request: gdpr.Request{
					ID:          id,
					RequestType: gdpr.RequestExport,
					CreatedDate: gdpr.NewTime(now),
					Status:      gdpr.StatusInitiated,
					Subject:     gdpr.Subject{EmailAddresses: []string{"subject@example.com"}},
				},
				// Due over the past day, in an order unlike creation's.
				NextRun: now.Add(-time.Duration(n*7919%86_400) * time.Second),
			}
			ev := store.Event{RequestID: id, Time: now, Type: "created", Status: gdpr.StatusInitiated}
			if _, _, err := s.Create(ctx, job, ev); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	fill(queued)
	left := queued
	runtime.GC()

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if left <= queued-refill {
			b.StopTimer()
			fill(refill)
			left += refill
			runtime.GC() // collect the filling's garbage untimed
			b.StartTimer()
		}
		job, err := s.Claim(ctx, "worker", now, now.Add(time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		job.Request.Status, job.LeaseUntil = gdpr.StatusCompleted, time.Time{}
		ev := store.Event{RequestID: job.Request.ID, Time: now, Type: "status", Status: gdpr.StatusCompleted}
		if err := s.Update(ctx, job, ev); err != nil {
			b.Fatal(err)
		}
		left--
	}
}
