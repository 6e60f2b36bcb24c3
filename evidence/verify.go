package evidence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/gdprkit/gdpr/store"
)

// Report is what Verify checked.
type Report struct {
	Org string
	// Events is how many events verified, from the first.
	Events int64
	// Checkpoints is how many checkpoints verified.
	Checkpoints int64
	// Covered is how many events the newest checkpoint signs; the events
	// after it held together but no signature covers them yet.
	Covered int64
	// UnsignedSince is the time of the first event no checkpoint signs,
	// zero when every event is signed. A processor with WithEvidence signs
	// within its checkpoint interval: older unsigned events mean it has
	// stopped since, or that checkpoints were deleted.
	UnsignedSince time.Time
	// Keys are the keys that signed the checkpoints verified, in order:
	// one KeySpan for each run of checkpoints one key signed. Across a
	// rotation, the first are the retired key's, the last the current
	// key's.
	Keys []KeySpan
	// Mark is where the check ended; VerifySince goes on from it.
	Mark Mark
}

// KeySpan is a run of consecutive checkpoints signed by one key.
type KeySpan struct {
	// Key names the key as its signatures do, "name+hash" with the hash
	// in hex: the beginning of its public key "name+hash+base64".
	Key string
	// First and Last are the numbers of the run's first and last
	// checkpoint.
	First, Last int64
}

// VerifyOptions adds what Verify checks the store against.
type VerifyOptions struct {
	// External are checkpoints kept outside the store (a Sink's copy);
	// each of the organization's must be in the store, unchanged.
	External []store.Checkpoint
	// Retired are the public keys of the evidence keys that the key of
	// Verify's verifier replaced: checkpoints they signed before the
	// first one the current key signed verify too. A checkpoint signed by
	// a key neither that verifier's nor one of these, or by one of these
	// after the current key's first, is an error of KindSignature naming
	// its key.
	Retired []string
}

// Verify checks the organization's audit chain in log against its
// checkpoints and the public key's verifier v (or the keys v replaced,
// opt.Retired): every event's hash and link,
// every checkpoint's signature, number and link to the one before, the
// Merkle root of the events each one covers, and that no event a
// checkpoint or the store's chain head counts is gone. It reads the chain
// in pages, holding a page and a logarithmic part of the tree in memory.
// It checks the chain as it stands when it begins, up to the chain head
// and the newest checkpoint of that moment: events and checkpoints added
// while it runs, by a processor at work on the same store, are left to
// the next check (VerifySince from Report.Mark).
//
// It returns what it verified, with an *Error at the first thing that
// does not hold, or ErrNoEvents when the store holds neither events nor
// checkpoints of the organization.
func Verify(ctx context.Context, log Log, v note.Verifier, org string, opt VerifyOptions) (Report, error) {
	rep := Report{Org: org}
	vs, err := ring(v, opt.Retired)
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: VerifyOptions.Retired: %w", err)
	}
	if err := verifyExternal(ctx, log, vs, org, opt.External); err != nil {
		return rep, err
	}
	// The newest checkpoint first, then the head: every checkpoint read
	// was signed before the head was read, so none signs more events than
	// the head counts unless events were deleted.
	upto, err := lastCheckpointSeq(ctx, log, org)
	if err != nil {
		return rep, err
	}
	headSeq, headHash, err := log.ChainHead(ctx, org)
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: %w", err)
	}
	cps := &checkpoints{ctx: ctx, log: log, vs: vs, current: keyID(v.Name(), v.KeyHash()), org: org, upto: upto}
	next, err := cps.next()
	if err != nil {
		return rep, err
	}
	var (
		f    frontier
		prev *store.Event
	)
	for rep.Events < headSeq {
		want := int(min(pageSize, headSeq-rep.Events))
		evs, err := log.Events(ctx, org, rep.Events, want)
		if err != nil {
			return rep, fmt.Errorf("evidence: verify: %w", err)
		}
		for i := range evs {
			ev := &evs[i]
			if err := store.VerifyChain(prev, evs[i:i+1]); err != nil {
				return rep, chainError(org, err)
			}
			f.add(LeafHash(ev.Hash))
			rep.Events++
			prev = ev
			if rep.UnsignedSince.IsZero() {
				rep.UnsignedSince = ev.Time
			}
			if next != nil && next.Size == rep.Events {
				if f.root() != next.Root || next.Head != ev.Hash {
					e := &Error{Org: org, Kind: KindRewritten, Seq: rep.Events, Checkpoint: next.Seq,
						Reason: fmt.Sprintf("events 1 to %d are not the events checkpoint %d signed: one of them was changed and the chain sealed again", rep.Events, next.Seq)}
					if seq := locateRewrite(ctx, log, org, next.Size); seq > 0 {
						e.Seq = seq
						e.Reason = fmt.Sprintf("event %d is not the event checkpoint %d signed (its hash differs from the tree's leaf): it was changed and the chain sealed again", seq, next.Seq)
					}
					return rep, e
				}
				rep.Checkpoints++
				rep.Keys = spanOf(rep.Keys, cps.signer, next.Seq)
				rep.Covered = next.Size
				rep.UnsignedSince = time.Time{}
				rep.Mark.Checkpoint, rep.Mark.Note = *next, cps.lastNote
				if next, err = cps.next(); err != nil {
					return rep, err
				}
			}
		}
		if len(evs) < want {
			break
		}
	}
	if prev != nil {
		rep.Mark.Event = *prev
	}
	rep.Mark.UnsignedSince = rep.UnsignedSince
	beyond, err := beyondHead(ctx, log, org, headSeq)
	if err != nil {
		return rep, err
	}
	switch {
	case next != nil:
		return rep, &Error{Org: org, Kind: KindTail, Seq: rep.Events + 1, Checkpoint: next.Seq,
			Reason: fmt.Sprintf("checkpoint %d signs %d events, the store has %d: events %d to %d were deleted", next.Seq, next.Size, rep.Events, rep.Events+1, next.Size)}
	case headSeq > rep.Events:
		return rep, &Error{Org: org, Kind: KindTail, Seq: rep.Events + 1,
			Reason: fmt.Sprintf("the store's chain head records event %d, the events end at %d: events %d to %d were deleted", headSeq, rep.Events, rep.Events+1, headSeq)}
	case beyond > 0:
		return rep, &Error{Org: org, Kind: KindTail, Seq: headSeq,
			Reason: fmt.Sprintf("the store holds event %d after its chain head (event %d): the head was altered", beyond, headSeq)}
	case prev != nil && headHash != prev.Hash:
		return rep, &Error{Org: org, Kind: KindTail, Seq: headSeq,
			Reason: fmt.Sprintf("the store's chain head records another hash for event %d than the event has: the head was altered", headSeq)}
	case rep.Events == 0 && rep.Checkpoints == 0:
		return rep, fmt.Errorf("%w of organization %q in this store", ErrNoEvents, org)
	case rep.Checkpoints == 0:
		return rep, &Error{Org: org, Kind: KindUnsigned, Seq: 1,
			Reason: fmt.Sprintf("no checkpoint signs any of the %d events: all were deleted, or the chain was written without an evidence key", rep.Events)}
	}
	return rep, nil
}

