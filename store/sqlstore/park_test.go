package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// TestParkedRestart erases through a remote whose erasure completes after
// 10 days. The step parks: the request is released with no lease, and
// nothing is claimable until its next look. The processor then stops and
// its Store is closed; a new processor over the Store opened again looks
// at the step as the days pass and completes the request with the
// remote's count, having started exactly one remote erasure.
func TestParkedRestart(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		s, path := openSQLite(t)
		testParkedRestart(t, s, func() store.Store {
			s.Close()
			return reopenSQLite(t, path)
		})
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		dsn := postgresDSN(t)
		schema := testSchema(t, dsn)
		s := openPostgres(t, dsn, schema)
		testParkedRestart(t, s, func() store.Store {
			s.Close()
			return openPostgres(t, dsn, schema)
		})
	})
}

func testParkedRestart(t *testing.T, s store.Store, reopen func() store.Store) {
	ctx := context.Background()
	clock := testclock.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	remote := &testkit.SlowRemote{
		Adapter: testkit.Memory(t, "genesys", demo.Generated("p", 0, 3)),
		Delay:   10 * 24 * time.Hour,
		Now:     clock.Now,
	}
	newProcessor := func(s store.Store) *processor.Processor {
		p, err := processor.New(s, []adapter.Adapter{remote},
			processor.WithClock(clock.Now), processor.WithWaitPolling(time.Hour, 24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := newProcessor(s)
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Drain(t, p)

	job, err := s.Get(ctx, "", req.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := job.Request.Steps[0]
	if job.Request.Status != gdpr.StatusDeleting || st.State != processor.StepWaiting || len(st.WaitingOn) == 0 {
		t.Fatalf("after the first run: %s, step %+v; want DELETING with the step WAITING", job.Request.Status, st)
	}
	if !job.LeaseUntil.IsZero() || !job.NextRun.After(clock.Now()) {
		t.Fatalf("parked job holds a lease until %v, next run %v; want none, and a run later than now", job.LeaseUntil, job.NextRun)
	}
	if _, err := s.Claim(ctx, "probe", clock.Now(), clock.Now().Add(time.Minute)); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("Claim while parked: %v, want ErrNoWork", err)
	}

	// Restart: a new processor over the Store opened again.
	s = reopen()
	p = newProcessor(s)
	for range 30 {
		clock.Advance(12 * time.Hour)
		testkit.Drain(t, p)
	}
	got, err := p.GetRequest(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	st = got.Steps[0]
	if got.Status != gdpr.StatusCompleted || st.State != gdpr.StepDone || st.Outcome == nil || st.Outcome.Erased != 2 {
		t.Fatalf("after 15 days: %s, step %+v (outcome %+v); want COMPLETED, 2 records erased by the remote", got.Status, st, st.Outcome)
	}
	if !got.DueDate.Equal(req.DueDate.Time) {
		t.Errorf("due date moved from %v to %v", req.DueDate, got.DueDate)
	}
	if n := remote.Creates(); n != 1 {
		t.Errorf("%d remote erasures started, want 1", n)
	}
}
