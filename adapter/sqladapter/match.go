package sqladapter

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gdprkit/gdpr"
)

// chunk bounds the values one IN list carries.
const chunk = 500

// row is one row of a table, its values in the order of table.cols.
type row struct {
	t    *table
	id   string
	vals []any
}

// value converts what a driver returns into a value that marshals to JSON
// as the data reads: text as a string, not bytes.
func value(v any) any {
	if b, ok := v.([]byte); ok {
		if utf8.Valid(b) {
			return string(b)
		}
		return append([]byte(nil), b...)
	}
	return v
}

// text returns v as a string, "" for NULL.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// selectList is every column of t, quoted.
func (a *Adapter) selectList(t *table) string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = a.d.ident(c.Name)
	}
	return strings.Join(names, ", ")
}

// live is the condition that leaves out anonymized rows.
func (a *Adapter) live(t *table) string {
	if t.marker < 0 {
		return ""
	}
	return " AND " + a.d.ident(t.cols[t.marker].Name) + " IS NULL"
}

func (a *Adapter) lockSuffix(lock bool) string {
	if lock {
		return a.d.forUpdate()
	}
	return ""
}

// matchRows calls fn for every live row of t that carries any of terms,
// once or more (callers drop repeats by id). Candidates come from SQL;
// each is checked in Go, byte for byte against the normalized term,
// whatever the column's collation. Columns with a normalized form are
// read in one query per chunk of terms; scanned columns give keys whose
// rows are then fetched.
func (a *Adapter) matchRows(ctx context.Context, q querier, t *table, terms []gdpr.Term, lock bool, fn func(row) error) error {
	scanned := make(map[string]any)
	for _, tc := range t.terms {
		var want []gdpr.Term
		for _, term := range terms {
			if term.Kind == tc.kind {
				want = append(want, term)
			}
		}
		if len(want) == 0 {
			continue
		}
		var err error
		switch {
		case tc.norm >= 0 && tc.scope >= 0:
			for _, term := range want {
				if err = a.matchScoped(ctx, q, t, tc, term, lock, fn); err != nil {
					break
				}
			}
		case tc.norm >= 0:
			err = a.matchExact(ctx, q, t, tc, want, lock, fn)
		default:
			err = a.matchScan(ctx, q, t, tc, want, lock, scanned)
		}
		if err != nil {
			return fmt.Errorf("table %q column %q: %w", t.m.Name, t.cols[tc.col].Name, err)
		}
	}
	if len(scanned) == 0 {
		return nil
	}
	ids := make([]string, 0, len(scanned))
	for id := range scanned {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = scanned[id]
	}
	return a.fetch(ctx, q, t, t.key, keys, lock, fn)
}

func (a *Adapter) matchScoped(ctx context.Context, q querier, t *table, tc termCol, term gdpr.Term, lock bool, fn func(row) error) error {
	if !a.d.fits(t.cols[tc.norm], term.Value) || !a.d.fits(t.cols[tc.scope], term.Scope) {
		return nil // not a value of the columns' types: matches nothing
	}
	ar := args{d: a.d}
	norm, scope := a.d.ident(t.cols[tc.norm].Name), a.d.ident(t.cols[tc.scope].Name)
	query := "SELECT " + a.selectList(t) + " FROM " + t.qname +
		" WHERE " + norm + " = " + ar.add(term.Value) + " AND " + scope + " = " + ar.add(term.Scope) + a.live(t) + a.tenantCond(ctx, t, &ar) +
		" ORDER BY " + a.d.ident(t.cols[t.key].Name) + a.lockSuffix(lock)
	rows, err := a.readRows(ctx, q, t, query, ar.vals)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if text(r.vals[tc.norm]) == term.Value && text(r.vals[tc.scope]) == term.Scope {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *Adapter) matchExact(ctx context.Context, q querier, t *table, tc termCol, want []gdpr.Term, lock bool, fn func(row) error) error {
	set := make(map[string]bool, len(want))
	vals := make([]any, 0, len(want))
	for _, term := range want {
		if !set[term.Value] {
			set[term.Value] = true
			vals = append(vals, term.Value)
		}
	}
	return a.fetch(ctx, q, t, tc.norm, vals, lock, func(r row) error {
		if set[text(r.vals[tc.norm])] {
			return fn(r)
		}
		return nil
	})
}

// matchScan reads every value of the column and normalizes it in Go: the
// correct search for data that is not stored normalized, in time linear
// in the rows of the table.
func (a *Adapter) matchScan(ctx context.Context, q querier, t *table, tc termCol, want []gdpr.Term, lock bool, keys map[string]any) error {
	set := make(map[string]bool, len(want))
	for _, term := range want {
		set[term.Value] = true
	}
	col := a.d.ident(t.cols[tc.col].Name)
	ar := args{d: a.d}
	query := "SELECT " + a.d.ident(t.cols[t.key].Name) + ", " + col + ", NULL FROM " + t.qname +
		" WHERE " + col + " IS NOT NULL" + a.live(t) + a.tenantCond(ctx, t, &ar) + a.lockSuffix(lock)
	return a.scan3(ctx, q, query, ar.vals, func(k, v, _ any) {
		if n, err := a.norm.Value(tc.kind, text(v)); err == nil && set[n] {
			keys[text(k)] = value(k)
		}
	})
}

// scan3 runs a query of three columns and calls fn for each row.
func (a *Adapter) scan3(ctx context.Context, q querier, query string, vals []any, fn func(a, b, c any)) error {
	rows, err := a.query(ctx, q, query, vals)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x, y, z any
		if err := rows.Scan(&x, &y, &z); err != nil {
			return masked(err)
		}
		fn(x, y, z)
	}
	return masked(rows.Err())
}

