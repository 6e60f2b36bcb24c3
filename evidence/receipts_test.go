package evidence_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A checkpoint signed with finished requests stores the receipt of every
// one it covers, with it; those not finished, of another organization or
// after the checkpoint get theirs when asked, and every later ask
// returns the stored receipt.
func TestCheckpointStoresReceipts(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return t0 }}
	var jobs []*store.Job
	for i := range 6 {
		jobs = append(jobs, finishedV2(t, s, "acme", fmt.Sprintf("req-%d", i)))
	}
	open := finishedV2(t, s, "acme", "req-open")
	open.Request.Status = gdpr.StatusDeleting
	other := finishedV2(t, s, "other", "req-0") // the same id in another organization
	cp, err := c.Checkpoint(ctx, "acme", append(jobs, open, other)...)
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	for _, job := range jobs {
		r, err := s.Receipt(ctx, "acme", job.Request.ID)
		if err != nil {
			t.Fatalf("no receipt of %s stored with the checkpoint: %v", job.Request.ID, err)
		}
		written, err := c.StoredReceipt(ctx, "acme", job.Request.ID)
		if err != nil {
			t.Fatalf("StoredReceipt(%s): %v", job.Request.ID, err)
		}
		rec, err := evidence.VerifyReceipt(written, k.PublicKey())
		if err != nil {
			t.Fatalf("VerifyReceipt(%s): %v", job.Request.ID, err)
		}
		if rec.RequestID != job.Request.ID || rec.Organization != "acme" || len(rec.Events) != 4 || r.Checkpoint != cp.Seq {
			t.Errorf("receipt of %s = %+v, stored with checkpoint %d", job.Request.ID, rec, r.Checkpoint)
		}
		asked, err := c.Receipt(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(asked, written) {
			t.Errorf("Receipt of %s is not the stored receipt", job.Request.ID)
		}
	}
	for _, job := range []*store.Job{open, other} {
		if r, err := s.Receipt(ctx, job.Org, job.Request.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a receipt of %s/%s was stored (%v, %v): it is open or of another organization", job.Org, job.Request.ID, r, err)
		}
	}

	// A request finished after the checkpoint: asking signs the next
	// checkpoint and stores its receipt with it.
	late := finishedV2(t, s, "acme", "req-late")
	asked, err := c.Receipt(ctx, late)
	if err != nil {
		t.Fatalf("Receipt of a request after the checkpoint: %v", err)
	}
	r, err := s.Receipt(ctx, "acme", "req-late")
	written, werr := c.StoredReceipt(ctx, "acme", "req-late")
	if err != nil || werr != nil || !bytes.Equal(written, asked) || r.Checkpoint != cp.Seq+1 {
		t.Fatalf("the late receipt stored = %+v, %v; want the one returned, with checkpoint %d", r, err, cp.Seq+1)
	}
	if last, err := s.LastCheckpoint(ctx, "acme"); err != nil || last.Seq != cp.Seq+1 {
		t.Errorf("last checkpoint = %v, %v; want %d", last, err, cp.Seq+1)
	}

	// The checkpoint covers the other organization's request already
	// signed: Checkpoint with it stores its receipt on its own.
	ocp, err := c.Checkpoint(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Checkpoint(ctx, "other", other)
	if err != nil || again.Seq != ocp.Seq {
		t.Fatalf("Checkpoint of a covered chain = %v, %v; want checkpoint %d again", again, err, ocp.Seq)
	}
	if r, err := s.Receipt(ctx, "other", "req-0"); err != nil || r.Checkpoint != ocp.Seq {
		t.Errorf("receipt of other/req-0 = %v, %v; want one with checkpoint %d", r, err, ocp.Seq)
	}
}

// A checkpoint never puts a signature on a receipt over events the
// store changed after they were signed: the checkpoint itself is stored
// (its own events hold), with the receipts of the requests whose events
// hold, and the error names the edited event.
func TestCheckpointRefusesReceiptsOverAnEditedEvent(t *testing.T) {
	s := memstore.New()
	k := newKey(t)
	job := finishedV2(t, s, "acme", "req-1")
	if _, err := (&evidence.Checkpointer{Log: s, Key: k}).Checkpoint(t.Context(), "acme"); err != nil {
		t.Fatal(err)
	}
	next := finishedV2(t, s, "acme", "req-2")
	cp, err := (&evidence.Checkpointer{Log: editedLog{s}, Key: k}).Checkpoint(t.Context(), "acme", job, next)
	var ee *evidence.Error
	if !errors.As(err, &ee) || ee.Seq != 2 || cp == nil || cp.Seq != 2 {
		t.Fatalf("Checkpoint with receipts over an edited event = %v, %v; want checkpoint 2 and an *evidence.Error at event 2", cp, err)
	}
	if r, err := s.Receipt(t.Context(), "acme", "req-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("receipt of req-1 stored over its edited event: %v, %v", r, err)
	}
	if _, err := s.Receipt(t.Context(), "acme", "req-2"); err != nil {
		t.Errorf("receipt of req-2, whose events hold, not stored: %v", err)
	}
}
