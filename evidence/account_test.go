package evidence_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A request whose last status event holds its account gets a receipt of
// format /3, made from the store and not stored: its events, proven
// against the first checkpoint that covers them, so that asking again,
// after later checkpoints, gives the same file.
func TestAccountReceiptIsMadeNotStored(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k}
	var jobs []*store.Job
	first := map[string][]byte{}
	for i := range 5 {
		job := finished(t, s, "acme", fmt.Sprintf("req-%d", i))
		jobs = append(jobs, job)
		if _, err := c.Checkpoint(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
		doc, err := c.Receipt(ctx, job)
		if err != nil {
			t.Fatalf("Receipt(%s): %v", job.Request.ID, err)
		}
		first[job.Request.ID] = doc
	}
	for i, job := range jobs {
		doc, err := c.Receipt(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(doc, first[job.Request.ID]) {
			t.Errorf("the receipt of %s changed after later checkpoints", job.Request.ID)
		}
		rec, err := evidence.VerifyReceipt(doc, k.PublicKey())
		if err != nil {
			t.Fatalf("VerifyReceipt(%s): %v", job.Request.ID, err)
		}
		last := rec.Events[len(rec.Events)-1]
		if rec.Format != evidence.ReceiptFormat || len(rec.Events) != 4 || !evidence.IsAccount(last.Event) || rec.Batch != "" {
			t.Errorf("receipt of %s = %+v", job.Request.ID, rec)
		}
		if !strings.Contains(rec.Checkpoint, fmt.Sprintf("\ncheckpoint %d\n", i+1)) {
			t.Errorf("receipt of %s proves against\n%s\nwant checkpoint %d, the first that covers it", job.Request.ID, rec.Checkpoint, i+1)
		}
		if r, err := s.Receipt(ctx, "acme", job.Request.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a receipt of format /3 was stored: %+v, %v", r, err)
		}
	}
}

// Asking for the receipts of requests no checkpoint covers yet signs one
// checkpoint, however many ask at once.
func TestAccountReceiptSignsOnceWhenNoneCovers(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k}
	var jobs []*store.Job
	for i := range 8 {
		jobs = append(jobs, finished(t, s, "acme", fmt.Sprintf("req-%d", i)))
	}
	var wg sync.WaitGroup
	docs := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	for i, job := range jobs {
		wg.Go(func() { docs[i], errs[i] = c.Receipt(ctx, job) })
	}
	wg.Wait()
	for i := range jobs {
		if errs[i] != nil {
			t.Fatalf("Receipt(%s): %v", jobs[i].Request.ID, errs[i])
		}
		if _, err := evidence.VerifyReceipt(docs[i], k.PublicKey()); err != nil {
			t.Errorf("VerifyReceipt(%s): %v", jobs[i].Request.ID, err)
		}
	}
	if cps, err := s.Checkpoints(ctx, "acme", 0, 0); err != nil || len(cps) != 1 || cps[0].Size != 32 {
		t.Errorf("checkpoints after 8 receipts asked at once = %+v, %v; want one, of 32 events", cps, err)
	}
}

// hiddenCoverer is a Log without store.CheckpointCoverer.
type hiddenCoverer struct{ evidence.Log }

// A store that cannot find the covering checkpoint in one read gets the
// same receipts, by halving its checkpoints.
func TestAccountReceiptWithoutCoverer(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k}
	var jobs []*store.Job
	for i := range 9 {
		jobs = append(jobs, finished(t, s, "acme", fmt.Sprintf("req-%d", i)))
		if i%3 != 1 {
			if _, err := c.Checkpoint(ctx, "acme"); err != nil {
				t.Fatal(err)
			}
		}
	}
	slow := &evidence.Checkpointer{Log: hiddenCoverer{s}, Key: k}
	for _, job := range jobs {
		want, err := c.Receipt(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		got, err := slow.Receipt(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the receipt of %s differs without CheckpointCovering", job.Request.ID)
		}
	}
}

