package evidence

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/store"
)

// Mark is where a check of a chain ended: the last event and the newest
// checkpoint it verified. Verify and VerifySince return one in
// Report.Mark, for VerifySince to go on from. The zero Mark is the start
// of a chain.
type Mark struct {
	// Event is the last event verified; Seq 0 when there was none.
	Event store.Event
	// Checkpoint is what the newest checkpoint verified says; Seq 0 when
	// there was none.
	Checkpoint Statement
	// Note is that checkpoint's signed note, as the store holds it.
	Note []byte
	// UnsignedSince is the time of the first event up to Event that
	// Checkpoint does not sign, zero when it signs them all.
	UnsignedSince time.Time
}

// VerifySince checks what the store added to the organization's audit
// chain after from, a Mark that Verify or VerifySince returned, reading
// what was added and not the whole chain: each checkpoint after from's,
// its signature with the verifier's key, its number, its link to the one
// before and that it signs more events; each event after from's, its
// hash and link to the one before; that the newest checkpoint names as
// the chain's head the event the store holds at its size (so that events
// changed after it signed them and sealed again are found); and that no
// event a checkpoint or the store's chain head counts is gone. It first
// reads from's event and checkpoint back: one deleted or changed since
// fails at once.
//
// It does not recompute the new checkpoints' Merkle roots, and does not
// read the events before from's: an event changed before from's, the
// chain not sealed again, is found by the next Verify. Events no
// checkpoint signs yet are no error here; Report.UnsignedSince says since
// when.
//
// Checkpoints are checked with v's key and the retired public keys, as
// VerifyOptions.Retired: a retired key signs nothing after the current
// key's first checkpoint.
//
// The Report counts what this call verified, the events and checkpoints
// after from's; Covered is the size of the newest checkpoint and Mark
// where the call ended. What does not hold is an *Error.
func VerifySince(ctx context.Context, log Log, v note.Verifier, org string, from Mark, retired ...string) (Report, error) {
	rep := Report{Org: org, Mark: from}
	vs, err := ring(v, retired)
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: retired keys: %w", err)
	}
	// The checkpoints before the head, as in Verify: none of them signs
	// more events than the head counts unless events were deleted.
	cps, err := checkpointsAfter(ctx, log, vs, keyID(v.Name(), v.KeyHash()), org, from)
	if err != nil {
		return rep, err
	}
	newest, fresh := from.Checkpoint, false
	for {
		st, err := cps.next()
		if err != nil {
			return rep, err
		}
		if st == nil {
			break
		}
		newest, fresh = *st, true
		rep.Checkpoints++
	}
	headSeq, headHash, err := log.ChainHead(ctx, org)
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: %w", err)
	}
	if headSeq < from.Event.Seq {
		return rep, &Error{Org: org, Kind: KindTail, Seq: headSeq + 1,
			Reason: fmt.Sprintf("the store's chain head records event %d, but event %d was verified before: events %d to %d were deleted, or the head was altered", headSeq, from.Event.Seq, headSeq+1, from.Event.Seq)}
	}
	prev, err := readBack(ctx, log, org, from.Event)
	if err != nil {
		return rep, err
	}
	// The first event the newest checkpoint does not sign.
	unsigned := newest.Size + 1
	switch {
	case unsigned > from.Event.Seq: // among the events read below, if any
		rep.UnsignedSince = time.Time{}
	case !fresh:
		rep.UnsignedSince = from.UnsignedSince
	default:
		ev, err := eventAt(ctx, log, org, unsigned)
		if err != nil {
			return rep, err
		}
		rep.UnsignedSince = ev.Time
	}
	if fresh && newest.Size <= from.Event.Seq {
		at := prev
		if newest.Size < from.Event.Seq {
			if at, err = eventAt(ctx, log, org, newest.Size); err != nil {
				return rep, err
			}
		}
		if err := headMatches(org, newest, at); err != nil {
			return rep, err
		}
	}
	for last := from.Event.Seq; last < headSeq; {
		want := int(min(pageSize, headSeq-last))
		evs, err := log.Events(ctx, org, last, want)
		if err != nil {
			return rep, fmt.Errorf("evidence: verify: %w", err)
		}
		if err := store.VerifyChain(prev, evs); err != nil {
			return rep, chainError(org, err)
		}
		for i := range evs {
			ev := &evs[i]
			rep.Events++
			if ev.Seq == unsigned {
				rep.UnsignedSince = ev.Time
			}
			if fresh && ev.Seq == newest.Size {
				if err := headMatches(org, newest, ev); err != nil {
					return rep, err
				}
			}
		}
		if len(evs) > 0 {
			prev, last = &evs[len(evs)-1], evs[len(evs)-1].Seq
		}
		if len(evs) < want {
			break
		}
	}
	var lastSeq int64
	if prev != nil {
		lastSeq = prev.Seq
	}
	beyond, err := beyondHead(ctx, log, org, headSeq)
	if err != nil {
		return rep, err
	}
	switch {
	case newest.Size > lastSeq:
		return rep, &Error{Org: org, Kind: KindTail, Seq: lastSeq + 1, Checkpoint: newest.Seq,
			Reason: fmt.Sprintf("checkpoint %d signs %d events, the store has %d: events %d to %d were deleted", newest.Seq, newest.Size, lastSeq, lastSeq+1, newest.Size)}
	case headSeq > lastSeq:
		return rep, &Error{Org: org, Kind: KindTail, Seq: lastSeq + 1,
			Reason: fmt.Sprintf("the store's chain head records event %d, the events end at %d: events %d to %d were deleted", headSeq, lastSeq, lastSeq+1, headSeq)}
	case beyond > 0:
		return rep, &Error{Org: org, Kind: KindTail, Seq: headSeq,
			Reason: fmt.Sprintf("the store holds event %d after its chain head (event %d): the head was altered", beyond, headSeq)}
	case prev != nil && headHash != prev.Hash:
		return rep, &Error{Org: org, Kind: KindTail, Seq: headSeq,
			Reason: fmt.Sprintf("the store's chain head records another hash for event %d than the event has: the head was altered", headSeq)}
	}
	rep.Covered = newest.Size
	rep.Mark = Mark{Checkpoint: newest, Note: cps.lastNote, UnsignedSince: rep.UnsignedSince}
	if prev != nil {
		rep.Mark.Event = *prev
	}
	return rep, nil
}

