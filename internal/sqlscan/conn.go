package sqlscan

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// scanConn is the read-only transaction a scan reads in.
type scanConn struct {
	d       sqlschema.Dialect
	conn    *sql.Conn
	tx      *sql.Tx
	timeout time.Duration
	mariadb bool
}

func beginScan(ctx context.Context, db *sql.DB, d sqlschema.Dialect, timeout time.Duration) (*scanConn, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &scanConn{d: d, conn: conn, timeout: timeout}
	fail := func(err error) (*scanConn, error) {
		s.end()
		return nil, err
	}
	switch d {
	case sqlschema.SQLite:
		if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
			return fail(err)
		}
	case sqlschema.MySQL:
		var v string
		if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
			return fail(err)
		}
		s.mariadb = strings.Contains(strings.ToLower(v), "mariadb")
	}
	if s.tx, err = conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
		return fail(err)
	}
	if d == sqlschema.Postgres {
		ms := strconv.FormatInt(timeout.Milliseconds(), 10)
		if _, err := s.tx.ExecContext(ctx, "SET LOCAL statement_timeout = "+ms); err != nil {
			return fail(err)
		}
	}
	return s, nil
}

// end rolls back and gives the connection back as it found it.
func (s *scanConn) end() {
	if s.tx != nil {
		s.tx.Rollback()
	}
	if s.d == sqlschema.SQLite {
		s.conn.ExecContext(context.Background(), "PRAGMA query_only = 0")
	}
	s.conn.Close()
}

// selectCol is a SELECT of one column with the statement timeout of the
// dialect.
func (s *scanConn) selectCol(col, table, where string, limit int) string {
	q := "SELECT " + s.d.Quote(col) + " FROM " + table + " WHERE " + where + " LIMIT " + strconv.Itoa(limit)
	if s.d != sqlschema.MySQL {
		return q
	}
	if s.mariadb {
		secs := strconv.FormatFloat(s.timeout.Seconds(), 'f', 3, 64)
		return "SET STATEMENT max_statement_time=" + secs + " FOR " + q
	}
	ms := strconv.FormatInt(s.timeout.Milliseconds(), 10)
	return "SELECT /*+ MAX_EXECUTION_TIME(" + ms + ") */" + q[len("SELECT"):]
}

// tables lists the base tables of schema, by name.
func (s *scanConn) tables(ctx context.Context, schema string) ([]string, error) {
	var q string
	var args []any
	switch s.d {
	case sqlschema.Postgres:
		q = `SELECT table_name FROM information_schema.tables
WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_type = 'BASE TABLE' ORDER BY table_name`
		args = []any{schema}
	case sqlschema.MySQL:
		q = `SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`
		args = []any{schema}
	default:
		if schema == "" {
			schema = "main"
		}
		q = `SELECT name FROM ` + s.d.Quote(schema) + `.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rows, err := s.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// sample reads up to limit non-NULL values of a column and runs the
// detector over them.
func (s *scanConn) sample(ctx context.Context, table, col string, limit int, ten tenant, det *detector) (ColumnFinding, error) {
	cf := ColumnFinding{Column: col, Matches: []Match{}}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	where, args := ten.where(s.d, s.d.Quote(col)+" IS NOT NULL")
	rows, err := s.tx.QueryContext(ctx, s.selectCol(col, table, where, limit), args...)
	if err != nil {
		return cf, err
	}
	defer rows.Close()
	byKind := map[string]*Match{}
	var order []string
	var v sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return cf, err
		}
		cf.Sampled++
		seen := map[string]bool{}
		det.detect(string(v), func(kind, match string, whole bool) {
			m := byKind[kind]
			if m == nil {
				m = &Match{Kind: kind, Example: mask(match)}
				byKind[kind] = m
				order = append(order, kind)
			}
			if !seen[kind] {
				seen[kind] = true
				m.Values++
				if whole {
					m.Whole++
				}
			}
		})
	}
	if err := rows.Err(); err != nil {
		return cf, err
	}
	for _, k := range order {
		cf.Matches = append(cf.Matches, *byKind[k])
	}
	return cf, nil
}

// subjectNames reads the values of the NAME columns of the map's subject
// tables, at most MaxNames in all.
func (s *scanConn) subjectNames(ctx context.Context, m *sqladapter.Map, org string) ([]string, error) {
	var names []string
	for _, t := range m.Tables {
		if !t.Subject {
			continue
		}
		for _, c := range t.Columns {
			if c.Term != "NAME" || len(names) >= MaxNames {
				continue
			}
			err := func() error {
				ctx, cancel := context.WithTimeout(ctx, s.timeout)
				defer cancel()
				where, args := tenantOf(m, &t, org).where(s.d, s.d.Quote(c.Name)+" IS NOT NULL")
				q := s.selectCol(c.Name, s.d.Table(m.Schema, t.Name), where, MaxNames-len(names))
				rows, err := s.tx.QueryContext(ctx, q, args...)
				if err != nil {
					return fmt.Errorf("table %q column %q: %w", t.Name, c.Name, err)
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						return err
					}
					names = append(names, n)
				}
				return rows.Err()
			}()
			if err != nil {
				return nil, err
			}
		}
	}
	return names, nil
}
