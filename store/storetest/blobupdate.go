package storetest

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// testUpdateWithBlob checks store.BlobUpdater, for stores that
// implement it: the job, its events and the blob are stored together; a
// refused update leaves the job and its events as they were, and the
// blob either as it was or new, never torn.
func testUpdateWithBlob(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	bu, ok := s.(store.BlobUpdater)
	if !ok {
		t.Skipf("%T does not implement store.BlobUpdater", s)
	}
	ctx := t.Context()
	const key = "exports/org-a/req-1/results.zip"
	mustCreate(t, s, newJob("org-a", "req-1", 0, 0))
	claimed := mustClaim(t, s, "token-a", base, base.Add(time.Minute))

	first := bytes.Repeat([]byte("first archive "), 100)
	j := claimed.Clone()
	j.Request.Status = gdpr.StatusFinalizing
	if err := bu.UpdateWithBlob(ctx, j, key, first, event(j, "status", time.Second)); err != nil {
		t.Fatalf("UpdateWithBlob: %v", err)
	}
	diff(t, "job after UpdateWithBlob", j, mustGet(t, s, "org-a", "req-1"))
	wantBlob(t, s, key, string(first))
	if n := len(allEvents(t, s, "org-a")); n != 2 {
		t.Errorf("org-a has %d events after UpdateWithBlob, want 2", n)
	}

	t.Run("Replaces", func(t *testing.T) {
		j := j.Clone()
		j.Request.Status = gdpr.StatusCompleted
		if err := bu.UpdateWithBlob(ctx, j, key, []byte("second"), event(j, "status", 2*time.Second)); err != nil {
			t.Fatalf("UpdateWithBlob: %v", err)
		}
		wantBlob(t, s, key, "second")
		diff(t, "job after the second UpdateWithBlob", j, mustGet(t, s, "org-a", "req-1"))
	})

	t.Run("Empty", func(t *testing.T) {
		const empty = "exports/org-a/req-1/empty"
		if err := bu.UpdateWithBlob(ctx, mustGet(t, s, "org-a", "req-1"), empty, nil); err != nil {
			t.Fatalf("UpdateWithBlob of an empty blob: %v", err)
		}
		wantBlob(t, s, empty, "")
	})

	t.Run("LostLease", func(t *testing.T) {
		before := mustGet(t, s, "org-a", "req-1")
		events := len(allEvents(t, s, "org-a"))
		stale := before.Clone()
		stale.LeaseToken, stale.Request.Name = "token-other", "overwritten"
		err := bu.UpdateWithBlob(ctx, stale, key, []byte("stale"), event(stale, "status", 3*time.Second))
		wantErr(t, "UpdateWithBlob with another token", err, store.ErrLeaseLost)
		diff(t, "job after a refused UpdateWithBlob", before, mustGet(t, s, "org-a", "req-1"))
		if n := len(allEvents(t, s, "org-a")); n != events {
			t.Errorf("org-a has %d events after a refused UpdateWithBlob, want %d", n, events)
		}
		rc, err := s.OpenBlob(ctx, key)
		if err != nil {
			t.Fatalf("OpenBlob after a refused UpdateWithBlob: %v", err)
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil || (string(got) != "second" && string(got) != "stale") {
			t.Errorf("blob after a refused UpdateWithBlob = %q, %v; want the one before or the new one", got, err)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		missing := newJob("org-a", "req-missing", 0, 0)
		err := bu.UpdateWithBlob(ctx, missing, "exports/org-a/req-missing/results.zip", []byte("x"))
		if !errors.Is(err, gdpr.ErrNotFound) {
			t.Errorf("UpdateWithBlob of a missing job = %v, want ErrNotFound", err)
		}
	})
}