// checkpointsAfter reads from's checkpoint back, unchanged, and returns
// the reader of the checkpoints after it, linked to it, checking them
// with vs, of which current is the current key.
func checkpointsAfter(ctx context.Context, log Log, vs note.Verifiers, current, org string, from Mark) (*checkpoints, error) {
	cps := &checkpoints{ctx: ctx, log: log, vs: vs, current: current, org: org, upto: math.MaxInt64,
		last: from.Checkpoint.Seq, lastSize: from.Checkpoint.Size, lastNote: from.Note}
	if from.Checkpoint.Seq == 0 {
		return cps, nil
	}
	// A checkpoint after one the current key signed must be the current
	// key's too.
	if _, signer, err := openCheckpoint(from.Note, vs); err == nil && signer == current {
		cps.rotated = from.Checkpoint.Seq
	}
	const page = 100
	got, err := log.Checkpoints(ctx, org, from.Checkpoint.Seq-1, page)
	if err != nil {
		return nil, fmt.Errorf("evidence: verify: %w", err)
	}
	if len(got) == 0 || got[0].Seq != from.Checkpoint.Seq || !bytes.Equal(got[0].Note, from.Note) {
		return nil, &Error{Org: org, Kind: KindCheckpoints, Checkpoint: from.Checkpoint.Seq,
			Reason: fmt.Sprintf("checkpoint %d, verified before, is gone from the store or was replaced", from.Checkpoint.Seq)}
	}
	cps.page, cps.done = got[1:], len(got) < page
	return cps, nil
}

// readBack reads the event verified before back and checks it is as it
// was; nil when there was none.
func readBack(ctx context.Context, log Log, org string, was store.Event) (*store.Event, error) {
	if was.Seq == 0 {
		return nil, nil
	}
	ev, err := eventAt(ctx, log, org, was.Seq)
	if err != nil {
		return nil, err
	}
	if ev.Hash != was.Hash {
		return nil, &Error{Org: org, Kind: KindEdited, Seq: was.Seq,
			Reason: fmt.Sprintf("event %d changed since it was verified: its hash is not the one verified before", was.Seq)}
	}
	return ev, nil
}

// eventAt reads event seq and checks it against its own hash.
func eventAt(ctx context.Context, log Log, org string, seq int64) (*store.Event, error) {
	evs, err := log.Events(ctx, org, seq-1, 1)
	if err != nil {
		return nil, fmt.Errorf("evidence: verify: %w", err)
	}
	if len(evs) == 0 || evs[0].Seq != seq {
		return nil, &Error{Org: org, Kind: KindMissing, Seq: seq,
			Reason: fmt.Sprintf("event %d, verified before, is gone from the store", seq)}
	}
	ev := &evs[0]
	if err := store.VerifyChain(&store.Event{Seq: seq - 1, Hash: ev.PrevHash}, evs); err != nil {
		return nil, chainError(org, err)
	}
	return ev, nil
}

// headMatches checks that the checkpoint names ev, the event at its size,
// as the chain's head.
func headMatches(org string, st Statement, ev *store.Event) error {
	if ev.Hash == st.Head {
		return nil
	}
	return &Error{Org: org, Kind: KindRewritten, Seq: st.Size, Checkpoint: st.Seq,
		Reason: fmt.Sprintf("event %d is not the event checkpoint %d signed as the chain's head: the chain was changed up to it and sealed again", st.Size, st.Seq)}
}
