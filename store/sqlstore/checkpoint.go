package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/gdprkit/gdpr/store"
)

var (
	_ store.CheckpointStore   = (*Store)(nil)
	_ store.CheckpointCoverer = (*Store)(nil)
)

// AddCheckpoint stores cp, hashes and receipts, in one transaction, if
// cp.Seq follows the organization's last checkpoint, else it returns
// store.ErrCheckpointConflict (the primary key on (org, seq) settles two
// writers of the same Seq, in any process). With SQLite, the writes join
// the writer's next transaction, with the requests' changes queued
// meanwhile: a checkpoint costs no commit, and so no wait for the disk,
// of its own. With PostgreSQL, which commits many transactions at once,
// they are one statement of their own, beside the writer's transactions
// (whose one in flight would otherwise wait for them, and every
// request's change with it).
func (s *Store) AddCheckpoint(ctx context.Context, cp store.Checkpoint, hashes []store.TreeHash, receipts []store.Receipt) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlstore: add checkpoint: %w", err)
	}
	for _, r := range receipts {
		if r.Org != cp.Org {
			return fmt.Errorf("sqlstore: add checkpoint %d of %q: a receipt of request %s is of organization %q", cp.Seq, cp.Org, r.RequestID, r.Org)
		}
	}
	var err error
	if s.d.postgres {
		err = s.addCheckpointPostgres(ctx, cp, hashes, receipts)
	} else {
		var c *change
		if c, err = checkpointChange(ctx, s.d, cp, hashes, receipts); err == nil {
			err = s.writes.do(c)
		}
	}
	if err != nil {
		return fmt.Errorf("sqlstore: add checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	return nil
}

// addCheckpointPostgres is AddCheckpoint on PostgreSQL: one statement,
// one round trip, whose inserts of the hashes and receipts write nothing
// unless the checkpoint's did.
func (s *Store) addCheckpointPostgres(ctx context.Context, cp store.Checkpoint, hashes []store.TreeHash, receipts []store.Receipt) error {
	idx, hs := make([]int64, len(hashes)), make([][]byte, len(hashes))
	for i, h := range hashes {
		idx[i], hs[i] = h.Index, h.Hash[:]
	}
	n := len(receipts)
	ids, cps, notes := make([]string, n), make([]int64, n), make([][]byte, n)
	for i, r := range receipts {
		ids[i], cps[i], notes[i] = r.RequestID, r.Checkpoint, r.Note
	}
	var added int
	err := s.w.QueryRowContext(ctx, `WITH cp AS (
			INSERT INTO checkpoints (org, seq, size, time, note)
			SELECT $1::text, $2::bigint, $3::bigint, $4::timestamptz, $5::bytea
			WHERE $2::bigint = (SELECT COALESCE(MAX(seq), 0) + 1 FROM checkpoints WHERE org = $1::text)
			ON CONFLICT (org, seq) DO NOTHING
			RETURNING 1),
		th AS (
			INSERT INTO tree_hashes (org, idx, hash)
			SELECT $1::text, * FROM unnest($6::bigint[], $7::bytea[]) WHERE EXISTS (SELECT 1 FROM cp)
			ON CONFLICT (org, idx) DO NOTHING),
		rc AS (
			INSERT INTO receipts (org, request_id, checkpoint, note)
			SELECT $1::text, * FROM unnest($8::text[], $9::bigint[], $10::bytea[]) WHERE EXISTS (SELECT 1 FROM cp)
			ON CONFLICT (org, request_id) DO NOTHING)
		SELECT count(*) FROM cp`,
		cp.Org, cp.Seq, cp.Size, s.d.time(cp.Time), cp.Note, idx, hs, ids, cps, notes).Scan(&added)
	if err != nil {
		return err
	}
	if added != 1 {
		return fmt.Errorf("it is not the next: %w", store.ErrCheckpointConflict)
	}
	return nil
}

// checkpointChange is the change of SQLite's writer that adds cp, hashes
// and receipts. Its statement inserts cp only when it is the
// organization's next; its extra statements, which insert the hashes and
// receipts, run only when it did, so that a refused checkpoint stores
// nothing. Its id is empty: in the writer's order it comes before the
// organization's requests.
func checkpointChange(ctx context.Context, d dialect, cp store.Checkpoint, hashes []store.TreeHash, receipts []store.Receipt) (*change, error) {
	c := &change{ctx: ctx, org: cp.Org,
		query: `INSERT INTO checkpoints (org, seq, size, time, note)
			SELECT $1, $2, $3, $4, $5 WHERE $2 = (SELECT COALESCE(MAX(seq), 0) + 1 FROM checkpoints WHERE org = $1)
			ON CONFLICT (org, seq) DO NOTHING`,
		args: []any{cp.Org, cp.Seq, cp.Size, d.time(cp.Time), cp.Note},
		settle: func(context.Context, querier) error {
			return &refusal{fmt.Errorf("it is not the next: %w", store.ErrCheckpointConflict)}
		}}
	c.extra = append(c.extra, insertTreeHashesSQLite(cp.Org, hashes)...)
	if len(receipts) > 0 {
		c.extra = append(c.extra, d.insertReceipts(receipts))
	}
	return c, nil
}

// insertTreeHashesSQLite returns the statements that insert hashes on
// SQLite: one for each run of consecutive indexes (a checkpoint's hashes
// are one run), its hashes one BLOB that a recursive CTE cuts in 32-byte
// rows. That is half the writer's time of a JSON array of indexes and
// hex hashes, and SQLite binds its three parameters whatever the run's
// length.
func insertTreeHashesSQLite(org string, hashes []store.TreeHash) []statement {
	hs := slices.SortedFunc(slices.Values(hashes), func(a, b store.TreeHash) int { return cmp.Compare(a.Index, b.Index) })
	var out []statement
	for len(hs) > 0 {
		n := 1
		for n < len(hs) && hs[n].Index == hs[n-1].Index+1 {
			n++
		}
		blob := make([]byte, 0, n*len(hs[0].Hash))
		for _, h := range hs[:n] {
			blob = append(blob, h.Hash[:]...)
		}
		out = append(out, statement{query: `WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < length($3) / 32)
			INSERT INTO tree_hashes (org, idx, hash)
			SELECT $1, $2 + i, substr($3, i * 32 + 1, 32) FROM r WHERE true
			ON CONFLICT (org, idx) DO NOTHING`, args: []any{org, hs[0].Index, blob}})
		hs = hs[n:]
	}
	return out
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

// CheckpointCovering returns the organization's first checkpoint of
// Size seq or more, by the index on (org, size).
func (s *Store) CheckpointCovering(ctx context.Context, org string, seq int64) (*store.Checkpoint, error) {
	cps, err := s.queryCheckpoints(ctx, `SELECT org, seq, size, time, note FROM checkpoints WHERE org = $1 AND size >= $2 ORDER BY size LIMIT 1`, org, seq)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: checkpoint covering: %w", err)
	}
	if len(cps) == 0 {
		return nil, fmt.Errorf("sqlstore: no checkpoint of %q covers event %d: %w", org, seq, store.ErrNotFound)
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
