package console

import (
	"context"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// submit creates every request of the plan, with its idempotency key, and
// returns without following them: the processor carries them on, and the
// console's pages show where they stand. A request that could not be
// created has its error in the report. Submitting the same plan again
// creates nothing twice.
func submit(ctx context.Context, svc gdpr.Service, plan *dsr.Plan) (*dsr.Report, error) {
	rep, err := dsr.Submit(ctx, svc, plan)
	if ctx.Err() != nil {
		return rep, fmt.Errorf("console: create requests: %w", ctx.Err())
	}
	if rep == nil {
		return nil, fmt.Errorf("console: create requests: %w", err)
	}
	return rep, nil
}
