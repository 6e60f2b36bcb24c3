package testdb

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// Quote quotes an identifier for d.
func Quote(d sqladapter.Dialect, name string) string {
	if d == sqladapter.MySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Table quotes a table in schema ("" for the current one).
func Table(d sqladapter.Dialect, schema, name string) string {
	if schema == "" {
		return Quote(d, name)
	}
	return Quote(d, schema) + "." + Quote(d, name)
}

// Placeholder returns the n-th placeholder (from 1).
func Placeholder(d sqladapter.Dialect, n int) string {
	if d == sqladapter.Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// KeyType is a type a key or an indexed column can have.
func KeyType(d sqladapter.Dialect) string {
	if d == sqladapter.MySQL {
		return "VARCHAR(191)"
	}
	return "VARCHAR(255)"
}

// Exec runs a statement and fails the test on error.
func Exec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Insert inserts one row into table, already quoted.
func Insert(t testing.TB, db *sql.DB, d sqladapter.Dialect, table string, cols []string, vals []any) {
	t.Helper()
	qc := make([]string, len(cols))
	ps := make([]string, len(cols))
	for i, c := range cols {
		qc[i] = Quote(d, c)
		ps[i] = Placeholder(d, i+1)
	}
	Exec(t, db, "INSERT INTO "+table+" ("+strings.Join(qc, ", ")+") VALUES ("+strings.Join(ps, ", ")+")", vals...)
}
