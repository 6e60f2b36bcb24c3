package processor

import "github.com/gdprkit/gdpr"

// A trigger is what happened to a request in its status: the cause of a
// move in lifecycle.
type trigger int

const (
	claimed       trigger = iota // a worker took the request up
	searched                     // its subject's terms are known: they are resolved at creation
	stepsDone                    // every step is DONE
	stepsFailed                  // steps failed, none of them with its attempts spent
	attemptsSpent                // a failed step has had every attempt
	finalized                    // the export is packed, the erasure verified, the update over
	interrupted                  // the run was cut short: shutdown or a lost lease
	partsLost                    // cut short while finalizing, with an export part not stored
	retried                      // Retry was called
	parked                       // steps wait on a data store; none failed, none runs
)

var triggerNames = [...]string{"claimed", "searched", "stepsDone", "stepsFailed",
	"attemptsSpent", "finalized", "interrupted", "partsLost", "retried", "parked"}

func (t trigger) String() string { return triggerNames[t] }

// working stands in lifecycle for the status a request holds while its
// steps run (see phase): UPDATING, DELETING, or SEARCHING for an export.
const working gdpr.Status = "(working)"

// lifecycle is every move a request makes: from a status, on a trigger, to
// the next status. A move that is not listed does not happen.
var lifecycle = []struct {
	from gdpr.Status
	on   trigger
	to   gdpr.Status
}{
	{gdpr.StatusInitiated, claimed, gdpr.StatusSearching},
	{gdpr.StatusSearching, searched, working}, // an export stays: its steps are the search
	{working, stepsDone, gdpr.StatusFinalizing},
	{working, stepsFailed, working}, // the failed steps run again after a backoff
	{working, attemptsSpent, gdpr.StatusError},
	{working, interrupted, working}, // the next claim runs the steps not DONE
	{working, parked, working},      // released, holding nothing, until its earliest look
	{gdpr.StatusFinalizing, finalized, gdpr.StatusCompleted},
	{gdpr.StatusFinalizing, stepsFailed, working}, // verification or packing failed: after a backoff
	{gdpr.StatusFinalizing, attemptsSpent, gdpr.StatusError},
	{gdpr.StatusFinalizing, interrupted, gdpr.StatusFinalizing}, // the next claim finalizes
	{gdpr.StatusFinalizing, partsLost, working},                 // their steps run again
	{gdpr.StatusError, retried, gdpr.StatusInitiated},           // failed steps get fresh attempts
}

// next is the status a request of type t moves to from status from on
// trigger on, and false when lifecycle has no such move.
func next(from gdpr.Status, t gdpr.RequestType, on trigger) (gdpr.Status, bool) {
	ph := phase(t)
	for _, m := range lifecycle {
		if m.on != on || (m.from != from && (m.from != working || from != ph)) {
			continue
		}
		if m.to == working {
			return ph, true
		}
		return m.to, true
	}
	return from, false
}

// phase is the status a request of type t holds while its steps run.
func phase(t gdpr.RequestType) gdpr.Status {
	switch t {
	case gdpr.RequestUpdate:
		return gdpr.StatusUpdating
	case gdpr.RequestDelete:
		return gdpr.StatusDeleting
	}
	return gdpr.StatusSearching
}
