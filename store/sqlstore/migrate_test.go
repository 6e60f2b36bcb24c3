package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with a database

	"github.com/gdprkit/gdpr/store/sqlstore"
)

// TestMigrations opens a database twice (the second open finds the schema
// current and keeps the data), then marks its schema as newer than the
// package knows and checks that opening it is refused, naming both
// versions.
func TestMigrations(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "gdpr.db")
		open := func() (*sqlstore.Store, error) { return sqlstore.OpenSQLite(context.Background(), path) }
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		testMigrations(t, open, db, "?")
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		dsn := postgresDSN(t)
		schema := testSchema(t, dsn)
		open := func() (*sqlstore.Store, error) {
			return sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.WithSchema(schema), sqlstore.WithMaxConns(2))
		}
		db, err := sql.Open("pgx", dsn+sep(dsn)+"search_path="+schema)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		testMigrations(t, open, db, "$1")
	})
}

func sep(dsn string) string {
	if strings.Contains(dsn, "?") {
		return "&"
	}
	return "?"
}

func testMigrations(t *testing.T, open func() (*sqlstore.Store, error), db *sql.DB, param string) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatalf("first open: %v", err)
	}
	job := newTestJob("req-1")
	if _, _, err := s.Create(ctx, job, createdEvent(job)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = open()
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	if _, err := s.Get(ctx, job.Org, "req-1"); err != nil {
		t.Errorf("job created before reopening: %v", err)
	}
	s.Close()

	var known int
	if err := db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_version").Scan(&known); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_version").Scan(&rows); err != nil || rows != known {
		t.Fatalf("schema_version has %d rows (%v), want one per version up to %d", rows, err, known)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO schema_version (version, name, applied_at) VALUES ("+param+", 'from the future', 'later')", known+1); err != nil {
		t.Fatal(err)
	}
	_, err = open()
	var sv *sqlstore.SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != known+1 || sv.Known != known {
		t.Fatalf("open of a newer schema: %v; want a *SchemaVersionError with versions %d and %d", err, known+1, known)
	}
	for _, want := range []string{"sqlstore: ", fmt.Sprint(known + 1), fmt.Sprint(known)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
