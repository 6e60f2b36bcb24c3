package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to drop test schemas

	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/sqlstore"
	"github.com/gdprkit/gdpr/store/storetest"
)

// postgresEnv names the variable holding the DSN of the PostgreSQL server
// the tests use; they skip when it is unset.
const postgresEnv = "GDPR_TEST_POSTGRES"

func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set; set it to a PostgreSQL DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable", postgresEnv)
	}
	return dsn
}

// testSchema returns the name of a new schema, dropped with everything in
// it when t ends.
func testSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	name := "sqlstore_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// openSQLite opens a Store on a new database in a temporary directory,
// closed when t ends.
func openSQLite(t testing.TB, opts ...sqlstore.Option) (*sqlstore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gdpr.db")
	s, err := sqlstore.OpenSQLite(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// openPostgres opens a Store on schema, closed when t ends.
func openPostgres(t testing.TB, dsn, schema string, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	opts = append([]sqlstore.Option{sqlstore.WithSchema(schema), sqlstore.WithMaxConns(4)}, opts...)
	s, err := sqlstore.OpenPostgres(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreSQLite(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) store.Store {
		s, _ := openSQLite(t)
		return s
	})
}

func TestStorePostgres(t *testing.T) {
	dsn := postgresDSN(t)
	storetest.TestStore(t, func(t *testing.T) store.Store {
		return openPostgres(t, dsn, testSchema(t, dsn))
	})
}

// reopenSQLite opens another Store on the database at path, closed when t
// ends.
func reopenSQLite(t testing.TB, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
