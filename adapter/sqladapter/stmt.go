package sqladapter

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxStmts bounds the prepared statements an Adapter keeps.
const maxStmts = 128

// stmts caches the prepared statements of the queries an Adapter reads
// with: their text depends only on the map and on how many values an IN
// list holds, so a few dozen serve every call. Preparing is most of the
// cost of a small query on SQLite, and saves a round trip per query on
// MySQL.
type stmts struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	closed bool
}

// query runs a read on q (the adapter's db or a transaction of it) with
// a cached statement.
func (a *Adapter) query(ctx context.Context, q querier, query string, vals []any) (*sql.Rows, error) {
	st := a.stmt(ctx, query)
	if st == nil {
		rows, err := q.QueryContext(ctx, query, vals...)
		return rows, masked(err)
	}
	if tx, ok := q.(*sql.Tx); ok {
		st = tx.StmtContext(ctx, st) // closed with the transaction
	}
	rows, err := st.QueryContext(ctx, vals...)
	return rows, masked(err)
}

// stmt returns the cached statement of query, preparing it if need be,
// or nil when the cache is full or closed or the statement cannot be
// prepared (the query then runs unprepared and reports the error).
func (a *Adapter) stmt(ctx context.Context, query string) *sql.Stmt {
	c := &a.stmts
	c.mu.Lock()
	st, ok := c.m[query]
	full := c.closed || len(c.m) >= maxStmts
	c.mu.Unlock()
	if ok {
		return st
	}
	if full {
		return nil
	}
	st, err := a.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if other, ok := c.m[query]; ok || c.closed {
		st.Close()
		return other
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st
}

// Close releases the statements the adapter prepared. It does not close
// the *sql.DB. The adapter stays usable, without preparing again.
func (a *Adapter) Close() error {
	c := &a.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m = nil
	c.closed = true
	return errors.Join(errs...)
}
