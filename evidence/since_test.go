package evidence_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// countingLog counts the events and checkpoints a check reads.
type countingLog struct {
	evidence.Log
	events, checkpoints int
}

func (l *countingLog) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	evs, err := l.Log.Events(ctx, org, after, limit)
	l.events += len(evs)
	return evs, err
}

func (l *countingLog) Checkpoints(ctx context.Context, org string, after int64, limit int) ([]store.Checkpoint, error) {
	cps, err := l.Log.Checkpoints(ctx, org, after, limit)
	l.checkpoints += len(cps)
	return cps, err
}

// signedChain is a store with acme's requests req-0 to req-(n-1), four
// events each, signed by one checkpoint, and what Verify made of it.
func signedChain(t *testing.T, n int) (*memstore.Store, *evidence.Checkpointer, note.Verifier, evidence.Report) {
	t.Helper()
	s := memstore.New()
	k := newKey(t)
	cp := &evidence.Checkpointer{Log: s, Key: k, Now: func() time.Time { return t0 }}
	addRequests(t, s, 0, n)
	if _, err := cp.Checkpoint(t.Context(), "acme"); err != nil {
		t.Fatal(err)
	}
	v, _ := evidence.Verifier(k.PublicKey())
	rep, err := evidence.Verify(t.Context(), s, v, "acme", evidence.VerifyOptions{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return s, cp, v, rep
}

func addRequests(t *testing.T, s store.Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		finishedV2(t, s, "acme", fmt.Sprintf("req-%d", i))
	}
}

// VerifySince reads the checkpoints and events added after its mark, and
// the mark's event and checkpoint again, not the chain before them.
func TestVerifySinceReadsWhatIsNew(t *testing.T) {
	ctx := t.Context()
	s, cp, v, full := signedChain(t, 2)
	if m := full.Mark; m.Event.Seq != 8 || m.Checkpoint.Seq != 1 || m.Checkpoint.Size != 8 || !m.UnsignedSince.IsZero() {
		t.Fatalf("Verify's mark = event %d, checkpoint %d of %d events, unsigned since %v; want event 8, checkpoint 1 of 8, all signed",
			m.Event.Seq, m.Checkpoint.Seq, m.Checkpoint.Size, m.UnsignedSince)
	}
	addRequests(t, s, 2, 4)
	if _, err := cp.Checkpoint(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	addRequests(t, s, 4, 5) // events 17 to 20, signed by none

	for _, step := range []struct {
		name                    string
		sign                    bool // sign a checkpoint first
		events, checkpoints     int64
		covered                 int64
		readEvents, readChecked int
		unsigned                bool
	}{
		// The mark's event and checkpoint, read back, and the 12 events
		// and 1 checkpoint after them.
		{"after Verify", false, 12, 1, 16, 13, 2, true},
		{"nothing new", false, 0, 0, 16, 1, 1, true},
		// The new checkpoint signs up to the mark's event: no event read
		// but the mark's.
		{"a checkpoint of the events already read", true, 0, 1, 20, 1, 2, false},
	} {
		if step.sign {
			if _, err := cp.Checkpoint(ctx, "acme"); err != nil {
				t.Fatal(err)
			}
		}
		log := &countingLog{Log: s}
		rep, err := evidence.VerifySince(ctx, log, v, "acme", full.Mark)
		if err != nil {
			t.Fatalf("%s: VerifySince: %v", step.name, err)
		}
		if rep.Events != step.events || rep.Checkpoints != step.checkpoints || rep.Covered != step.covered ||
			rep.UnsignedSince.IsZero() != !step.unsigned || rep.Mark.Event.Seq != 20 {
			t.Errorf("%s: verified %d events and %d checkpoints, covered %d, unsigned since %v, mark at event %d; want %d, %d, %d, unsigned %v, event 20",
				step.name, rep.Events, rep.Checkpoints, rep.Covered, rep.UnsignedSince, rep.Mark.Event.Seq,
				step.events, step.checkpoints, step.covered, step.unsigned)
		}
		if log.events != step.readEvents || log.checkpoints != step.readChecked {
			t.Errorf("%s: read %d events and %d checkpoints; want %d and %d", step.name, log.events, log.checkpoints, step.readEvents, step.readChecked)
		}
		full = rep
	}
	if full.Mark.Checkpoint.Seq != 3 {
		t.Errorf("the mark names checkpoint %d, want 3", full.Mark.Checkpoint.Seq)
	}
}

// alteredLog is a Log whose reads are changed by tamper, as someone with
// write access to the database could change it.
type alteredLog struct {
	evidence.Log
	events      func([]store.Event) []store.Event           // the whole chain, as read
	checkpoints func([]store.Checkpoint) []store.Checkpoint // every checkpoint, as read
	head        func(seq int64, hash string) (int64, string)
}

func (l alteredLog) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	if l.events == nil {
		return l.Log.Events(ctx, org, after, limit)
	}
	all, err := l.Log.Events(ctx, org, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []store.Event
	for _, ev := range l.events(all) {
		if ev.Seq > after && (limit == 0 || len(out) < limit) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (l alteredLog) Checkpoints(ctx context.Context, org string, after int64, limit int) ([]store.Checkpoint, error) {
	if l.checkpoints == nil {
		return l.Log.Checkpoints(ctx, org, after, limit)
	}
	all, err := l.Log.Checkpoints(ctx, org, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []store.Checkpoint
	for _, cp := range l.checkpoints(all) {
		if cp.Seq > after && (limit == 0 || len(out) < limit) {
			out = append(out, cp)
		}
	}
	return out, nil
}

func (l alteredLog) ChainHead(ctx context.Context, org string) (int64, string, error) {
	seq, hash, err := l.Log.ChainHead(ctx, org)
	if l.head != nil && err == nil {
		seq, hash = l.head(seq, hash)
	}
	return seq, hash, err
}

// edit changes event seq's detail, without sealing the chain again.
func edit(seq int64) func([]store.Event) []store.Event {
	return func(evs []store.Event) []store.Event {
		for i := range evs {
			if evs[i].Seq == seq {
				evs[i].Detail = "nothing to see here"
			}
		}
		return evs
	}
}

// reseal changes event seq's detail and seals the chain again after it.
func reseal(seq int64) func([]store.Event) []store.Event {
	return func(evs []store.Event) []store.Event {
		var prev *store.Event
		for i := range evs {
			if evs[i].Seq == seq {
				evs[i].Detail = "nothing to see here"
			}
			if evs[i].Seq >= seq {
				evs[i] = store.SealEvent(evs[i], prev)
			}
			prev = &evs[i]
		}
		return evs
	}
}

// upTo keeps the events up to seq.
func upTo(seq int64) func([]store.Event) []store.Event {
	return func(evs []store.Event) []store.Event { return evs[:seq] }
}

// VerifySince finds, and places, what was changed after the mark, and at
// the mark.
func TestVerifySinceFindsWhatChanged(t *testing.T) {
	otherKey := newKey(t)
	for _, tc := range []struct {
		name   string
		alter  func(s *memstore.Store) alteredLog
		kind   evidence.Kind
		seq    int64
		cp     int64
		reason string
	}{
		{"an event after the mark edited", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, events: edit(10)}
		}, evidence.KindEdited, 10, 0, "altered"},
		{"the mark's event edited", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, events: edit(8)}
		}, evidence.KindEdited, 8, 0, "altered"},
		{"the mark's event sealed again", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, events: reseal(8)}
		}, evidence.KindEdited, 8, 0, "changed since it was verified"},
		{"events after the mark sealed again", func(s *memstore.Store) alteredLog {
			resealed := reseal(10)
			return alteredLog{Log: s, events: resealed, head: func(seq int64, _ string) (int64, string) {
				all, _ := s.Events(context.Background(), "acme", 0, 0)
				return seq, resealed(all)[seq-1].Hash
			}}
		}, evidence.KindRewritten, 16, 2, "sealed again"},
		{"a checkpoint signed by another key", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, checkpoints: resign(t, otherKey, 2)}
		}, evidence.KindSignature, 0, 2, "not signed by the evidence key"},
		{"the mark's checkpoint replaced", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, checkpoints: resign(t, otherKey, 1)}
		}, evidence.KindCheckpoints, 0, 1, "verified before"},
		{"the newest events deleted", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, events: upTo(12)}
		}, evidence.KindTail, 13, 2, "events 13 to 16 were deleted"},
		{"events deleted and the head rewound", func(s *memstore.Store) alteredLog {
			return alteredLog{Log: s, events: upTo(12), head: func(int64, string) (int64, string) {
				all, _ := s.Events(context.Background(), "acme", 0, 0)
				return 12, all[11].Hash
			}}
		}, evidence.KindTail, 13, 2, "were deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, cp, v, full := signedChain(t, 2)
			addRequests(t, s, 2, 4)
			if _, err := cp.Checkpoint(t.Context(), "acme"); err != nil {
				t.Fatal(err)
			}
			if _, err := evidence.VerifySince(t.Context(), s, v, "acme", full.Mark); err != nil {
				t.Fatalf("before the change: %v", err)
			}
			_, err := evidence.VerifySince(t.Context(), tc.alter(s), v, "acme", full.Mark)
			var ee *evidence.Error
			if !errors.As(err, &ee) || ee.Kind != tc.kind || ee.Seq != tc.seq || ee.Checkpoint != tc.cp || !strings.Contains(ee.Reason, tc.reason) {
				t.Fatalf("VerifySince = %v; want %s at event %d, checkpoint %d, saying %q", err, tc.kind, tc.seq, tc.cp, tc.reason)
			}
		})
	}
}

