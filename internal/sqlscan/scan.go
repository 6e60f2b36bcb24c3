package sqlscan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlschema"
)

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
func Scan(ctx context.Context, db *sql.DB, dialect sqladapter.Dialect, m *sqladapter.Map, opts Options) (*Report, error) {
	d := sqlschema.Dialect(dialect)
	if db == nil || m == nil {
		return nil, errors.New("sqlscan: db and map are required")
	}
	if !d.Valid() {
		return nil, fmt.Errorf("sqlscan: dialect %q is not postgres, mysql or sqlite", dialect)
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	if opts.Organization != "" && !m.Scoped() {
		return nil, errors.New("sqlscan: an organization was given, but the map names no tenant columns: scan every row, or name each table's tenant column (tenant: COLUMN)")
	}
	if opts.Rows <= 0 {
		opts.Rows = DefaultRows
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Region == "" {
		opts.Region = m.Region
	}
	rep := &Report{Dialect: dialect, Schema: m.Schema, Rows: opts.Rows,
		Findings: []ColumnFinding{}, Suggestions: []TableSuggestion{}, Unreachable: m.Unreachable()}

	s, err := beginScan(ctx, db, d, opts.Timeout)
	if err != nil {
		return nil, fmt.Errorf("sqlscan: %w", err)
	}
	defer s.end()

	tables, err := s.tables(ctx, m.Schema)
	if err != nil {
		return nil, fmt.Errorf("sqlscan: list tables: %w", err)
	}
	ops := m.Operations
	if ops == "" {
		ops = "gdpr_operations"
	}
	mapped := make(map[string]*sqladapter.Table, len(m.Tables))
	for i := range m.Tables {
		mapped[m.Tables[i].Name] = &m.Tables[i]
		if !slices.Contains(tables, m.Tables[i].Name) {
			rep.Missing = append(rep.Missing, m.Tables[i].Name)
		}
	}
	var names []string
	if opts.Names {
		if names, err = s.subjectNames(ctx, m, opts.Organization); err != nil {
			return nil, fmt.Errorf("sqlscan: read names: %w", err)
		}
	}
	det := newDetector(opts.Region, names)
	rep.Names = len(det.names)
	for _, name := range tables {
		if name == ops {
			continue
		}
		mt := mapped[name]
		if opts.Organization != "" && mt == nil {
			rep.Skipped = append(rep.Skipped, name)
			continue
		}
		cols, err := d.Columns(ctx, db, m.Schema, name) // information_schema: read-only
		if err != nil {
			return nil, fmt.Errorf("sqlscan: read the columns of table %q: %w", name, err)
		}
		qt := d.Table(m.Schema, name)
		var found []ColumnFinding
		for _, c := range uncovered(mt, cols) {
			cf, err := s.sample(ctx, qt, c.Name, opts.Rows, tenantOf(m, mt, opts.Organization), det)
			if err != nil {
				return nil, fmt.Errorf("sqlscan: sample table %q column %q: %w", name, c.Name, err)
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
func uncovered(mt *sqladapter.Table, cols []sqlschema.Column) []sqlschema.Column {
	covered := map[string]bool{}
	if mt != nil {
		for _, n := range []string{mt.Key, mt.KindColumn, mt.AnonymizedColumn, mt.Tenant} {
			covered[n] = true
		}
		for _, c := range mt.Columns {
			covered[c.Name], covered[c.Normalized], covered[c.Scope] = true, true, true
		}
		for _, r := range mt.References {
			covered[r.Column] = true
		}
	}
	var out []sqlschema.Column
	for _, c := range cols {
		text := c.Cat == sqlschema.Text || c.Cat == sqlschema.Any || strings.Contains(strings.ToLower(c.DataType), "json")
		if text && !covered[c.Name] && !c.Generated {
			out = append(out, c)
		}
	}
	return out
}
