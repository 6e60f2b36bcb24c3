package processor

import (
	"context"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
)

// Consistency returns the consistency proof (evidence.Consistency)
// between the context organization's checkpoints numbered from and to:
// a 400 *gdpr.APIError unless 1 ≤ from < to, a 404 when either checkpoint
// does not exist, ErrNoEvidence without WithEvidence. Anyone holding
// checkpoint from checks with it and the public key that checkpoint to
// extends the same history (evidence.VerifyConsistency).
func (p *Processor) Consistency(ctx context.Context, from, to int64) ([]byte, error) {
	e := p.cfg.evidence
	if e == nil {
		return nil, ErrNoEvidence
	}
	switch {
	case from < 1:
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "old", "old is a checkpoint number, 1 or more; got %d", from)
	case to <= from:
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "new", "new must be a checkpoint number after old (%d); got %d", from, to)
	}
	b, err := e.cp.Consistency(ctx, gdpr.OrganizationFromContext(ctx), from, to)
	if errors.Is(err, evidence.ErrNoCheckpoint) {
		return nil, gdpr.NewError(404, gdpr.CodeNotFound, "no checkpoint %d or %d of this organization; the newest is in every receipt", from, to)
	}
	if err != nil {
		return nil, fmt.Errorf("processor: consistency: %w", err)
	}
	return b, nil
}
