package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gdprkit/gdpr/store"
)

// testCheckpointCovering checks store.CheckpointCoverer, for stores that
// implement it: the first checkpoint of a size at least the event's, of
// the organization asked for, and ErrNotFound past the last.
func testCheckpointCovering(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	cc, ok := s.(store.CheckpointCoverer)
	if !ok {
		t.Skipf("%T does not implement store.CheckpointCoverer", s)
	}
	cs := s.(store.CheckpointStore)
	ctx := t.Context()
	if _, err := cc.CheckpointCovering(ctx, "org-a", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CheckpointCovering with no checkpoints = %v, want ErrNotFound", err)
	}
	// org-a signs 3, 7 and 20 events; org-b, 50, in between.
	for i, size := range []int64{3, 7, 20} {
		cp := store.Checkpoint{Org: "org-a", Seq: int64(i + 1), Size: size, Time: base, Note: fmt.Appendf(nil, "a %d\n", i+1)}
		if err := cs.AddCheckpoint(ctx, cp, nil, nil); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := cs.AddCheckpoint(ctx, store.Checkpoint{Org: "org-b", Seq: 1, Size: 50, Time: base, Note: []byte("b\n")}, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct{ seq, want int64 }{{1, 1}, {3, 1}, {4, 2}, {7, 2}, {8, 3}, {20, 3}} {
		cp, err := cc.CheckpointCovering(ctx, "org-a", tc.seq)
		if err != nil || cp.Seq != tc.want || cp.Org != "org-a" || string(cp.Note) != fmt.Sprintf("a %d\n", tc.want) {
			t.Errorf("CheckpointCovering(org-a, %d) = %+v, %v; want checkpoint %d", tc.seq, cp, err, tc.want)
		}
	}
	if cp, err := cc.CheckpointCovering(ctx, "org-a", 21); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CheckpointCovering past the last checkpoint = %+v, %v; want ErrNotFound", cp, err)
	}
	if cp, err := cc.CheckpointCovering(ctx, "org-b", 21); err != nil || cp.Org != "org-b" || cp.Seq != 1 {
		t.Errorf("CheckpointCovering(org-b, 21) = %+v, %v; want org-b's checkpoint 1", cp, err)
	}
}

// testTreeHashRuns checks that a checkpoint's tree hashes at indexes in
// several runs, given out of order, are each stored at its index.
func testTreeHashRuns(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	cs, ok := s.(store.CheckpointStore)
	if !ok {
		t.Skipf("%T does not implement store.CheckpointStore", s)
	}
	ctx := t.Context()
	h := func(b byte) [32]byte {
		var x [32]byte
		for i := range x {
			x[i] = b + byte(i)
		}
		return x
	}
	idx := []int64{9, 3, 4, 10, 0, 5, 20}
	var hs []store.TreeHash
	for _, x := range idx {
		hs = append(hs, store.TreeHash{Index: x, Hash: h(byte(x))})
	}
	if err := cs.AddCheckpoint(ctx, store.Checkpoint{Org: "org-a", Seq: 1, Size: 5, Time: base, Note: []byte("a\n")}, hs, nil); err != nil {
		t.Fatal(err)
	}
	got, err := cs.TreeHashes(ctx, "org-a", idx)
	if err != nil {
		t.Fatalf("TreeHashes: %v", err)
	}
	for i, x := range idx {
		if got[i] != h(byte(x)) {
			t.Errorf("tree hash %d = %x, want %x", x, got[i], h(byte(x)))
		}
	}
	for _, x := range []int64{1, 6, 8, 11, 21} {
		if _, err := cs.TreeHashes(ctx, "org-a", []int64{x}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TreeHashes of %d, between the runs given = %v, want ErrNotFound", x, err)
		}
	}
}
