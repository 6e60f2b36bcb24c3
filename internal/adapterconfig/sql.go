package adapterconfig

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/normalize"
)

// SQL is one adapter over a SQL database.
type SQL struct {
	// Name is the adapter's name in steps and audit events.
	Name string `yaml:"name"`
	// Dialect is "postgres", "mysql" or "sqlite".
	Dialect sqladapter.Dialect `yaml:"dialect"`
	// DSN is the data source name for the dialect's driver (pgx, mysql,
	// sqlite). DSNEnv names an environment variable holding it instead,
	// so that passwords stay out of the file; exactly one is required.
	DSN    string `yaml:"dsn,omitempty"`
	DSNEnv string `yaml:"dsnEnv,omitempty"`
	// Map is the path of the data map, relative to the adapters file.
	Map string `yaml:"map"`
	// Region overrides the map's region when not "".
	Region string `yaml:"region,omitempty"`
	// Organization and Shared say how the adapter serves several
	// organizations when its data map is not tenant-scoped: see Tenancy.
	Organization string `yaml:"organization,omitempty"`
	Shared       bool   `yaml:"shared,omitempty"`
}

// Connect checks s, reads its data map (a relative path from dir) and
// opens its database; the caller closes the database. Errors name the
// field at fault, never the DSN.
func (s SQL) Connect(dir string) (*sql.DB, *sqladapter.Map, error) {
	return s.connect(dir, false)
}

// ConnectReadOnly is Connect for readers (gdpr scan, gdpr inventory): a
// SQLite database is opened read-only. Neither ever creates a SQLite file: a missing one
// is an error naming the path it was resolved to.
func (s SQL) ConnectReadOnly(dir string) (*sql.DB, *sqladapter.Map, error) {
	return s.connect(dir, true)
}

func (s SQL) connect(dir string, readOnly bool) (*sql.DB, *sqladapter.Map, error) {
	driver, ok := drivers[s.Dialect]
	if !ok {
		return nil, nil, fmt.Errorf("dialect %q is not postgres, mysql or sqlite", s.Dialect)
	}
	dsn := s.DSN
	if s.DSNEnv != "" {
		if dsn != "" {
			return nil, nil, errors.New("give dsn or dsnEnv, not both")
		}
		if dsn = os.Getenv(s.DSNEnv); dsn == "" {
			return nil, nil, fmt.Errorf("dsnEnv: environment variable %s is empty", s.DSNEnv)
		}
	}
	if dsn == "" {
		return nil, nil, errors.New("dsn or dsnEnv is required")
	}
	if _, err := normalize.PhoneRegion(s.Region); err != nil {
		return nil, nil, fmt.Errorf("region: %w", err)
	}
	if s.Map == "" {
		return nil, nil, errors.New("map is required: the path of the data map describing the tables")
	}
	mp := s.Map
	if !filepath.IsAbs(mp) {
		mp = filepath.Join(dir, mp)
	}
	m, err := ReadMap(mp)
	if err != nil {
		return nil, nil, fmt.Errorf("map: %w", err)
	}
	if s.Dialect == sqladapter.SQLite {
		if dsn, err = sqliteDSN(dir, dsn, readOnly); err != nil {
			return nil, nil, err
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	return db, m, nil
}

// open connects s and opens its adapter, adding both to cl.
func (s SQL) open(ctx context.Context, dir string, readOnly bool, cl *closers) (*sqladapter.Adapter, error) {
	db, m, err := s.connect(dir, readOnly)
	if err != nil {
		return nil, err
	}
	cl.add(db)
	var opts []sqladapter.Option
	if readOnly {
		opts = append(opts, sqladapter.WithReadOnly())
	}
	if s.Region != "" {
		opts = append(opts, sqladapter.WithPhoneRegion(s.Region))
	}
	a, err := sqladapter.Open(ctx, s.Name, db, s.Dialect, m, opts...)
	if err != nil {
		return nil, err
	}
	cl.add(a)
	return a, nil
}
