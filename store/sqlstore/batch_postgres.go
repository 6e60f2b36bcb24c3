package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gdprkit/gdpr/store"
)

// rollbackTimeout bounds the rollback of a transaction of the writer that
// failed; a connection that cannot roll back in time is closed.
const rollbackTimeout = 10 * time.Second

// commitPostgres is commit on PostgreSQL. Its statements are pipelined,
// so that a transaction costs two round trips to the server whatever the
// number of changes: the first begins it, runs the statement of every
// change and locks the chain heads of the organizations they append to;
// the second inserts the sealed events and commits. Only a change whose
// statement changed no row costs more, to settle it.
func (w *writer) commitPostgres(changes []*change) ([]error, error) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, &txError{err: err, rolledBack: true}
	}
	defer conn.Close()
	var outcomes []error
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		defer endTx(c)
		var err error
		outcomes, err = w.pipeline(ctx, c, changes)
		return err
	})
	return outcomes, err
}

// pipeline writes changes in one transaction on conn, as commitPostgres
// describes, and returns their outcomes or a *txError. It leaves the
// transaction open only when it failed.
func (w *writer) pipeline(ctx context.Context, conn *pgx.Conn, changes []*change) ([]error, error) {
	// Job rows in the order of changes (claims, which skip locked rows,
	// last), then chain heads by organization: the order of every
	// transaction of the writer.
	var orgs []string
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, c := range changes {
		b.Queue(c.query, c.args...)
		for _, st := range c.extra {
			b.Queue(st.query, st.args...)
		}
		if len(c.events) > 0 && !slices.Contains(orgs, c.org) {
			orgs = append(orgs, c.org)
		}
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		b.Queue(lockChainHead, org)
	}
	heads := make(map[string]store.Event, len(orgs))
	br := conn.SendBatch(ctx, b)
	err := func() error {
		if _, err := br.Exec(); err != nil {
			return err
		}
		for _, c := range changes {
			if err := c.read(br); err != nil {
				return err
			}
		}
		for _, org := range orgs {
			var head store.Event
			if err := br.QueryRow().Scan(&head.Seq, &head.Hash); err != nil {
				return fmt.Errorf("lock audit chain: %w", err)
			}
			heads[org] = head
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &txError{err: err, rolledBack: true}
	}

	q := func(ctx context.Context, query string, args ...any) scanner {
		return conn.QueryRow(ctx, query, args...)
	}
	outcomes := make([]error, len(changes))
	events := map[string][]store.Event{}
	for i, c := range changes {
		if c.changed {
			events[c.org] = append(events[c.org], c.events...)
			continue
		}
		err := c.settle(ctx, q)
		var r *refusal
		switch {
		case errors.As(err, &r):
			outcomes[i] = r.err
		case err != nil:
			return nil, &txError{err: err, rolledBack: true}
		}
	}
	if err := w.commitEvents(ctx, conn, orgs, heads, events); err != nil {
		return nil, err
	}
	return outcomes, nil
}

// read reads the results of c's statements from br, noting whether its
// query changed a row.
func (c *change) read(br pgx.BatchResults) error {
	if c.scan != nil {
		err := c.scan(br.QueryRow())
		if c.changed = err == nil; err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	} else {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		c.changed = tag.RowsAffected() == 1
	}
	for range c.extra {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

// commitEvents seals the events of each organization of orgs onto its
// chain, whose head is locked, inserts them and commits, in one round
// trip. It returns a *txError when the transaction failed.
func (w *writer) commitEvents(ctx context.Context, conn *pgx.Conn, orgs []string,
	heads map[string]store.Event, events map[string][]store.Event) error {
	b := &pgx.Batch{}
	for _, org := range orgs {
		if evs := events[org]; len(evs) > 0 {
			query, args := insertEventsPostgres(org, sealEvents(org, heads[org], evs))
			b.Queue(query, args...)
		}
	}
	b.Queue("COMMIT")
	if err := w.flush(ctx); err != nil {
		return &txError{err: fmt.Errorf("sync blobs: %w", err), rolledBack: true}
	}
	br := conn.SendBatch(ctx, b)
	err := func() error {
		for range b.Len() - 1 {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("append audit events: %w", err)
			}
		}
		return readCommit(br)
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The COMMIT went with the events: unless the server refused
		// one of them, or the COMMIT, the transaction may have
		// committed.
		var pgErr *pgconn.PgError
		return &txError{err: err, rolledBack: errors.As(err, &pgErr)}
	}
	return nil
}

// readCommit reads the result of a COMMIT from br.
func readCommit(br pgx.BatchResults) error {
	tag, err := br.Exec()
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tag.String() != "COMMIT" {
		return fmt.Errorf("commit: the transaction was rolled back (%s)", tag)
	}
	return nil
}

// endTx rolls back the transaction conn has open, if any, or closes conn
// when it cannot, so that the connection goes back to the pool idle.
func endTx(conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		conn.Close(ctx)
	}
}
