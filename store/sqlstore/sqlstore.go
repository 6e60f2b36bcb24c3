// Package sqlstore is a durable store.Store on database/sql, with two
// dialects:
//
//   - SQLite ([OpenSQLite]), through the pure-Go modernc.org/sqlite: one
//     file, the default for a single process. The database runs in WAL
//     mode with a busy timeout and foreign keys on; writes go through one
//     connection and reads through a small pool of their own. Export
//     archives are files in a directory beside the database.
//   - PostgreSQL ([OpenPostgres]), through pgx's database/sql driver: for
//     several processes (replicas) sharing one database. Claims take the
//     due job with FOR UPDATE SKIP LOCKED, so replicas never wait for each
//     other's claims; export archives are stored as 256 KiB chunks.
//
// # Guarantees
//
// A Store keeps every contract of [store.Store]. In particular:
//
//   - A Create, Update or Claim that returned nil is committed: it
//     survives the process being killed, and a power loss too (SQLite runs
//     with synchronous=FULL; PostgreSQL as durable as the server is
//     configured to be). Concurrent calls share transactions, and so
//     waits for the disk, but each stays atomic and keeps its own
//     outcome: a call that fails, a lost lease say, fails alone. A call
//     whose context ends while it waits for its turn stores nothing and
//     returns the context's error; once its transaction has begun, it
//     returns the transaction's outcome.
//   - A blob is durable once PutBlob has returned and a Create, Update or
//     Claim called later through the same Store has returned nil: a
//     change never reaches the disk before the blobs put ahead of it.
//     Until then a power loss (not a crash of the process) may lose the
//     blob, and with SQLite leave its file empty or cut short. The
//     processor relies on no more: an export's archive is put before the
//     update that completes the request (or with it, see UpdateWithBlob),
//     and an adapter's part before the update that marks its step done.
//   - A job and the audit events of its change are written in one
//     transaction. Each organization's events form one hash chain, sealed
//     with [store.SealEvent] while the organization's chain is locked,
//     so that appends of several processes never fork it.
//   - Claim never hands a job to two callers whose leases overlap, in one
//     process or in several; the job of a holder that died is claimable
//     once its lease has ended.
//   - Times are kept in UTC to the microsecond and read back as the same
//     instants (the request's dates included, although the wire shows
//     milliseconds).
//   - PutBlob streams: it holds one chunk in memory, never a whole blob. A
//     failed PutBlob leaves the blob that was under the key, or its
//     absence, as it was.
//
// # Schema
//
// The schema is created and migrated when a Store is opened, inside one
// transaction, and its version is recorded in the table schema_version. A
// database whose schema is newer than this package knows is refused with
// an error naming both versions, rather than misread. Opening a database
// again, or from several processes at once, is safe.
//
// The Open functions start the goroutines of database/sql's connection
// pools and one that commits changes; a PostgreSQL Store starts one
// more, once, to give a jobs table that autovacuum has not analyzed yet
// its first statistics. Close stops them all.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/gdprkit/gdpr/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store in a SQLite or PostgreSQL database. Create one
// with OpenSQLite or OpenPostgres and release it with Close. A Store is
// safe for concurrent use, and any number of Stores, in one process or
// several, may share a PostgreSQL database.
type Store struct {
	d      dialect
	w      *sql.DB // writes: one connection for SQLite
	r      *sql.DB // reads: a pool of its own for SQLite, w for PostgreSQL
	blobs  blobStore
	writes *writer   // commits Create, Update and Claim
	stats  *analyzer // PostgreSQL: gives the jobs table its first statistics
}

// Option configures a Store. Options validate their arguments; the Open
// functions return the first error.
type Option func(*config) error

type config struct {
	schema   string
	maxConns int
	blobDir  string
	log      *slog.Logger // nil: discard
}

// Default sizes of the connection pools.
const (
	// DefaultPostgresConns is the default number of connections a Store
	// opens to PostgreSQL at most.
	DefaultPostgresConns = 10
	// DefaultSQLiteReaders is the default number of connections a Store
	// reads a SQLite database through (it writes through one more).
	DefaultSQLiteReaders = 4
)

// WithSchema sets the PostgreSQL schema the Store keeps its tables in,
// creating it if it does not exist; the default is the first schema of the
// server's search_path (usually public). Stores on different schemas of
// one database share nothing. It is an error with OpenSQLite.
func WithSchema(name string) Option {
	return func(c *config) error {
		if name == "" {
			return errors.New("schema name is empty")
		}
		c.schema = name
		return nil
	}
}

