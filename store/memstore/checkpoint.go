package memstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/gdprkit/gdpr/store"
)

var (
	_ store.CheckpointStore   = (*Store)(nil)
	_ store.CheckpointCoverer = (*Store)(nil)
)

// checkpoints is what a Store keeps for store.CheckpointStore. Its zero
// value is empty and ready.
type checkpoints struct {
	mu       sync.Mutex
	byOrg    map[string][]store.Checkpoint
	hashes   map[string]map[int64][32]byte // org → index → hash
	receipts map[[2]string]store.Receipt   // {org, request id} → receipt
}

// AddCheckpoint stores cp, hashes and receipts if cp.Seq follows the
// organization's last checkpoint, else returns
// store.ErrCheckpointConflict.
func (s *Store) AddCheckpoint(ctx context.Context, cp store.Checkpoint, hashes []store.TreeHash, receipts []store.Receipt) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: add checkpoint: %w", err)
	}
	for _, r := range receipts {
		if r.Org != cp.Org {
			return fmt.Errorf("memstore: add checkpoint %d of %q: a receipt of request %s is of organization %q", cp.Seq, cp.Org, r.RequestID, r.Org)
		}
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	if want := int64(len(c.byOrg[cp.Org])) + 1; cp.Seq != want {
		return fmt.Errorf("memstore: add checkpoint %d of %q, the next is %d: %w", cp.Seq, cp.Org, want, store.ErrCheckpointConflict)
	}
	if c.byOrg == nil {
		c.byOrg, c.hashes = map[string][]store.Checkpoint{}, map[string]map[int64][32]byte{}
	}
	hs := c.hashes[cp.Org]
	if hs == nil {
		hs = map[int64][32]byte{}
		c.hashes[cp.Org] = hs
	}
	for _, h := range hashes {
		if _, ok := hs[h.Index]; !ok {
			hs[h.Index] = h.Hash
		}
	}
	cp.Note = slices.Clone(cp.Note)
	cp.Time = cp.Time.UTC()
	c.byOrg[cp.Org] = append(c.byOrg[cp.Org], cp)
	c.addReceipts(receipts)
	return nil
}

// AddReceipts stores receipts, keeping a request's receipt already stored.
func (s *Store) AddReceipts(ctx context.Context, receipts []store.Receipt) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: add receipts: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addReceipts(receipts)
	return nil
}

// addReceipts stores receipts, with c.mu held.
func (c *checkpoints) addReceipts(receipts []store.Receipt) {
	if len(receipts) > 0 && c.receipts == nil {
		c.receipts = map[[2]string]store.Receipt{}
	}
	for _, r := range receipts {
		k := [2]string{r.Org, r.RequestID}
		if _, ok := c.receipts[k]; !ok {
			r.Note = slices.Clone(r.Note)
			c.receipts[k] = r
		}
	}
}

// Receipt returns the stored receipt of the organization's request id.
func (s *Store) Receipt(ctx context.Context, org, id string) (*store.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: receipt: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.receipts[[2]string{org, id}]
	if !ok {
		return nil, fmt.Errorf("memstore: no receipt of request %s of %q: %w", id, org, store.ErrNotFound)
	}
	r.Note = slices.Clone(r.Note)
	return &r, nil
}

// Checkpoints returns the organization's checkpoints after the Seq after,
// at most limit of them (0: all).
func (s *Store) Checkpoints(ctx context.Context, org string, after int64, limit int) ([]store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: checkpoints: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	all := c.byOrg[org]
	from := int(min(max(after, 0), int64(len(all))))
	to := len(all)
	if limit > 0 && limit < to-from {
		to = from + limit
	}
	out := make([]store.Checkpoint, 0, to-from)
	for _, cp := range all[from:to] {
		cp.Note = slices.Clone(cp.Note)
		out = append(out, cp)
	}
	return out, nil
}

// LastCheckpoint returns the organization's newest checkpoint.
func (s *Store) LastCheckpoint(ctx context.Context, org string) (*store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: last checkpoint: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	all := c.byOrg[org]
	if len(all) == 0 {
		return nil, fmt.Errorf("memstore: organization %q has no checkpoint: %w", org, store.ErrNotFound)
	}
	cp := all[len(all)-1]
	cp.Note = slices.Clone(cp.Note)
	return &cp, nil
}

// CheckpointCovering returns the organization's first checkpoint of
// Size seq or more.
func (s *Store) CheckpointCovering(ctx context.Context, org string, seq int64) (*store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: checkpoint covering: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	all := c.byOrg[org]
	i := sort.Search(len(all), func(i int) bool { return all[i].Size >= seq })
	if i == len(all) {
		return nil, fmt.Errorf("memstore: no checkpoint of %q covers event %d: %w", org, seq, store.ErrNotFound)
	}
	cp := all[i]
	cp.Note = slices.Clone(cp.Note)
	return &cp, nil
}

// TreeHashes returns the organization's tree hashes at indexes.
func (s *Store) TreeHashes(ctx context.Context, org string, indexes []int64) ([][32]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: tree hashes: %w", err)
	}
	c := &s.cps
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := c.hashes[org][x]
		if !ok {
			return nil, fmt.Errorf("memstore: tree hash %d of %q: %w", x, org, store.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// ChainHead returns the Seq and Hash of the organization's newest event.
func (s *Store) ChainHead(ctx context.Context, org string) (int64, string, error) {
	if err := ctx.Err(); err != nil {
		return 0, "", fmt.Errorf("memstore: chain head: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.events[org]; c != nil {
		if last := c.last(); last != nil {
			return last.Seq, last.Hash, nil
		}
	}
	return 0, "", nil
}

// Organizations returns the organizations that have audit events or
// checkpoints.
func (s *Store) Organizations(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: organizations: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var orgs []string
	for org, c := range s.events {
		if c.n > 0 {
			orgs = append(orgs, org)
		}
	}
	s.cps.mu.Lock()
	for org, cps := range s.cps.byOrg {
		if len(cps) > 0 && !slices.Contains(orgs, org) {
			orgs = append(orgs, org)
		}
	}
	s.cps.mu.Unlock()
	slices.Sort(orgs)
	return orgs, nil
}
