package sqladapter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ScanOptions bound a Scan. The zero value scans with the defaults.
type ScanOptions struct {
	// Rows is the most rows sampled per column; default DefaultScanRows.
	Rows int
	// Timeout bounds each statement; default DefaultScanTimeout. It is
	// set on the server where the dialect allows (PostgreSQL
	// statement_timeout, MariaDB max_statement_time, MySQL
	// MAX_EXECUTION_TIME) and on the statement's context everywhere.
	Timeout time.Duration
	// Region is the ISO 3166 region phone numbers without a country code
	// are read in; "" uses the map's region (and then E.164 only).
	Region string
	// Names looks for the full names of known subjects, read from the
	// NAME columns of the map's subject tables (at most MaxScanNames).
	Names bool
}

// Defaults and bounds of a Scan.
const (
	DefaultScanRows    = 1000
	DefaultScanTimeout = 30 * time.Second
	MaxScanNames       = 100000
)

// ScanReport is what Scan found in one database. It holds masked
// examples only, never a whole value.
type ScanReport struct {
	// Adapter is the adapter's name in the configuration, or "".
	Adapter string  `json:"adapter,omitempty"`
	Dialect Dialect `json:"dialect"`
	Schema  string  `json:"schema,omitempty"`
	// Rows is the most rows sampled per column.
	Rows int `json:"rows"`
	// Tables and Columns count what was sampled.
	Tables  int `json:"tables"`
	Columns int `json:"columns"`
	// Findings lists the sampled columns where something was found, by
	// table and column.
	Findings []ColumnFinding `json:"findings"`
	// Suggestions are data-map entries for the tables of Findings.
	Suggestions []TableSuggestion `json:"suggestions"`
	// Unreachable lists mapped tables no search term can reach.
	Unreachable []UnreachableTable `json:"unreachable"`
	// Missing lists mapped tables that the database does not have.
	Missing []string `json:"missing,omitempty"`
	// Names is the number of known subjects' names looked for.
	Names int `json:"names,omitempty"`
}

// ColumnFinding is what was found in one column the map does not cover.
type ColumnFinding struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	// Mapped is true when the table is in the map (the column is not).
	Mapped bool `json:"mapped"`
	// Sampled is the number of non-NULL values read.
	Sampled int     `json:"sampled"`
	Matches []Match `json:"matches"`
}

// Match is one kind of personal data found in a column's sample.
type Match struct {
	// Kind is FoundEmail, FoundPhone, FoundIBAN, FoundCard or FoundName.
	Kind string `json:"kind"`
	// Values counts the sampled values holding this kind.
	Values int `json:"values"`
	// Whole counts the values that are nothing but one such item (a
	// column of emails rather than free text mentioning one).
	Whole int `json:"whole"`
	// Example is one match with its middle masked.
	Example string `json:"example"`
}

// TableSuggestion is a suggested data-map entry (YAML) for a table.
type TableSuggestion struct {
	Table  string `json:"table"`
	Mapped bool   `json:"mapped"`
	// YAML is a table entry for an unmapped table, or column entries to
	// add to a mapped one, with comments to check by hand.
	YAML string `json:"yaml"`
}

// UnreachableTable is a mapped table whose rows no term can reach.
type UnreachableTable struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
}

