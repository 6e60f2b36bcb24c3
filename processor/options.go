package processor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/normalize"
)

// Option configures a Processor. Options validate their arguments; New
// returns the first error.
type Option func(*config) error

type config struct {
	normalizer adapter.Normalizer
	policy     RetentionPolicy
	sla        map[gdpr.RequestType]time.Duration
	workers    int
	lease      time.Duration
	storePoll  time.Duration
	retry      gdpr.RetryPolicy
	clock      func() time.Time
	logger     *slog.Logger
	// correlation reads a creating call's correlation id from its
	// context (WithCorrelation); nil: none.
	correlation func(context.Context) string
	resultsURL  func(org, id string) string
	minimize    *minimization
	spoolDir    string
	evidence    *evidenceConfig // nil: no checkpoints or receipts (evidence.go)
	retiredKeys []string        // WithRetiredEvidenceKeys (keyrotation.go)
	observer    Observer
	wait        waitPolling
	// orgAdapters are the adapters of one organization alone, by
	// organization (WithOrganizationAdapters).
	orgAdapters map[string][]adapter.Adapter
}

// Defaults of the options. The retry defaults are DefaultRetryPolicy.
const (
	DefaultExportSLA = 2 * 24 * time.Hour
	DefaultDeleteSLA = 14 * 24 * time.Hour
	DefaultUpdateSLA = 30 * 24 * time.Hour
	DefaultLease     = 30 * time.Second
	DefaultStorePoll = time.Second
	DefaultWorkers   = 8
)

// DefaultRetryPolicy returns the policy of failed steps when WithRetry is
// not given or leaves a field zero: 5 attempts in all, waits from 1s
// doubling to 5m. MaxRetryAfter is not used.
func DefaultRetryPolicy() gdpr.RetryPolicy {
	return gdpr.RetryPolicy{Attempts: 5, MinWait: time.Second, MaxWait: 5 * time.Minute}
}

func defaults() config {
	return config{
		policy: RetainNothing{},
		sla: map[gdpr.RequestType]time.Duration{
			gdpr.RequestExport: DefaultExportSLA,
			gdpr.RequestDelete: DefaultDeleteSLA,
			gdpr.RequestUpdate: DefaultUpdateSLA,
		},
		workers:   DefaultWorkers,
		lease:     DefaultLease,
		storePoll: DefaultStorePoll,
		retry:     DefaultRetryPolicy(),
		clock:     time.Now,
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		resultsURL: func(_, id string) string {
			return "/api/v2/gdpr/requests/" + id + "/results"
		},
	}
}

// WithPhoneRegion sets the region (ISO 3166, such as "GB"; any case) in
// which phone numbers without a country code are read. The default, "",
// rejects such numbers: phones must be written in E.164. New fails when
// region has no phone numbering plan.
func WithPhoneRegion(region string) Option {
	return func(c *config) error {
		r, err := normalize.PhoneRegion(region)
		if err != nil {
			return fmt.Errorf("WithPhoneRegion: %w", err)
		}
		c.normalizer.Region = r
		return nil
	}
}

// WithPolicy sets the retention policy consulted before any record is
// erased. The default keeps nothing.
func WithPolicy(p RetentionPolicy) Option {
	return func(c *config) error {
		if p == nil {
			return errors.New("retention policy is nil; use RetainNothing{} to keep nothing")
		}
		c.policy = p
		return nil
	}
}

// WithSLA sets how long after creation a request of type t is due.
// Defaults: export 2 days, delete 14 days, update 30 days.
func WithSLA(t gdpr.RequestType, d time.Duration) Option {
	return func(c *config) error {
		if err := t.Validate(); err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("SLA for %s must be positive, got %v", t, d)
		}
		c.sla[t] = d
		return nil
	}
}

// WithWorkers sets how many requests Run processes at once (default 8).
func WithWorkers(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("workers must be 1 or more, got %d", n)
		}
		c.workers = n
		return nil
	}
}

// WithLease sets how long a worker's claim on a request lasts without
// renewal (default 30s). A request whose worker died is claimed again after
// at most this long.
func WithLease(d time.Duration) Option {
	return func(c *config) error {
		if d < 10*time.Millisecond {
			return fmt.Errorf("lease must be at least 10ms, got %v", d)
		}
		c.lease = d
		return nil
	}
}

// WithStorePoll sets how often idle workers look in the store for work
// that other processes created or whose retry came due (default
// DefaultStorePoll). Work created by this Processor wakes one idle worker
// at once. It is not the Client's WithPolling, which paces the polls of
// one request.
func WithStorePoll(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("WithStorePoll: interval is %v; give a positive duration", d)
		}
		c.storePoll = d
		return nil
	}
}

// WithRetry sets how failed steps are retried: a step is tried at most
// p.Attempts times in all before its request ends in ERROR (1: never
// retried), waiting p.MinWait before the second try, doubling each time
// up to p.MaxWait. A zero field keeps that field of DefaultRetryPolicy;
// p.MaxRetryAfter is not used. The same waits pace a worker whose store
// calls fail.
func WithRetry(p gdpr.RetryPolicy) Option {
	return func(c *config) error {
		p = p.Or(DefaultRetryPolicy())
		if err := p.Validate(); err != nil {
			return fmt.Errorf("WithRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithClock sets the source of the current time, for tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		c.clock = now
		return nil
	}
}

// WithLogger sets where the processor logs. It logs request ids, statuses,
// adapter names and counts, never personal data. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithResultsURL sets how an export's resultsUrl is made from its
// organization and request id. The default is the relative path
// /api/v2/gdpr/requests/{id}/results; a server replaces it with a signed URL.
func WithResultsURL(f func(org, id string) string) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("results URL function is nil")
		}
		c.resultsURL = f
		return nil
	}
}

// WithSpoolDir sets the directory where an export's parts wait, while the
// request runs, once they outgrow a small buffer in memory. Each part is a
// temporary file there; on Unix its name is removed as soon as it is
// created, so that the part goes with the process however it ends, and
// elsewhere when the request's run ends. The default is os.TempDir(). The
// directory must exist.
func WithSpoolDir(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return errors.New("spool directory is empty; leave the option out to use os.TempDir()")
		}
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("spool directory: %w", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("spool directory %q is not a directory", dir)
		}
		c.spoolDir = dir
		return nil
	}
}