// chainError turns a store.ChainError into an *Error.
func chainError(org string, err error) error {
	var ce *store.ChainError
	if !errors.As(err, &ce) {
		return err
	}
	kind := KindEdited
	if strings.Contains(ce.Reason, "missing or out of order") {
		kind = KindMissing
	}
	return &Error{Org: org, Kind: kind, Seq: ce.Seq, Reason: ce.Reason}
}

// checkpoints reads an organization's checkpoints in order, checking each
// one's signature and its link to the one before.
type checkpoints struct {
	ctx      context.Context
	log      store.CheckpointStore
	vs       note.Verifiers
	current  string // the current key, "name+hash"; the others are retired
	org      string
	signer   string // the key that signed the last read, "name+hash"
	rotated  int64  // the first checkpoint the current key signed, 0 before
	upto     int64  // the last Seq to read
	page     []store.Checkpoint
	last     int64  // Seq of the last read
	lastSize int64  // its Size
	lastNote []byte // its signed note
	done     bool
}

// next returns the next checkpoint's statement, nil after the last.
func (c *checkpoints) next() (*Statement, error) {
	if len(c.page) == 0 && !c.done {
		want := int(min(100, c.upto-c.last))
		if want <= 0 {
			c.done = true
			return nil, nil
		}
		page, err := c.log.Checkpoints(c.ctx, c.org, c.last, want)
		if err != nil {
			return nil, fmt.Errorf("evidence: verify: %w", err)
		}
		c.page, c.done = page, len(page) < want
	}
	if len(c.page) == 0 {
		return nil, nil
	}
	cp := c.page[0]
	c.page = c.page[1:]
	bad := func(kind Kind, format string, args ...any) (*Statement, error) {
		return nil, &Error{Org: c.org, Kind: kind, Checkpoint: cp.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	st, signer, err := openCheckpoint(cp.Note, c.vs)
	switch {
	case err != nil:
		return bad(KindSignature, "%v", strings.TrimPrefix(err.Error(), "evidence: "))
	case st.Org != c.org:
		return bad(KindCheckpoints, "the checkpoint stored as %q's signs organization %q", c.org, st.Org)
	case st.Seq != cp.Seq || st.Size != cp.Size:
		return bad(KindCheckpoints, "stored as checkpoint %d of %d events, it signs checkpoint %d of %d events", cp.Seq, cp.Size, st.Seq, st.Size)
	case st.Seq != c.last+1:
		return bad(KindCheckpoints, "checkpoint %d follows checkpoint %d: checkpoints %d to %d are missing", st.Seq, c.last, c.last+1, st.Seq-1)
	case c.last > 0 && st.Prev != NoteHash(c.lastNote), c.last == 0 && st.Prev != "":
		return bad(KindCheckpoints, "it does not name checkpoint %d, as stored, as the one before it", c.last)
	case st.Size <= c.lastSize:
		return bad(KindCheckpoints, "it signs %d events, no more than checkpoint %d before it", st.Size, c.last)
	case c.rotated > 0 && signer != c.current:
		// A retired key signs nothing after the rotation: a checkpoint it
		// signed later is a forgery with the old key.
		return bad(KindSignature, "it is signed by %s, given as a retired key, after checkpoint %d was signed by the current key: a retired key signs nothing after the rotation (was it leaked? or is it the newer key, to be given as the current one?)", signer, c.rotated)
	}
	if c.rotated == 0 && signer == c.current {
		c.rotated = st.Seq
	}
	c.last, c.lastSize, c.lastNote, c.signer = st.Seq, st.Size, cp.Note, signer
	return &st, nil
}

// spanOf adds checkpoint seq, signed by key, to spans.
func spanOf(spans []KeySpan, key string, seq int64) []KeySpan {
	if n := len(spans); n > 0 && spans[n-1].Key == key && spans[n-1].Last == seq-1 {
		spans[n-1].Last = seq
		return spans
	}
	return append(spans, KeySpan{Key: key, First: seq, Last: seq})
}

// verifyExternal checks that each of the organization's checkpoints kept
// outside the store is in the store, unchanged.
func verifyExternal(ctx context.Context, log store.CheckpointStore, vs note.Verifiers, org string, ext []store.Checkpoint) error {
	for _, e := range ext {
		if e.Org != org {
			continue
		}
		if _, _, err := openCheckpoint(e.Note, vs); err != nil {
			return &Error{Org: org, Kind: KindSignature, Checkpoint: e.Seq, Reason: "the external copy: " + strings.TrimPrefix(err.Error(), "evidence: ")}
		}
		got, err := log.Checkpoints(ctx, org, e.Seq-1, 1)
		if err != nil {
			return fmt.Errorf("evidence: verify: %w", err)
		}
		if len(got) == 0 || got[0].Seq != e.Seq {
			return &Error{Org: org, Kind: KindCheckpoints, Checkpoint: e.Seq, Reason: "kept outside the store, it is missing from the store: deleted"}
		}
		if string(got[0].Note) != string(e.Note) {
			return &Error{Org: org, Kind: KindCheckpoints, Checkpoint: e.Seq, Reason: "the store's copy differs from the one kept outside it: replaced"}
		}
	}
	return nil
}

// locateRewrite returns the first of events 1 to size whose hash is not
// the leaf the store's tree hashes hold for it, or 0 when none differs
// (the tree hashes were rewritten too) or they cannot be read.
func locateRewrite(ctx context.Context, log Log, org string, size int64) int64 {
	for after := int64(0); after < size; {
		evs, err := log.Events(ctx, org, after, int(min(pageSize, size-after)))
		if err != nil || len(evs) == 0 {
			return 0
		}
		idx := make([]int64, len(evs))
		for i, ev := range evs {
			idx[i] = tlog.StoredHashIndex(0, ev.Seq-1)
		}
		leaves, err := log.TreeHashes(ctx, org, idx)
		if err != nil {
			return 0
		}
		for i, ev := range evs {
			if LeafHash(ev.Hash) != leaves[i] {
				return ev.Seq
			}
		}
		after = evs[len(evs)-1].Seq
	}
	return 0
}

// lastCheckpointSeq returns the Seq of the organization's newest
// checkpoint, 0 when it has none.
func lastCheckpointSeq(ctx context.Context, log store.CheckpointStore, org string) (int64, error) {
	cp, err := log.LastCheckpoint(ctx, org)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("evidence: verify: %w", err)
	}
	return cp.Seq, nil
}

// beyondHead returns the Seq of an event the store holds after its chain
// head headSeq, read before: 0 when there is none, or when the head has
// moved past it since (it was appended after the head was read).
func beyondHead(ctx context.Context, log Log, org string, headSeq int64) (int64, error) {
	evs, err := log.Events(ctx, org, headSeq, 1)
	if err != nil {
		return 0, fmt.Errorf("evidence: verify: %w", err)
	}
	if len(evs) == 0 {
		return 0, nil
	}
	now, _, err := log.ChainHead(ctx, org)
	if err != nil {
		return 0, fmt.Errorf("evidence: verify: %w", err)
	}
	if now >= evs[0].Seq {
		return 0, nil
	}
	return evs[0].Seq, nil
}
