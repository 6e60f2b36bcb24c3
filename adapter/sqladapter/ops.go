package sqladapter

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// maxAttempts bounds how often a Rectify or Erase runs its transaction
// again after a deadlock, a busy database or a change of the matched rows.
const maxAttempts = 8

// opKey identifies an operation in the operations table: a hash, so that
// long ids fit the key column.
func (a *Adapter) opKey(ctx context.Context, method string, op adapter.Op) string {
	h := sha256.New()
	for _, s := range []string{a.name, method, op.RequestID, op.ID} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	if v, ok := ctx.Value(tenantKey{}).(string); ok {
		fmt.Fprintf(h, "tenant %d:%s", len(v), v) // one tenant's operation is not another's
	}
	return hex.EncodeToString(h.Sum(nil))
}

// recalled returns the outcome of a finished operation.
func (a *Adapter) recalled(ctx context.Context, q querier, key string) (gdpr.Outcome, bool, error) {
	var out gdpr.Outcome
	if key == "" {
		return out, false, nil
	}
	ar := args{d: a.d}
	rows, err := q.QueryContext(ctx, "SELECT outcome FROM "+a.ops+" WHERE op_key = "+ar.add(key), ar.vals...)
	if err != nil {
		return out, false, fmt.Errorf("read operation: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return out, false, rows.Err()
	}
	var s sql.NullString
	if err := rows.Scan(&s); err != nil {
		return out, false, fmt.Errorf("read operation: %w", err)
	}
	if !s.Valid {
		return out, false, nil
	}
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		return out, false, fmt.Errorf("read operation: %w", err)
	}
	return out, true, nil
}

// claim inserts the operation's row as the first statement of tx, so
// that a concurrent run of the same operation waits for tx to end. It
// reports false when the operation is already recorded.
func (a *Adapter) claim(ctx context.Context, tx *sql.Tx, key, method string) (bool, error) {
	if key == "" {
		return true, nil
	}
	ar := args{d: a.d}
	vals := ar.list([]any{key, a.name, method, time.Now().UTC().Format(time.RFC3339Nano)})
	res, err := tx.ExecContext(ctx, a.d.insertIgnore(a.ops, "op_key, adapter, method, created_at", vals), ar.vals...)
	if err != nil {
		return false, fmt.Errorf("record operation: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record operation: %w", err)
	}
	return n == 1, nil
}

// remember stores the outcome of the operation claimed in tx.
func (a *Adapter) remember(ctx context.Context, tx *sql.Tx, key string, out gdpr.Outcome) error {
	if key == "" {
		return nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	ar := args{d: a.d}
	q := "UPDATE " + a.ops + " SET outcome = " + ar.add(string(b)) + " WHERE op_key = " + ar.add(key)
	if _, err := tx.ExecContext(ctx, q, ar.vals...); err != nil {
		return fmt.Errorf("record operation: %w", err)
	}
	return nil
}

// errChanged makes runOp try again: the rows changed since they were
// planned on.
var errChanged = errors.New("the matched rows changed")

// runOp runs fn in a transaction that has claimed the operation, commits
// it with the outcome remembered, and tries again (up to maxAttempts) when
// fn or the commit fails transiently or fn returns errChanged. before runs
// ahead of each attempt, outside any transaction. A repeat of a recorded
// operation returns its outcome without calling fn.
func (a *Adapter) runOp(ctx context.Context, method string, op adapter.Op,
	before func() error, fn func(tx *sql.Tx) (gdpr.Outcome, error)) (gdpr.Outcome, error) {
	var key string
	if op.ID != "" {
		key = a.opKey(ctx, method, op)
	}
	var last error
	for attempt := range maxAttempts {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt*attempt) * 10 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return gdpr.Outcome{}, ctx.Err()
			case <-t.C:
			}
		}
		if out, ok, err := a.recalled(ctx, a.db, key); err != nil || ok {
			return out, err
		}
		if before != nil {
			if err := before(); err != nil {
				return gdpr.Outcome{}, err
			}
		}
		out, done, err := a.attempt(ctx, key, method, fn)
		if done || (err != nil && !errors.Is(err, errChanged) && !transient(err)) {
			return out, err
		}
		last = err
	}
	return gdpr.Outcome{}, fmt.Errorf("gave up after %d attempts: %w", maxAttempts, last)
}

func (a *Adapter) attempt(ctx context.Context, key, method string, fn func(tx *sql.Tx) (gdpr.Outcome, error)) (gdpr.Outcome, bool, error) {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return gdpr.Outcome{}, false, err
	}
	defer tx.Rollback()
	claimed, err := a.claim(ctx, tx, key, method)
	if err != nil {
		return gdpr.Outcome{}, false, err
	}
	if !claimed {
		tx.Rollback()
		out, ok, err := a.recalled(ctx, a.db, key)
		if err == nil && !ok {
			err = errChanged // the other run did not finish: run again
		}
		return out, ok, err
	}
	out, err := fn(tx)
	if err != nil {
		return out, false, err
	}
	if err := a.remember(ctx, tx, key, out); err != nil {
		return out, false, err
	}
	if err := tx.Commit(); err != nil {
		return out, false, err
	}
	return out, true, nil
}
