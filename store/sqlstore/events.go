package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// appendEvents seals evs onto the chain of org and inserts them, inside
// tx. It locks the organization's row of chain_heads first (creating it
// for the first event), so that appends of one organization, from any
// process, take turns, and another organization's never wait.
func (s *Store) appendEvents(ctx context.Context, tx *sql.Tx, org string, evs []processor.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var head processor.Event
	err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO chain_heads (org, seq, hash) VALUES ($1, 0, '')
		ON CONFLICT (org) DO UPDATE SET org = excluded.org
		RETURNING seq, hash`), org).Scan(&head.Seq, &head.Hash)
	if err != nil {
		return fmt.Errorf("lock audit chain: %w", err)
	}
	var prev *processor.Event
	if head.Seq > 0 {
		prev = &head
	}

	args := []any{org}
	var values strings.Builder
	for i, ev := range evs {
		ev.Org = org
		ev = processor.SealEvent(ev, prev)
		prev = &ev
		if i > 0 {
			values.WriteString(", ")
		}
		n := len(args)
		values.WriteString("($1")
		for k := 1; k <= 8; k++ {
			values.WriteString(", $" + strconv.Itoa(n+k))
		}
		values.WriteString(")")
		args = append(args, ev.Seq, ev.RequestID, s.d.time(ev.Time), ev.Type, string(ev.Status), ev.Detail, ev.PrevHash, ev.Hash)
	}
	insert := "INSERT INTO events (org, seq, request_id, time, type, status, detail, prev_hash, hash) VALUES " + values.String()
	next := []any{prev.Seq, prev.Hash}
	if s.d.postgres {
		// One round trip: the head moves with the insert.
		n := len(args)
		_, err = tx.ExecContext(ctx, "WITH head AS (UPDATE chain_heads SET seq = $"+strconv.Itoa(n+1)+
			", hash = $"+strconv.Itoa(n+2)+" WHERE org = $1) "+insert, append(args, next...)...)
	} else {
		if _, err = tx.ExecContext(ctx, s.d.q(insert), args...); err == nil {
			_, err = tx.ExecContext(ctx, s.d.q("UPDATE chain_heads SET seq = $2, hash = $3 WHERE org = $1"), org, prev.Seq, prev.Hash)
		}
	}
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	return nil
}

// Events returns the organization's audit events with Seq greater than
// after, in Seq order, at most limit of them (0: all). Event times are in
// UTC, to the microsecond, as they were sealed.
func (s *Store) Events(ctx context.Context, org string, after int64, limit int) ([]processor.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	query := `SELECT org, seq, request_id, time, type, status, detail, prev_hash, hash FROM events
		WHERE org = $1 AND seq > $2 ORDER BY seq`
	args := []any{org, after}
	if limit > 0 {
		query += " LIMIT $3"
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	defer rows.Close()
	var evs []processor.Event
	for rows.Next() {
		var (
			ev     processor.Event
			status string
		)
		if err := rows.Scan(&ev.Org, &ev.Seq, &ev.RequestID, timeCol{&ev.Time}, &ev.Type, &status,
			&ev.Detail, &ev.PrevHash, &ev.Hash); err != nil {
			return nil, fmt.Errorf("sqlstore: events: %w", err)
		}
		ev.Status = gdpr.Status(status)
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	return evs, nil
}
