package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// signedHistory stores a finished request of acme per id, signs a
// checkpoint after each group, and returns the Checkpointer and the store.
func signedHistory(t *testing.T, k *evidence.Key, groups ...[]string) (*evidence.Checkpointer, *memstore.Store) {
	t.Helper()
	ctx := context.Background()
	s := memstore.New()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return at }}
	for _, ids := range groups {
		for _, id := range ids {
			job := &store.Job{Org: "acme", Request: gdpr.Request{ID: id, RequestType: gdpr.RequestDelete, Status: gdpr.StatusInitiated, CreatedDate: gdpr.NewTime(at)}}
			if _, _, err := s.Create(ctx, job, store.Event{RequestID: id, Time: at, Type: "status", Status: gdpr.StatusInitiated}); err != nil {
				t.Fatal(err)
			}
			job.Request.Status = gdpr.StatusCompleted
			if err := s.Update(ctx, job, store.Event{RequestID: id, Time: at, Type: "status", Status: gdpr.StatusCompleted}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Checkpoint(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
	}
	return c, s
}

func TestAuditConsistencyCommand(t *testing.T) {
	ctx := context.Background()
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	held, heldStore := signedHistory(t, k, []string{"a", "b"}, []string{"c"}, []string{"d"})
	proof, err := held.Consistency(ctx, "acme", 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	file := write("proof.json", proof)
	code, out, errOut := gdprCmd(t, "audit", "consistency", "--key", k.PublicKey(), file)
	if code != exitOK || !strings.Contains(out, "consistent") || !strings.Contains(out, "checkpoint 3") {
		t.Fatalf("audit consistency: exit %d\n%s%s", code, out, errOut)
	}
	// --held: the first checkpoint, as a file and as the receipt of "a".
	cps, err := heldStore.Checkpoints(ctx, "acme", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	first := write("checkpoint-1.txt", cps[0].Note)
	job, err := heldStore.Get(ctx, "acme", "a")
	if err != nil {
		t.Fatal(err)
	}
	receiptNote, err := held.Receipt(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	receipt := write("receipt.txt", receiptNote)
	for _, h := range []string{first, receipt} {
		if code, out, errOut := gdprCmd(t, "audit", "consistency", "--key", k.PublicKey(), "--held", h, file); code != exitOK {
			t.Errorf("--held %s: exit %d\n%s%s", filepath.Base(h), code, out, errOut)
		}
	}
	// A proof between other checkpoints is not about the held one.
	other, err := held.Consistency(ctx, "acme", 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := gdprCmd(t, "audit", "consistency", "--key", k.PublicKey(), "--held", first, write("other.json", other)); code != exitFailed || !strings.Contains(out, "?old=1&new=3") {
		t.Errorf("a proof about other checkpoints: exit %d\n%s", code, out)
	}

	// A forked history signed with the same key: its own proof holds, but
	// not against the checkpoint held, and a proof grafted onto it fails.
	forked, _ := signedHistory(t, k, []string{"x", "y"}, []string{"c"}, []string{"d"})
	fproof, err := forked.Consistency(ctx, "acme", 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	ffile := write("forked.json", fproof)
	if code, out, _ := gdprCmd(t, "audit", "consistency", "--key", k.PublicKey(), "--held", first, ffile); code != exitFailed || !strings.Contains(out, "forked") {
		t.Errorf("a forked history against the held checkpoint: exit %d\n%s", code, out)
	}
	var doc evidence.Consistency
	if err := json.Unmarshal(fproof, &doc); err != nil {
		t.Fatal(err)
	}
	doc.Old = string(cps[0].Note)
	grafted, _ := json.Marshal(doc)
	if code, out, _ := gdprCmd(t, "audit", "consistency", "--key", k.PublicKey(), write("grafted.json", grafted)); code != exitFailed || !strings.Contains(out, "NOT VALID") {
		t.Errorf("a forked history's proof from the held checkpoint: exit %d\n%s", code, out)
	}

	// Another key, no key, a missing file, two files: not valid or usage.
	other2, _, _ := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
	if code, _, _ := gdprCmd(t, "audit", "consistency", "--key", other2.PublicKey(), file); code != exitFailed {
		t.Errorf("another key: exit %d, want %d", code, exitFailed)
	}
	t.Setenv("GDPR_EVIDENCE_PUBLIC_KEY", "")
	for _, args := range [][]string{{file}, {"--key", k.PublicKey()}, {"--key", k.PublicKey(), filepath.Join(dir, "missing.json")}, {"--key", k.PublicKey(), file, file}} {
		if code, _, _ := gdprCmd(t, append([]string{"audit", "consistency"}, args...)...); code != exitUsage {
			t.Errorf("audit consistency %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
