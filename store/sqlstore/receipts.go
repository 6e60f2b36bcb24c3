package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr/store"
)

// AddReceipts stores receipts in one transaction, keeping a request's
// receipt already stored.
func (s *Store) AddReceipts(ctx context.Context, receipts []store.Receipt) error {
	if len(receipts) == 0 {
		return nil
	}
	err := func() error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st := s.d.insertReceipts(receipts)
		if st.rows != nil {
			err = execRows(ctx, tx, s.d.q(st.query), st.rows)
		} else {
			_, err = tx.ExecContext(ctx, st.query, st.args...)
		}
		if err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		return fmt.Errorf("sqlstore: add receipts: %w", err)
	}
	return nil
}

// Receipt returns the stored receipt of the organization's request id,
// or an error matching store.ErrNotFound.
func (s *Store) Receipt(ctx context.Context, org, id string) (*store.Receipt, error) {
	r := store.Receipt{Org: org, RequestID: id}
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT checkpoint, note FROM receipts WHERE org = $1 AND request_id = $2`), org, id).
		Scan(&r.Checkpoint, &r.Note)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("sqlstore: no receipt of request %s of %q: %w", id, org, store.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("sqlstore: receipt: %w", err)
	}
	return &r, nil
}

// insertReceipts is the statement that inserts receipts, keeping a
// request's receipt already stored: with PostgreSQL one statement of
// arrays whatever their number, with SQLite one run per receipt (see
// statement.rows).
func (d dialect) insertReceipts(receipts []store.Receipt) statement {
	n := len(receipts)
	if !d.postgres {
		rows := make([][]any, n)
		for i, r := range receipts {
			rows[i] = []any{r.Org, r.RequestID, r.Checkpoint, r.Note}
		}
		return statement{query: `INSERT INTO receipts (org, request_id, checkpoint, note) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org, request_id) DO NOTHING`, rows: rows}
	}
	orgs, ids, cps, notes := make([]string, n), make([]string, n), make([]int64, n), make([][]byte, n)
	for i, r := range receipts {
		orgs[i], ids[i], cps[i], notes[i] = r.Org, r.RequestID, r.Checkpoint, r.Note
	}
	return statement{query: `INSERT INTO receipts (org, request_id, checkpoint, note)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[])
		ON CONFLICT (org, request_id) DO NOTHING`, args: []any{orgs, ids, cps, notes}}
}
