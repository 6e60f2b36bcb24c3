package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// testCheckpoints checks store.CheckpointStore, for stores that implement
// it: checkpoints numbered without gaps per organization, one winner of
// two writers of the same number, tree hashes kept as first stored, and
// the chain head and organizations as the events say.
func testCheckpoints(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	cs, ok := s.(store.CheckpointStore)
	if !ok {
		t.Skipf("%T does not implement store.CheckpointStore", s)
	}
	ctx := t.Context()
	if orgs, err := cs.Organizations(ctx); err != nil || len(orgs) != 0 {
		t.Errorf("Organizations of an empty store = %v, %v; want none", orgs, err)
	}
	if seq, hash, err := cs.ChainHead(ctx, "org-a"); err != nil || seq != 0 || hash != "" {
		t.Errorf("ChainHead of an empty chain = %d, %q, %v; want 0, \"\", nil", seq, hash, err)
	}
	if _, err := cs.LastCheckpoint(ctx, "org-a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LastCheckpoint with none = %v, want ErrNotFound", err)
	}

	a := newJob("org-a", "req-1", 0, 0)
	mustCreate(t, s, a)
	mustUpdate(t, s, mustGet(t, s, "org-a", "req-1"), event(a, "status", 1))
	mustCreate(t, s, newJob("org-b", "req-1", 0, 0))
	evs := allEvents(t, s, "org-a")
	if seq, hash, err := cs.ChainHead(ctx, "org-a"); err != nil || seq != 2 || hash != evs[1].Hash {
		t.Errorf("ChainHead(org-a) = %d, %q, %v; want 2 and the second event's hash", seq, hash, err)
	}
	orgs, err := cs.Organizations(ctx)
	if err != nil {
		t.Fatalf("Organizations: %v", err)
	}
	diff(t, "organizations", []string{"org-a", "org-b"}, orgs)

	h := func(b byte) [32]byte { var x [32]byte; x[0] = b; return x }
	cp1 := store.Checkpoint{Org: "org-a", Seq: 1, Size: 1, Time: base, Note: []byte("note one\n")}
	if err := cs.AddCheckpoint(ctx, cp1, []store.TreeHash{{Index: 0, Hash: h(1)}}, nil); err != nil {
		t.Fatalf("AddCheckpoint 1: %v", err)
	}
	for _, bad := range []int64{1, 3} {
		cp := store.Checkpoint{Org: "org-a", Seq: bad, Size: 2, Time: base, Note: []byte("bad\n")}
		if err := cs.AddCheckpoint(ctx, cp, []store.TreeHash{{Index: 9, Hash: h(9)}}, nil); !errors.Is(err, store.ErrCheckpointConflict) {
			t.Errorf("AddCheckpoint of seq %d after 1 = %v, want ErrCheckpointConflict", bad, err)
		}
	}
	if _, err := cs.TreeHashes(ctx, "org-a", []int64{9}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused checkpoint's tree hash was stored (err %v)", err)
	}
	cp2 := store.Checkpoint{Org: "org-a", Seq: 2, Size: 2, Time: base.Add(time.Minute), Note: []byte("note two\n")}
	// Index 0 again, with another hash: the stored one stays.
	if err := cs.AddCheckpoint(ctx, cp2, []store.TreeHash{{Index: 0, Hash: h(7)}, {Index: 1, Hash: h(2)}, {Index: 2, Hash: h(3)}}, nil); err != nil {
		t.Fatalf("AddCheckpoint 2: %v", err)
	}
	got, err := cs.TreeHashes(ctx, "org-a", []int64{2, 0, 1})
	if err != nil {
		t.Fatalf("TreeHashes: %v", err)
	}
	diff(t, "tree hashes", [][32]byte{h(3), h(1), h(2)}, got)
	if _, err := cs.TreeHashes(ctx, "org-b", []int64{0}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TreeHashes of another organization = %v, want ErrNotFound", err)
	}
	all, err := cs.Checkpoints(ctx, "org-a", 0, 0)
	if err != nil {
		t.Fatalf("Checkpoints: %v", err)
	}
	diff(t, "checkpoints", []store.Checkpoint{cp1, cp2}, all)
	after1, err := cs.Checkpoints(ctx, "org-a", 1, 1)
	if err != nil {
		t.Fatalf("Checkpoints after 1: %v", err)
	}
	diff(t, "checkpoints after 1", []store.Checkpoint{cp2}, after1)
	last, err := cs.LastCheckpoint(ctx, "org-a")
	if err != nil {
		t.Fatalf("LastCheckpoint: %v", err)
	}
	diff(t, "last checkpoint", &cp2, last)
	if b, err := cs.Checkpoints(ctx, "org-b", 0, 0); err != nil || len(b) != 0 {
		t.Errorf("org-b's checkpoints = %v, %v; want none", b, err)
	}

	// Two writers of checkpoint 1 of org-b: one wins.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range 4 {
		wg.Go(func() {
			cp := store.Checkpoint{Org: "org-b", Seq: 1, Size: 1, Time: base, Note: []byte{'n', byte('0' + i), '\n'}}
			err := cs.AddCheckpoint(ctx, cp, nil, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrCheckpointConflict):
				t.Errorf("a concurrent AddCheckpoint failed with %v, want nil or ErrCheckpointConflict", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent writers of checkpoint 1 succeeded, want exactly 1", wins)
	}
}
