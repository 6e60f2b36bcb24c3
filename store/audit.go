package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
)

// Event is one entry of the audit log: a change of a request. Events carry
// no personal data: ids, statuses, adapter names and counts only.
type Event struct {
	// Org is the organization whose chain the event is on.
	Org string `json:"org"`
	// Seq numbers the organization's events from 1, without gaps.
	Seq int64 `json:"seq"`
	// RequestID is the request the event is about.
	RequestID string `json:"requestId"`
	// Time is when the change happened, in UTC, to the microsecond.
	Time time.Time `json:"time"`
	// Type is what happened: "created", "status", "step", "retry".
	Type string `json:"type"`
	// Status is the request's status after the change.
	Status gdpr.Status `json:"status"`
	// Detail says more, without personal data.
	Detail string `json:"detail,omitempty"`
	// PrevHash is the Hash of the event before, "" for the first.
	PrevHash string `json:"prevHash"`
	// Hash is the SHA-256 of this event's fields and PrevHash, in hex.
	Hash string `json:"hash"`
}

// SealEvent returns ev as the event after prev on its chain (nil prev: the
// first): its Seq, PrevHash and Hash set, and its Time in UTC cut to the
// microsecond, the precision durable stores keep. Stores call it while holding their
// organization's chain, so that appends are serialised.
func SealEvent(ev Event, prev *Event) Event {
	ev.Seq, ev.PrevHash = 1, ""
	if prev != nil {
		ev.Seq, ev.PrevHash = prev.Seq+1, prev.Hash
	}
	ev.Time = ev.Time.UTC().Truncate(time.Microsecond)
	ev.Hash = eventHash(ev)
	return ev
}

func eventHash(ev Event) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(ev.Org)
	field(fmt.Sprint(ev.Seq))
	field(ev.RequestID)
	field(ev.Time.UTC().Format(time.RFC3339Nano))
	field(ev.Type)
	field(string(ev.Status))
	field(ev.Detail)
	field(ev.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainError reports where an audit chain is broken.
type ChainError struct {
	Seq    int64 // the first event that does not verify
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("store: audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// VerifyChain checks that events, in order, form an unbroken chain starting
// after the event prev (nil: from the first event): consecutive Seq, each
// PrevHash the Hash before it, each Hash matching the event's fields. It
// returns a *ChainError at the first event that does not verify.
func VerifyChain(prev *Event, events []Event) error {
	for i := range events {
		ev := &events[i]
		wantSeq, wantPrev := int64(1), ""
		if prev != nil {
			wantSeq, wantPrev = prev.Seq+1, prev.Hash
		}
		switch {
		case ev.Seq != wantSeq:
			return &ChainError{Seq: wantSeq, Reason: fmt.Sprintf("expected seq %d, found %d (an event is missing or out of order)", wantSeq, ev.Seq)}
		case ev.PrevHash != wantPrev:
			return &ChainError{Seq: ev.Seq, Reason: "prevHash does not match the hash of the event before"}
		case ev.Hash != eventHash(*ev):
			return &ChainError{Seq: ev.Seq, Reason: "hash does not match the event's contents (it was altered)"}
		}
		prev = ev
	}
	return nil
}
