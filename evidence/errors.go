package evidence

import (
	"errors"
	"fmt"
)

// Kind names what Verify found wrong.
type Kind string

// What Verify finds.
const (
	// KindEdited: an event does not match its hash, or its link to the
	// event before is broken.
	KindEdited Kind = "edited event"
	// KindMissing: an event is missing or out of order.
	KindMissing Kind = "missing or reordered event"
	// KindRewritten: the chain holds together but is not the chain a
	// checkpoint signed: it was edited and sealed again.
	KindRewritten Kind = "rewritten chain"
	// KindTail: events a checkpoint or the chain head counts are gone.
	KindTail Kind = "deleted events"
	// KindCheckpoints: a checkpoint is missing, out of order, or altered.
	KindCheckpoints Kind = "deleted or reordered checkpoint"
	// KindSignature: a checkpoint is not signed by the evidence key.
	KindSignature Kind = "signature"
	// KindUnsigned: events no checkpoint covers at all.
	KindUnsigned Kind = "unsigned chain"
)

// Error is what Verify found wrong, and where.
type Error struct {
	Org        string
	Kind       Kind
	Seq        int64 // the event where it shows, 0 when none
	Checkpoint int64 // the checkpoint involved, 0 when none
	Reason     string
}

func (e *Error) Error() string {
	where := ""
	if e.Seq > 0 {
		where += fmt.Sprintf(" at event %d", e.Seq)
	}
	if e.Checkpoint > 0 {
		where += fmt.Sprintf(" (checkpoint %d)", e.Checkpoint)
	}
	return fmt.Sprintf("evidence: organization %q: %s%s: %s", e.Org, e.Kind, where, e.Reason)
}

// ErrNoEvents is returned by Verify for an organization with no events and
// no checkpoints in the store: there is nothing to check, which is not a
// success.
var ErrNoEvents = errors.New("evidence: no audit events")
