package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// migrationFiles holds the schema of each dialect as numbered scripts,
// migrations/<dialect>/NNNN_name.sql, applied in order.
//
//go:embed migrations
var migrationFiles embed.FS

// SchemaVersionError is returned by the Open functions when the database's
// schema is newer than this package knows: it was migrated by a later
// release, and reading it with this one could misread or damage it.
type SchemaVersionError struct {
	// Database is the schema version the database records.
	Database int
	// Known is the newest version this package knows.
	Known int
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("the database schema is at version %d, newer than version %d, the newest this build of sqlstore knows; "+
		"open it with the release that migrated it, or a later one", e.Database, e.Known)
}

type migration struct {
	version int
	name    string
	script  string
}

// migrations returns the dialect's migrations in version order.
func migrations(d dialect) ([]migration, error) {
	dir := path.Join("migrations", d.name())
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s is not named NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), script: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations of %s skip or repeat a version at %s", d.name(), m.name)
		}
	}
	return ms, nil
}

// migrate brings the schema to the newest version in one transaction, or
// refuses a schema newer than that with a *SchemaVersionError. With
// PostgreSQL, schema (when not "") is created first, and a lock serialises
// processes migrating at once.
func (s *Store) migrate(ctx context.Context, schema string) (err error) {
	ms, err := migrations(s.d)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if s.d.postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('gdprkit/sqlstore/migrate'), hashtext($1))", schema); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if schema != "" {
			if _, err := tx.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
				return fmt.Errorf("migrate: create schema: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
	version    integer PRIMARY KEY,
	name       text    NOT NULL,
	applied_at text    NOT NULL
)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	known := len(ms)
	if current > known {
		return &SchemaVersionError{Database: current, Known: known}
	}
	for _, m := range ms[current:] {
		if err := apply(ctx, s.d, tx, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func apply(ctx context.Context, d dialect, tx *sql.Tx, m migration) error {
	if _, err := tx.ExecContext(ctx, m.script); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, d.q("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)"),
		m.version, m.name, time.Now().UTC().Format(time.RFC3339))
	return err
}
