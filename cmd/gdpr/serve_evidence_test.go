package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/evidence"
)

// gdpr serve creates its evidence key beside a SQLite database, 0600, and
// finds it again; PostgreSQL replicas must be given one.
func TestServeEvidenceKey(t *testing.T) {
	t.Setenv(evidenceKeyEnv, "")
	db := filepath.Join(t.TempDir(), "gdpr.db")
	c := &serveConfig{store: "sqlite", dbPath: db}
	k1, where, err := loadEvidenceKey(c)
	if err != nil || !strings.Contains(where, "created") {
		t.Fatalf("first start: %q, %v", where, err)
	}
	fi, err := os.Stat(defaultEvidenceKeyFile(db))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	k2, where, err := loadEvidenceKey(c)
	if err != nil || strings.Contains(where, "created") || k2.PublicKey() != k1.PublicKey() {
		t.Fatalf("second start: %q, %v; want the same key", where, err)
	}
	if _, _, err := loadEvidenceKey(&serveConfig{store: "postgres", postgresDSN: "postgres://x"}); err == nil ||
		!strings.Contains(err.Error(), "--evidence-key") {
		t.Errorf("postgres without a key: %v", err)
	}
	priv, pub, _ := evidence.GenerateKey()
	t.Setenv(evidenceKeyEnv, priv)
	k3, where, err := loadEvidenceKey(&serveConfig{store: "postgres"})
	if err != nil || where != evidenceKeyEnv || k3.PublicKey() != pub {
		t.Errorf("%s: %q, %v", evidenceKeyEnv, where, err)
	}
	t.Setenv(evidenceKeyEnv, "not a key")
	if _, _, err := loadEvidenceKey(c); err == nil || strings.Contains(err.Error(), "not a key") {
		t.Errorf("a bad %s: %v (it must not echo the value)", evidenceKeyEnv, err)
	}
}
