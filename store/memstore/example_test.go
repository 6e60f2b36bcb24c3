package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A request goes into the store, a worker claims it under a lease, finishes
// it and releases it; the organization's audit chain records each change.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	s := memstore.New()

	job := &store.Job{
		Org: "acme",
		Request: gdpr.Request{
			ID:          "req-1",
			RequestType: gdpr.RequestExport,
			CreatedDate: gdpr.NewTime(now),
			Status:      gdpr.StatusInitiated,
			Subject:     gdpr.Subject{EmailAddresses: []string{"ada@example.com"}},
		},
		NextRun: now,
	}
	created := store.Event{RequestID: "req-1", Time: now, Type: "created", Status: gdpr.StatusInitiated}
	if _, _, err := s.Create(ctx, job, created); err != nil {
		fmt.Println(err)
		return
	}

	claimed, err := s.Claim(ctx, "worker-1", now, now.Add(time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("claimed", claimed.Request.ID, "by", claimed.LeaseToken)

	claimed.Request.Status = gdpr.StatusCompleted
	claimed.LeaseUntil = time.Time{} // release the lease
	done := store.Event{RequestID: "req-1", Time: now.Add(time.Second), Type: "status", Status: gdpr.StatusCompleted}
	if err := s.Update(ctx, claimed, done); err != nil {
		fmt.Println(err)
		return
	}

	_, err = s.Claim(ctx, "worker-2", now.Add(time.Hour), now.Add(time.Hour+time.Minute))
	fmt.Println("more work:", !errors.Is(err, store.ErrNoWork))

	events, err := s.Events(ctx, "acme", 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range events {
		fmt.Println(ev.Seq, ev.Type, ev.Status)
	}
	fmt.Println("chain verifies:", store.VerifyChain(nil, events) == nil)
	// Output:
	// claimed req-1 by worker-1
	// more work: false
	// 1 created INITIATED
	// 2 status COMPLETED
	// chain verifies: true
}
