package adapterconfig_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/adapterconfig"
)

const crmMap = `
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    columns:
      - {name: email, term: EMAIL}
`

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadSQLite opens a SQLite adapter whose map and database are named
// relative to the adapters file.
func TestLoadSQLite(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "crm.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE contacts (id TEXT PRIMARY KEY, email TEXT)`); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "crm.yaml", crmMap)
	t.Setenv("TEST_CRM_DSN", "file:"+filepath.Join(dir, "crm.db"))
	path := write(t, dir, "adapters.yaml", "adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_CRM_DSN\n    map: crm.yaml\n    region: GB\n")
	as, closer, err := adapterconfig.Load(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if len(as) != 1 || as[0].Name() != "crm" {
		t.Fatalf("adapters: %v", as)
	}
}

// TestLoadErrors: every defect of an entry stops with a message naming
// the entry and the field to fix, never a DSN or a secret.
func TestLoadErrors(t *testing.T) {
	t.Setenv("TEST_REMOTE_SECRET", "remote-shared-secret-for-tests")
	t.Setenv("TEST_DSN", "file:secret-dsn.db")
	cases := []struct{ yaml, want string }{
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n", `remote adapter 0 ("billing"): secretEnv or secretFile is required`},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_UNSET\n", "TEST_REMOTE_UNSET is empty"},
		{"remote:\n  - name: billing\n    url: billing.internal\n    secretEnv: TEST_REMOTE_SECRET\n", "absolute http or https URL"},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secret: inline\n", "field secret not found"},
		{"remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_SECRET\n    retries: -1\n", `remote adapter 0 ("billing"): retries is -1; give 0 (never retry) or more`},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_DSN\n    map: crm.yaml\n    region: XX\n", `adapter 0 ("crm"): region: phone region "XX" is not`},
		{"adapters:\n  - name: crm\n    dialect: oracle\n    dsnEnv: TEST_DSN\n    map: crm.yaml\n", `adapter 0 ("crm"): dialect "oracle" is not postgres, mysql or sqlite`},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    map: crm.yaml\n", "dsn or dsnEnv is required"},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsn: x.db\n    dsnEnv: TEST_DSN\n    map: crm.yaml\n", "give dsn or dsnEnv, not both"},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_DSN_UNSET\n    map: crm.yaml\n", "dsnEnv: environment variable TEST_DSN_UNSET is empty"},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_DSN\n", "map is required"},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_DSN\n    map: missing.yaml\n", "missing.yaml"},
		{"adapters:\n  - name: crm\n    dialect: sqlite\n    dsnEnv: TEST_DSN\n    map: bad.yaml\n", `table "contacts": key is required`},
		{"adapters:\n  - name: crm\n    dialekt: sqlite\n", "field dialekt not found"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		write(t, dir, "crm.yaml", crmMap)
		write(t, dir, "bad.yaml", "tables:\n  - name: contacts\n    kind: externalContact\n")
		path := write(t, dir, "adapters.yaml", c.yaml)
		_, _, err := adapterconfig.Load(context.Background(), path, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.yaml, err, c.want)
			continue
		}
		for _, secret := range []string{"remote-shared-secret-for-tests", "secret-dsn"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q holds a secret", err)
			}
		}
	}
}

// TestRetries: retries counts tries after the first, so 0 (never retry)
// is valid.
func TestRetries(t *testing.T) {
	t.Setenv("TEST_REMOTE_SECRET", "remote-shared-secret-for-tests")
	for _, n := range []string{"0", "1", "5"} {
		path := write(t, t.TempDir(), "adapters.yaml", "remote:\n  - name: billing\n    url: https://billing.internal/gdpr\n    secretEnv: TEST_REMOTE_SECRET\n    retries: "+n+"\n")
		as, closer, err := adapterconfig.Load(t.Context(), path, slog.New(slog.DiscardHandler))
		if err != nil || len(as) != 1 {
			t.Errorf("retries: %s: %d adapters, %v; want 1 and no error", n, len(as), err)
			continue
		}
		closer.Close()
	}
}

// TestReadEmpty: an empty adapters file lists no adapter.
func TestReadEmpty(t *testing.T) {
	c, err := adapterconfig.Read(write(t, t.TempDir(), "adapters.yaml", ""))
	if err != nil || len(c.SQL) != 0 || len(c.Remote) != 0 {
		t.Fatalf("Read of an empty file: %+v, %v", c, err)
	}
}
