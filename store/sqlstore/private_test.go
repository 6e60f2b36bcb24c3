package sqlstore_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gdprkit/gdpr/internal/testlog"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// With the usual umask 022, the database and its -wal and -shm are
// created readable by their owner only; an existing file readable by
// others is warned of.
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "gdpr.db")
	s, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %#o, want 0600", filepath.Base(p), m)
		}
	}
	s.Close()

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &testlog.Buffer{}
	s, err = sqlstore.OpenSQLite(context.Background(), path, sqlstore.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if out := logs.String(); !strings.Contains(out, "may be read by others") || !strings.Contains(out, "gdpr.db") {
		t.Errorf("no warning of a world-readable database file:\n%s", out)
	}
}
