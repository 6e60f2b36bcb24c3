package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// serveOn runs gdpr serve over the demo data on the SQLite file db until
// the returned stop is called.
func serveOn(t *testing.T, clients, db string) (stop func()) {
	t.Helper()
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "sqlite", dbPath: db, workers: 2})
	t.Setenv("GDPR_API_URL", "http://"+addr)
	return stop
}

// TestServeKeepsRequestsAndAuditAcrossRestarts: a request accepted by
// one run of gdpr serve on SQLite is there in the next, the audit chain
// verifies, and an edited event is detected.
func TestServeKeepsRequestsAndAuditAcrossRestarts(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	db := filepath.Join(t.TempDir(), "gdpr.db")
	t.Setenv("GDPR_CLIENT_ID", "ops")
	t.Setenv("GDPR_CLIENT_SECRET", "a-long-test-secret")

	stop := serveOn(t, clients, db)
	code, out, errOut := gdprCmd(t, "request", "create", "--json", "--wait", "--type", "GDPR_EXPORT", "--term", "EMAIL="+demo.LenaFischerEmail)
	var r gdpr.Request
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Status != gdpr.StatusCompleted {
		t.Fatalf("create: %d\n%s%s", code, out, errOut)
	}
	stop()

	stop = serveOn(t, clients, db)
	code, out, _ = gdprCmd(t, "request", "get", "--json", r.ID)
	var again gdpr.Request
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || again.Status != gdpr.StatusCompleted {
		t.Fatalf("after restart: %d %s", code, out)
	}
	file := filepath.Join(t.TempDir(), "export.zip")
	if code, _, errOut = gdprCmd(t, "results", "download", "-o", file, r.ID); code != 0 {
		t.Fatalf("download after restart: %d %s", code, errOut)
	}
	stop()

	code, out, errOut = gdprCmd(t, "audit", "verify", "--db", db, "--org", "acme")
	if code != 0 || !strings.Contains(out, "events verified, 1 checkpoints") {
		t.Fatalf("audit verify: %d %s %s", code, out, errOut)
	}
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdb.Exec(`UPDATE events SET detail = 'nothing to see' WHERE org = 'acme' AND seq = 2`); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	code, out, _ = gdprCmd(t, "audit", "verify", "--db", db, "--org", "acme")
	if code != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "event 2") {
		t.Fatalf("tampered audit: %d %s", code, out)
	}
}
