package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// OpenSQLiteReadOnly opens the existing SQLite database at path to read
// it, as an auditor does: it creates no file or directory, migrates
// nothing, and refuses a missing file, a schema of another version than
// this package's, and every write. Blobs are read from the directory
// beside the database when it exists.
func OpenSQLiteReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlstore: the SQLite database path is empty")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s read-only: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("sqlstore: open %s read-only: not a file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	q := url.Values{"mode": {"ro"}, "_pragma": {"busy_timeout(10000)", "query_only(1)"}}
	c, err := sqlite.NewConnector("file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(DefaultSQLiteReaders)
	s := &Store{d: dialect{}, w: db, r: db, blobs: &fileBlobs{dir: path + "-blobs"}}
	if err := s.checkVersion(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open %s read-only: %w", path, err)
	}
	s.writes = newWriter(s.d, db, func(context.Context) error { return errReadOnly })
	return s, nil
}

// OpenPostgresReadOnly connects to the PostgreSQL database dsn names, in
// read-only transactions, without migrating it: it refuses a schema of
// another version than this package's, and every write. schema, when not
// "", is the schema the Store's tables are in (see WithSchema).
func OpenPostgresReadOnly(ctx context.Context, dsn, schema string) (*Store, error) {
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: postgres dsn: %w", err)
	}
	cc.RuntimeParams["default_transaction_read_only"] = "on"
	if schema != "" {
		cc.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	}
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(4)
	s := &Store{d: dialect{postgres: true}, w: db, r: db}
	s.blobs = &chunkBlobs{s: s}
	if err := s.checkVersion(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open postgres read-only: %w", err)
	}
	s.writes = newWriter(s.d, db, func(context.Context) error { return errReadOnly })
	return s, nil
}

var errReadOnly = errors.New("sqlstore: the store is open read-only")

// checkVersion refuses a database whose schema is not this package's
// newest: older, it lacks tables a read needs (the server migrates it on
// its next start); newer, it may be misread.
func (s *Store) checkVersion(ctx context.Context) error {
	ms, err := migrations(s.d)
	if err != nil {
		return err
	}
	var current int
	if err := s.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return fmt.Errorf("it holds no gdprkit schema (%v); is this the store's database?", err)
	}
	switch known := len(ms); {
	case current > known:
		return &SchemaVersionError{Database: current, Known: known}
	case current < known:
		return fmt.Errorf("the database schema is at version %d, older than version %d: start gdpr serve on it once to migrate it, then read it", current, known)
	}
	return nil
}
