package httpadapter

import "time"

// WithClock sets the Adapter's clock, which stamps signatures and paces
// the reading of a secret file; for tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		c.now = now
		return nil
	}
}
