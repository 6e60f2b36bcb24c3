package httpadapter

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Defaults of the Adapter's options.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultRetries     = 3
	DefaultMinWait     = 200 * time.Millisecond
	DefaultMaxWait     = 5 * time.Second
	DefaultConcurrency = 8
)

// Option configures an Adapter. Options are validated by New.
type Option func(*config) error

type config struct {
	timeout          time.Duration
	retries          int
	minWait, maxWait time.Duration
	concurrency      int
	transport        http.RoundTripper
	log              *slog.Logger
	now              func() time.Time
}

func defaultConfig() config {
	return config{
		timeout:     DefaultTimeout,
		retries:     DefaultRetries,
		minWait:     DefaultMinWait,
		maxWait:     DefaultMaxWait,
		concurrency: DefaultConcurrency,
		transport:   http.DefaultTransport,
		now:         time.Now,
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

// WithRetry sets how many times a failed call is tried again (0: never)
// and the backoff between tries, doubling from minWait up to maxWait.
// Defaults: DefaultRetries, DefaultMinWait, DefaultMaxWait. Lost
// connections, timeouts, 429 and 5xx answers (but 501) are retried; other
// answers are not. Retrying is safe for every call: Search, Resolve,
// Export and listing an erasure's candidates change nothing, and Rectify
// and applying an erasure carry the operation id (Op.ID, or one made for
// the call when it is empty), by which the service recognises a repeat
// and answers it with the first run's Outcome.
func WithRetry(retries int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if retries < 0 {
			return fmt.Errorf("httpadapter: WithRetry: %d retries is negative", retries)
		}
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("httpadapter: WithRetry: waits %v to %v are not an interval", minWait, maxWait)
		}
		c.retries, c.minWait, c.maxWait = retries, minWait, maxWait
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
