package apiadapter_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// TestParkedAcrossRestart erases a person through the adapter while the
// remote (a gdpr serve on loopback) takes 10 days, on a test clock, to
// erase. The local step parks on the remote request: the request holds no
// lease and nothing is claimable meanwhile. The local processor then
// stops, its Store is closed and opened again, and a new processor with a
// new adapter looks at the remote request as the days pass, completing
// the request with the subject erased by the remote, which holds exactly
// one request for it. On SQLite, and on PostgreSQL when
// GDPR_TEST_POSTGRES is set.
func TestParkedAcrossRestart(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "gdpr.db")
		testParkedAcrossRestart(t, func() store.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		dsn := os.Getenv("GDPR_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("GDPR_TEST_POSTGRES is not set; set it to a PostgreSQL DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		}
		schema := pgSchema(t, dsn)
		testParkedAcrossRestart(t, func() store.Store {
			s, err := sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.WithSchema(schema), sqlstore.WithMaxConns(2))
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
}

// pgSchema returns the name of a new schema, dropped when t ends.
func pgSchema(t *testing.T, dsn string) string {
	var b [6]byte
	rand.Read(b[:])
	name := "apiadapter_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA IF EXISTS " + pgx.Identifier{name}.Sanitize() + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

func testParkedAcrossRestart(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	clock := testclock.New(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))

	// The remote: a gdpr serve whose data store erases in 10 days. Its
	// workers do not run: the test drains it as the days pass.
	slow := &testkit.SlowRemote{Adapter: testkit.Memory(t, "contacts", demo.Generated("g", 0, 3)),
		Delay: 10 * 24 * time.Hour, Now: clock.Now}
	remoteStore := memstore.New()
	remote, err := processor.New(remoteStore, []adapter.Adapter{slow},
		processor.WithClock(clock.Now), processor.WithWaitPolling(time.Hour, 24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := server.HashSecretCost(clientSecret, 1000)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: clientID, SecretHash: hash, Organization: "remote", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(remote, clients, server.WithRate(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	// The local processor, over the Store, and the adapter, made anew at
	// each start.
	start := func(s store.Store) *processor.Processor {
		c, err := gdpr.New(gdpr.WithBaseURL(hs.URL), gdpr.WithClientCredentials(clientID, clientSecret))
		if err != nil {
			t.Fatal(err)
		}
		p, err := processor.New(s, []adapter.Adapter{newAPI(t, c, apiadapter.WithInlineWait(0))},
			processor.WithClock(clock.Now), processor.WithWaitPolling(time.Hour, 24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	s := open()
	p := start(s)
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Drain(t, p)
	testkit.Drain(t, remote) // the remote's step parks for 10 days

	job, err := s.Get(ctx, "", req.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := job.Request.Steps[0]
	if job.Request.Status != gdpr.StatusDeleting || st.State != processor.StepWaiting || len(st.WaitingOn) != 1 {
		t.Fatalf("after the first run: %s, step %+v; want DELETING, the step WAITING on one remote request", job.Request.Status, st)
	}
	if !job.LeaseUntil.IsZero() || !job.NextRun.After(clock.Now()) || !job.Request.DueDate.Equal(req.DueDate.Time) {
		t.Fatalf("parked job: lease until %v, next run %v, due %v; want no lease, a later run, due %v", job.LeaseUntil, job.NextRun, job.Request.DueDate, req.DueDate)
	}
	if _, err := s.Claim(ctx, "probe", clock.Now(), clock.Now().Add(time.Minute)); !errors.Is(err, store.ErrNoWork) {
		t.Fatalf("Claim while parked: %v, want ErrNoWork", err)
	}

	// Restart.
	if c, ok := s.(interface{ Close() error }); ok {
		c.Close()
	}
	s = open()
	t.Cleanup(func() { s.(interface{ Close() error }).Close() })
	p = start(s)
	for day := 0; day < 15; day++ {
		got, err := p.GetRequest(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Done() {
			break
		}
		if got.Status != gdpr.StatusDeleting || got.Steps[0].State != processor.StepWaiting {
			t.Fatalf("day %d: %s, step %+v; want DELETING and WAITING until the remote completes", day, got.Status, got.Steps[0])
		}
		clock.Advance(24 * time.Hour)
		testkit.Drain(t, remote)
		testkit.Drain(t, p)
	}
	got, err := p.GetRequest(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	st = got.Steps[0]
	if got.Status != gdpr.StatusCompleted || st.State != gdpr.StepDone || st.Outcome == nil || st.Outcome.Erased != 1 || !got.Verification.Passed {
		t.Fatalf("after 15 days: %s, step %+v (outcome %+v), verification %+v; want COMPLETED, 1 subject erased by the remote, verified",
			got.Status, st, st.Outcome, got.Verification)
	}
	if got.CompletedDate.Sub(req.CreatedDate.Time) < 10*24*time.Hour {
		t.Errorf("completed %v after creation, before the remote's 10 days", got.CompletedDate.Sub(req.CreatedDate.Time))
	}
	jobs, _, err := remoteStore.List(ctx, "remote", store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Request.Status != gdpr.StatusCompleted || slow.Creates() != 1 {
		t.Errorf("the remote holds %d requests, made %d erasures; want one, completed", len(jobs), slow.Creates())
	}
}
