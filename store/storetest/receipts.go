package storetest

import (
	"errors"
	"testing"

	"github.com/gdprkit/gdpr/store"
)

// testReceipts checks the receipts of store.CheckpointStore: stored with
// their checkpoint in one change or on their own, never by a refused
// checkpoint, the first stored kept, and each organization's apart.
func testReceipts(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	cs, ok := s.(store.CheckpointStore)
	if !ok {
		t.Skipf("%T does not implement store.CheckpointStore", s)
	}
	ctx := t.Context()
	rc := func(org, id string, cp int64, note string) store.Receipt {
		return store.Receipt{Org: org, RequestID: id, Checkpoint: cp, Note: []byte(note)}
	}
	want := func(org, id string, w store.Receipt) {
		t.Helper()
		got, err := cs.Receipt(ctx, org, id)
		if err != nil {
			t.Fatalf("Receipt(%s, %s): %v", org, id, err)
		}
		diff(t, "receipt of "+org+"/"+id, &w, got)
	}
	missing := func(org, id, why string) {
		t.Helper()
		if got, err := cs.Receipt(ctx, org, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Receipt(%s, %s) = %v, %v; want ErrNotFound: %s", org, id, got, err, why)
		}
	}
	missing("org-a", "req-1", "none was stored")

	cp1 := store.Checkpoint{Org: "org-a", Seq: 1, Size: 3, Time: base, Note: []byte("note one\n")}
	r1, r2 := rc("org-a", "req-1", 1, "receipt one\n"), rc("org-a", "req-2", 1, "receipt two\n")
	if err := cs.AddCheckpoint(ctx, cp1, nil, []store.Receipt{r1, r2}); err != nil {
		t.Fatalf("AddCheckpoint with receipts: %v", err)
	}
	want("org-a", "req-1", r1)
	want("org-a", "req-2", r2)
	missing("org-b", "req-1", "the receipt is org-a's")

	// A refused checkpoint stores none of its receipts.
	late := rc("org-a", "req-3", 1, "refused\n")
	if err := cs.AddCheckpoint(ctx, cp1, nil, []store.Receipt{late}); !errors.Is(err, store.ErrCheckpointConflict) {
		t.Fatalf("AddCheckpoint of seq 1 again = %v, want ErrCheckpointConflict", err)
	}
	missing("org-a", "req-3", "its checkpoint was refused")

	// A receipt of another organization than the checkpoint's is refused,
	// with the checkpoint.
	cp2 := store.Checkpoint{Org: "org-a", Seq: 2, Size: 5, Time: base, Note: []byte("note two\n")}
	if err := cs.AddCheckpoint(ctx, cp2, nil, []store.Receipt{rc("org-b", "req-9", 2, "wrong org\n")}); err == nil {
		t.Fatal("AddCheckpoint took a receipt of another organization")
	}
	missing("org-b", "req-9", "it came with another organization's checkpoint")
	if last, err := cs.LastCheckpoint(ctx, "org-a"); err != nil || last.Seq != 1 {
		t.Fatalf("after a refused checkpoint, the last is %v, %v; want checkpoint 1", last, err)
	}

	// Receipts made later are stored on their own; a request's first
	// receipt is kept, with its checkpoint or without.
	r3 := rc("org-a", "req-3", 1, "receipt three\n")
	b1 := rc("org-b", "req-1", 4, "org-b's\n")
	if err := cs.AddReceipts(ctx, []store.Receipt{r3, rc("org-a", "req-1", 1, "another of one\n"), b1}); err != nil {
		t.Fatalf("AddReceipts: %v", err)
	}
	want("org-a", "req-3", r3)
	want("org-a", "req-1", r1)
	want("org-b", "req-1", b1)
	if err := cs.AddCheckpoint(ctx, cp2, nil, []store.Receipt{rc("org-a", "req-2", 2, "again\n"), rc("org-a", "req-4", 2, "four\n")}); err != nil {
		t.Fatalf("AddCheckpoint 2: %v", err)
	}
	want("org-a", "req-2", r2)
	want("org-a", "req-4", rc("org-a", "req-4", 2, "four\n"))
	if err := cs.AddReceipts(ctx, nil); err != nil {
		t.Errorf("AddReceipts of none: %v", err)
	}
}
