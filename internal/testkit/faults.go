package testkit

import (
	"context"
	"errors"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// FailAfterChange wraps an adapter so that its first Rectify or Erase that
// succeeds returns, with the Outcome of what it changed, the error Err (or
// a connection reset when Err is nil), as an adapter whose connection
// breaks, or whose audit write fails, after its commit would. Later calls
// pass through. It is safe for concurrent use.
type FailAfterChange struct {
	adapter.Adapter
	Err error

	mu    sync.Mutex
	calls int
}

// Changes returns how many Rectify and Erase calls of the wrapped adapter
// succeeded, the one answered with Err included.
func (f *FailAfterChange) Changes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Erase runs the wrapped Erase, and fails the first that succeeds.
func (f *FailAfterChange) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	out, err := f.Adapter.Erase(ctx, op, terms, keep)
	return out, f.fail(err)
}

// Rectify runs the wrapped Rectify, and fails the first that succeeds.
func (f *FailAfterChange) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	out, err := f.Adapter.Rectify(ctx, op, terms, changes)
	return out, f.fail(err)
}

// fail returns err, or Err when the call succeeded and is the first to.
func (f *FailAfterChange) fail(err error) error {
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls > 1 {
		return nil
	}
	if f.Err == nil {
		return errors.New("connection reset after commit")
	}
	return f.Err
}
