package store

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Store keeps requests, their audit events and their export archives. It is
// the processor's only memory: a request a Store has accepted must survive
// whatever the Store promises to survive.
//
// Implementations must keep these contracts:
//
//   - Safe for concurrent use, also by several processors sharing one
//     Store.
//   - Context honoured.
//   - A job returned, and a job passed in, is never shared: the store
//     copies on the way in and out (see Job.Clone).
//   - Get of an id that does not exist, or exists in another organization,
//     returns an error matching ErrNotFound.
//   - Create, Update and their events are one atomic change: either the
//     job and all its events are stored, or none of it.
//   - Events of one organization form one hash chain: the store appends
//     the events of Create and Update to the chain of job.Org (setting
//     their Org to it), gives each the next Seq and links it with
//     SealEvent, serialising appends of the organization. Stores keep
//     event times to the microsecond, as SealEvent hashes them.
//   - Create of a request id the organization already holds is an error;
//     Update and Renew of a job that does not exist match ErrNotFound.
//   - Claim hands a claimable job to one caller at a time: never to two
//     callers whose leases overlap.
type Store interface {
	// Create stores a new job and its creation event. When job has an
	// idempotency key that the organization already used, Create stores
	// nothing and returns the existing job with created false.
	Create(ctx context.Context, job *Job, ev Event) (stored *Job, created bool, err error)

	// FindKey returns the organization's job created with the idempotency
	// key, or an error matching ErrNotFound. Keys of other organizations
	// never match.
	FindKey(ctx context.Context, org, key string) (*Job, error)

	// Get returns the organization's job with the request id.
	Get(ctx context.Context, org, id string) (*Job, error)

	// List returns the organization's jobs that pass f, newest first
	// (CreatedDate, then id, descending), from f.Offset up to f.Limit of
	// them (0: no limit), and how many pass f in all.
	List(ctx context.Context, org string, f Filter) (jobs []*Job, total int, err error)

	// Claim leases one claimable job to the caller until until, marking it
	// with token (never empty), and returns it; ErrNoWork when none is claimable. A job
	// is claimable when its status is not final, NextRun is not after now,
	// and it has no lease or its lease ended before now. Of several, the
	// one with the earliest NextRun comes first.
	Claim(ctx context.Context, token string, now, until time.Time) (*Job, error)

	// Update replaces the stored job with job and appends evs, provided
	// the stored job's LeaseToken equals job.LeaseToken (both "" for a job
	// never claimed); else it stores nothing and returns an error matching
	// ErrLeaseLost. The token is not changed by Update. To release a job,
	// update it with a zero LeaseUntil: its lease has then ended, and it is
	// claimable again (with a new token) once due.
	Update(ctx context.Context, job *Job, evs ...Event) error

	// Renew extends the lease marked token on the job to until, or returns
	// ErrLeaseLost when the job no longer carries token or was released
	// (zero LeaseUntil): a renewal racing a release never leases the job
	// again.
	Renew(ctx context.Context, org, id, token string, until time.Time) error

	// Events returns the organization's audit events with Seq greater than
	// after, in Seq order, at most limit of them (0: all).
	Events(ctx context.Context, org string, after int64, limit int) ([]Event, error)

	// PutBlob stores what r yields under key, replacing any blob there,
	// and returns its size. It reads r as a stream: a blob may be larger
	// than memory. A failed PutBlob leaves no partial blob under key.
	PutBlob(ctx context.Context, key string, r io.Reader) (int64, error)

	// OpenBlob opens the blob under key, or returns ErrNotFound.
	OpenBlob(ctx context.Context, key string) (io.ReadCloser, error)

	// DeleteBlob removes the blob under key; a missing blob is no error.
	DeleteBlob(ctx context.Context, key string) error
}

