package sqlstore

import (
	"fmt"
	"strings"
	"time"
)

// dialect is what differs between SQLite and PostgreSQL. Queries are
// written for PostgreSQL, with $n placeholders; q rewrites them for SQLite,
// whose ?n placeholders number the same way.
type dialect struct {
	postgres bool
}

// name is the dialect's name, as the migrations directory has it.
func (d dialect) name() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// q returns query in the dialect's placeholders.
func (d dialect) q(query string) string {
	if d.postgres {
		return query
	}
	return strings.ReplaceAll(query, "$", "?")
}

// sqliteTime is how SQLite columns hold times: UTC, to the microsecond,
// fixed width, so that text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// time returns t as the dialect stores it: in UTC, cut to the microsecond.
// The zero time is stored as itself (0001-01-01 UTC), so that it sorts
// before every other time.
func (d dialect) time(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.postgres {
		return t
	}
	return t.Format(sqliteTime)
}

// timeCol scans a time column of either dialect into t, in UTC; the
// stored zero time becomes the zero time.Time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case string:
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("time column: %w", err)
		}
		t = p
	case []byte:
		return c.Scan(string(v))
	case nil:
	default:
		return fmt.Errorf("time column holds a %T", v)
	}
	if t.IsZero() {
		*c.t = time.Time{}
	} else {
		*c.t = t.UTC()
	}
	return nil
}
