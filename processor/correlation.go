package processor

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gdprkit/gdpr/store"
)

// WithCorrelation sets how the processor learns, from the context of a
// CreateRequest, the correlation id of the API call creating the request
// (for a server, server.CorrelationID). The request keeps it
// (store.Job.Correlation), and every line the processor logs about the
// request carries it as "correlation" beside its id as "request", also
// the lines of the workers that run it long after the call ended. f
// returns "" when the context has none. The default learns none.
func WithCorrelation(f func(ctx context.Context) string) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("correlation func is nil")
		}
		c.correlation = f
		return nil
	}
}

// correlationOf returns the correlation id ctx carries, or "".
func (p *Processor) correlationOf(ctx context.Context) string {
	if p.cfg.correlation == nil {
		return ""
	}
	return p.cfg.correlation(ctx)
}

// jobLog returns the logger for lines about job: they carry the
// correlation id of the call that created it, when it has one.
func (p *Processor) jobLog(job *store.Job) *slog.Logger {
	if job.Correlation == "" {
		return p.log()
	}
	return p.log().With("correlation", job.Correlation)
}
