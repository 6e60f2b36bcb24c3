package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// WithLogger sets where OpenSQLite warns of a database file (or its -wal
// or -shm) that others than its owner may read: it holds the identifiers
// of data subjects. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		c.log = l
		return nil
	}
}

// createPrivate creates the SQLite database file at path readable and
// writable by its owner only (0600, whatever the umask), unless it exists;
// SQLite then gives its -wal and -shm files the database file's
// permissions. Of an existing database file, -wal or -shm that its group
// or others may read, it warns on log.
func createPrivate(path string, log *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Chmod(0o600); err != nil { // the umask may have narrowed it, never widened: be exact
			f.Close()
			return err
		}
		return f.Close()
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o077 == 0 || log == nil {
			continue
		}
		log.Warn("sqlstore: a database file may be read by others than its owner, and it holds data subjects' identifiers; restrict it with chmod 600",
			"file", p, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
	}
	return nil
}
