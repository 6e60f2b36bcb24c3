package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr/store"
)

var _ store.CheckpointStore = (*Store)(nil)

// AddCheckpoint stores cp and hashes in one transaction if cp.Seq follows
// the organization's last checkpoint; the primary key on (org, seq) makes
// a second writer of the same Seq, in any process, fail with
// store.ErrCheckpointConflict.
func (s *Store) AddCheckpoint(ctx context.Context, cp store.Checkpoint, hashes []store.TreeHash) error {
	err := s.addCheckpoint(ctx, cp, hashes)
	if err != nil {
		return fmt.Errorf("sqlstore: add checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	return nil
}

func (s *Store) addCheckpoint(ctx context.Context, cp store.Checkpoint, hashes []store.TreeHash) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COALESCE(MAX(seq), 0) FROM checkpoints WHERE org = $1`), cp.Org).Scan(&last); err != nil {
		return err
	}
	if cp.Seq != last+1 {
		return fmt.Errorf("the next is %d: %w", last+1, store.ErrCheckpointConflict)
	}
	res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO checkpoints (org, seq, size, time, note) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org, seq) DO NOTHING`), cp.Org, cp.Seq, cp.Size, s.d.time(cp.Time), cp.Note)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrCheckpointConflict
	}
	if err := insertTreeHashes(ctx, tx, s.d, cp.Org, hashes); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		if s.d.postgres && isUniqueViolation(err) {
			return store.ErrCheckpointConflict
		}
		return err
	}
	return nil
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var sc interface{ SQLState() string }
	return errors.As(err, &sc) && sc.SQLState() == "23505"
}

// Checkpoints returns the organization's checkpoints after the Seq after,
// in Seq order, at most limit of them (0: all).
func (s *Store) Checkpoints(ctx context.Context, org string, after int64, limit int) ([]store.Checkpoint, error) {
	query := `SELECT org, seq, size, time, note FROM checkpoints WHERE org = $1 AND seq > $2 ORDER BY seq`
	args := []any{org, after}
	if limit > 0 {
		query += " LIMIT $3"
		args = append(args, limit)
	}
	cps, err := s.queryCheckpoints(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: checkpoints: %w", err)
	}
	return cps, nil
}

// LastCheckpoint returns the organization's newest checkpoint, or an
// error matching store.ErrNotFound.
func (s *Store) LastCheckpoint(ctx context.Context, org string) (*store.Checkpoint, error) {
	cps, err := s.queryCheckpoints(ctx, `SELECT org, seq, size, time, note FROM checkpoints WHERE org = $1 ORDER BY seq DESC LIMIT 1`, org)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: last checkpoint: %w", err)
	}
	if len(cps) == 0 {
		return nil, fmt.Errorf("sqlstore: organization %q has no checkpoint: %w", org, store.ErrNotFound)
	}
	return &cps[0], nil
}

func (s *Store) queryCheckpoints(ctx context.Context, query string, args ...any) ([]store.Checkpoint, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cps []store.Checkpoint
	for rows.Next() {
		var cp store.Checkpoint
		if err := rows.Scan(&cp.Org, &cp.Seq, &cp.Size, timeCol{&cp.Time}, &cp.Note); err != nil {
			return nil, err
		}
		cps = append(cps, cp)
	}
	return cps, rows.Err()
}

// TreeHashes returns the organization's tree hashes at indexes, in their
// order, or an error matching store.ErrNotFound when one is missing.
func (s *Store) TreeHashes(ctx context.Context, org string, indexes []int64) ([][32]byte, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	var (
		rows *sql.Rows
		err  error
	)
	if s.d.postgres {
		// One statement text whatever the number of indexes, so that pgx
		// prepares it once per connection.
		rows, err = s.r.QueryContext(ctx, `SELECT idx, hash FROM tree_hashes WHERE org = $1 AND idx = ANY($2::bigint[])`, org, indexes)
	} else {
		// One parameter, a JSON array, whatever the number of indexes:
		// SQLite binds numbered parameters at a cost growing with their
		// count, which made a query of a few thousand slow.
		list, jerr := json.Marshal(indexes)
		if jerr != nil {
			return nil, fmt.Errorf("sqlstore: tree hashes: %w", jerr)
		}
		rows, err = s.r.QueryContext(ctx, `SELECT idx, hash FROM tree_hashes WHERE org = ?1 AND idx IN (SELECT value FROM json_each(?2))`, org, string(list))
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tree hashes: %w", err)
	}
	defer rows.Close()
	found := make(map[int64][32]byte, len(indexes))
	for rows.Next() {
		var (
			x int64
			h []byte
		)
		if err := rows.Scan(&x, &h); err != nil {
			return nil, fmt.Errorf("sqlstore: tree hashes: %w", err)
		}
		if len(h) != 32 {
			return nil, fmt.Errorf("sqlstore: tree hash %d of %q is %d bytes, not 32", x, org, len(h))
		}
		found[x] = [32]byte(h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: tree hashes: %w", err)
	}
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("sqlstore: tree hash %d of %q: %w", x, org, store.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// ChainHead returns the organization's chain head as the table
// chain_heads records it.
func (s *Store) ChainHead(ctx context.Context, org string) (int64, string, error) {
	var (
		seq  int64
		hash string
	)
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT seq, hash FROM chain_heads WHERE org = $1`), org).Scan(&seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, "", nil
	case err != nil:
		return 0, "", fmt.Errorf("sqlstore: chain head: %w", err)
	}
	return seq, hash, nil
}

// Organizations returns the organizations that have audit events or
// checkpoints.
func (s *Store) Organizations(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT org FROM chain_heads WHERE seq > 0 UNION SELECT org FROM checkpoints ORDER BY org`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: organizations: %w", err)
	}
	defer rows.Close()
	var orgs []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, fmt.Errorf("sqlstore: organizations: %w", err)
		}
		orgs = append(orgs, org)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: organizations: %w", err)
	}
	return orgs, nil
}

// insertTreeHashes inserts hashes of org, keeping any hash already stored
// at an index.
func insertTreeHashes(ctx context.Context, tx *sql.Tx, d dialect, org string, hashes []store.TreeHash) error {
	if len(hashes) == 0 {
		return nil
	}
	if d.postgres {
		idx, hs := make([]int64, len(hashes)), make([][]byte, len(hashes))
		for i, h := range hashes {
			idx[i], hs[i] = h.Index, h.Hash[:]
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tree_hashes (org, idx, hash)
			SELECT $1::text, * FROM unnest($2::bigint[], $3::bytea[]) ON CONFLICT (org, idx) DO NOTHING`, org, idx, hs)
		return err
	}
	for rest := hashes; len(rest) > 0; {
		part := rest[:min(len(rest), 200)]
		rest = rest[len(part):]
		var b strings.Builder
		args := []any{org}
		for i, h := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			b.WriteString("(?1, ?" + strconv.Itoa(n+1) + ", ?" + strconv.Itoa(n+2) + ")")
			args = append(args, h.Index, h.Hash[:])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tree_hashes (org, idx, hash) VALUES `+b.String()+
			` ON CONFLICT (org, idx) DO NOTHING`, args...); err != nil {
			return err
		}
	}
	return nil
}
