package adapter

import (
	"context"

	"github.com/gdprkit/gdpr"
)

// Adapter is one place where personal data lives: a database, a service, a
// file store. The processor asks every adapter to search, export, rectify
// and erase a subject's data, and records each adapter's part of a request
// as a step.
//
// Implementations must keep these contracts:
//
//   - Safe for concurrent use: the processor calls any method from many
//     goroutines at once.
//   - Context honoured: a cancelled ctx ends the call promptly with an error.
//   - Terms arrive normalized (see Normalizer); compare values with data
//     normalized the same way.
//   - Export, Search and Resolve never change data.
//   - Rectify and Erase are idempotent: running one again with the same
//     Op.ID, or after a crash part-way through, is harmless. An adapter
//     should remember operation ids and return the first run's Outcome
//     again, so that the counts on the request stay true after a retry;
//     one that cannot reports what the repeat found.
//   - Callbacks (emit, keep) may be slow; do not hold locks that other
//     calls need while calling them.
//   - Erase asks keep about every record before removing it, and reports
//     each record as deleted, anonymized or retained. It never skips a
//     record silently.
//   - Rectify and Erase that fail part-way should return, with their
//     error, the Outcome of what they did change (updated, deleted,
//     anonymized): the retry finds only what is left, and the processor
//     adds those counts to the step's, so that the request tells what was
//     done. Retained counts of a failed run are not carried: the retry
//     asks about those records again.
//   - Export, Rectify and Erase may return a *WaitError when the data
//     store does the work asynchronously; the processor then calls again
//     later with Op.Waiting set (see WaitError).
//   - A term an adapter cannot search (it holds no such field) matches
//     nothing; it is not an error.
//   - Every call acts for the organization on its context
//     (gdpr.OrganizationFromContext). An adapter that holds several
//     organizations' data (tenant-scoped) searches, resolves, exports,
//     rectifies and erases only that organization's records, linked
//     records included, and refuses a call whose context names no
//     organization with an error matching ErrNoOrganization: never does
//     it treat a missing organization as "all". An adapter that holds one
//     organization's data, or data shared by all, may ignore it.
type Adapter interface {
	// Name identifies the adapter in steps, errors and audit events. It is
	// stable and unique within a processor.
	Name() string

	// Search returns the subjects whose data matches term, each with the
	// fields the adapter knows of it. No match is an empty result.
	Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error)

	// Resolve returns the subject an id term (IsID) names, with every
	// field the adapter knows of it, or an error matching gdpr.ErrNotFound.
	Resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error)

	// Export calls emit once for every record that matches any of terms,
	// and for the records linked to those. An error from emit ends the
	// export with that error.
	Export(ctx context.Context, op Op, terms []gdpr.Term, emit func(Record) error) error

	// Rectify applies every change to the records that match any of terms:
	// wherever a field of the change's kind holds the existing value, it
	// comes to hold the updated value. Outcome.Updated counts the records
	// changed.
	Rectify(ctx context.Context, op Op, terms []gdpr.Term, changes []Change) (gdpr.Outcome, error)

	// Erase deletes or anonymizes every record that matches any of terms
	// and the records linked to them, except those keep retains. The
	// adapter alone decides between deleting and anonymizing, and counts
	// each in the Outcome, with the retained records under their basis.
	Erase(ctx context.Context, op Op, terms []gdpr.Term, keep KeepFunc) (gdpr.Outcome, error)
}

// Op identifies one operation of a request on an adapter, so that the
// adapter can recognise a repeat.
type Op struct {
	RequestID string
	// ID is unique across requests, and the same for every run of one
	// attempt of a step (a run interrupted by a crash is repeated with the
	// same ID; a retry after a failure gets a new one). A run that
	// follows a wait (see WaitError) has the same ID as the run that
	// began to wait.
	ID string
	// Waiting is what an earlier run of the step waited on (see
	// WaitError): the remote ids to look at instead of starting the work
	// again. It is nil when nothing was waited on.
	Waiting []string
}

// Change is one replacement of a GDPR_UPDATE request.
type Change struct {
	Kind gdpr.Kind
	// Existing is the value to replace, normalized.
	Existing string
	// Updated is the new value as the requester wrote it (trimmed and
	// validated): store it, and index its normalized form.
	Updated string
}

// KeepFunc tells an erasing adapter whether the retention policy keeps a
// record, and the legal basis when it does. An error means the policy could
// not decide (a legal-hold lookup failed, say): the adapter must then erase
// nothing of that operation and return the error, so the step is retried.
// A KeepFunc may be slow; adapters must not hold locks that other calls
// need while calling it.
type KeepFunc func(ctx context.Context, rec Record) (basis string, keep bool, err error)

// Record is one record of personal data an adapter holds.
type Record struct {
	// Kind names what the record is, e.g. "externalContact",
	// "chatTranscript".
	Kind string `json:"kind"`
	// ID identifies the record within its adapter.
	ID string `json:"id"`
	// Fields is the record's data, as it is exported. Values must
	// marshal to JSON.
	Fields map[string]any `json:"fields"`
}
