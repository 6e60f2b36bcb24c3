package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
)

func inventoryCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cmdInventory(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// sqliteConfig writes an adapters config over a SQLite database with a
// subject table whose notes hide emails, a presence table whose status
// hides phones, and a mapped audit table nothing reaches.
func sqliteConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "crm.db")
	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE contacts (id TEXT PRIMARY KEY, full_name TEXT, email TEXT, notes TEXT, anonymized_at TEXT)`,
		`CREATE TABLE audit (id TEXT PRIMARY KEY, what TEXT)`,
		`CREATE TABLE presence (id TEXT PRIMARY KEY, status TEXT)`,
		`INSERT INTO contacts VALUES ('c1', 'Alex Morgan', 'alex@example.com', 'write to alex.morgan@example.com', NULL)`,
		`INSERT INTO presence VALUES ('p1', 'away, call +44 20 7946 0123')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("crm.yaml", `
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    erase: anonymize
    anonymizedColumn: anonymized_at
    columns:
      - {name: full_name, term: NAME, anonymize: redact}
      - {name: email, term: EMAIL, anonymize: fakeEmail}
  - name: audit
    key: id
    kind: auditEntry
`)
	return write("adapters.yaml", "adapters:\n  - name: crmdb\n    dialect: sqlite\n    dsn: \"file:"+dbPath+"\"\n    map: crm.yaml\n")
}

func TestInventoryInProcess(t *testing.T) {
	t.Setenv("GDPR_API_URL", "")
	code, out, errOut := inventoryCmd(t, "--demo")
	if code != 0 || !strings.Contains(out, "RECORD KIND") || !strings.Contains(out, "retention: records of kind user") {
		t.Fatalf("--demo: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = inventoryCmd(t, "--demo", "--adapters", sqliteConfig(t), "--json")
	var inv processor.Inventory
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil {
		t.Fatalf("--json: %d\n%s%s", code, out, errOut)
	}
	crm := inv.Adapters[len(inv.Adapters)-1]
	if crm.Adapter != "crmdb" || !crm.Described || len(crm.Terms) != 2 || crm.Records[0].Erase != adapter.EraseAnonymizes {
		t.Fatalf("crm: %+v", crm)
	}
	for _, a := range inv.Adapters {
		if !a.Described || len(a.Terms) == 0 {
			t.Errorf("adapter %s: %+v", a.Adapter, a)
		}
	}
	code, out, _ = inventoryCmd(t, "--adapters", sqliteConfig(t), "--markdown")
	for _, want := range []string{"Art. 30", "## crmdb", "| externalContact | contacts | NAME,EMAIL | anonymize |", "**Warning:** auditEntry (audit)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--markdown lacks %q: %d\n%s", want, code, out)
		}
	}
	if code, _, _ := inventoryCmd(t, "--demo", "--url", "http://127.0.0.1:1"); code != 2 {
		t.Errorf("--demo with --url: exit %d, want 2", code)
	}
	if code, _, _ := inventoryCmd(t); code != 2 {
		t.Errorf("no source: exit %d, want 2", code)
	}
}

func TestInventoryRemote(t *testing.T) {
	startServe(t)
	code, out, errOut := inventoryCmd(t, "--json")
	var inv processor.Inventory
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil || len(inv.Adapters) == 0 || !inv.Adapters[0].Described {
		t.Fatalf("remote: %d\n%s%s", code, out, errOut)
	}
	t.Setenv("GDPR_CLIENT_SECRET", "a-wrong-secret-for-tests")
	if code, _, errOut := inventoryCmd(t); code != 1 || !strings.Contains(errOut, "401") {
		t.Fatalf("wrong secret: %d %s", code, errOut)
	}
}
