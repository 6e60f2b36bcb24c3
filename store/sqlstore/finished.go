package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr/store"
)

var _ store.FinishedLister = (*Store)(nil)

// Finished returns up to limit jobs (0: no limit), of every organization,
// that are final, not minimized and last modified before before, oldest
// first. It reads the partial index jobs_finished, so its cost follows the
// jobs waiting for minimization, not all jobs kept.
func (s *Store) Finished(ctx context.Context, before time.Time, limit int) ([]*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: finished: %w", err)
	}
	q := `SELECT ` + jobColumns + ` FROM jobs
		WHERE NOT open AND minimized_date = $1 AND modified_date < $2
		ORDER BY modified_date, org, id`
	args := []any{s.d.time(time.Time{}), s.d.time(before)}
	if limit > 0 {
		q += " LIMIT $3"
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: finished: %w", err)
	}
	defer rows.Close()
	var jobs []*store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: finished: %w", err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: finished: %w", err)
	}
	return jobs, nil
}
