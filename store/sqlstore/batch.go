package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// maxBatch is how many changes one transaction of the writer holds at most.
const maxBatch = 128

// batchTimeout bounds one transaction of the writer. Its statements do not
// run under any caller's context, so that one caller giving up cannot undo
// the changes of the others.
const batchTimeout = time.Minute

// errClosed is what a change gets when the Store was closed before it ran.
var errClosed = errors.New("the store is closed")

// A change is one caller's Create, Update or Claim, waiting to be written
// by the writer together with the changes of other callers.
type change struct {
	ctx context.Context // the caller's: a change whose ctx ended before it ran is dropped
	// org and id order the changes of a batch; a claim, which knows no
	// job yet, comes after every other change.
	org, id string
	claim   bool

	// The change is one statement, query (in PostgreSQL's placeholders)
	// with args, that changes one row, or none when the change is
	// refused or already made. A statement that returns the row it
	// changed (a claim's) has scan set, to read it. When the statement
	// changed a row, events are appended to the chain of org. When it
	// changed none, settle tells why, reading through q inside the same
	// transaction: it returns a *refusal, nil when the change stands
	// with nothing to append, or another error, which fails the whole
	// transaction. scan and settle may run more than once, each time in
	// a new transaction, so they must reset whatever they report
	// through their closures.
	query string
	args  []any
	// extra run after query in the same transaction. With SQLite they
	// run only when query changed a row; with PostgreSQL, whose
	// statements are pipelined, they run whatever it changed, and must
	// themselves change nothing when it changed no row.
	extra  []statement
	scan   func(row scanner) error
	events []store.Event
	settle func(ctx context.Context, q querier) error
	// changed is whether the statement changed a row in the transaction
	// that gave the change its outcome; read it once do has returned nil.
	changed bool

	state atomic.Int32 // queued, taken or dropped
	done  chan error   // the outcome, once taken
}

// statement is a query, in PostgreSQL's placeholders, and its arguments.
type statement struct {
	query string
	args  []any
	// rows, when set, are the arguments of as many runs of query,
	// prepared once: with SQLite, whose cost of binding a parameter
	// grows with their number, a row at a time beats one statement of
	// all the rows. Only extra statements of SQLite have rows.
	rows [][]any
}

// querier runs a query that returns at most one row, inside the
// transaction of the writer, and returns the row to scan. Its query is
// written in PostgreSQL's placeholders.
type querier func(ctx context.Context, query string, args ...any) scanner

// The states of a change.
const (
	queued int32 = iota
	taken
	dropped
)

// refusal is the outcome of a change that was refused without writing
// anything: the other changes of its transaction go on.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// writer commits the changes of concurrent callers in shared
// transactions: one commit, and so one wait for the disk, for every
// change that queued while the previous transaction was committing. Each
// change stays atomic and keeps its own outcome: a refused change fails
// alone, and when a transaction fails, its changes are retried one by one
// so that each gets the error it caused.
//
// One transaction is in flight at a time. Every transaction that appends
// to an organization's chain waits for the one before to commit, so a
// second one in flight would only wait on the chain's head, holding its
// job rows and a connection, while the changes it took could have joined
// the next, larger, batch. With three PostgreSQL replicas on one database,
// two per Store queued six transactions on the head, and the replicas
// together completed 30% fewer requests than one alone; with one per
// Store, as many.
type writer struct {
	d     dialect
	db    *sql.DB
	flush func(ctx context.Context) error // makes the blobs put so far durable; run before each commit
	queue chan *change
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex // held to queue a change, and to close
	closed bool
}

// newWriter starts a writer.
func newWriter(d dialect, db *sql.DB, flush func(context.Context) error) *writer {
	w := &writer{d: d, db: db, flush: flush, queue: make(chan *change, maxBatch), stop: make(chan struct{})}
	w.wg.Go(w.loop)
	return w
}

// close stops the writer once the transaction in flight has committed;
// changes still queued fail with errClosed, and so do later ones.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
	}
	w.mu.Unlock()
	w.wg.Wait()
}

// do writes c and returns its outcome. It returns when c is committed or
// has failed; if c.ctx ends while c is still queued, c is dropped and do
// returns the context's error.
func (w *writer) do(c *change) error {
	c.done = make(chan error, 1)
	if err := w.enqueue(c); err != nil {
		return err
	}
	select {
	case err := <-c.done:
		return err
	case <-c.ctx.Done():
		if c.state.CompareAndSwap(queued, dropped) {
			return c.ctx.Err()
		}
		return <-c.done // it is being written: its outcome is what counts
	}
}

func (w *writer) enqueue(c *change) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return errClosed
	}
	select {
	case w.queue <- c:
		return nil
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}

