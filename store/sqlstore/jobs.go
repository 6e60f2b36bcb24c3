package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// inTx runs f in a write transaction and commits it, or rolls it back when
// f fails.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// stored returns a copy of j as the store keeps it: times in UTC, cut to
// the microsecond.
func stored(j *store.Job) *store.Job {
	c := j.Clone()
	cut := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Time{}
		}
		return t.UTC().Truncate(time.Microsecond)
	}
	r := &c.Request
	r.CreatedDate.Time, r.DueDate.Time = cut(r.CreatedDate.Time), cut(r.DueDate.Time)
	r.ModifiedDate.Time, r.CompletedDate.Time = cut(r.ModifiedDate.Time), cut(r.CompletedDate.Time)
	if r.Verification != nil {
		r.Verification.Date.Time = cut(r.Verification.Date.Time)
	}
	c.NextRun, c.LeaseUntil = cut(c.NextRun), cut(c.LeaseUntil)
	return c
}

// Create stores a copy of job and appends ev, with ev.Org set to job.Org,
// to that organization's chain, in one transaction. When
// job.IdempotencyKey is not "" and the organization already created a job
// with it, Create stores nothing and returns that job as it is now, with
// created false; a key stays with the job first created with it, even if
// an Update changes the job's IdempotencyKey. A request id the
// organization already holds is refused with an error matching
// gdpr.ErrConflict.
func (s *Store) Create(ctx context.Context, job *store.Job, ev store.Event) (*store.Job, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("sqlstore: create: %w", err)
	}
	if job.Request.ID == "" {
		return nil, false, errors.New("sqlstore: create: the job has no request id")
	}
	args, err := s.d.jobArgs(job)
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: create: %w", err)
	}
	var existing *store.Job
	c := &change{ctx: ctx, org: job.Org, id: job.Request.ID,
		query: `INSERT INTO jobs (` + jobValues + `)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
			ON CONFLICT DO NOTHING`,
		args:   args,
		events: []store.Event{ev},
		// A unique index refused the job: its key, or its id.
		settle: func(ctx context.Context, q querier) error {
			existing = nil
			if job.IdempotencyKey != "" {
				j, err := scanJob(q(ctx, `SELECT `+jobColumns+` FROM jobs
					WHERE org = $1 AND create_key = $2`, job.Org, job.IdempotencyKey))
				if err == nil {
					existing = j
					return nil
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			return &refusal{fmt.Errorf("request %q exists: %w", job.Request.ID, gdpr.ErrConflict)}
		}}
	if err := s.writes.do(c); err != nil {
		return nil, false, fmt.Errorf("sqlstore: create: %w", err)
	}
	if !c.changed {
		return existing, false, nil
	}
	if s.stats != nil {
		s.stats.jobCreated()
	}
	return stored(job), true, nil
}

// FindKey returns the organization's job that Create stored with the
// idempotency key, or an error matching gdpr.ErrNotFound. The empty
// key matches no job, and keys of other organizations never match.
func (s *Store) FindKey(ctx context.Context, org, key string) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find key: %w", err)
	}
	if key == "" {
		return nil, fmt.Errorf("sqlstore: find key: %w", gdpr.ErrNotFound)
	}
	j, err := scanJob(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+jobColumns+` FROM jobs
		WHERE org = $1 AND create_key = $2`), org, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: find key: %w", gdpr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find key: %w", err)
	}
	return j, nil
}

// Get returns the organization's job with the request id, or an error
// matching gdpr.ErrNotFound.
func (s *Store) Get(ctx context.Context, org, id string) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: get: %w", err)
	}
	j, err := scanJob(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+jobColumns+` FROM jobs
		WHERE org = $1 AND id = $2`), org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: get request %q: %w", id, gdpr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get request %q: %w", id, err)
	}
	return j, nil
}

