package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// lockChainHead locks the row of chain_heads of the organization $1,
// creating it (at seq 0, before the first event) if there is none, and
// returns its seq and hash. Appends of one organization, from any
// process, take turns on that row; another organization's never wait.
const lockChainHead = `INSERT INTO chain_heads (org, seq, hash) VALUES ($1, 0, '')
	ON CONFLICT (org) DO UPDATE SET org = excluded.org
	RETURNING seq, hash`

// sealEvents returns evs sealed onto the chain of org whose last event is
// head (seq 0: the chain is empty), with Org set to org.
func sealEvents(org string, head store.Event, evs []store.Event) []store.Event {
	var prev *store.Event
	if head.Seq > 0 {
		prev = &head
	}
	sealed := make([]store.Event, len(evs))
	for i, ev := range evs {
		ev.Org = org
		sealed[i] = store.SealEvent(ev, prev)
		prev = &sealed[i]
	}
	return sealed
}

// appendEventsSQLite seals evs onto the chain of org and inserts them,
// inside tx, having locked the chain's head.
func appendEventsSQLite(ctx context.Context, tx *sql.Tx, org string, evs []store.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var head store.Event
	err := tx.QueryRowContext(ctx, dialect{}.q(lockChainHead), org).Scan(&head.Seq, &head.Hash)
	if err != nil {
		return fmt.Errorf("lock audit chain: %w", err)
	}
	if err := insertEventsSQLite(ctx, tx, org, sealEvents(org, head, evs)); err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	return nil
}

// insertEventsPostgres is the statement, and its arguments, that inserts
// evs, sealed, and moves the head of the chain of org to the last of
// them. Its text is the same for any number of events.
func insertEventsPostgres(org string, evs []store.Event) (string, []any) {
	n := len(evs)
	seqs, times := make([]int64, n), make([]time.Time, n)
	ids, types, statuses, details, prevs, hashes := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	for i, ev := range evs {
		seqs[i], ids[i], times[i], types[i] = ev.Seq, ev.RequestID, ev.Time.UTC().Truncate(time.Microsecond), ev.Type
		statuses[i], details[i], prevs[i], hashes[i] = string(ev.Status), ev.Detail, ev.PrevHash, ev.Hash
	}
	last := evs[n-1]
	return `WITH head AS (UPDATE chain_heads SET seq = $10, hash = $11 WHERE org = $1)
		INSERT INTO events (org, seq, request_id, time, type, status, detail, prev_hash, hash)
		SELECT $1::text, * FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::text[])`,
		[]any{org, seqs, ids, times, types, statuses, details, prevs, hashes, last.Seq, last.Hash}
}

// sqliteEventRows is how many events one INSERT writes at most, well
// within SQLite's limit on the parameters of a statement.
const sqliteEventRows = 100

// insertEventsSQLite inserts evs, sealed, and moves the head of the chain
// of org to the last of them.
func insertEventsSQLite(ctx context.Context, tx *sql.Tx, org string, evs []store.Event) error {
	d := dialect{}
	for rest := evs; len(rest) > 0; {
		part := rest[:min(len(rest), sqliteEventRows)]
		rest = rest[len(part):]
		args := []any{org}
		var values strings.Builder
		for i, ev := range part {
			if i > 0 {
				values.WriteString(", ")
			}
			n := len(args)
			values.WriteString("(?1")
			for k := 1; k <= 8; k++ {
				values.WriteString(", ?" + strconv.Itoa(n+k))
			}
			values.WriteString(")")
			args = append(args, ev.Seq, ev.RequestID, d.time(ev.Time), ev.Type, string(ev.Status), ev.Detail, ev.PrevHash, ev.Hash)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO events (org, seq, request_id, time, type, status, detail, prev_hash, hash) VALUES "+
			values.String(), args...); err != nil {
			return err
		}
	}
	last := evs[len(evs)-1]
	_, err := tx.ExecContext(ctx, "UPDATE chain_heads SET seq = ?2, hash = ?3 WHERE org = ?1", org, last.Seq, last.Hash)
	return err
}

// Events returns the organization's audit events with Seq greater than
// after, in Seq order, at most limit of them (0: all). Event times are in
// UTC, to the microsecond, as they were sealed.
func (s *Store) Events(ctx context.Context, org string, after int64, limit int) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	query := `SELECT ` + eventColumns + ` FROM events
		WHERE org = $1 AND seq > $2 ORDER BY seq`
	args := []any{org, after}
	if limit > 0 {
		query += " LIMIT $3"
		args = append(args, limit)
	}
	evs, err := s.queryEvents(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: events: %w", err)
	}
	return evs, nil
}

var _ store.RequestEventer = (*Store)(nil)

// RequestEvents returns the organization's audit events about the request
// id, in Seq order, through the index events_request: its cost follows
// the request's events, not the chain's length.
func (s *Store) RequestEvents(ctx context.Context, org, id string) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: request events: %w", err)
	}
	evs, err := s.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE org = $1 AND request_id = $2 ORDER BY seq`, org, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: request events: %w", err)
	}
	return evs, nil
}

// eventColumns are the columns queryEvents reads, in its order.
const eventColumns = `org, seq, request_id, time, type, status, detail, prev_hash, hash`

// queryEvents runs query and reads the events of its rows.
func (s *Store) queryEvents(ctx context.Context, query string, args ...any) ([]store.Event, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var evs []store.Event
	for rows.Next() {
		var (
			ev     store.Event
			status string
		)
		if err := rows.Scan(&ev.Org, &ev.Seq, &ev.RequestID, timeCol{&ev.Time}, &ev.Type, &status,
			&ev.Detail, &ev.PrevHash, &ev.Hash); err != nil {
			return nil, err
		}
		ev.Status = gdpr.Status(status)
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}
