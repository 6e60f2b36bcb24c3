package processor

import (
	"context"
	"errors"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Receipts are made as checkpoints are signed: when a checkpoint covers
// requests that finished here, the receipts of all of them are made at
// once (their events in one read, the leaves of their events in
// another, one signature over the batch) and stored with the checkpoint,
// in the same write, so that Receipt writes out a stored receipt instead
// of making one.
// A caller asking for the receipt of a request whose checkpoint is due
// signs it, for every request it covers, rather than for its own alone.

// receiptsMax bounds the requests of an organization waiting for their
// checkpoint's receipts, as when a Processor is driven by RunOnce
// without Run's checkpoint loop; the receipts of the others are made
// when asked.
const receiptsMax = 10000

// receiptDue waits for a checkpoint being signed, or signs the pending
// one when job is among the requests it will cover, and returns job's
// receipt if that made it: the receipts of every request a checkpoint
// covers are made at once, however many callers ask for them.
func (p *Processor) receiptDue(ctx context.Context, job *store.Job) ([]byte, bool) {
	e := p.cfg.evidence
	e.signing.Lock()
	defer e.signing.Unlock()
	if b, ok := p.storedReceipt(ctx, job.Request.ID); ok {
		return b, true
	}
	if !e.isPending(job) {
		return nil, false
	}
	e.signPendingLocked(ctx, p.log())
	return p.storedReceipt(ctx, job.Request.ID)
}

// isPending reports whether job finished here since the last checkpoint
// was signed.
func (e *evidenceConfig) isPending(job *store.Job) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.ContainsFunc(e.done[job.Org], func(j *store.Job) bool { return j.Request.ID == job.Request.ID })
}

// storedReceipt returns the stored receipt of the context organization's
// request id, if one was made.
func (p *Processor) storedReceipt(ctx context.Context, id string) ([]byte, bool) {
	b, err := p.cfg.evidence.cp.StoredReceipt(ctx, gdpr.OrganizationFromContext(ctx), id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
			p.log().WarnContext(ctx, "stored receipt not read; it is made again", "request", id, "err", err)
		}
		return nil, false
	}
	return b, true
}
