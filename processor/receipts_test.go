package processor_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Every request that finishes records its account on the chain, in the
// status event that finishes it, and once a checkpoint covers it,
// Receipt makes its receipt from the store with no signing and nothing
// stored: the same receipt at every ask, ending in that event, and none
// for another organization.
func TestEvidenceReceiptFromTheChain(t *testing.T) {
	st := memstore.New()
	crm, err := memadapter.New("crm")
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(crmData)); err != nil {
		t.Fatal(err)
	}
	k := evidenceKey(t)
	p, err := processor.New(st, []adapter.Adapter{crm}, processor.WithEvidence(k, nil), processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, p)
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	var ids []string
	for range 3 {
		req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{"robin@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, req.ID)
	}
	for _, id := range ids {
		testkit.WaitDone(ctx, t, p, id)
	}
	cp, err := p.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		first, err := p.Receipt(ctx, id)
		if err != nil {
			t.Fatalf("Receipt(%s): %v", id, err)
		}
		rec, err := evidence.VerifyReceipt(first, k.PublicKey())
		if err != nil {
			t.Fatalf("the receipt of %s: %v", id, err)
		}
		last := rec.Events[len(rec.Events)-1]
		job, err := p.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Format != evidence.ReceiptFormat || !evidence.IsAccount(last.Event) || rec.Status != gdpr.StatusCompleted ||
			len(rec.Steps) != 1 || rec.Steps[0].Outcome == nil || rec.Steps[0].Outcome.Deleted != job.Steps[0].Outcome.Deleted ||
			!rec.Finished.Equal(last.Time) {
			t.Errorf("receipt of %s = %+v; want a /3 receipt ending in the account of %+v", id, rec, job)
		}
		if r, err := st.Receipt(ctx, "acme", id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a receipt of %s was stored: %+v, %v", id, r, err)
		}
		again, err := p.Receipt(ctx, id)
		if err != nil || !bytes.Equal(again, first) {
			t.Fatalf("Receipt(%s) again = %v, not the same receipt", id, err)
		}
		other := gdpr.ContextWithOrganization(context.Background(), "other")
		if _, err := p.Receipt(other, id); !errors.Is(err, gdpr.ErrNotFound) {
			t.Errorf("another organization's Receipt(%s) = %v, want not found", id, err)
		}
	}
	if last, err := st.LastCheckpoint(ctx, "acme"); err != nil || last.Seq != cp.Seq {
		t.Errorf("after the receipts, the last checkpoint is %+v, %v; want %d: receipts sign nothing", last, err, cp.Seq)
	}
}

// A receipt asked for as soon as its request is final, before the
// checkpoint loop signs, is made then, and verifies.
func TestEvidenceReceiptAtOnce(t *testing.T) {
	k := evidenceKey(t)
	p := testkit.Demo(t, processor.WithEvidence(k, nil))
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	var ids []string
	for range 5 {
		req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.org"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, req.ID)
	}
	for _, id := range ids {
		testkit.WaitDone(ctx, t, p, id)
		signed, err := p.Receipt(ctx, id)
		if err != nil {
			t.Fatalf("Receipt(%s): %v", id, err)
		}
		if rec, err := evidence.VerifyReceipt(signed, k.PublicKey()); err != nil || rec.RequestID != id {
			t.Fatalf("VerifyReceipt(%s) = %+v, %v", id, rec, err)
		}
	}
}

// Consistency proves a later checkpoint extends an earlier one; bad
// numbers and missing checkpoints are client errors.
func TestEvidenceConsistency(t *testing.T) {
	k := evidenceKey(t)
	p := testkit.Demo(t, processor.WithEvidence(k, nil))
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	for range 2 {
		req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.org"}}})
		if err != nil {
			t.Fatal(err)
		}
		testkit.WaitDone(ctx, t, p, req.ID)
		if _, err := p.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
	}
	last, err := p.Checkpoint(ctx)
	if err != nil || last.Seq < 2 {
		t.Fatalf("Checkpoint = %+v, %v; want at least 2 checkpoints", last, err)
	}
	b, err := p.Consistency(ctx, 1, last.Seq)
	if err != nil {
		t.Fatalf("Consistency: %v", err)
	}
	older, newer, err := evidence.VerifyConsistency(b, k.PublicKey())
	if err != nil || older.Seq != 1 || newer.Seq != last.Seq {
		t.Fatalf("VerifyConsistency = %+v, %+v, %v", older, newer, err)
	}
	var api *gdpr.APIError
	for _, bad := range [][2]int64{{0, 1}, {2, 2}, {2, 1}} {
		if _, err := p.Consistency(ctx, bad[0], bad[1]); !errors.As(err, &api) || api.Status() != 400 {
			t.Errorf("Consistency(%d, %d) = %v, want a 400", bad[0], bad[1], err)
		}
	}
	if _, err := p.Consistency(ctx, 1, last.Seq+1); !errors.Is(err, gdpr.ErrNotFound) {
		t.Errorf("Consistency to a checkpoint not yet signed = %v, want not found", err)
	}
	other := gdpr.ContextWithOrganization(context.Background(), "other")
	if _, err := p.Consistency(other, 1, 2); !errors.Is(err, gdpr.ErrNotFound) {
		t.Errorf("another organization's Consistency = %v, want not found", err)
	}
}

// Text that is not UTF-8 in an event's detail (here an adapter's name)
// is written as its replacement when the event is made, so that the
// event's hash holds for the text a JSON receipt carries, and the
// receipt verifies.
func TestEvidenceReceiptOfTextThatIsNotUTF8(t *testing.T) {
	crm, err := memadapter.New("crm\xff")
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(crmData)); err != nil {
		t.Fatal(err)
	}
	k := evidenceKey(t)
	st := memstore.New()
	p, err := processor.New(st, []adapter.Adapter{crm}, processor.WithEvidence(k, nil), processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, p)
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"robin@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.WaitDone(ctx, t, p, req.ID)
	doc, err := p.Receipt(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := evidence.VerifyReceipt(doc, k.PublicKey())
	if err != nil {
		t.Fatalf("VerifyReceipt: %v", err)
	}
	found := false
	for _, ev := range rec.Events {
		found = found || strings.HasPrefix(ev.Detail, "crm\ufffd: DONE")
	}
	if !found || rec.Steps[0].Adapter != "crm\ufffd" {
		t.Errorf("the receipt's events and steps do not name the adapter with its replacement character: %+v", rec)
	}
}
