package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// TestConcurrentChanges makes many creates and updates at once, of two
// organizations, so that they share transactions: each keeps its own
// outcome (a lost lease or a taken id fails that call alone), and every
// stored change, with its events, is in the audit chains.
func TestConcurrentChanges(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		s, _ := openSQLite(t)
		testConcurrentChanges(t, s)
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		dsn := postgresDSN(t)
		testConcurrentChanges(t, openPostgres(t, dsn, testSchema(t, dsn)))
	})
}

func testConcurrentChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 40
	jobs := make([]*store.Job, n)
	for i := range jobs {
		j := newTestJob(fmt.Sprintf("req-%02d", i))
		j.Org = []string{"org-a", "org-b"}[i%2]
		j.LeaseToken = "" // never claimed: updates carry ""
		jobs[i] = j
	}
	wins := make([]int, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	create := func(i int) {
		j := jobs[i]
		_, ok, err := s.Create(ctx, j, createdEvent(j))
		switch {
		case err != nil && !errors.Is(err, gdpr.ErrConflict):
			t.Errorf("create %s: %v", j.Request.ID, err)
		case err == nil && ok:
			mu.Lock()
			wins[i]++
			mu.Unlock()
		}
	}
	for i := range jobs {
		wg.Go(func() { create(i) })
		if i%4 == 0 {
			wg.Go(func() { create(i) }) // the same id again: one create wins
		}
	}
	wg.Wait()
	for i, w := range wins {
		if w != 1 {
			t.Fatalf("%s was created %d times, want once", jobs[i].Request.ID, w)
		}
	}

	errs := make([]error, n)
	// Half the updates carry a token the jobs do not hold.
	for i, j := range jobs {
		wg.Go(func() {
			u := j.Clone()
			u.Request.Status = gdpr.StatusSearching
			ev := store.Event{RequestID: u.Request.ID, Time: time.Now(), Type: "status", Status: u.Request.Status}
			if i%2 == 1 {
				u.LeaseToken = "not-the-holder"
			}
			errs[i] = s.Update(ctx, u, ev)
		})
	}
	wg.Go(func() {
		ghost := newTestJob("req-missing")
		if err := s.Update(ctx, ghost); !errors.Is(err, gdpr.ErrNotFound) {
			t.Errorf("update of a missing job: %v, want ErrNotFound", err)
		}
	})
	wg.Wait()
	for i, j := range jobs {
		want, status := error(nil), gdpr.StatusSearching
		if i%2 == 1 {
			want, status = store.ErrLeaseLost, gdpr.StatusInitiated
		}
		if !errors.Is(errs[i], want) {
			t.Errorf("update %d: %v, want %v", i, errs[i], want)
		}
		got, err := s.Get(ctx, j.Org, j.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Request.Status != status {
			t.Errorf("%s is %s, want %s", j.Request.ID, got.Request.Status, status)
		}
	}

	for _, org := range []string{"org-a", "org-b"} {
		evs, err := s.Events(ctx, org, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.VerifyChain(nil, evs); err != nil {
			t.Errorf("chain of %s: %v", org, err)
		}
		// One created event per job, one status event per update that
		// kept its lease (the even jobs, which are org-a's).
		want := n / 2
		if org == "org-a" {
			want += n / 2
		}
		if len(evs) != want {
			t.Errorf("chain of %s holds %d events, want %d", org, len(evs), want)
		}
	}
}