// BlobUpdater is a Store that can store a small blob together with an
// Update. It is optional: the processor then completes an export whose
// archive is small (see InlineBlobMax) with one write instead of a
// PutBlob and an Update. sqlstore implements it.
type BlobUpdater interface {
	// UpdateWithBlob is Update, which also stores data under key,
	// replacing any blob there. When it returns nil, both the job and
	// the blob are stored. When it returns an error the job is as it was
	// (ErrLeaseLost and ErrNotFound as for Update), and the blob is
	// either the one that was under key or data: a Store that puts both
	// in one transaction leaves the one that was.
	UpdateWithBlob(ctx context.Context, job *Job, key string, data []byte, evs ...Event) error
}

// InlineBlobMax is the size up to which an export archive goes to a
// BlobUpdater with the update that completes its request; a larger one is
// streamed with PutBlob first.
const InlineBlobMax = 64 << 10

// RequestEventer is a Store that reads the audit events of one request
// without reading its organization's whole chain. It is optional:
// Processor.Audit uses it when the Store has it, and reads the chain
// otherwise. memstore and sqlstore implement it.
type RequestEventer interface {
	// RequestEvents returns the organization's events whose RequestID is
	// id, in Seq order; none is no error.
	RequestEvents(ctx context.Context, org, id string) ([]Event, error)
}

// Store errors.
var (
	// ErrNotFound is gdpr.ErrNotFound, so that a store's miss and the
	// API's 404 match the same sentinel.
	ErrNotFound = gdpr.ErrNotFound
	// ErrNoWork is returned by Claim when no job is claimable.
	ErrNoWork = errors.New("store: no claimable job")
	// ErrLeaseLost is returned by Update and Renew when the job's lease
	// passed to another caller.
	ErrLeaseLost = errors.New("store: lease lost")
)

// Job is a request as a Store keeps it: the wire request and the engine's
// bookkeeping.
type Job struct {
	// Org is the organization the request belongs to.
	Org string
	// Request is the request as the API shows it, steps included.
	Request gdpr.Request
	// IdempotencyKey is the key the request was created with, or "".
	IdempotencyKey string
	// Fingerprint identifies the creating spec, to tell a repeat from a
	// conflicting reuse of the idempotency key.
	Fingerprint string
	// Terms are the normalized terms the adapters act on.
	Terms []gdpr.Term
	// Changes are the normalized replacements of an update.
	Changes []adapter.Change
	// NextRun is the earliest time the job may be claimed.
	NextRun time.Time
	// LeaseToken marks the caller holding the job, "" when none does.
	LeaseToken string
	// LeaseUntil is when the lease ends.
	LeaseUntil time.Time
	// Results is the blob key of the export archive, once made.
	Results string
	// Retries counts the times the request was retried after ERROR.
	Retries int
	// Minimized is when the request's personal data was replaced by keyed
	// hashes (see WithMinimization); zero until then.
	Minimized time.Time
	// Correlation is the correlation id of the API call that created the
	// request, or "": the processor's log lines about the request carry
	// it, so that an operator can join them to that call's lines.
	Correlation string
}

// Clone returns a deep copy of j.
func (j *Job) Clone() *Job {
	if j == nil {
		return nil
	}
	c := *j
	c.Request = *j.Request.Clone()
	c.Terms = slices.Clone(j.Terms)
	c.Changes = slices.Clone(j.Changes)
	return &c
}

// Filter selects jobs in Store.List.
type Filter struct {
	// Statuses keeps jobs in one of these statuses; empty keeps all.
	Statuses []gdpr.Status
	// Open keeps only jobs whose status is not final.
	Open bool
	// DueBefore, when set, keeps only jobs due before it.
	DueBefore time.Time
	// Offset skips that many jobs; Limit caps how many are returned (0:
	// no cap).
	Offset, Limit int
}

// Match reports whether j passes f (ignoring Offset and Limit). Stores may
// use it, or do the same in their query language.
func (f Filter) Match(j *Job) bool {
	st := j.Request.Status
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, st) {
		return false
	}
	if f.Open && st.Done() {
		return false
	}
	if !f.DueBefore.IsZero() && !j.Request.DueDate.Before(f.DueBefore) {
		return false
	}
	return true
}
