package evidence

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/gdprkit/gdpr/store"
)

// Log is what evidence reads and writes: a Store that keeps checkpoints.
// memstore and sqlstore are both.
type Log interface {
	store.Store
	store.CheckpointStore
}

// Sink receives every checkpoint a Checkpointer stores, to keep it where
// whoever can rewrite the database cannot also rewrite the proof: an
// append-only file on another disk (FileSink), object storage with a
// retention lock. Append is called after the Store took the checkpoint,
// in Seq order per organization for one Checkpointer; it must be safe
// for concurrent use and must not change what it already holds.
type Sink interface {
	Append(ctx context.Context, cp store.Checkpoint) error
}

// Checkpointer signs checkpoints of a Log's chains with a Key. It is safe
// for concurrent use, also by several processes sharing one Log: of two
// that sign at once, one stores its checkpoint and the other finds it.
type Checkpointer struct {
	Log  Log
	Key  *Key
	Sink Sink             // optional
	Now  func() time.Time // optional; time.Now by default
	// Retired are the public keys of the evidence keys Key replaced,
	// optional. A chain's last checkpoint may be signed by one of them:
	// the next one, signed by Key, names it as the one before, so that
	// the chain stays one across a rotation. A last checkpoint signed by
	// any other key is an error matching ErrUnknownKey (see CheckKeys):
	// Key never signs onto a chain it cannot check.
	Retired []string

	mu   sync.Mutex                // one signing at a time in this process
	last map[string]lastCheckpoint // the last checkpoint stored or checked, by organization; with mu held

	seenMu sync.Mutex
	seen   map[string]store.Checkpoint // the newest checkpoint seen, by organization
}

// recent returns the newest checkpoint of org this Checkpointer stored or
// read, nil when none.
func (c *Checkpointer) recent(org string) *store.Checkpoint {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	if cp, ok := c.seen[org]; ok {
		return &cp
	}
	return nil
}

// saw notes cp, when it is newer than the one noted for its organization.
func (c *Checkpointer) saw(cp *store.Checkpoint) {
	if cp == nil {
		return
	}
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	if c.seen == nil {
		c.seen = map[string]store.Checkpoint{}
	}
	if old, ok := c.seen[cp.Org]; !ok || cp.Seq > old.Seq {
		c.seen[cp.Org] = *cp
	}
}

// pageSize is how many events a Checkpointer or Verify reads at once.
const pageSize = 1000

// Checkpoint signs and stores a checkpoint of the organization's chain
// as far as its head, unless the last checkpoint already covers it, and
// returns the checkpoint that covers the head (nil when the chain is
// empty). It first checks that the events it adds link onto what the last
// checkpoint signed: it never signs over a broken chain.
//
// The receipts of requests whose final status event holds their account
// (IsAccount) need nothing more: Receipt makes them from the store.
// Of finished, requests of org that reached COMPLETED or ERROR without
// it (by a processor without evidence, or of an earlier release), it
// makes the receipt of format /2 of each whose events the checkpoint
// covers and stores it with the checkpoint, in the same change (or on
// its own when the last checkpoint already covered them). A request
// whose receipt is stored keeps it; the others are left for Receipt.
// When the checkpoint is stored but its receipts could not be made, it
// returns the checkpoint and an error saying so: Receipt makes them
// when asked.
func (c *Checkpointer) Checkpoint(ctx context.Context, org string, finished ...*store.Job) (*store.Checkpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.retry(ctx, org, finished)
}

// covering returns a checkpoint that covers event seq of org, signing
// one only when none does yet (receipts asked for at once sign once),
// and stores the receipts of format /2 of jobs, whose events are in evs,
// with it (none when jobs is empty).
func (c *Checkpointer) covering(ctx context.Context, org string, jobs []*store.Job, evs map[string][]store.Event, seq int64) (*store.Checkpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	last, err := c.Log.LastCheckpoint(ctx, org)
	if err == nil && last.Size >= seq {
		c.saw(last)
		if len(jobs) == 0 {
			return last, nil
		}
		return last, c.addReceipts(ctx, last, jobs, evs)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("evidence: checkpoint: %w", err)
	}
	cp, err := c.retry(ctx, org, jobs)
	if err == nil && (cp == nil || cp.Size < seq) {
		return nil, fmt.Errorf("evidence: no checkpoint of %q covers event %d", org, seq)
	}
	return cp, err
}

// retry is checkpoint, again when another process signed first.
func (c *Checkpointer) retry(ctx context.Context, org string, finished []*store.Job) (*store.Checkpoint, error) {
	var err error
	fresh := false
	for range 3 {
		var cp *store.Checkpoint
		cp, err = c.checkpoint(ctx, org, finished, fresh)
		if !errors.Is(err, store.ErrCheckpointConflict) {
			c.saw(cp)
			return cp, err
		}
		fresh = true // another process signed since the last this one knows
	}
	return nil, err
}

