package processor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
)

func evidenceKey(t *testing.T) *evidence.Key {
	t.Helper()
	k, _, err := evidence.LoadOrCreateKey(t.TempDir() + "/evidence.key")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A finished request is signed by a checkpoint without being asked, and
// its receipt verifies with the public key alone.
func TestEvidenceReceipt(t *testing.T) {
	k := evidenceKey(t)
	sink := &evidence.FileSink{Path: t.TempDir() + "/checkpoints.jsonl"}
	p := testkit.Demo(t, processor.WithEvidence(k, sink))
	ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
	req, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := testkit.WaitDone(ctx, t, p, req.ID)
	evs, err := p.Audit(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The checkpoint loop signs the finished request's events by itself,
	// and appends the checkpoint to the sink.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		cps, _ := evidence.ReadFileSink(sink.Path)
		if n := len(cps); n > 0 && cps[n-1].Size >= evs[len(evs)-1].Seq {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint covers the finished request after a minute")
		}
	}
	signed, err := p.Receipt(ctx, req.ID)
	if err != nil {
		t.Fatalf("Receipt: %v", err)
	}
	pub, _ := p.PublicKey()
	rec, err := evidence.VerifyReceipt(signed, pub)
	if err != nil {
		t.Fatalf("VerifyReceipt: %v", err)
	}
	if rec.RequestID != req.ID || rec.Status != done.Status || len(rec.Events) != len(evs) || len(rec.Steps) != len(done.Steps) {
		t.Errorf("receipt = %+v; want the request's %d events and %d steps", rec, len(evs), len(done.Steps))
	}
	if rec.Verification == nil || !rec.Verification.Passed {
		t.Errorf("receipt verification = %+v, want passed", rec.Verification)
	}
	// No personal data: the subject's email is nowhere in it.
	if contains(signed, "alex.morgan") || contains(signed, "Alex") {
		t.Error("the receipt holds the subject's personal data")
	}
	other := gdpr.ContextWithOrganization(context.Background(), "other")
	if _, err := p.Receipt(other, req.ID); !errors.Is(err, gdpr.ErrNotFound) {
		t.Errorf("another organization's Receipt = %v, want not found", err)
	}
}

func TestEvidenceOptions(t *testing.T) {
	if _, err := processor.New(nil, nil, processor.WithEvidence(nil, nil)); err == nil {
		t.Error("WithEvidence(nil) accepted")
	}
	p := testkit.Demo(t)
	if _, err := p.Receipt(context.Background(), "x"); !errors.Is(err, processor.ErrNoEvidence) {
		t.Errorf("Receipt without evidence = %v, want ErrNoEvidence", err)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