// Scan samples the text columns of the database that m does not cover —
// every text column of unmapped tables, and of mapped tables every column
// that is not the key, a described column, its normalized or scope
// column, the kind or anonymized column or a reference (excluded columns
// are sampled: they are not exported, but still hold data) — and reports
// values that look like personal data: emails, phone numbers valid in
// their country, IBANs (mod-97), card numbers (Luhn) and, with
// opts.Names, the full names of known subjects. It also reports mapped
// tables that no search term can reach.
//
// Scan changes nothing: it reads in one read-only transaction on one
// connection (on SQLite with PRAGMA query_only set for its duration), at
// most opts.Rows non-NULL values per column, each statement under
// opts.Timeout. The report holds masked examples only.
func Scan(ctx context.Context, db *sql.DB, d Dialect, m *Map, opts ScanOptions) (*ScanReport, error) {
	if db == nil || m == nil {
		return nil, errors.New("sqladapter: scan: db and map are required")
	}
	if !d.valid() {
		return nil, fmt.Errorf("sqladapter: scan: dialect %q is not postgres, mysql or sqlite", d)
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	if opts.Rows <= 0 {
		opts.Rows = DefaultScanRows
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultScanTimeout
	}
	if opts.Region == "" {
		opts.Region = m.Region
	}
	rep := &ScanReport{Dialect: d, Schema: m.Schema, Rows: opts.Rows,
		Findings: []ColumnFinding{}, Suggestions: []TableSuggestion{}, Unreachable: unreachableTables(m)}

	s, err := beginScan(ctx, db, d, opts.Timeout)
	if err != nil {
		return nil, fmt.Errorf("sqladapter: scan: %w", err)
	}
	defer s.end()

	tables, err := s.tables(ctx, m.Schema)
	if err != nil {
		return nil, fmt.Errorf("sqladapter: scan: list tables: %w", err)
	}
	ops := m.Operations
	if ops == "" {
		ops = "gdpr_operations"
	}
	mapped := make(map[string]*Table, len(m.Tables))
	for i := range m.Tables {
		mapped[m.Tables[i].Name] = &m.Tables[i]
		if !slices.Contains(tables, m.Tables[i].Name) {
			rep.Missing = append(rep.Missing, m.Tables[i].Name)
		}
	}
	var names []string
	if opts.Names {
		if names, err = s.subjectNames(ctx, m); err != nil {
			return nil, fmt.Errorf("sqladapter: scan: read names: %w", err)
		}
	}
	det := newDetector(opts.Region, names)
	rep.Names = len(det.names)
	for _, name := range tables {
		if name == ops {
			continue
		}
		mt := mapped[name]
		cols, err := d.columns(ctx, db, m.Schema, name) // information_schema: read-only
		if err != nil {
			return nil, fmt.Errorf("sqladapter: scan: read the columns of table %q: %w", name, err)
		}
		qt := d.table(m.Schema, name)
		var found []ColumnFinding
		for _, c := range uncovered(mt, cols) {
			cf, err := s.sample(ctx, qt, c.Name, opts.Rows, det)
			if err != nil {
				return nil, fmt.Errorf("sqladapter: scan: sample table %q column %q: %w", name, c.Name, err)
			}
			rep.Columns++
			if len(cf.Matches) > 0 {
				cf.Table, cf.Mapped = name, mt != nil
				found = append(found, cf)
			}
		}
		rep.Tables++
		if len(found) > 0 {
			rep.Findings = append(rep.Findings, found...)
			rep.Suggestions = append(rep.Suggestions, suggest(name, mt, cols, found))
		}
	}
	return rep, nil
}

// uncovered returns the text columns of a table that the map does not
// cover (all of them when mt is nil).
func uncovered(mt *Table, cols []column) []column {
	covered := map[string]bool{}
	if mt != nil {
		for _, n := range []string{mt.Key, mt.KindColumn, mt.AnonymizedColumn} {
			covered[n] = true
		}
		for _, c := range mt.Columns {
			covered[c.Name], covered[c.Normalized], covered[c.Scope] = true, true, true
		}
		for _, r := range mt.References {
			covered[r.Column] = true
		}
	}
	var out []column
	for _, c := range cols {
		text := c.Cat == catText || c.Cat == catAny || strings.Contains(strings.ToLower(c.DataType), "json")
		if text && !covered[c.Name] && !c.Generated {
			out = append(out, c)
		}
	}
	return out
}

// unreachableTables lists the mapped tables that are not subject tables
// and have no reference path to one.
func unreachableTables(m *Map) []UnreachableTable {
	byName := make(map[string]*Table, len(m.Tables))
	for i := range m.Tables {
		byName[m.Tables[i].Name] = &m.Tables[i]
	}
	memo := map[string]bool{}
	var reach func(t *Table) bool
	reach = func(t *Table) bool { // Check refused cycles
		if v, ok := memo[t.Name]; ok {
			return v
		}
		ok := t.Subject
		for _, r := range t.References {
			ok = ok || reach(byName[r.Table])
		}
		memo[t.Name] = ok
		return ok
	}
	out := []UnreachableTable{}
	for i := range m.Tables {
		if t := &m.Tables[i]; !reach(t) {
			out = append(out, UnreachableTable{Table: t.Name, Reason: unreachableReason(t)})
		}
	}
	return out
}

// scanConn is the read-only transaction a scan reads in.
type scanConn struct {
	d       Dialect
	conn    *sql.Conn
	tx      *sql.Tx
	timeout time.Duration
	mariadb bool
}

func beginScan(ctx context.Context, db *sql.DB, d Dialect, timeout time.Duration) (*scanConn, error) {
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
	case SQLite:
		if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
			return fail(err)
		}
	case MySQL:
		var v string
		if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
			return fail(err)
		}
		s.mariadb = strings.Contains(strings.ToLower(v), "mariadb")
	}
	if s.tx, err = conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
		return fail(err)
	}
	if d == Postgres {
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
	if s.d == SQLite {
		s.conn.ExecContext(context.Background(), "PRAGMA query_only = 0")
	}
	s.conn.Close()
}

