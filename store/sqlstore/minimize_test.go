package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
)

// TestMinimizedRowsHoldNoPersonalData reads the rows of minimized requests
// straight from the SQLite file: no email of the people they were about
// is left in any column, no export archive is left, and the audit chain
// still verifies.
func TestMinimizedRowsHoldNoPersonalData(t *testing.T) {
	ctx := context.Background()
	store, path := openSQLite(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p, err := processor.New(store, newAdapters(t, 3, nil),
		processor.WithClock(clock), processor.WithMinimization(24*time.Hour, bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := p.CreateRequest(ctx, spec(i)); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Drain(t, p)

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := func() string {
		var all strings.Builder
		r, err := db.QueryContext(ctx, `SELECT status, fingerprint, request, terms, changes FROM jobs`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var st, fp, req, terms, changes string
			if err := r.Scan(&st, &fp, &req, &terms, &changes); err != nil {
				t.Fatal(err)
			}
			if st != "COMPLETED" {
				t.Fatalf("a request ended %s", st)
			}
			all.WriteString(fp + req + terms + changes)
		}
		return all.String()
	}
	blobs := func() int { // SQLite keeps blobs in files beside the database
		entries, err := os.ReadDir(path + "-blobs")
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	before := rows()
	for i := range 3 {
		if !strings.Contains(before, demo.GeneratedEmail(i)) {
			t.Fatalf("before minimization no row holds %s; the test checks nothing", demo.GeneratedEmail(i))
		}
	}
	if blobs() == 0 {
		t.Fatal("the export left no archive before minimization")
	}

	mu.Lock()
	now = now.Add(25 * time.Hour)
	mu.Unlock()
	if n, err := p.Minimize(ctx); err != nil || n != 3 {
		t.Fatalf("Minimize = %d, %v; want 3", n, err)
	}
	after := rows()
	for i := range 3 {
		for _, v := range []string{demo.GeneratedEmail(i), "example.org", "+1311"} {
			if strings.Contains(after, v) {
				t.Errorf("a minimized row still holds %q", v)
			}
		}
	}
	if n := blobs(); n != 0 {
		t.Errorf("%d blobs left after minimization, want the export archive deleted", n)
	}
	if n, err := processor.VerifyStore(ctx, reopenSQLite(t, path), ""); err != nil || n == 0 {
		t.Errorf("audit after minimization: %d events, %v", n, err)
	}
}
