package processor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Receipts are made as checkpoints are signed: when a checkpoint covers
// requests that finished here, the receipts of all of them are made at
// once (their events in one read, the tree hashes of every proof in
// another, a signature each), kept in memory, and stored as blobs by the
// checkpoint loop, so that Receipt reads one stored document instead of
// making it (four reads and a signature). A caller asking for the receipt
// of a request whose checkpoint is due signs it, for every request it
// covers, rather than for its own alone.

// receiptMax is the most a stored receipt is read: receipts are a few
// kilobytes; a larger blob under a receipt's key is not one.
const receiptMax = 1 << 20

// receiptWriters is how many receipts the checkpoint loop stores at
// once: each is a small blob, whose write waits on the disk or the
// database more than on the processor.
const receiptWriters = 4

// receiptsMax bounds the requests of an organization waiting for their
// checkpoint's receipts, and the receipts waiting to be stored, as when
// a Processor is driven by RunOnce without Run's checkpoint loop; the
// receipts of the others are made when asked.
const receiptsMax = 10000

// receiptKey is the blob key of a request's stored receipt.
func receiptKey(org, id string) string {
	return fmt.Sprintf("receipts/%s/%s", safeName(org), id)
}

// receiptID names a request of an organization.
type receiptID struct{ org, id string }

// receipts is the receipts made and not yet stored.
type receipts struct {
	mu    sync.Mutex
	fresh map[receiptID][]byte
	wake  chan struct{} // one token: fresh has receipts to store
}

// makeReceipts makes the receipts of the finished jobs that cp covers and
// hands them to the checkpoint loop to store. A failure is logged and
// leaves Receipt to make the receipt when asked: the receipt is the same
// evidence either way.
func (e *evidenceConfig) makeReceipts(ctx context.Context, log *slog.Logger, cp *store.Checkpoint, jobs []*store.Job) {
	if len(jobs) == 0 {
		return
	}
	signed, err := e.cp.Receipts(ctx, cp, jobs)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "receipts not made; they are made when asked", "org", cp.Org, "checkpoint", cp.Seq, "err", err)
		}
		return
	}
	if len(signed) == 0 {
		return
	}
	e.rs.mu.Lock()
	if e.rs.fresh == nil {
		e.rs.fresh = make(map[receiptID][]byte, len(signed))
	}
	for id, b := range signed {
		if len(e.rs.fresh) >= receiptsMax {
			break
		}
		e.rs.fresh[receiptID{cp.Org, id}] = b
	}
	e.rs.mu.Unlock()
	select {
	case e.rs.wake <- struct{}{}:
	default:
	}
}

// storeFresh stores the receipts made since it last ran, each as a blob,
// and then forgets them. A receipt that fails to store is logged and
// made again when asked.
func (e *evidenceConfig) storeFresh(ctx context.Context, log *slog.Logger) {
	e.rs.mu.Lock()
	ids := make([]receiptID, 0, len(e.rs.fresh))
	for id := range e.rs.fresh {
		ids = append(ids, id)
	}
	e.rs.mu.Unlock()
	next := make(chan receiptID)
	var wg sync.WaitGroup
	for range min(receiptWriters, len(ids)) {
		wg.Go(func() {
			for id := range next {
				e.rs.mu.Lock()
				b := e.rs.fresh[id]
				e.rs.mu.Unlock()
				e.keepReceipt(ctx, log, id.org, id.id, b)
				e.rs.mu.Lock()
				delete(e.rs.fresh, id)
				e.rs.mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
}

// keepReceipt stores the signed receipt of org's request id; a failure is
// logged, and the receipt is made again when asked.
func (e *evidenceConfig) keepReceipt(ctx context.Context, log *slog.Logger, org, id string, b []byte) {
	if _, err := e.cp.Log.PutBlob(ctx, receiptKey(org, id), bytes.NewReader(b)); err != nil && ctx.Err() == nil {
		log.ErrorContext(ctx, "receipt not stored; it is made when asked", "org", org, "request", id, "err", err)
	}
}

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

// storedReceipt returns the receipt of the context organization's request
// id if one was made as its checkpoint was signed: from memory until the
// checkpoint loop stored it, then from its blob.
func (p *Processor) storedReceipt(ctx context.Context, id string) ([]byte, bool) {
	if id == "" || safeName(id) != id {
		return nil, false
	}
	org := gdpr.OrganizationFromContext(ctx)
	e := p.cfg.evidence
	e.rs.mu.Lock()
	b, ok := e.rs.fresh[receiptID{org, id}]
	e.rs.mu.Unlock()
	if ok {
		return b, true
	}
	rc, err := p.store.OpenBlob(ctx, receiptKey(org, id))
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	b, err = io.ReadAll(io.LimitReader(rc, receiptMax+1))
	if err != nil || len(b) == 0 || len(b) > receiptMax {
		return nil, false
	}
	// Two organizations' names can make one key (safeName): a receipt is
	// given only to its own organization.
	if !bytes.Contains(b, receiptOrgLine(org)) {
		return nil, false
	}
	return b, true
}

// receiptOrgLine is the line of a receipt's text naming org.
func receiptOrgLine(org string) []byte {
	q, _ := json.Marshal(org)
	return append([]byte(`  "organization": `), append(q, ',', '\n')...)
}