// selectCol is a SELECT of one column with the statement timeout of the
// dialect.
func (s *scanConn) selectCol(col, table, where string, limit int) string {
	q := "SELECT " + s.d.ident(col) + " FROM " + table + " WHERE " + where + " LIMIT " + strconv.Itoa(limit)
	if s.d != MySQL {
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
	case Postgres:
		q = `SELECT table_name FROM information_schema.tables
WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_type = 'BASE TABLE' ORDER BY table_name`
		args = []any{schema}
	case MySQL:
		q = `SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`
		args = []any{schema}
	default:
		if schema == "" {
			schema = "main"
		}
		q = `SELECT name FROM ` + s.d.ident(schema) + `.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
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
func (s *scanConn) sample(ctx context.Context, table, col string, limit int, det *detector) (ColumnFinding, error) {
	cf := ColumnFinding{Column: col, Matches: []Match{}}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rows, err := s.tx.QueryContext(ctx, s.selectCol(col, table, s.d.ident(col)+" IS NOT NULL", limit))
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
// tables, at most MaxScanNames in all.
func (s *scanConn) subjectNames(ctx context.Context, m *Map) ([]string, error) {
	var names []string
	for _, t := range m.Tables {
		if !t.Subject {
			continue
		}
		for _, c := range t.Columns {
			if c.Term != "NAME" || len(names) >= MaxScanNames {
				continue
			}
			err := func() error {
				ctx, cancel := context.WithTimeout(ctx, s.timeout)
				defer cancel()
				q := s.selectCol(c.Name, s.d.table(m.Schema, t.Name), s.d.ident(c.Name)+" IS NOT NULL", MaxScanNames-len(names))
				rows, err := s.tx.QueryContext(ctx, q)
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

// suggest writes a data-map entry for the findings of one table.
func suggest(name string, mt *Table, cols []column, found []ColumnFinding) TableSuggestion {
	var b strings.Builder
	indent := "    "
	anonymizes := mt != nil && mt.Erase == EraseAnonymize
	if mt == nil {
		key := cols[0].Name
		for _, c := range cols {
			if strings.EqualFold(c.Name, "id") {
				key = c.Name
			}
		}
		fmt.Fprintf(&b, "- name: %s\n", yamlScalar(name))
		fmt.Fprintf(&b, "  key: %s  # check: the column that identifies a row\n", yamlScalar(key))
		b.WriteString("  kind: TODO  # what a row is, e.g. supportTicket\n")
		b.WriteString("  references: [{column: TODO, table: TODO}]  # link each row to its data subject's table, or make it subject: true\n")
		b.WriteString("  columns:\n")
	} else {
		fmt.Fprintf(&b, "# add to the columns of table %s:\n", name)
		indent = ""
	}
	for _, f := range found {
		b.WriteString(indent)
		b.WriteString(columnEntry(f, mt, anonymizes))
		b.WriteString("\n")
	}
	return TableSuggestion{Table: name, Mapped: mt != nil, YAML: b.String()}
}

// columnEntry suggests the map entry of one column: a term column when
// most sampled matches are whole values of a searchable kind, else an
// anonymized free-text column.
func columnEntry(f ColumnFinding, mt *Table, anonymizes bool) string {
	var kinds []string
	var term, strategy string
	for _, m := range f.Matches {
		kinds = append(kinds, m.Kind)
		searchable := m.Kind == FoundEmail || m.Kind == FoundPhone || m.Kind == FoundName
		if term == "" && searchable && m.Whole*5 >= m.Values*4 && m.Values*2 >= f.Sampled {
			term = m.Kind
		}
	}
	col := yamlScalar(f.Column)
	if term != "" {
		switch term {
		case FoundEmail:
			strategy = AnonymizeFakeEmail
		case FoundPhone:
			strategy = AnonymizeFakePhone
		default:
			strategy = AnonymizeRedact
		}
		entry := fmt.Sprintf("- {name: %s, term: %s", col, term)
		if mt == nil || anonymizes {
			entry += ", anonymize: " + strategy
		}
		entry += "}"
		if mt != nil && !mt.Subject {
			entry += "  # terms are searched on subject tables only"
		}
		return entry
	}
	note := "free text holding " + strings.Join(kinds, ", ") + ": no term can find it"
	if mt != nil && !anonymizes {
		return fmt.Sprintf("- {name: %s}  # %s; it is exported, and deleted with its row", col, note)
	}
	return fmt.Sprintf("- {name: %s, anonymize: redact}  # %s", col, note)
}

// yamlScalar quotes a name for YAML when it needs it.
func yamlScalar(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return strconv.Quote(s)
}
