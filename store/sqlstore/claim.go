package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// Claim leases the claimable job with the earliest NextRun (then the
// smallest request id, then organization) to the caller until until,
// marking it with token, and returns it; an error matching
// store.ErrNoWork when no job is claimable at now. The token must not
// be "".
//
// The job is chosen and leased in one statement. With PostgreSQL the
// choice skips rows another transaction has locked (FOR UPDATE SKIP
// LOCKED), so that replicas claiming at once take different jobs without
// waiting for each other; with SQLite the database's write lock orders
// claims. Either way a claim commits together with the concurrent changes
// of its Store, and no two callers hold leases on one job that overlap.
func (s *Store) Claim(ctx context.Context, token string, now, until time.Time) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: claim: %w", err)
	}
	if token == "" {
		return nil, errors.New("sqlstore: claim: the lease token is empty")
	}
	lock := ""
	if s.d.postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	query := `UPDATE jobs SET lease_token = $1, lease_until = $2
		WHERE (org, id) IN (
			SELECT org, id FROM jobs
			WHERE open AND next_run <= $3 AND (lease_token = '' OR lease_until < $3)
			ORDER BY next_run, id, org
			LIMIT 1` + lock + `)
		RETURNING ` + jobColumns
	args := []any{token, s.d.time(until), s.d.time(now)}
	var j *store.Job
	err := s.writes.do(&change{ctx: ctx, claim: true, query: query, args: args,
		scan: func(row scanner) error {
			var err error
			j, err = scanJob(row)
			return err
		},
		settle: func(context.Context, querier) error {
			return &refusal{store.ErrNoWork}
		}})
	if errors.Is(err, store.ErrNoWork) {
		return nil, fmt.Errorf("sqlstore: claim: %w", store.ErrNoWork)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim: %w", err)
	}
	return j, nil
}
