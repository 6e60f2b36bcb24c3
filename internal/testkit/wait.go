package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// WaitDone polls svc every 10ms until request id is final, and returns it.
// It fails t when the request is not final within a minute. ctx carries the
// organization the request belongs to.
func WaitDone(ctx context.Context, t testing.TB, svc gdpr.Service, id string) *gdpr.Request {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := svc.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %s is still %s after a minute", id, r.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Drain runs every request of p that is due now, as far as it goes, on the
// caller's goroutine: for a processor whose workers do not run.
func Drain(t testing.TB, p *processor.Processor) {
	t.Helper()
	for range 10000 {
		found, err := p.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		if !found {
			return
		}
	}
	t.Fatal("drain: requests kept coming")
}

// Advancer is a test clock that can be moved on, such as a
// testclock.Clock.
type Advancer interface {
	Advance(time.Duration)
}

// Settle drains p and moves clock past retry backoffs, 5s at a time, until
// request id is final, and returns it. p must take its time from clock.
func Settle(t testing.TB, p *processor.Processor, clock Advancer, id string) *gdpr.Request {
	t.Helper()
	ctx := context.Background()
	for range 50 {
		Drain(t, p)
		r, err := p.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		clock.Advance(5 * time.Second)
	}
	t.Fatalf("request %s never finished", id)
	return nil
}