func (c *Checkpointer) checkpoint(ctx context.Context, org string, finished []*store.Job, fresh bool) (*store.Checkpoint, error) {
	last, st, err := c.lastSigned(ctx, org, fresh)
	if err != nil {
		return nil, err
	}
	headSeq, _, err := c.Log.ChainHead(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("evidence: checkpoint: %w", err)
	}
	if headSeq == 0 {
		return nil, nil
	}
	// Their events are read now, after the head (those the checkpoint
	// covers get their receipts), beside the new events' pages.
	finishedEvents := readEventsAsync(ctx, c.Log, org, finished)
	var evs map[string][]store.Event
	if last != nil && headSeq <= last.Size {
		if evs, err = finishedEvents(); err != nil {
			return nil, err
		}
		if len(finished) > 0 {
			return last, c.addReceipts(ctx, last, finished, evs)
		}
		return last, nil
	}
	next := Statement{Org: org, Size: headSeq, Seq: 1}
	var prev *store.Event
	after := int64(0)
	if last != nil {
		// The first page begins with the event the last checkpoint signed
		// as the head, to link the new events onto it.
		after = last.Size - 1
		next.Seq, next.Prev = last.Seq+1, NoteHash(last.Note)
	}
	r := newHashes(ctx, c.Log, org)
	var (
		root   tlog.Hash
		leaves map[int64]tlog.Hash
	)
	for prev == nil || prev.Seq < headSeq {
		if prev != nil {
			after = prev.Seq
		}
		page, err := c.Log.Events(ctx, org, after, int(min(pageSize, headSeq-after)))
		if err != nil {
			return nil, fmt.Errorf("evidence: checkpoint: %w", err)
		}
		if last != nil && prev == nil {
			if len(page) == 0 || page[0].Seq != last.Size || page[0].Hash != st.Head {
				return nil, &Error{Org: org, Kind: KindEdited, Seq: last.Size,
					Reason: fmt.Sprintf("event %d is not the head checkpoint %d signed; refusing to sign over it", last.Size, last.Seq)}
			}
			prev, page = &page[0], page[1:]
		}
		if len(page) == 0 {
			return nil, &Error{Org: org, Kind: KindTail, Seq: after + 1,
				Reason: fmt.Sprintf("the chain head is event %d but the events end at %d; refusing to sign", headSeq, after)}
		}
		if err := store.VerifyChain(prev, page); err != nil {
			return nil, fmt.Errorf("evidence: refusing to sign a broken chain: %w", err)
		}
		lastPage := page[len(page)-1].Seq >= headSeq
		// One read of the stored hashes each page needs; on the last page,
		// also those of the root and of the receipts' leaves.
		if err := r.twice(func() error {
			start := len(r.pending)
			for _, ev := range page {
				if err := r.add(ev.Seq-1, ev.Hash); err != nil {
					r.pending = r.pending[:start]
					return err
				}
			}
			if !lastPage {
				return nil
			}
			var err error
			if evs, err = finishedEvents(); err != nil {
				return err
			}
			if root, err = tlog.TreeHash(headSeq, r); err != nil {
				return fmt.Errorf("evidence: checkpoint: tree hash: %w", err)
			}
			leaves, err = readLeaves(r, evs, headSeq)
			return err
		}); err != nil {
			return nil, err
		}
		prev = &page[len(page)-1]
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	next.Root, next.Head, next.Time = root, prev.Hash, now().UTC()
	signed, err := c.Key.Sign(next)
	if err != nil {
		return nil, err
	}
	cp := store.Checkpoint{Org: org, Seq: next.Seq, Size: next.Size, Time: next.Time, Note: signed}
	receipts, rerr := c.receipts(&cp, next, leaves, finished, evs)
	if err := c.Log.AddCheckpoint(ctx, cp, r.pending, receipts); err != nil {
		return nil, fmt.Errorf("evidence: checkpoint: %w", err)
	}
	c.signed(cp, next)
	if c.Sink != nil {
		if err := c.Sink.Append(ctx, cp); err != nil {
			return &cp, fmt.Errorf("evidence: checkpoint %d of %q stored, but not in the sink: %w", cp.Seq, org, err)
		}
	}
	if rerr != nil {
		return &cp, fmt.Errorf("evidence: checkpoint %d of %q stored, but not the receipts it covers (they are made when asked): %w", cp.Seq, org, rerr)
	}
	return &cp, nil
}

// readEventsAsync starts reading the events of jobs, requests of org
// (readEvents), and returns the function that waits for them; none are
// read when there are no jobs.
func readEventsAsync(ctx context.Context, log Log, org string, jobs []*store.Job) func() (map[string][]store.Event, error) {
	if len(jobs) == 0 {
		return func() (map[string][]store.Event, error) { return nil, nil }
	}
	var (
		evs  map[string][]store.Event
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		evs, err = readEvents(ctx, log, org, jobs)
	}()
	return func() (map[string][]store.Event, error) {
		<-done
		return evs, err
	}
}

// lastSigned returns the organization's last checkpoint (nil when none)
// and what it says, its signature checked: the one this Checkpointer
// stored or checked last, unless fresh, or another process may have
// signed since; else the store's. A stale one costs a conflict, after
// which retry asks again, fresh.
func (c *Checkpointer) lastSigned(ctx context.Context, org string, fresh bool) (*store.Checkpoint, Statement, error) {
	if l, ok := c.last[org]; ok && !fresh {
		return &l.cp, l.st, nil
	}
	last, err := c.Log.LastCheckpoint(ctx, org)
	if errors.Is(err, store.ErrNotFound) {
		return nil, Statement{}, nil
	}
	if err != nil {
		return nil, Statement{}, fmt.Errorf("evidence: checkpoint: %w", err)
	}
	st, err := c.openLast(org, last.Note, last.Seq) // by Key or one of Retired
	if err != nil {
		return nil, Statement{}, err
	}
	c.signed(*last, st)
	return last, st, nil
}

// signed notes cp, which says st, as the organization's last checkpoint,
// with c.mu held.
func (c *Checkpointer) signed(cp store.Checkpoint, st Statement) {
	if c.last == nil {
		c.last = map[string]lastCheckpoint{}
	}
	c.last[cp.Org] = lastCheckpoint{cp: cp, st: st}
}

// lastCheckpoint is a checkpoint and what it says, its signature checked.
type lastCheckpoint struct {
	cp store.Checkpoint
	st Statement
}

// hashes is a tlog.HashReader over the organization's stored tree hashes
// and those computed since, which it keeps for AddCheckpoint. What tlog
// will read depends only on the record numbers, not on the hashes, so
// twice runs a computation dry first (reads of stored hashes answer zeros
// and are noted), then, having read every noted hash in one query, for
// real.
type hashes struct {
	ctx      context.Context
	log      store.CheckpointStore
	org      string
	pending  []store.TreeHash
	computed map[int64]tlog.Hash
	fetched  map[int64]tlog.Hash
	dry      bool
	wanted   []int64
}

func newHashes(ctx context.Context, log store.CheckpointStore, org string) *hashes {
	return &hashes{ctx: ctx, log: log, org: org, computed: map[int64]tlog.Hash{}, fetched: map[int64]tlog.Hash{}}
}

// add computes the stored hashes of record n, the event with eventHash.
func (h *hashes) add(n int64, eventHash string) error {
	hs, err := tlog.StoredHashes(n, leafData(eventHash), h)
	if err != nil {
		return fmt.Errorf("evidence: tree hashes of event %d: %w", n+1, err)
	}
	x := tlog.StoredHashIndex(0, n)
	for i, hash := range hs {
		h.pending = append(h.pending, store.TreeHash{Index: x + int64(i), Hash: hash})
		h.computed[x+int64(i)] = hash
	}
	return nil
}

// ReadHashes implements tlog.HashReader.
func (h *hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	var missing []int64
	for _, x := range indexes {
		_, c := h.computed[x]
		_, f := h.fetched[x]
		switch {
		case c || f:
		case h.dry:
			h.wanted = append(h.wanted, x)
			h.fetched[x] = tlog.Hash{} // noted once; prefetch replaces it
		default:
			missing = append(missing, x)
		}
	}
	if len(missing) > 0 {
		got, err := h.log.TreeHashes(h.ctx, h.org, missing)
		if err != nil {
			return nil, err
		}
		for i, x := range missing {
			h.fetched[x] = got[i]
		}
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if v, ok := h.computed[x]; ok {
			out[i] = v
		} else {
			out[i] = h.fetched[x]
		}
	}
	return out, nil
}

// twice runs f dry, prefetches what it read, and runs it again for real.
func (h *hashes) twice(f func() error) error {
	keepPending, keepComputed := h.pending, h.computed
	h.dry, h.computed = true, maps.Clone(keepComputed)
	err := f()
	h.pending, h.computed, h.dry = keepPending, keepComputed, false
	if err != nil {
		for _, x := range h.wanted {
			delete(h.fetched, x) // a placeholder, never read
		}
		h.wanted = nil
		return err
	}
	if len(h.wanted) > 0 {
		got, err := h.log.TreeHashes(h.ctx, h.org, h.wanted)
		if err != nil {
			return fmt.Errorf("evidence: tree hashes: %w", err)
		}
		for i, x := range h.wanted {
			h.fetched[x] = got[i]
		}
		h.wanted = nil
	}
	return f()
}

var _ tlog.HashReader = (*hashes)(nil)
