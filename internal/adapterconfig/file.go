package adapterconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/gdprkit/gdpr/adapter"
)

// File is an adapters file.
type File struct {
	// SQL lists the adapters over SQL databases (package sqladapter).
	SQL []SQL `yaml:"adapters"`
	// Remote lists the adapters of other services (package httpadapter).
	Remote []Remote `yaml:"remote"`
	// API lists the adapters over GDPR APIs (package apiadapter).
	API []API `yaml:"api"`
	// Dir is the directory relative paths are read from: the file's own.
	Dir string `yaml:"-"`
	// ReadOnly opens every SQL adapter for reading only (gdpr inventory):
	// SQLite databases read-only, no operations table created.
	ReadOnly bool `yaml:"-"`
}

// Read reads the adapters file at path. An empty file lists no adapter.
func Read(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(io.LimitReader(f, 16<<20))
	dec.KnownFields(true)
	var c File
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fileError(path, err)
	}
	c.Dir = filepath.Dir(path)
	return &c, nil
}

// Open opens every adapter the file lists, SQL adapters first, then
// remote ones and those over GDPR APIs, logging to log. The io.Closer closes the SQL adapters and their
// databases; call it when the adapters are no longer used. On error,
// everything opened is closed.
func (c *File) Open(ctx context.Context, log *slog.Logger) ([]adapter.Adapter, io.Closer, error) {
	var cl closers
	var out []adapter.Adapter
	for i, s := range c.SQL {
		a, err := s.open(ctx, c.Dir, c.ReadOnly, &cl)
		if err == nil {
			err = Tenancy{Organization: s.Organization, Shared: s.Shared}.check(a.TenantScoped())
		}
		if err != nil {
			cl.Close()
			return nil, nil, fmt.Errorf("adapter %d (%q): %w", i, s.Name, err)
		}
		out = append(out, a)
	}
	for i, r := range c.Remote {
		a, err := r.open(c.Dir, log)
		if err == nil {
			err = Tenancy{Organization: r.Organization, Shared: r.Shared}.check(r.TenantScoped)
		}
		if err != nil {
			cl.Close()
			return nil, nil, fmt.Errorf("remote adapter %d (%q): %w", i, r.Name, err)
		}
		out = append(out, a)
	}
	for i, r := range c.API {
		a, err := r.open(c.Dir, log)
		if err == nil {
			err = Tenancy{Organization: r.Organization, Shared: r.Shared}.check(false)
		}
		if err != nil {
			cl.Close()
			return nil, nil, fmt.Errorf("api adapter %d (%q): %w", i, r.Name, err)
		}
		out = append(out, a)
	}
	return out, &cl, nil
}

// Load reads the adapters file at path and opens its adapters, as Read
// and Open do. Errors name the file.
func Load(ctx context.Context, path string, log *slog.Logger) ([]adapter.Adapter, io.Closer, error) {
	c, err := Read(path)
	if err != nil {
		return nil, nil, err
	}
	as, cl, err := c.Open(ctx, log)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return as, cl, nil
}

// closers closes what Open opened, last first.
type closers struct{ list []io.Closer }

func (c *closers) add(x io.Closer) { c.list = append(c.list, x) }

// Close closes everything, last opened first, and joins the errors.
func (c *closers) Close() error {
	var errs []error
	for i := len(c.list) - 1; i >= 0; i-- {
		errs = append(errs, c.list[i].Close())
	}
	c.list = nil
	return errors.Join(errs...)
}