// List returns the organization's jobs that pass f, newest first
// (Request.CreatedDate, then request id, descending), paged by f.Offset and
// f.Limit, and how many jobs pass f in all, both read from one snapshot.
func (s *Store) List(ctx context.Context, org string, f store.Filter) ([]*store.Job, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
	}
	where, args := "org = $1", []any{org}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		ps := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ps[i] = arg(string(st))
		}
		where += " AND status IN (" + strings.Join(ps, ", ") + ")"
	}
	if f.Open {
		where += " AND open"
	}
	if !f.DueBefore.IsZero() {
		where += " AND due_date < " + arg(s.d.time(f.DueBefore))
	}
	filterArgs := len(args)
	page := ""
	switch offset := max(f.Offset, 0); {
	case f.Limit > 0:
		page = " LIMIT " + arg(f.Limit) + " OFFSET " + arg(offset)
	case offset > 0 && s.d.postgres:
		page = " OFFSET " + arg(offset)
	case offset > 0:
		page = " LIMIT -1 OFFSET " + arg(offset)
	}

	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, s.d.q("SELECT COUNT(*) FROM jobs WHERE "+where), args[:filterArgs]...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := tx.QueryContext(ctx, s.d.q("SELECT "+jobColumns+" FROM jobs WHERE "+where+
		" ORDER BY created_date DESC, id DESC"+page), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
	}
	defer rows.Close()
	var jobs []*store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list: %w", err)
	}
	return jobs, total, nil
}

// Update replaces the stored job with a copy of job and appends evs to the
// chain of job.Org, in one transaction, provided the stored job's
// LeaseToken equals job.LeaseToken. Otherwise it stores nothing and
// returns an error matching store.ErrLeaseLost, or
// gdpr.ErrNotFound when the organization holds no job with that
// request id. The lease token and the idempotency key the job was created
// with are never changed.
func (s *Store) Update(ctx context.Context, job *store.Job, evs ...store.Event) error {
	return s.update(ctx, job, evs, nil)
}

// update is Update, with extra statements to run in the same transaction
// (see change.extra).
func (s *Store) update(ctx context.Context, job *store.Job, evs []store.Event, extra []statement) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: update: %w", err)
	}
	args, err := s.d.jobArgs(job)
	if err != nil {
		return fmt.Errorf("sqlstore: update: %w", err)
	}
	args = append(args[:2:2], args[3:]...) // all but create_key: $1 org, $2 id, then $3…$22
	err = s.writes.do(&change{ctx: ctx, org: job.Org, id: job.Request.ID,
		query: `UPDATE jobs SET
			idempotency_key = $3, fingerprint = $4, request_type = $5, status = $6, open = $7,
			created_date = $8, due_date = $9, modified_date = $10, completed_date = $11, verified_date = $12,
			next_run = $13, lease_until = $15, results = $16, retries = $17,
			request = $18, terms = $19, changes = $20, minimized_date = $21, correlation = $22
			WHERE org = $1 AND id = $2 AND lease_token = $14`,
		args:   args,
		extra:  extra,
		events: evs,
		settle: func(ctx context.Context, q querier) error {
			err := missingOrLost(ctx, q, job.Org, job.Request.ID)
			if errors.Is(err, gdpr.ErrNotFound) || errors.Is(err, store.ErrLeaseLost) {
				return &refusal{err}
			}
			return err
		}})
	if err != nil {
		return fmt.Errorf("sqlstore: update request %q: %w", job.Request.ID, err)
	}
	return nil
}

// missingOrLost explains why a change of the job conditioned on its lease
// changed nothing: gdpr.ErrNotFound when there is no such job,
// store.ErrLeaseLost when there is.
func missingOrLost(ctx context.Context, q querier, org, id string) error {
	var one int
	err := q(ctx, "SELECT 1 FROM jobs WHERE org = $1 AND id = $2", org, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return gdpr.ErrNotFound
	case err != nil:
		return err
	}
	return store.ErrLeaseLost
}

// Renew extends the lease marked token on the organization's job with the
// request id to until. It returns an error matching store.ErrLeaseLost
// when the job no longer carries token or was released (zero LeaseUntil),
// or gdpr.ErrNotFound when there is no such job. A lease that ended
// but has not passed to another caller can be renewed.
func (s *Store) Renew(ctx context.Context, org, id, token string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: renew: %w", err)
	}
	var err error
	if token != "" {
		var res sql.Result
		res, err = s.w.ExecContext(ctx, s.d.q(`UPDATE jobs SET lease_until = $4
			WHERE org = $1 AND id = $2 AND lease_token = $3 AND lease_until > $5`),
			org, id, token, s.d.time(until), s.d.time(time.Time{}))
		if err == nil {
			var n int64
			if n, err = res.RowsAffected(); err == nil && n == 1 {
				return nil
			}
		}
	}
	if err == nil {
		err = missingOrLost(ctx, func(ctx context.Context, query string, args ...any) scanner {
			return s.r.QueryRowContext(ctx, s.d.q(query), args...)
		}, org, id)
	}
	return fmt.Errorf("sqlstore: renew request %q: %w", id, err)
}
