package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanNeverWrites runs gdpr scan from another directory over an
// adapters file whose SQLite dsn is relative: the dsn is read from the
// file's directory, as the map is; a wrong one fails without creating a
// file, and the database is not modified.
func TestScanNeverWrites(t *testing.T) {
	cfg := sqliteConfig(t)
	dir := filepath.Dir(cfg)
	rel := strings.Replace(mustRead(t, cfg), "file:"+filepath.Join(dir, "crm.db"), "crm.db", 1)
	if err := os.WriteFile(cfg, []byte(rel), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	before := stat(t, filepath.Join(dir, "crm.db"))
	code, out, errOut := runCmd(t, context.Background(), "scan", "--adapters", cfg)
	if code != exitFound || !strings.Contains(out, "contacts  notes") {
		t.Fatalf("relative dsn: exit %d\n%s%s", code, out, errOut)
	}
	if after := stat(t, filepath.Join(dir, "crm.db")); !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("scan modified the database")
	}
	if ents, _ := os.ReadDir("."); len(ents) != 0 {
		t.Errorf("scan wrote %d files in the working directory", len(ents))
	}

	wrong := strings.Replace(rel, "dsn: \"crm.db\"", "dsn: \"nosuch.db\"", 1)
	if err := os.WriteFile(cfg, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCmd(t, context.Background(), "scan", "--adapters", cfg)
	if code != exitFailed || !strings.Contains(errOut, "nosuch.db does not exist") || strings.Contains(out, "no personal data found") {
		t.Errorf("missing database: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "nosuch.db")); err == nil {
		t.Errorf("scan created the missing database")
	}

	// gdpr serve with the same wrong path fails, and creates nothing.
	clients := writeClients(t, "ops", "a-long-test-secret")
	code, _, errOut = runCmd(t, context.Background(), "serve", "--clients", clients, "--adapters", cfg, "--store", "memory", "--addr", "127.0.0.1:0")
	if code != exitFailed || !strings.Contains(errOut, "nosuch.db does not exist") {
		t.Errorf("serve: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "nosuch.db")); err == nil {
		t.Errorf("serve created the missing database")
	}
}

// TestScanMissingTableIsAConfigurationError: a mapped table the database
// lacks is exit 1 with what to fix, not a finding.
func TestScanMissingTableIsAConfigurationError(t *testing.T) {
	cfg := sqliteConfig(t)
	mp := filepath.Join(filepath.Dir(cfg), "crm.yaml")
	if err := os.WriteFile(mp, []byte(mustRead(t, mp)+"  - name: invoices\n    key: id\n    kind: invoice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCmd(t, context.Background(), "scan", "--adapters", cfg)
	if code != exitFailed || !strings.Contains(errOut, "maps tables the database does not have (invoices); fix the data map or the dsn") {
		t.Errorf("exit %d, %s", code, errOut)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestAuditVerifyNeverCreatesTheStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gdpr.db")
	code, _, errOut := runCmd(t, context.Background(), "audit", "verify", "--db", db, "--org", "acme")
	if code != exitFailed || !strings.Contains(errOut, "does not exist") {
		t.Errorf("exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("audit verify created the store")
	}
}

func TestDemoAddr(t *testing.T) {
	code, _, errOut := runCmd(t, context.Background(), "demo", "--addr", "256.0.0.1:1")
	if code != exitFailed || !strings.Contains(errOut, "listen on --addr 256.0.0.1:1") {
		t.Errorf("demo: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCmd(t, context.Background(), "dsar", "--demo", "--addr", "256.0.0.1:1", "--type", "export", "--email", "x@example.com")
	if code != exitFailed || !strings.Contains(errOut, "listen on --addr 256.0.0.1:1") {
		t.Errorf("dsar --demo: exit %d, %s", code, errOut)
	}
}

// TestInventoryNeverWrites: listing a SQLite database's adapter leaves
// the database as it was (no operations table).
func TestInventoryNeverWrites(t *testing.T) {
	cfg := sqliteConfig(t)
	db := filepath.Join(filepath.Dir(cfg), "crm.db")
	before := mustRead(t, db)
	if code, out, errOut := runCmd(t, context.Background(), "inventory", "--adapters", cfg); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if mustRead(t, db) != before {
		t.Error("inventory changed the database")
	}
}