func (w *writer) loop() {
	batch := make([]*change, 0, maxBatch)
	for {
		select {
		case <-w.stop:
			w.drain()
			return
		case c := <-w.queue:
			batch = append(batch[:0], c)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case c := <-w.queue:
				batch = append(batch, c)
			default:
				break more
			}
		}
		w.run(batch)
		clear(batch)
	}
}

// drain fails the changes still queued when the writer stops.
func (w *writer) drain() {
	for {
		select {
		case c := <-w.queue:
			if c.state.CompareAndSwap(queued, taken) {
				c.done <- errClosed
			}
		default:
			return
		}
	}
}

// run writes the changes of batch that their callers still wait for.
func (w *writer) run(batch []*change) {
	live := make([]*change, 0, len(batch))
	for _, c := range batch {
		if c.state.CompareAndSwap(queued, taken) {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return
	}
	// One order for every transaction, in every process: job rows by
	// organization and id, claims (which lock rows they pick without
	// waiting) last, and chain heads by organization after all of them,
	// so that concurrent transactions never wait for each other in a
	// circle.
	slices.SortStableFunc(live, func(a, b *change) int {
		if a.claim != b.claim {
			if a.claim {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.org, b.org), cmp.Compare(a.id, b.id))
	})
	outcomes, err := w.commit(live)
	var failed *txError
	if errors.As(err, &failed) && failed.rolledBack && len(live) > 1 {
		// Nothing was written: each change alone, so that the one that
		// fails takes its error with it and no other.
		for _, c := range live {
			outcome, err := w.commit([]*change{c})
			if err == nil {
				err = outcome[0]
			}
			c.done <- err
		}
		return
	}
	for i, c := range live {
		if err != nil {
			c.done <- err
		} else {
			c.done <- outcomes[i]
		}
	}
}

// txError is the failure of a whole transaction of the writer.
type txError struct {
	err        error
	rolledBack bool // nothing was written; false when the commit itself failed
}

func (e *txError) Error() string { return e.err.Error() }
func (e *txError) Unwrap() error { return e.err }

// commit applies changes in one transaction, appends their events, and
// commits. It returns each change's outcome (nil or its refusal's error),
// or a *txError when the transaction failed as a whole.
func (w *writer) commit(changes []*change) ([]error, error) {
	if w.d.postgres {
		return w.commitPostgres(changes)
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	// The blobs put before these changes reach the disk while the changes
	// are written, and before they commit.
	var flushErr error
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		flushErr = w.flush(ctx)
	}()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		<-flushed
		return nil, &txError{err: err, rolledBack: true}
	}
	fail := func(err error) ([]error, error) {
		tx.Rollback()
		<-flushed
		return nil, &txError{err: err, rolledBack: true}
	}
	q := func(ctx context.Context, query string, args ...any) scanner {
		return tx.QueryRowContext(ctx, w.d.q(query), args...)
	}
	outcomes := make([]error, len(changes))
	var orgs []string
	events := map[string][]store.Event{}
	for i, c := range changes {
		evs, err := w.apply(ctx, tx, q, c)
		var r *refusal
		switch {
		case errors.As(err, &r):
			outcomes[i] = r.err
			continue
		case err != nil:
			return fail(err)
		}
		if len(evs) == 0 {
			continue
		}
		if _, ok := events[c.org]; !ok {
			orgs = append(orgs, c.org)
		}
		events[c.org] = append(events[c.org], evs...)
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		if err := appendEventsSQLite(ctx, tx, org, events[org]); err != nil {
			return fail(err)
		}
	}
	if <-flushed; flushErr != nil {
		return fail(fmt.Errorf("sync blobs: %w", flushErr))
	}
	if err := tx.Commit(); err != nil {
		return nil, &txError{err: fmt.Errorf("commit: %w", err)}
	}
	return outcomes, nil
}

// apply writes c inside tx and returns the events to append for it.
func (w *writer) apply(ctx context.Context, tx *sql.Tx, q querier, c *change) ([]store.Event, error) {
	var err error
	if c.scan != nil {
		err = c.scan(tx.QueryRowContext(ctx, w.d.q(c.query), c.args...))
		c.changed = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	} else {
		var res sql.Result
		if res, err = tx.ExecContext(ctx, w.d.q(c.query), c.args...); err == nil {
			var n int64
			n, err = res.RowsAffected()
			c.changed = n == 1
		}
	}
	for _, st := range c.extra {
		if err != nil || !c.changed {
			break
		}
		if st.rows != nil {
			err = execRows(ctx, tx, w.d.q(st.query), st.rows)
		} else {
			_, err = tx.ExecContext(ctx, w.d.q(st.query), st.args...)
		}
	}
	switch {
	case err != nil:
		return nil, err
	case c.changed:
		return c.events, nil
	}
	return nil, c.settle(ctx, q)
}

// execRows runs query once for each of rows, prepared once, in tx.
func execRows(ctx context.Context, tx *sql.Tx, query string, rows [][]any) error {
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, args := range rows {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}
