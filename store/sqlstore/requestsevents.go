package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gdprkit/gdpr/store"
)

// RequestsEvents returns the organization's events of the requests ids,
// by request id, each request's in Seq order, in one query through the
// index on (org, request_id): the ids are one parameter (an array for
// PostgreSQL, a JSON array for SQLite), whatever their number.
func (s *Store) RequestsEvents(ctx context.Context, org string, ids []string) (map[string][]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: requests events: %w", err)
	}
	out := make(map[string][]store.Event, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var (
		evs []store.Event
		err error
	)
	if s.d.postgres {
		evs, err = s.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
			WHERE org = $1 AND request_id = ANY($2::text[]) ORDER BY seq`, org, ids)
	} else {
		list, jerr := json.Marshal(ids)
		if jerr != nil {
			return nil, fmt.Errorf("sqlstore: requests events: %w", jerr)
		}
		// CROSS JOIN makes SQLite look each id up in the index on
		// (org, request_id): with "request_id IN (...) ORDER BY seq" it
		// walks every event of the organization in seq order instead.
		evs, err = s.queryEvents(ctx, `SELECT `+prefixed("e.", eventColumns)+` FROM json_each($2) AS j
			CROSS JOIN events AS e WHERE e.org = $1 AND e.request_id = j.value ORDER BY e.seq`, org, string(list))
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: requests events: %w", err)
	}
	for _, ev := range evs {
		out[ev.RequestID] = append(out[ev.RequestID], ev)
	}
	return out, nil
}

var _ store.RequestsEventer = (*Store)(nil)

// prefixed returns the comma-separated columns cols, each with prefix.
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = prefix + c
	}
	return strings.Join(parts, ", ")
}
