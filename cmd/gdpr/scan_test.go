package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/sqlscan"
)

func TestScanCommand(t *testing.T) {
	cfg := sqliteConfig(t)
	var out, errOut bytes.Buffer
	code := cmdScan(context.Background(), []string{"--adapters", cfg, "--names"}, &out, &errOut)
	s := out.String()
	if code != 3 {
		t.Fatalf("exit %d, want 3 (found)\n%s%s", code, s, errOut.String())
	}
	for _, want := range []string{"contacts  notes", "EMAIL", "presence  status", "PHONE", "- name: presence",
		"table audit is mapped but unreachable", "{name: notes, anonymize: redact}"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	for _, secret := range []string{"alex.morgan@example.com", "+44 20 7946 0123"} {
		if strings.Contains(s, secret) {
			t.Errorf("output holds %q:\n%s", secret, s)
		}
	}
	out.Reset()
	if code := cmdScan(context.Background(), []string{"--adapters", cfg, "--json"}, &out, &errOut); code != 3 {
		t.Fatalf("--json: exit %d", code)
	}
	var reps []sqlscan.Report
	if err := json.Unmarshal(out.Bytes(), &reps); err != nil || len(reps) != 1 || len(reps[0].Findings) != 2 {
		t.Fatalf("--json: %v\n%s", err, out.String())
	}
	if code := cmdScan(context.Background(), nil, &out, &errOut); code != 2 {
		t.Errorf("no --adapters: exit %d, want 2", code)
	}
}

// TestScanFile scans the SQLite database of an adapters file, its map
// named relative to the file, and names the report after the adapter.
func TestScanFile(t *testing.T) {
	reps, err := scanFile(context.Background(), sqliteConfig(t), sqlscan.Options{Rows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].Adapter != "crmdb" {
		t.Fatalf("reports: %+v", reps)
	}
	var notes bool
	for _, f := range reps[0].Findings {
		notes = notes || f.Table == "contacts" && f.Column == "notes"
	}
	if !notes {
		t.Errorf("no finding in contacts.notes: %+v", reps[0].Findings)
	}
}
