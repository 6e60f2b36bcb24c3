package adapterconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// Remote is one adapter of another service, reached over the protocol of
// package httpadapter. The secret is never written in the file: it is
// read from an environment variable or a file of its own.
type Remote struct {
	Name        string        `yaml:"name"`
	URL         string        `yaml:"url"`
	SecretEnv   string        `yaml:"secretEnv"`
	SecretFile  string        `yaml:"secretFile"`
	Timeout     time.Duration `yaml:"timeout"`
	Retries     *int          `yaml:"retries"` // retries after the first try: httpadapter's Attempts - 1
	Concurrency int           `yaml:"concurrency"`
	// TenantScoped declares that the service keeps organizations apart
	// by the organization each call carries (httpadapter.WithTenantScope).
	TenantScoped bool `yaml:"tenantScoped,omitempty"`
	// Organization and Shared: see Tenancy.
	Organization string `yaml:"organization,omitempty"`
	Shared       bool   `yaml:"shared,omitempty"`
}

// open builds the remote adapter, logging to log. A relative secretFile
// is read from dir, and read again every second, so that a new secret
// takes effect without a restart.
func (rc Remote) open(dir string, log *slog.Logger) (*httpadapter.Adapter, error) {
	opts := []httpadapter.Option{httpadapter.WithLogger(log)}
	if rc.TenantScoped {
		opts = append(opts, httpadapter.WithTenantScope())
	}
	if rc.Timeout != 0 {
		opts = append(opts, httpadapter.WithTimeout(rc.Timeout))
	}
	if rc.Retries != nil {
		// The file counts retries, as operators think of them; the
		// adapter's policy counts tries in all.
		if *rc.Retries < 0 {
			return nil, fmt.Errorf("retries is %d; give 0 (never retry) or more", *rc.Retries)
		}
		opts = append(opts, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: *rc.Retries + 1}))
	}
	if rc.Concurrency != 0 {
		opts = append(opts, httpadapter.WithConcurrency(rc.Concurrency))
	}
	switch {
	case rc.SecretEnv != "" && rc.SecretFile != "":
		return nil, errors.New("give secretEnv or secretFile, not both")
	case rc.SecretEnv != "":
		s := os.Getenv(rc.SecretEnv)
		if s == "" {
			return nil, fmt.Errorf("environment variable %s is empty", rc.SecretEnv)
		}
		return httpadapter.New(rc.Name, rc.URL, s, opts...)
	case rc.SecretFile != "":
		p := rc.SecretFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		a, err := httpadapter.NewFromSecretFile(rc.Name, rc.URL, p, opts...)
		if err != nil {
			return nil, fmt.Errorf("secretFile: %w", err)
		}
		return a, nil
	}
	return nil, errors.New("secretEnv or secretFile is required: the shared secret is never written in this file")
}
