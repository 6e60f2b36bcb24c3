package adapter

import (
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
)

// ErrWaiting matches a *WaitError with errors.Is.
var ErrWaiting = errors.New("adapter: waiting on the data store")

// WaitError is what Export, Rectify or Erase return when the data store
// accepted the work but does it in its own time: a hosted GDPR API may
// take days to erase. It is not a failure. The processor records On on
// the step (WAITING), releases the request, holding no worker and no
// lease, and runs the same Op again once After has passed (or later: it
// backs off between looks), on any processor sharing the Store, with
// Op.Waiting set to On.
//
// An adapter that returns a WaitError must have made the remote work
// findable again before returning: either On is all it needs (remote
// request ids it can look up), or the remote work was created under keys
// derived from Op.ID, so that a crash before the processor stored On
// creates nothing twice.
type WaitError struct {
	// On lists the remote ids of the work waited on. It must not be
	// empty.
	On []string
	// After is the least time before the next look; 0 leaves it to the
	// processor's backoff.
	After time.Duration
	// Outcome is what is settled already, such as the records the
	// retention policy kept. The processor adds it to the Outcome the
	// operation returns when the wait is over.
	Outcome gdpr.Outcome
	// Detail says, without personal data, where the remote work stands
	// ("2 of 3 remote requests completed").
	Detail string
}

func (e *WaitError) Error() string {
	msg := fmt.Sprintf("adapter: waiting on %d remote operations", len(e.On))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is matches ErrWaiting.
func (e *WaitError) Is(target error) bool { return target == ErrWaiting }
