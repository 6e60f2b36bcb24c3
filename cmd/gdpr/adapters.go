package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// adaptersFile is the --adapters file: SQL adapters (package sqladapter)
// and adapters of other services reached over HTTP (package httpadapter).
//
//	adapters:                     # SQL databases, see package sqladapter
//	  - name: crm
//	    dialect: postgres
//	    dsnEnv: CRM_DATABASE_URL
//	    map: crm.yaml
//	remote:                       # services serving the httpadapter protocol
//	  - name: billing
//	    url: https://billing.internal/gdpr
//	    secretEnv: BILLING_GDPR_SECRET   # or secretFile: /run/secrets/billing (read again every second)
//	    timeout: 30s                     # optional: each attempt of a call
//	    retries: 3                       # optional: tries again per call (0: never)
//	    concurrency: 8                   # optional: calls in flight at once
type adaptersFile struct {
	Adapters []sqladapter.AdapterConfig `yaml:"adapters"`
	Remote   []remoteConfig             `yaml:"remote"`
}

// remoteConfig is one remote adapter. The secret is never written in the
// file: it is read from an environment variable or a file of its own.
type remoteConfig struct {
	Name        string        `yaml:"name"`
	URL         string        `yaml:"url"`
	SecretEnv   string        `yaml:"secretEnv"`
	SecretFile  string        `yaml:"secretFile"`
	Timeout     time.Duration `yaml:"timeout"`
	Retries     *int          `yaml:"retries"` // retries after the first try: httpadapter's Attempts - 1
	Concurrency int           `yaml:"concurrency"`
}

// loadAdaptersFile reads the --adapters file at path and opens its SQL and
// remote adapters, the remote ones logging to log. The io.Closer closes what the SQL adapters opened; on
// error everything opened is closed. Errors name the entry, never a DSN
// or a secret.
func loadAdaptersFile(ctx context.Context, path string, log *slog.Logger) ([]adapter.Adapter, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var c adaptersFile
	err = dec.Decode(&c)
	f.Close()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	var remotes []adapter.Adapter
	for i, rc := range c.Remote {
		a, err := rc.open(dir, log)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: remote adapter %d (%q): %w", path, i, rc.Name, err)
		}
		remotes = append(remotes, a)
	}
	sqls, closer, err := sqladapter.OpenConfig(ctx, dir, sqladapter.Config{Adapters: c.Adapters})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return append(sqls, remotes...), closer, nil
}

// open builds the remote adapter, logging to log. A relative secretFile
// is read from dir, and read again every second, so that a new secret
// takes effect without a restart.
func (rc remoteConfig) open(dir string, log *slog.Logger) (*httpadapter.Adapter, error) {
	opts := []httpadapter.Option{httpadapter.WithLogger(log)}
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
