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

// Receipts makes, for every finished request a checkpoint covers, the
// very receipt Receipt makes for it alone, and leaves out the requests
// that are not finished or that the checkpoint does not cover.
func TestReceiptsOfACheckpoint(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return t0 }}
	var jobs []*store.Job
	for i := range 6 {
		jobs = append(jobs, finished(t, s, "acme", fmt.Sprintf("req-%d", i)))
	}
	open := finished(t, s, "acme", "req-open")
	open.Request.Status = gdpr.StatusDeleting
	other := finished(t, s, "other", "req-0") // the same id in another organization
	cp, err := c.Checkpoint(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	late := finished(t, s, "acme", "req-late") // after the checkpoint

	got, err := c.Receipts(ctx, cp, append(jobs, open, other, late))
	if err != nil {
		t.Fatalf("Receipts: %v", err)
	}
	if len(got) != len(jobs) {
		t.Errorf("Receipts made %d receipts, want %d: not of the open request, of another organization, or of one after the checkpoint", len(got), len(jobs))
	}
	for _, job := range jobs {
		signed, ok := got[job.Request.ID]
		if !ok {
			t.Fatalf("no receipt of %s", job.Request.ID)
		}
		rec, err := evidence.VerifyReceipt(signed, k.PublicKey())
		if err != nil {
			t.Fatalf("VerifyReceipt(%s): %v", job.Request.ID, err)
		}
		if rec.RequestID != job.Request.ID || rec.Organization != "acme" || len(rec.Events) != 4 {
			t.Errorf("receipt of %s = %+v", job.Request.ID, rec)
		}
		alone, err := c.Receipt(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(alone, signed) {
			t.Errorf("the receipt of %s made with its checkpoint differs from the one made alone:\n%s\n---\n%s", job.Request.ID, signed, alone)
		}
	}
	if none, err := c.Receipts(ctx, cp, nil); err != nil || len(none) != 0 {
		t.Errorf("Receipts of no requests = %v, %v; want none", none, err)
	}
}

// Receipts, like Receipt, never signs over an event the store changed
// after it was signed.
func TestReceiptsRefuseAnEditedEvent(t *testing.T) {
	s := memstore.New()
	k := newKey(t)
	job := finished(t, s, "acme", "req-1")
	cp, err := (&evidence.Checkpointer{Log: s, Key: k}).Checkpoint(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&evidence.Checkpointer{Log: editedLog{s}, Key: k}).Receipts(t.Context(), cp, []*store.Job{job})
	var ee *evidence.Error
	if !errors.As(err, &ee) || ee.Seq != 2 || got != nil {
		t.Fatalf("Receipts over an edited event = %v, %v; want no receipts and an *evidence.Error at event 2", got, err)
	}
}
