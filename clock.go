package gdpr

import (
	"context"
	"time"
)

// clock is the time the Client reads and waits on: token expiry,
// Retry-After dates, throttle waits, retry backoff and polling. Tests
// replace it with a fake that never waits.
type clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done and returns its error. A d
	// of zero or less returns at once with ctx's error, if any.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