// A receipt of format /3 changed in form (written out again as it would
// be written) fails when it no longer ends in the event holding its
// account, has its events out of order or carries a batch; a store whose
// event holds another request's account gives no receipt.
func TestAccountReceiptRefusals(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k}
	job := finished(t, s, "acme", "req-1")
	doc, err := c.Receipt(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	rewrite := func(change func(*evidence.Receipt)) []byte {
		var rec evidence.Receipt
		if err := json.Unmarshal(doc, &rec); err != nil {
			t.Fatal(err)
		}
		change(&rec)
		b, err := json.MarshalIndent(&rec, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return append(b, '\n')
	}
	if again := rewrite(func(*evidence.Receipt) {}); !bytes.Equal(again, doc) {
		t.Fatal("the receipt written out again in its form differs; the cases below test nothing")
	}
	for _, tc := range []struct {
		name, want string
		change     func(*evidence.Receipt)
	}{
		{"last event dropped", "does not hold its account", func(r *evidence.Receipt) { r.Events = r.Events[:len(r.Events)-1] }},
		{"events reordered", "not in order", func(r *evidence.Receipt) { r.Events[0], r.Events[1] = r.Events[1], r.Events[0] }},
		{"status changed", "does not hold its account", func(r *evidence.Receipt) { r.Status = "ERROR" }},
		{"a reason added", "does not hold its account", func(r *evidence.Receipt) { r.Reason = "none" }},
		{"a batch added", "carries no batch", func(r *evidence.Receipt) { r.BatchIndex = 3 }},
		{"format /2", "batch is not signed", func(r *evidence.Receipt) { r.Format = evidence.ReceiptFormatV2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := evidence.VerifyReceipt(rewrite(tc.change), k.PublicKey()); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("VerifyReceipt = %v, want an error saying %q", err, tc.want)
			}
		})
	}

	// A final status event holding another request's account.
	other := finishedV2(t, s, "acme", "req-2")
	detail, err := evidence.AccountOf(job, t0, "").Detail()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, other, store.Event{RequestID: "req-2", Time: t0, Type: "status", Status: other.Request.Status, Detail: detail}); err != nil {
		t.Fatal(err)
	}
	var ee *evidence.Error
	if _, err := c.Receipt(ctx, other); !errors.As(err, &ee) || ee.Kind != evidence.KindRewritten || ee.Seq != 9 || !strings.Contains(err.Error(), "holds the account of request req-1") {
		t.Errorf("Receipt over an event holding another request's account = %v, want a rewritten-chain error at event 9", err)
	}
}

// A receipt of format /3 whose checkpoint the retired key signed verifies
// with that key given as retired, and not with the current key alone.
func TestAccountReceiptAcrossARotation(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	old, cur := newKey(t), newKey(t)
	job := finished(t, s, "acme", "req-1")
	if _, err := (&evidence.Checkpointer{Log: s, Key: old}).Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	c := &evidence.Checkpointer{Log: s, Key: cur, Retired: []string{old.PublicKey()}}
	finished(t, s, "acme", "req-2")
	if _, err := c.Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	doc, err := c.Receipt(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.VerifyReceipt(doc, cur.PublicKey(), old.PublicKey()); err != nil {
		t.Errorf("VerifyReceipt with the retired key given: %v", err)
	}
	if _, err := evidence.VerifyReceipt(doc, cur.PublicKey()); err == nil {
		t.Error("a receipt over the retired key's checkpoint verified with the current key alone")
	}
}

// A request whose account event was followed by a retry and a finish
// written without an account (by a replica without evidence) gets a
// receipt of its last finish (format /2), not of the one its account
// records.
func TestAccountReceiptOfAnEarlierFinish(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	c := &evidence.Checkpointer{Log: s, Key: k}
	job := finished(t, s, "acme", "req-1")
	ev := func(st gdpr.Status, typ string) store.Event {
		return store.Event{RequestID: "req-1", Time: t0, Type: typ, Status: st}
	}
	job.Request.Status = gdpr.StatusInitiated
	if err := s.Update(ctx, job, ev(gdpr.StatusInitiated, "retry")); err != nil {
		t.Fatal(err)
	}
	job.Request.Status = gdpr.StatusCompleted
	if err := s.Update(ctx, job, ev(gdpr.StatusCompleted, "status")); err != nil {
		t.Fatal(err)
	}
	doc, err := c.Receipt(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := evidence.VerifyReceipt(doc, k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != evidence.ReceiptFormatV2 || len(rec.Events) != 6 || rec.Status != gdpr.StatusCompleted {
		t.Errorf("receipt = format %q, %d events, %s; want /2 with all 6 events, COMPLETED", rec.Format, len(rec.Events), rec.Status)
	}
}
