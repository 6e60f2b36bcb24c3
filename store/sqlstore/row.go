package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// jobColumns are the columns a job is read from, in scanJob's order.
const jobColumns = `org, id, idempotency_key, fingerprint, created_date, due_date, modified_date,
	completed_date, verified_date, next_run, lease_token, lease_until, results, retries, request, terms, changes,
	minimized_date, correlation`

// jobValues are the columns a job is written to, in jobArgs's order.
const jobValues = `org, id, create_key, idempotency_key, fingerprint, request_type, status, open,
	created_date, due_date, modified_date, completed_date, verified_date, next_run, lease_token, lease_until,
	results, retries, request, terms, changes, minimized_date, correlation`

// jobArgs returns the values of jobValues for j, as $1 to $23.
func (d dialect) jobArgs(j *store.Job) ([]any, error) {
	r := &j.Request
	req, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	terms, err := json.Marshal(j.Terms)
	if err != nil {
		return nil, fmt.Errorf("encode terms: %w", err)
	}
	changes, err := json.Marshal(j.Changes)
	if err != nil {
		return nil, fmt.Errorf("encode changes: %w", err)
	}
	var verified time.Time
	if r.Verification != nil {
		verified = r.Verification.Date.Time
	}
	return []any{
		j.Org, r.ID, j.IdempotencyKey, j.IdempotencyKey, j.Fingerprint, string(r.RequestType), string(r.Status), !r.Status.Done(),
		d.time(r.CreatedDate.Time), d.time(r.DueDate.Time), d.time(r.ModifiedDate.Time), d.time(r.CompletedDate.Time), d.time(verified),
		d.time(j.NextRun), j.LeaseToken, d.time(j.LeaseUntil),
		j.Results, j.Retries, string(req), string(terms), string(changes), d.time(j.Minimized), j.Correlation,
	}, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanJob reads a job from the columns of jobColumns. The wire request is
// kept as JSON, whose dates have milliseconds only: they are read from
// their columns, which keep microseconds.
func scanJob(sc scanner) (*store.Job, error) {
	var (
		j                                           store.Job
		created, due, modified, completed, verified time.Time
		req, terms, changes                         []byte
	)
	err := sc.Scan(&j.Org, &j.Request.ID, &j.IdempotencyKey, &j.Fingerprint,
		timeCol{&created}, timeCol{&due}, timeCol{&modified}, timeCol{&completed}, timeCol{&verified},
		timeCol{&j.NextRun}, &j.LeaseToken, timeCol{&j.LeaseUntil}, &j.Results, &j.Retries,
		&req, &terms, &changes, timeCol{&j.Minimized}, &j.Correlation)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(req, &j.Request); err != nil {
		return nil, fmt.Errorf("decode request %s: %w", j.Request.ID, err)
	}
	if err := json.Unmarshal(terms, &j.Terms); err != nil {
		return nil, fmt.Errorf("decode terms of %s: %w", j.Request.ID, err)
	}
	if err := json.Unmarshal(changes, &j.Changes); err != nil {
		return nil, fmt.Errorf("decode changes of %s: %w", j.Request.ID, err)
	}
	r := &j.Request
	r.CreatedDate, r.DueDate = gdpr.Time{Time: created}, gdpr.Time{Time: due}
	r.ModifiedDate, r.CompletedDate = gdpr.Time{Time: modified}, gdpr.Time{Time: completed}
	if r.Verification != nil {
		r.Verification.Date = gdpr.Time{Time: verified}
	}
	return &j, nil
}
