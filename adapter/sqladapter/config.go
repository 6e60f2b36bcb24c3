package sqladapter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	// The drivers LoadConfig opens databases with.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/gdprkit/gdpr/adapter"
)

// Config lists the adapters LoadConfig builds. Its YAML form is described
// in the package documentation.
type Config struct {
	Adapters []AdapterConfig `yaml:"adapters" json:"adapters"`
	// Remote lists the adapters of other services (package httpadapter)
	// that gdpr serve reads from the same file. LoadConfig, OpenConfig and
	// ScanConfig leave it alone.
	Remote yaml.Node `yaml:"remote,omitempty" json:"-"`
}

// AdapterConfig is one adapter of a Config.
type AdapterConfig struct {
	// Name is the adapter's name in steps and audit events.
	Name string `yaml:"name" json:"name"`
	// Dialect is "postgres", "mysql" or "sqlite".
	Dialect Dialect `yaml:"dialect" json:"dialect"`
	// DSN is the data source name for the dialect's driver (pgx, mysql,
	// sqlite). DSNEnv names an environment variable holding it instead,
	// so that passwords stay out of the file; exactly one is required.
	DSN    string `yaml:"dsn,omitempty" json:"dsn,omitempty"`
	DSNEnv string `yaml:"dsnEnv,omitempty" json:"dsnEnv,omitempty"`
	// Map is the path of the data map, relative to the config file.
	Map string `yaml:"map" json:"map"`
	// Region overrides the map's region when not "".
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
}

// LoadConfig reads the config file at path (YAML or JSON), opens a
// database for every adapter listed, reads its data map and opens the
// adapter with Open. The io.Closer closes the adapters and the databases;
// call it when the adapters are no longer used. On error, everything
// opened is closed. Errors name the adapter and the file, never a DSN.
func LoadConfig(ctx context.Context, path string) ([]adapter.Adapter, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("sqladapter: config: %w", err)
	}
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var c Config
	err = dec.Decode(&c)
	f.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("sqladapter: config %s: %w", path, err)
	}
	as, cl, err := openConfig(ctx, filepath.Dir(path), c)
	if err != nil {
		return nil, nil, fmt.Errorf("sqladapter: config %s: %w", path, err)
	}
	return as, cl, nil
}

// OpenConfig opens the adapters of a Config already read, as LoadConfig
// does, for programs that read the file themselves (gdpr serve reads SQL
// and remote adapters from one file). Data maps are read relative to dir,
// the config file's directory. The io.Closer closes the adapters and the
// databases; on error, everything opened is closed.
func OpenConfig(ctx context.Context, dir string, c Config) ([]adapter.Adapter, io.Closer, error) {
	as, cl, err := openConfig(ctx, dir, c)
	if err != nil {
		return nil, nil, fmt.Errorf("sqladapter: config: %w", err)
	}
	return as, cl, nil
}

func openConfig(ctx context.Context, dir string, c Config) ([]adapter.Adapter, io.Closer, error) {
	var cl closers
	var out []adapter.Adapter
	for i, ac := range c.Adapters {
		a, err := openConfigured(ctx, dir, ac, &cl)
		if err != nil {
			cl.Close()
			return nil, nil, fmt.Errorf("adapter %d (%q): %w", i, ac.Name, err)
		}
		out = append(out, a)
	}
	return out, &cl, nil
}

// connect checks ac, reads its data map (relative to dir) and opens its
// database; the caller closes the database.
func (ac AdapterConfig) connect(dir string) (*sql.DB, *Map, error) {
	if !ac.Dialect.valid() {
		return nil, nil, fmt.Errorf("dialect %q is not postgres, mysql or sqlite", ac.Dialect)
	}
	dsn := ac.DSN
	if ac.DSNEnv != "" {
		if dsn != "" {
			return nil, nil, errors.New("give dsn or dsnEnv, not both")
		}
		if dsn = os.Getenv(ac.DSNEnv); dsn == "" {
			return nil, nil, fmt.Errorf("environment variable %s is empty", ac.DSNEnv)
		}
	}
	if dsn == "" {
		return nil, nil, errors.New("dsn or dsnEnv is required")
	}
	mp := ac.Map
	if mp == "" {
		return nil, nil, errors.New("map is required")
	}
	if !filepath.IsAbs(mp) {
		mp = filepath.Join(dir, mp)
	}
	m, err := ReadMapFile(mp)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open(ac.Dialect.driverName(), dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	return db, m, nil
}

func openConfigured(ctx context.Context, dir string, ac AdapterConfig, cl *closers) (*Adapter, error) {
	db, m, err := ac.connect(dir)
	if err != nil {
		return nil, err
	}
	cl.add(db)
	var opts []Option
	if ac.Region != "" {
		opts = append(opts, WithPhoneRegion(ac.Region))
	}
	a, err := Open(ctx, ac.Name, db, ac.Dialect, m, opts...)
	if err != nil {
		return nil, err
	}
	cl.add(a)
	return a, nil
}

// closers closes what LoadConfig opened, last first.
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
