package store

import (
	"context"
	"time"
)

// FinishedLister is a Store that can find the finished requests of every
// organization, so that the processor can minimize them (see
// WithMinimization). memstore and sqlstore implement it.
type FinishedLister interface {
	// Finished returns up to limit jobs (0: no limit), of any
	// organization, whose status is final (COMPLETED or ERROR), whose
	// Request.ModifiedDate is before before and whose Minimized is zero,
	// oldest ModifiedDate first.
	Finished(ctx context.Context, before time.Time, limit int) ([]*Job, error)
}