// resign replaces checkpoint seq with the same statement signed by k.
func resign(t *testing.T, k *evidence.Key, seq int64) func([]store.Checkpoint) []store.Checkpoint {
	return func(cps []store.Checkpoint) []store.Checkpoint {
		for i := range cps {
			if cps[i].Seq != seq {
				continue
			}
			text, _, _ := strings.Cut(string(cps[i].Note), "\n\n")
			st, err := evidence.ParseStatement(text + "\n")
			if err != nil {
				t.Error(err)
				return cps
			}
			if cps[i].Note, err = k.Sign(st); err != nil {
				t.Error(err)
			}
		}
		return cps
	}
}

// growingLog is a Log to which a processor appends a request, and signs
// a checkpoint of it, just after a check read the chain head.
type growingLog struct {
	evidence.Log
	grow func()
}

func (l *growingLog) ChainHead(ctx context.Context, org string) (int64, string, error) {
	seq, hash, err := l.Log.ChainHead(ctx, org)
	if l.grow != nil {
		l.grow()
		l.grow = nil
	}
	return seq, hash, err
}

// A check of a store in use verifies the chain as it stood when the check
// began, and leaves what was added meanwhile to the next, rather than
// taking it for a deleted tail or an altered head.
func TestVerifyWhileTheChainGrows(t *testing.T) {
	ctx := t.Context()
	s, cp, v, _ := signedChain(t, 2)
	n := 2
	grow := func() {
		addRequests(t, s, n, n+1)
		n++
		if _, err := cp.Checkpoint(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := evidence.Verify(ctx, &growingLog{Log: s, grow: grow}, v, "acme", evidence.VerifyOptions{})
	if err != nil || rep.Events != 8 || rep.Checkpoints != 1 || rep.Mark.Event.Seq != 8 {
		t.Fatalf("Verify while a request was added = %+v, %v; want the 8 events and 1 checkpoint of its start", rep, err)
	}
	next, err := evidence.VerifySince(ctx, &growingLog{Log: s, grow: grow}, v, "acme", rep.Mark)
	if err != nil || next.Events != 4 || next.Checkpoints != 1 || next.Mark.Event.Seq != 12 {
		t.Fatalf("VerifySince while a request was added = %+v, %v; want the 4 events and 1 checkpoint added before it began", next, err)
	}
	if last, err := evidence.VerifySince(ctx, s, v, "acme", next.Mark); err != nil || last.Events != 4 || last.Covered != 16 {
		t.Fatalf("the next VerifySince = %+v, %v; want the last 4 events, all signed", last, err)
	}
}
