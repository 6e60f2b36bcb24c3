package httpadapter

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gdprkit/gdpr"
)

// Defaults of the Adapter's options. The retry defaults are
// DefaultRetryPolicy.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultConcurrency = 8
)

// DefaultRetryPolicy returns the policy of a call when WithRetry is not
// given or leaves a field zero: 4 attempts in all (3 retries), waits from
// 200ms doubling to 5s. MaxRetryAfter is not used.
func DefaultRetryPolicy() gdpr.RetryPolicy {
	return gdpr.RetryPolicy{Attempts: 4, MinWait: 200 * time.Millisecond, MaxWait: 5 * time.Second}
}

// Option configures an Adapter. Options are validated by New.
type Option func(*config) error

type config struct {
	timeout     time.Duration
	retry       gdpr.RetryPolicy
	concurrency int
	transport   http.RoundTripper
	log         *slog.Logger
	now         func() time.Time
	maxRecord   int
	tenant      bool
}

func defaultConfig() config {
	return config{
		timeout:     DefaultTimeout,
		retry:       DefaultRetryPolicy(),
		concurrency: DefaultConcurrency,
		transport:   http.DefaultTransport,
		now:         time.Now,
		maxRecord:   DefaultMaxRecord,
	}
}

// WithMaxRecord sets the longest line of a stream (one record, as JSON)
// the Adapter reads (default DefaultMaxRecord): a longer one fails the
// call, so that a broken or hostile service cannot take the processor's
// memory with an endless record.
func WithMaxRecord(n int) Option {
	return func(c *config) error {
		if n < 1<<10 {
			return fmt.Errorf("httpadapter: WithMaxRecord: %d bytes is too small for a record", n)
		}
		c.maxRecord = n
		return nil
	}
}

// WithTimeout bounds each attempt of a call: the wait for the service to
// start answering, and every pause while its answer is read (a long
// export stream is not cut as long as records keep coming). An attempt
// that times out fails like a lost connection: it is retried where
// retries are safe. Default DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("httpadapter: WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets how failed calls are retried: a call is tried at most
// p.Attempts times in all (1: never retried), waiting p.MinWait before the
// second try, doubling each time up to p.MaxWait. A zero field keeps that
// field of DefaultRetryPolicy; p.MaxRetryAfter is not used. Lost
// connections, timeouts, 429 and 5xx answers (but 501) are retried; other
// answers are not. Retrying is safe for every call: Search, Resolve,
// Export and listing an erasure's candidates change nothing, and Rectify
// and applying an erasure carry the operation id (Op.ID, or one made for
// the call when it is empty), by which the service recognises a repeat
// and answers it with the first run's Outcome.
func WithRetry(p gdpr.RetryPolicy) Option {
	return func(c *config) error {
		p = p.Or(DefaultRetryPolicy())
		if err := p.Validate(); err != nil {
			return fmt.Errorf("httpadapter: WithRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithConcurrency bounds the calls in flight to the service at once
// (default DefaultConcurrency); further calls wait for a free slot, or
// for their context to end. A call holds its slot while its answer is
// read, not while the retention policy is asked about records.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("httpadapter: WithConcurrency: %d is less than 1", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithTransport sets the transport calls are sent through (default
// http.DefaultTransport), e.g. one with the service's TLS client
// certificate. The Adapter signs each attempt and bounds it by the
// timeout on top of it.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("httpadapter: WithTransport: the transport is nil")
		}
		c.transport = rt
		return nil
	}
}

// WithLogger makes the Adapter log each attempt of a call (operation,
// attempt number, status or error) at debug level, and a change of its
// secret file (NewFromSecretFile). Nothing logged carries a term, a
// record or the secret. Without it the Adapter logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.log = l
		return nil
	}
}
