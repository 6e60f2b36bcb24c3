package sqladapter_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// testDB is one database the tests run on, and a way to get a fresh,
// empty schema in it.
type testDB struct {
	dialect sqladapter.Dialect
	// fresh returns a database handle and the schema to create tables in;
	// both are dropped when t ends.
	fresh func(t testing.TB) (*sql.DB, string)
}

var (
	sharedMu  sync.Mutex
	sharedDBs = map[string]*sql.DB{}
)

// shared opens one pool per DSN for the whole test binary.
func shared(t testing.TB, driver, dsn string) *sql.DB {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if db := sharedDBs[dsn]; db != nil {
		return db
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	sharedDBs[dsn] = db
	return db
}

func randomName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "gdprtest_" + hex.EncodeToString(b)
}

// testDBs returns SQLite always, PostgreSQL and MariaDB when their DSN
// variables are set.
func testDBs() map[string]testDB {
	dbs := map[string]testDB{
		"SQLite": {dialect: sqladapter.SQLite, fresh: func(t testing.TB) (*sql.DB, string) {
			path := filepath.Join(t.TempDir(), "data.db")
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db, ""
		}},
	}
	if dsn := os.Getenv("GDPR_TEST_POSTGRES"); dsn != "" {
		dbs["Postgres"] = testDB{dialect: sqladapter.Postgres, fresh: func(t testing.TB) (*sql.DB, string) {
			db := shared(t, "pgx", dsn)
			name := randomName()
			if _, err := db.Exec(`CREATE SCHEMA "` + name + `"`); err != nil {
				t.Fatalf("create schema: %v", err)
			}
			t.Cleanup(func() { db.Exec(`DROP SCHEMA "` + name + `" CASCADE`) })
			return db, name
		}}
	}
	if dsn := os.Getenv("GDPR_TEST_MYSQL"); dsn != "" {
		dbs["MySQL"] = testDB{dialect: sqladapter.MySQL, fresh: func(t testing.TB) (*sql.DB, string) {
			db := shared(t, "mysql", dsn)
			name := randomName()
			if _, err := db.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
				t.Fatalf("create database: %v", err)
			}
			t.Cleanup(func() { db.Exec("DROP DATABASE `" + name + "`") })
			return db, name
		}}
	}
	return dbs
}

// forEachDB runs f on every test database, in parallel.
func forEachDB(t *testing.T, f func(t *testing.T, tdb testDB)) {
	for name, tdb := range testDBs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, tdb)
		})
	}
}

// q quotes an identifier for d.
func q(d sqladapter.Dialect, name string) string {
	if d == sqladapter.MySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// qt quotes a table in schema.
func qt(d sqladapter.Dialect, schema, name string) string {
	if schema == "" {
		return q(d, name)
	}
	return q(d, schema) + "." + q(d, name)
}

// ph returns the n-th placeholder (from 1).
func ph(d sqladapter.Dialect, n int) string {
	if d == sqladapter.Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// keyType is a type a key or an indexed column can have.
func keyType(d sqladapter.Dialect) string {
	if d == sqladapter.MySQL {
		return "VARCHAR(191)"
	}
	return "VARCHAR(255)"
}

func mustExec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// insert inserts one row.
func insert(t testing.TB, db *sql.DB, d sqladapter.Dialect, table string, cols []string, vals []any) {
	t.Helper()
	qc := make([]string, len(cols))
	ps := make([]string, len(cols))
	for i, c := range cols {
		qc[i] = q(d, c)
		ps[i] = ph(d, i+1)
	}
	mustExec(t, db, "INSERT INTO "+table+" ("+strings.Join(qc, ", ")+") VALUES ("+strings.Join(ps, ", ")+")", vals...)
}
