package processor_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// claimCounter is a Store that counts the claims made through it.
type claimCounter struct {
	store.Store
	claims atomic.Int64
}

func (c *claimCounter) Claim(ctx context.Context, token string, now, until time.Time) (*store.Job, error) {
	c.claims.Add(1)
	return c.Store.Claim(ctx, token, now, until)
}

// TestCreateWakesOneIdleWorker checks that a new request wakes one idle
// worker rather than all of them: with a shared database every claim is
// a write, and the workers that lose the race for the request would each
// have made one for nothing.
func TestCreateWakesOneIdleWorker(t *testing.T) {
	// In a synctest bubble, synctest.Wait returns once every worker is
	// parked, so "no further claim" is checked, not hoped for after a
	// sleep; the hour's poll never comes, since the bubble's clock moves
	// only when every goroutine waits on it.
	synctest.Test(t, func(t *testing.T) {
		const workers = 8
		store := &claimCounter{Store: memstore.New()}
		p, err := processor.New(store, []adapter.Adapter{loadAdapter(t, "directory")},
			processor.WithWorkers(workers), processor.WithStorePoll(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		defer func() {
			cancel()
			<-done
		}()

		// Each worker looks once at start, finds nothing and sleeps: with
		// an hour's poll, only a wake-up makes it claim again.
		synctest.Wait()
		if n := store.claims.Load(); n != workers {
			t.Fatalf("%d workers at rest made %d claims, want one each", workers, n)
		}

		r, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got, err := p.GetRequest(ctx, r.ID); err != nil || got.Status != gdpr.StatusCompleted {
			t.Fatalf("once the workers are at rest again, the request is %v, %v; want COMPLETED", got.Status, err)
		}
		// The woken worker's claim, and its next one, which finds nothing.
		if n := store.claims.Load() - workers; n != 2 {
			t.Errorf("one new request made %d claims, want 2 (the one that took it and the next, empty one)", n)
		}
	})
}
