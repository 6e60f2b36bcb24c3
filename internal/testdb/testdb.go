// Package testdb gives tests of the SQL adapter and the personal-data
// scanner the databases they run on: SQLite always, PostgreSQL and
// MySQL/MariaDB when GDPR_TEST_POSTGRES and GDPR_TEST_MYSQL hold their
// DSNs. Each test gets a fresh schema, dropped when it ends. It links the
// three drivers, so only tests import it.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// DB is one database the tests run on, and a way to get a fresh, empty
// schema in it.
type DB struct {
	Dialect sqladapter.Dialect
	// Fresh returns a database handle and the schema to create tables in;
	// both are dropped when t ends.
	Fresh func(t testing.TB) (*sql.DB, string)
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

// All returns SQLite always, PostgreSQL and MariaDB when their DSN
// variables are set, by name ("SQLite", "Postgres", "MySQL").
func All() map[string]DB {
	dbs := map[string]DB{"SQLite": {Dialect: sqladapter.SQLite, Fresh: freshSQLite}}
	if dsn := os.Getenv("GDPR_TEST_POSTGRES"); dsn != "" {
		dbs["Postgres"] = DB{Dialect: sqladapter.Postgres, Fresh: func(t testing.TB) (*sql.DB, string) {
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
		dbs["MySQL"] = DB{Dialect: sqladapter.MySQL, Fresh: func(t testing.TB) (*sql.DB, string) {
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

// freshSQLite opens a new SQLite file that queues concurrent writers.
func freshSQLite(t testing.TB) (*sql.DB, string) {
	path := filepath.Join(t.TempDir(), "data.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, ""
}

// ForEach runs f on every test database, in parallel.
func ForEach(t *testing.T, f func(t *testing.T, tdb DB)) {
	for name, tdb := range All() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, tdb)
		})
	}
}
