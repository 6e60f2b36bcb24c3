package console

import (
	"context"
	"fmt"

	"github.com/gdprkit/gdpr"
)

// createAll runs gdpr.Fulfil, with its plan and idempotency keys, until
// every request of the plan is created (or could not be), then stops
// following them: the processor carries them on, and the console's pages
// show where they stand. A request that could not be created has its
// error in the report. Running it again for the same resolution and
// options creates nothing twice.
func createAll(ctx context.Context, svc gdpr.Service, res *gdpr.Resolution, typ gdpr.RequestType, opts gdpr.FulfilOptions) (*gdpr.Report, error) {
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	created := map[string]bool{} // by idempotency key; Progress calls come one at a time
	opts.Progress = func(p gdpr.Progress) {
		if p.Request.RequestID != "" || p.Request.Error != "" {
			created[p.Request.IdempotencyKey] = true
		}
		if len(created) == p.Total {
			stop()
		}
	}
	rep, err := gdpr.Fulfil(fctx, svc, res, typ, opts)
	if ctx.Err() != nil {
		return rep, fmt.Errorf("console: create requests: %w", ctx.Err())
	}
	if rep == nil {
		return nil, fmt.Errorf("console: create requests: %w", err)
	}
	return rep, nil
}