// fetch calls fn for every live row of t whose column col holds one of
// vals, ordered by key within each chunk of vals. Each chunk is read
// completely before fn is called, so fn may use the database.
func (a *Adapter) fetch(ctx context.Context, q querier, t *table, col int, vals []any, lock bool, fn func(row) error) error {
	vals = a.d.fitting(t.cols[col], vals)
	for len(vals) > 0 {
		n := min(len(vals), chunk)
		ar := args{d: a.d}
		c := a.d.ident(t.cols[col].Name)
		var cond string
		if n == 1 {
			cond = c + " = " + ar.add(vals[0])
		} else {
			cond = c + " IN (" + ar.list(vals[:n]) + ")"
		}
		vals = vals[n:]
		query := "SELECT " + a.selectList(t) + " FROM " + t.qname + " WHERE " + cond + a.live(t) + a.tenantCond(ctx, t, &ar) +
			" ORDER BY " + a.d.ident(t.cols[t.key].Name) + a.lockSuffix(lock)
		got, err := a.readRows(ctx, q, t, query, ar.vals)
		if err != nil {
			return fmt.Errorf("table %q: %w", t.m.Name, err)
		}
		for _, r := range got {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *Adapter) readRows(ctx context.Context, q querier, t *table, query string, vals []any) ([]row, error) {
	rows, err := a.query(ctx, q, query, vals)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		vs := make([]any, len(t.cols))
		ptrs := make([]any, len(vs))
		for i := range vs {
			ptrs[i] = &vs[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, masked(err)
		}
		for i, v := range vs {
			vs[i] = value(v)
		}
		out = append(out, row{t: t, id: text(vs[t.key]), vals: vs})
	}
	return out, masked(rows.Err())
}

// walk calls visit for every live row that matches any of terms (rows of
// subject tables) or references, directly or not, a row visited: each row
// once, tables in the order of a.tables (parents first). With lock, the
// rows are read FOR UPDATE.
func (a *Adapter) walk(ctx context.Context, q querier, terms []gdpr.Term, lock bool, visit func(row) error) error {
	reached := make(map[*table]map[int]*valueSet)
	for _, t := range a.tables {
		seen := make(map[string]bool)
		targets := make(map[int]*valueSet, len(t.targets))
		for _, c := range t.targets {
			targets[c] = newValueSet()
		}
		reached[t] = targets
		handle := func(r row) error {
			if seen[r.id] {
				return nil
			}
			seen[r.id] = true
			for c, s := range targets {
				s.add(r.vals[c])
			}
			return visit(r)
		}
		if t.m.Subject && len(terms) > 0 {
			if err := a.matchRows(ctx, q, t, terms, lock, handle); err != nil {
				return err
			}
		}
		for _, rf := range t.refs {
			vals := reached[rf.parent][rf.to].list
			if err := a.fetch(ctx, q, t, rf.col, vals, lock, handle); err != nil {
				return err
			}
		}
	}
	return nil
}

// valueSet is a set of column values that keeps their order.
type valueSet struct {
	seen map[string]bool
	list []any
}

func newValueSet() *valueSet { return &valueSet{seen: make(map[string]bool)} }

func (s *valueSet) add(v any) {
	if v == nil {
		return
	}
	k := text(v)
	if !s.seen[k] {
		s.seen[k] = true
		s.list = append(s.list, v)
	}
}
