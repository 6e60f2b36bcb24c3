package sqlstore_test

import (
	"database/sql"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gdprkit/gdpr/store"
)

// TestPostgresUpdateWithBlobIsAtomic checks that on PostgreSQL an update
// refused for a lost lease stores no part of its blob: the archive before
// it stays, and no chunk is left behind.
func TestPostgresUpdateWithBlobIsAtomic(t *testing.T) {
	dsn := postgresDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, dsn, schema)
	ctx := t.Context()

	j := newTestJob("req-1")
	if _, _, err := s.Create(ctx, j, createdEvent(j)); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.Claim(ctx, "token-a", j.NextRun, j.NextRun.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	const key = "exports/org-a/req-1/results.zip"
	if err := s.UpdateWithBlob(ctx, claimed, key, []byte("kept")); err != nil {
		t.Fatal(err)
	}
	stale := claimed.Clone()
	stale.LeaseToken = "token-other"
	if err := s.UpdateWithBlob(ctx, stale, key, []byte("refused")); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("UpdateWithBlob with another token = %v, want ErrLeaseLost", err)
	}
	rc, err := s.OpenBlob(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(got) != "kept" {
		t.Errorf("blob after a refused UpdateWithBlob = %q, %v; want %q", got, err, "kept")
	}

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var chunks int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, "blob_chunks"}.Sanitize()).Scan(&chunks); err != nil {
		t.Fatal(err)
	}
	if chunks != 1 {
		t.Errorf("%d blob chunks stored, want 1 (the kept blob's)", chunks)
	}
}
