package sqlscan_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlscan"
)

// BenchmarkScan100Columns scans, on SQLite, a table of 100 unmapped text
// columns with 1,000 rows each (free text, a tenth of it holding an email
// or a phone number), sampling every row of every column.
func BenchmarkScan100Columns(b *testing.B) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "wide.db")+"?_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const cols, rows = 100, 1000
	mustExec(b, db, `CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, email TEXT)`)
	var defs, names, marks []string
	for i := range cols {
		defs = append(defs, fmt.Sprintf("c%03d TEXT", i))
		names = append(names, fmt.Sprintf("c%03d", i))
		marks = append(marks, "?")
	}
	mustExec(b, db, `CREATE TABLE wide (id INTEGER PRIMARY KEY, `+strings.Join(defs, ", ")+`)`)
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO wide (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`)
	if err != nil {
		b.Fatal(err)
	}
	vals := make([]any, cols)
	for r := range rows {
		for c := range cols {
			switch {
			case (r+c)%20 == 0:
				vals[c] = fmt.Sprintf("please write to person%d.c%d@example.com about order %d", r, c, r*7)
			case (r+c)%20 == 10:
				vals[c] = fmt.Sprintf("on leave, call +44 20 7946 %04d from %d", r%10000, 2025)
			default:
				vals[c] = fmt.Sprintf("status update %d for ticket %d: shipped on 2025-03-%02d, version 1.%d", r, c, r%28+1, c)
			}
		}
		if _, err := stmt.Exec(vals...); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	m, err := parseMap(`
tables:
  - name: people
    key: id
    kind: externalContact
    subject: true
    columns: [{name: name, term: NAME}, {name: email, term: EMAIL}]
`)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := sqlscan.Scan(context.Background(), db, sqladapter.SQLite, m, sqlscan.Options{Rows: rows, Region: "GB"})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Columns != cols || len(rep.Findings) != cols {
			b.Fatalf("%d columns sampled, %d with findings", rep.Columns, len(rep.Findings))
		}
	}
	b.ReportMetric(float64(cols*rows), "values/op")
}
