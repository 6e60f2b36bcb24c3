package sqladapter

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"
)

// TestTransient checks that the drivers' own error types, which this
// package does not import, are recognized.
func TestTransient(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"postgres deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"postgres serialization", fmt.Errorf("erase: %w", &pgconn.PgError{Code: "40001"}), true},
		{"postgres unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"mysql deadlock", fmt.Errorf("erase: %w", &mysql.MySQLError{Number: 1213}), true},
		{"mysql lock wait", &mysql.MySQLError{Number: 1205}, true},
		{"mysql duplicate", &mysql.MySQLError{Number: 1062}, false},
		{"other", sql.ErrNoRows, false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		if got := transient(c.err); got != c.want {
			t.Errorf("%s: transient = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestTransientSQLiteBusy provokes SQLITE_BUSY: a second writer without
// a busy timeout while the first holds the write lock.
func TestTransientSQLiteBusy(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "busy.db") + "?_txlock=immediate"
	a, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if _, err := a.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := a.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = b.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	if err == nil {
		t.Fatal("second writer succeeded; want SQLITE_BUSY")
	}
	if !transient(err) {
		t.Errorf("transient(%v) = false, want true", err)
	}
}
