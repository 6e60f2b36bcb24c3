package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// analyzeAfter is how many jobs a PostgreSQL Store creates before it
// makes sure the jobs table has statistics.
const analyzeAfter = 256

// analyzeTimeout bounds the one ANALYZE a Store may run.
const analyzeTimeout = time.Minute

// analyzer gives a PostgreSQL jobs table that was never analyzed its
// first statistics, once it holds enough rows for them to matter.
//
// Without statistics, every index that leads with org looks as good to
// the planner as the primary key for a lookup by org and id while the
// table is small, and the plan a connection caches for a prepared
// statement then is kept as the table grows: each update of a job would
// read every job of its organization until autovacuum, up to a minute
// later or more, first analyzes the table. A fresh database that takes a
// burst of requests would slow down with every request it holds.
// ANALYZE makes the server drop those plans, and the next ones use the
// primary key.
type analyzer struct {
	run     func(ctx context.Context) error
	created atomic.Int64
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

func newAnalyzer(run func(ctx context.Context) error) *analyzer {
	ctx, cancel := context.WithCancel(context.Background())
	return &analyzer{run: run, ctx: ctx, cancel: cancel}
}

// jobCreated notes one more job created; the analyzeAfter-th starts the
// check in the background.
func (a *analyzer) jobCreated() {
	if a.created.Add(1) == analyzeAfter {
		a.wg.Go(func() {
			ctx, cancel := context.WithTimeout(a.ctx, analyzeTimeout)
			defer cancel()
			// A failure leaves the table to autovacuum, as it was.
			_ = a.run(ctx)
		})
	}
}

// close stops a check in progress and waits for it.
func (a *analyzer) close() {
	a.cancel()
	a.wg.Wait()
}

// analyzeJobs analyzes the jobs table unless it has been analyzed before,
// by autovacuum or anyone else.
func (s *Store) analyzeJobs(ctx context.Context) error {
	var never bool
	err := s.w.QueryRowContext(ctx, `SELECT last_analyze IS NULL AND last_autoanalyze IS NULL
		FROM pg_stat_user_tables WHERE relid = 'jobs'::regclass`).Scan(&never)
	if err != nil || !never {
		return err
	}
	_, err = s.w.ExecContext(ctx, "ANALYZE jobs")
	return err
}
