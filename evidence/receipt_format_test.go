package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// receiptFixture is a store with one finished request of acme, with its
// account event (receipts of format /3) or without (format /2), a
// Checkpointer and its key.
func receiptFixture(t *testing.T, adapter, detail string, account bool) (*Checkpointer, *store.Job) {
	t.Helper()
	ctx := context.Background()
	priv, _, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	job := &store.Job{Org: "acme", Request: gdpr.Request{ID: "req-1", RequestType: gdpr.RequestDelete, Status: gdpr.StatusInitiated,
		CreatedDate: gdpr.NewTime(t0), DueDate: gdpr.NewTime(t0.Add(time.Hour))}}
	ev := func(st gdpr.Status) store.Event {
		return store.Event{RequestID: "req-1", Time: t0, Type: "status", Status: st, Detail: detail}
	}
	if _, _, err := s.Create(ctx, job, ev(gdpr.StatusInitiated)); err != nil {
		t.Fatal(err)
	}
	job.Request.Status = gdpr.StatusCompleted
	job.Request.Steps = []gdpr.Step{{Adapter: adapter, State: gdpr.StepDone, Records: 1, Outcome: &gdpr.Outcome{Deleted: 1}}}
	evs := []store.Event{ev(gdpr.StatusDeleting), ev(gdpr.StatusCompleted)}
	if account {
		if evs[1].Detail, err = AccountOf(job, t0, "").Detail(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Update(ctx, job, evs...); err != nil {
		t.Fatal(err)
	}
	return &Checkpointer{Log: s, Key: k}, job
}

// A receipt of format /1, a signed note of the receipt's JSON, still
// verifies; changed, it does not.
func TestReceiptFormatV1StillVerifies(t *testing.T) {
	c, job := receiptFixture(t, "crm", "step crm: 1 deleted", false)
	doc, err := c.Receipt(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := VerifyReceipt(doc, c.Key.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	// The same account, as format /1 wrote it: no batch, its own signature.
	rec.Format, rec.Batch, rec.BatchIndex, rec.BatchProof = ReceiptFormatV1, "", 0, nil
	text, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	v1, err := note.Sign(&note.Note{Text: string(text) + "\n"}, c.Key.signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerifyReceipt(v1, c.Key.PublicKey())
	if err != nil || got.RequestID != "req-1" || got.Format != ReceiptFormatV1 {
		t.Fatalf("VerifyReceipt of a /1 receipt = %+v, %v", got, err)
	}
	bad := bytes.Replace(v1, []byte(`"records": 1`), []byte(`"records": 2`), 1)
	if _, err := VerifyReceipt(bad, c.Key.PublicKey()); err == nil {
		t.Error("a /1 receipt with its records changed verified")
	}
	// A /2 account in a signed note is neither.
	rec.Format = ReceiptFormatV2
	text, _ = json.MarshalIndent(rec, "", "  ")
	mixed, _ := note.Sign(&note.Note{Text: string(text) + "\n"}, c.Key.signer)
	if _, err := VerifyReceipt(mixed, c.Key.PublicKey()); err == nil || !strings.Contains(err.Error(), "in a signed note") {
		t.Errorf("a /2 receipt in a signed note = %v, want refused", err)
	}
}

// formats are the receipts made now (/3) and those stored before (/2),
// by the refusal of each to a changed summary written out in form.
var formats = []struct {
	name    string
	account bool
	refusal string
}{
	{ReceiptFormat, true, "does not hold its account"},
	{ReceiptFormatV2, false, "not the one its batch signs"},
}

// A receipt is the file as written: the same JSON written out again, or
// its summary changed and its file written out again, fails.
func TestReceiptIsTheFileAsWritten(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			c, job := receiptFixture(t, "crm", "step crm: 1 deleted", f.account)
			doc, err := c.Receipt(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			var rec Receipt
			if err := json.Unmarshal(doc, &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Format != f.name {
				t.Fatalf("receipt of format %q, want %q", rec.Format, f.name)
			}
			compact, _ := json.Marshal(&rec)
			if _, err := VerifyReceipt(compact, c.Key.PublicKey()); err == nil || !strings.Contains(err.Error(), "as it was written") {
				t.Errorf("the receipt written out again = %v, want refused", err)
			}
			rec.Steps[0].Outcome.Deleted = 7
			changed, err := canonical(&rec)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyReceipt(changed, c.Key.PublicKey()); err == nil || !strings.Contains(err.Error(), f.refusal) {
				t.Errorf("a receipt whose outcome was changed and written out in form = %v, want refused: %s", err, f.refusal)
			}
		})
	}
}

// Text that is not UTF-8 in the receipt's summary (an adapter's name) is
// written once as its replacement, and the receipt verifies.
func TestReceiptOfTextThatIsNotUTF8(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			c, job := receiptFixture(t, "crm\xff", "step crm: 1 deleted", f.account)
			doc, err := c.Receipt(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := VerifyReceipt(doc, c.Key.PublicKey())
			if err != nil {
				t.Fatalf("VerifyReceipt: %v\n%s", err, doc)
			}
			if rec.Steps[0].Adapter != "crm\ufffd" || rec.Format != f.name {
				t.Errorf("adapter = %q in a receipt of format %q, want the replacement character for the byte that is not UTF-8", rec.Steps[0].Adapter, rec.Format)
			}
		})
	}
}
