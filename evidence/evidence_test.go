package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func newKey(t *testing.T) *evidence.Key {
	t.Helper()
	priv, _, err := evidence.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := evidence.ParseKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// finished stores a request of org that went through a few statuses to
// COMPLETED, the last status event holding its account, as a processor
// with evidence writes it, and returns it.
func finished(t *testing.T, s store.Store, org, id string) *store.Job {
	t.Helper()
	return finishedAs(t, s, org, id, true)
}

// finishedV2 is finished without the account, as a processor
// without evidence, or of an earlier release, wrote it: its receipt is
// of format /2, stored.
func finishedV2(t *testing.T, s store.Store, org, id string) *store.Job {
	t.Helper()
	return finishedAs(t, s, org, id, false)
}

func finishedAs(t *testing.T, s store.Store, org, id string, account bool) *store.Job {
	t.Helper()
	job := &store.Job{Org: org, Request: gdpr.Request{ID: id, RequestType: gdpr.RequestDelete, Status: gdpr.StatusInitiated,
		CreatedDate: gdpr.NewTime(t0), DueDate: gdpr.NewTime(t0.Add(14 * 24 * time.Hour))}}
	ev := func(st gdpr.Status) store.Event {
		return store.Event{RequestID: id, Time: t0, Type: "status", Status: st}
	}
	if _, _, err := s.Create(t.Context(), job, ev(gdpr.StatusInitiated)); err != nil {
		t.Fatal(err)
	}
	job.Request.Status = gdpr.StatusCompleted
	job.Request.Steps = []gdpr.Step{{Adapter: "crm", State: gdpr.StepDone, Records: 2, Outcome: &gdpr.Outcome{Deleted: 2}}}
	job.Request.Verification = &gdpr.Verification{Passed: true, Date: gdpr.NewTime(t0)}
	evs := []store.Event{ev(gdpr.StatusSearching), ev(gdpr.StatusDeleting), ev(gdpr.StatusCompleted)}
	if account {
		detail, err := evidence.AccountOf(job, t0, "").Detail()
		if err != nil {
			t.Fatal(err)
		}
		evs[2].Detail = detail
	}
	if err := s.Update(t.Context(), job, evs...); err != nil {
		t.Fatal(err)
	}
	return job
}

func TestCheckpointVerifyReceipt(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	k := newKey(t)
	cp := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return t0 }}
	v, err := evidence.Verifier(k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	var jobs []*store.Job
	for i := range 7 { // tree sizes 4, 8, ... 28: odd and even splits
		jobs = append(jobs, finished(t, s, "acme", fmt.Sprintf("req-%d", i)))
		if i%2 == 0 {
			if _, err := cp.Checkpoint(ctx, "acme"); err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
		}
	}
	rep, err := evidence.Verify(ctx, s, v, "acme", evidence.VerifyOptions{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Events != 28 || rep.Checkpoints != 4 || rep.Covered != 28 {
		t.Errorf("Verify = %+v, want 28 events, 4 checkpoints, 28 covered", rep)
	}
	for _, job := range jobs {
		signed, err := cp.Receipt(ctx, job)
		if err != nil {
			t.Fatalf("Receipt(%s): %v", job.Request.ID, err)
		}
		rec, err := evidence.VerifyReceipt(signed, k.PublicKey())
		if err != nil {
			t.Fatalf("VerifyReceipt(%s): %v", job.Request.ID, err)
		}
		if rec.RequestID != job.Request.ID || rec.Status != gdpr.StatusCompleted || len(rec.Events) != 4 || rec.Format != evidence.ReceiptFormat || rec.Steps[0].Outcome.Deleted != 2 {
			t.Errorf("receipt of %s = %+v", job.Request.ID, rec)
		}
		// Any one byte changed fails (every byte of the first receipt;
		// the others are the same form).
		for i := range signed {
			if job != jobs[0] {
				break
			}
			bad := bytes.Clone(signed)
			bad[i] ^= 0x01
			if _, err := evidence.VerifyReceipt(bad, k.PublicKey()); err == nil {
				t.Fatalf("a receipt with byte %d changed verified: %q -> %q", i, signed[max(0, i-40):min(len(signed), i+10)], bad[max(0, i-40):min(len(bad), i+10)])
			}
		}
		if _, err := evidence.VerifyReceipt(signed, newKey(t).PublicKey()); err == nil {
			t.Error("a receipt verified with another key")
		}
	}
	open := finished(t, s, "acme", "req-open")
	open.Request.Status = gdpr.StatusDeleting
	if _, err := cp.Receipt(ctx, open); !errors.Is(err, evidence.ErrNotFinished) {
		t.Errorf("Receipt of an open request = %v, want ErrNotFinished", err)
	}
	if _, err := evidence.Verify(ctx, s, v, "nobody", evidence.VerifyOptions{}); !errors.Is(err, evidence.ErrNoEvents) {
		t.Errorf("Verify of an organization without events = %v, want ErrNoEvents", err)
	}
	// Another key's verifier refuses the checkpoints.
	other, _ := evidence.Verifier(newKey(t).PublicKey())
	var ee *evidence.Error
	if _, err := evidence.Verify(ctx, s, other, "acme", evidence.VerifyOptions{}); !errors.As(err, &ee) || ee.Kind != evidence.KindSignature {
		t.Errorf("Verify with another key = %v, want a signature error", err)
	}
}

func TestKeyFile(t *testing.T) {
	path := t.TempDir() + "/evidence.key"
	k1, created, err := evidence.LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreateKey of a new file = %v, %v", created, err)
	}
	k2, created, err := evidence.LoadOrCreateKey(path)
	if err != nil || created || k2.PublicKey() != k1.PublicKey() {
		t.Fatalf("LoadOrCreateKey again = %v, %v; want the same key, not created", created, err)
	}
	if k1.Fingerprint() != evidence.Fingerprint(k1.PublicKey()) || len(k1.Fingerprint()) < 20 {
		t.Errorf("fingerprint %q", k1.Fingerprint())
	}
	if _, err := evidence.ParseKey(k1.PublicKey()); err == nil {
		t.Error("a public key parsed as a signing key")
	}
}

// The default organization "" and a name with a newline sign and verify
// like any other: the origin line quotes the name.
func TestOddOrganizations(t *testing.T) {
	s := memstore.New()
	k := newKey(t)
	cp := &evidence.Checkpointer{Log: s, Key: k}
	v, _ := evidence.Verifier(k.PublicKey())
	for _, org := range []string{"", "two\nlines", `quote"d`} {
		job := finished(t, s, org, "req-1")
		signed, err := cp.Receipt(t.Context(), job)
		if err != nil {
			t.Fatalf("Receipt of %q: %v", org, err)
		}
		if rec, err := evidence.VerifyReceipt(signed, k.PublicKey()); err != nil || rec.Organization != org {
			t.Errorf("VerifyReceipt of %q: %+v, %v", org, rec, err)
		}
		if rep, err := evidence.Verify(t.Context(), s, v, org, evidence.VerifyOptions{}); err != nil || rep.Covered != 4 {
			t.Errorf("Verify(%q) = %+v, %v", org, rep, err)
		}
	}
}

// editedLog is a Log whose event 2 was edited after it was signed.
type editedLog struct{ evidence.Log }

func (l editedLog) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	evs, err := l.Log.Events(ctx, org, after, limit)
	for i := range evs {
		if evs[i].Seq == 2 {
			evs[i].Detail = "edited"
		}
	}
	return evs, err
}

// A receipt is never signed over events the store changed after they
// were signed.
func TestReceiptRefusesAnEditedEvent(t *testing.T) {
	s := memstore.New()
	k := newKey(t)
	job := finished(t, s, "acme", "req-1")
	if _, err := (&evidence.Checkpointer{Log: s, Key: k}).Checkpoint(t.Context(), "acme"); err != nil {
		t.Fatal(err)
	}
	_, err := (&evidence.Checkpointer{Log: editedLog{s}, Key: k}).Receipt(t.Context(), job)
	var ee *evidence.Error
	if !errors.As(err, &ee) || ee.Seq != 2 {
		t.Fatalf("Receipt over an edited event = %v, want an *evidence.Error at event 2", err)
	}
}
