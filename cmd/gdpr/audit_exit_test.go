package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// gdpr audit verify exits 0 only when it checked something and all of it
// held, and never creates a file.
func TestAuditVerifyExits(t *testing.T) {
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	pub := k.PublicKey()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")

	empty := filepath.Join(t.TempDir(), "empty.db")
	s, err := sqlstore.OpenSQLite(context.Background(), empty)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	d := sqliteAuditDB(t)
	fillAudit(t, d, k)

	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inOutput string
	}{
		{"missing database", []string{"--db", missing, "--org", "acme", "--public-key", pub}, 1, "does not exist"},
		{"no organization", append(d.args, "--public-key", pub), 2, "--org ORG, or check them all with --all"},
		{"both --org and --all", append(d.args, "--org", "acme", "--all", "--public-key", pub), 2, "--org ORG, or check them all with --all"},
		{"mistyped organization", append(d.args, "--org", "acne", "--public-key", pub), 1, `organization "acne" has no audit events in this store: nothing to verify; organizations here: "acme", "globex"`},
		{"empty store", []string{"--db", empty, "--all", "--public-key", pub}, 1, "no audit events of any organization"},
		{"no public key", append(d.args, "--org", "acme"), 2, "the evidence public key is needed"},
		{"not a public key", append(d.args, "--org", "acme", "--public-key", "PRIVATE+KEY+x"), 2, "neither a key"},
		{"another key", append(d.args, "--org", "acme", "--public-key", newPublicKey(t)), 1, "not signed by the evidence key"},
		{"all held", append(d.args, "--all", "--public-key", pub), 0, `"acme": 28 events verified, 3 checkpoints`},
		{"unsigned events older than allowed", append(d.args, "--org", "acme", "--public-key", pub, "--max-unsigned", "1ns"), 1, "unsigned chain at event 22"},
		{"unsigned events within the allowance", append(d.args, "--org", "acme", "--public-key", pub, "--max-unsigned", "1h"), 0, "the 7 events after it"},
		{"an evidence key file that is missing", append(d.args, "--org", "globex", "--evidence-key", missing), 2, "--evidence-key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := gdprCmd(t, append([]string{"audit", "verify"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.inOutput) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.inOutput, out, errOut)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Errorf("audit verify of a missing database created %v (err %v)", entries, err)
	}
}

func newPublicKey(t *testing.T) string {
	_, pub, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// gdpr receipt verify checks a receipt offline; one byte changed fails it.
func TestReceiptVerifyCommand(t *testing.T) {
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	d := sqliteAuditDB(t)
	fillAudit(t, d, k)
	st := d.open(t)
	jobs, _, err := st.List(context.Background(), "acme", store.Filter{})
	if err != nil || len(jobs) == 0 {
		t.Fatalf("list: %v", err)
	}
	signed, err := (&evidence.Checkpointer{Log: st, Key: k}).Receipt(context.Background(), jobs[len(jobs)-1])
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "receipt.txt")
	keyFile := filepath.Join(t.TempDir(), "evidence.pub")
	os.WriteFile(file, signed, 0o600)
	os.WriteFile(keyFile, []byte(k.PublicKey()+"\n"), 0o600)

	code, out, errOut := gdprCmd(t, "receipt", "verify", "--key", keyFile, file)
	if code != 0 || !strings.Contains(out, "valid receipt") || !strings.Contains(out, jobs[len(jobs)-1].Request.ID) {
		t.Fatalf("receipt verify: exit %d\n%s%s", code, out, errOut)
	}
	i := strings.Index(string(signed), `"GDPR_EXPORT"`)
	bad := []byte(string(signed))
	bad[i+6] = 'D' // GDPR_DXPORT
	os.WriteFile(file, bad, 0o600)
	if code, out, _ := gdprCmd(t, "receipt", "verify", "--key", k.PublicKey(), file); code != 1 || !strings.Contains(out, "NOT VALID") {
		t.Errorf("a receipt changed by one byte: exit %d\n%s", code, out)
	}
	os.WriteFile(file, signed, 0o600)
	if code, out, _ := gdprCmd(t, "receipt", "verify", "--key", newPublicKey(t), file); code != 1 {
		t.Errorf("a receipt checked with another key: exit %d\n%s", code, out)
	}
	if code, _, _ := gdprCmd(t, "receipt", "verify", file); code != 2 {
		t.Errorf("receipt verify without --key: exit %d, want 2", code)
	}
}