// WithMaxConns sets how many connections the Store opens at most: to
// PostgreSQL in all (default DefaultPostgresConns), or to SQLite for
// reading (default DefaultSQLiteReaders; SQLite is always written through
// one connection).
func WithMaxConns(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max connections must be 1 or more, got %d", n)
		}
		c.maxConns = n
		return nil
	}
}

// WithBlobDir sets the directory where a SQLite Store keeps blobs (export
// archives), one file each; the default is the database path with
// "-blobs" appended. It is created if it does not exist. It is an error
// with OpenPostgres, which keeps blobs in the database.
func WithBlobDir(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return errors.New("blob directory is empty")
		}
		c.blobDir = dir
		return nil
	}
}

func newConfig(opts []Option) (config, error) {
	var c config
	for _, o := range opts {
		if err := o(&c); err != nil {
			return c, fmt.Errorf("sqlstore: %w", err)
		}
	}
	return c, nil
}

// OpenSQLite opens the SQLite database at path, creating it (but not its
// directory) if it does not exist, and migrates its schema. The blob
// directory (see WithBlobDir) is created too. Several processes may open
// one file, but each write then waits for the others: use PostgreSQL
// for replicas.
func OpenSQLite(ctx context.Context, path string, opts ...Option) (*Store, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if c.schema != "" {
		return nil, errors.New("sqlstore: WithSchema applies to PostgreSQL only")
	}
	if path == "" {
		return nil, errors.New("sqlstore: the SQLite database path is empty")
	}
	if c.maxConns == 0 {
		c.maxConns = DefaultSQLiteReaders
	}
	if c.blobDir == "" {
		c.blobDir = path + "-blobs"
	}
	if err := os.MkdirAll(c.blobDir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: blob directory: %w", err)
	}
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(FULL)"}
	writeQ := url.Values{"_pragma": slices.Concat(pragmas, []string{"journal_mode(WAL)"}), "_txlock": {"immediate"}}
	readQ := url.Values{"_pragma": slices.Concat(pragmas, []string{"query_only(1)"})}

	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if err := createPrivate(abs, c.log); err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?"
	wc, err := sqlite.NewConnector(dsn + writeQ.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	rc, err := sqlite.NewConnector(dsn + readQ.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	w, r := sql.OpenDB(wc), sql.OpenDB(rc)
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	r.SetMaxOpenConns(c.maxConns)
	r.SetMaxIdleConns(c.maxConns)
	fb := &fileBlobs{dir: c.blobDir}
	if err := fb.sweep(24 * time.Hour); err != nil {
		return nil, fmt.Errorf("sqlstore: blob directory: %w", err)
	}
	s := &Store{d: dialect{}, w: w, r: r, blobs: fb}
	// The write connection is opened first, so that it sets WAL mode
	// before any reader opens the file.
	if err := s.migrate(ctx, ""); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	s.writes = newWriter(s.d, w, fb.flush)
	return s, nil
}

// OpenPostgres connects to the PostgreSQL database dsn names (a URL such
// as postgres://user@host:5432/db?sslmode=disable, or key=value pairs, as
// pgx reads them) and migrates its schema. Any number of Stores, in any
// number of processes, may open one database (and schema) at once.
func OpenPostgres(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if c.blobDir != "" {
		return nil, errors.New("sqlstore: WithBlobDir applies to SQLite only")
	}
	if c.maxConns == 0 {
		c.maxConns = DefaultPostgresConns
	}
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: postgres dsn: %w", err)
	}
	if c.schema != "" {
		// Only the Store's schema (after pg_catalog, which PostgreSQL
		// always searches), so that its tables and nothing else are found.
		cc.RuntimeParams["search_path"] = pgx.Identifier{c.schema}.Sanitize()
	}
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(c.maxConns)
	db.SetMaxIdleConns(c.maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{d: dialect{postgres: true}, w: db, r: db}
	cb := &chunkBlobs{s: s}
	s.blobs = cb
	if err := s.migrate(ctx, c.schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	if err := cb.sweep(ctx, 24*time.Hour); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: open postgres: sweep interrupted blob puts: %w", err)
	}
	s.writes = newWriter(s.d, db, cb.flush)
	s.stats = newAnalyzer(s.analyzeJobs)
	return s, nil
}

// Close closes the Store's connections. Calls in flight may fail; a Store
// is not usable after Close. Close of a closed Store is harmless.
func (s *Store) Close() error {
	if s.stats != nil {
		s.stats.close()
	}
	if s.writes != nil {
		s.writes.close()
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	if err != nil {
		return fmt.Errorf("sqlstore: close: %w", err)
	}
	return nil
}
