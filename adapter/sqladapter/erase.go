package sqladapter

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Erase erases the live rows that match any of terms and every row that
// references them, directly or not. It reads those rows, asks keep about
// each (without a transaction open), and then, in one transaction, checks
// that the rows are still as they were read (and reads again when they
// are not), deletes the rows of tables whose mode is "delete" and
// anonymizes those of tables whose mode is "anonymize", referencing rows
// before the rows they reference. Rows keep retains stay as they are,
// counted under their basis in Outcome.Retained, ordered by basis. A row
// that stays (retained or anonymized) while the row it references is
// deleted is detached: its reference column is set to NULL when nullable.
// A nil keep keeps nothing.
//
// An error from keep ends Erase with that error before anything is
// changed. A failure, a crash or a cancelled context part-way leaves the
// transaction uncommitted, so nothing is changed. The outcome of an
// operation (Op.RequestID and a non-empty Op.ID) is stored in the same
// transaction; a repeat returns it without erasing again.
func (a *Adapter) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, fmt.Errorf("sqladapter: erase: %w", err)
	}
	ctx, holds, err := a.scope(ctx, "erase")
	if err != nil || !holds {
		return gdpr.Outcome{}, err
	}
	if keep == nil {
		keep = func(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }
	}
	var (
		planned []row
		answers map[string]answer
	)
	before := func() error {
		planned = planned[:0]
		if err := a.walk(ctx, a.db, terms, false, func(r row) error {
			planned = append(planned, r)
			return nil
		}); err != nil {
			return err
		}
		answers = make(map[string]answer, len(planned))
		for _, r := range planned {
			basis, ok, err := keep(ctx, r.record())
			if err != nil {
				return fmt.Errorf("retention policy: %w", err)
			}
			answers[r.ref()] = answer{basis: basis, keep: ok}
		}
		return nil
	}
	out, err := a.runOp(ctx, "erase", op, before, func(tx *sql.Tx) (gdpr.Outcome, error) {
		var now []row
		if err := a.walk(ctx, tx, terms, true, func(r row) error {
			now = append(now, r)
			return nil
		}); err != nil {
			return gdpr.Outcome{}, err
		}
		if !sameRows(planned, now) {
			return gdpr.Outcome{}, errChanged
		}
		return a.apply(ctx, tx, now, answers)
	})
	if err != nil {
		return gdpr.Outcome{}, fmt.Errorf("sqladapter: erase: %w", err)
	}
	return out, nil
}

type answer struct {
	basis string
	keep  bool
}

// ref names the row among all tables.
func (r row) ref() string { return r.t.m.Name + "\x00" + r.id }

// fingerprint is the row's values as text, to tell whether it changed.
func (r row) fingerprint() string {
	var b strings.Builder
	for _, v := range r.vals {
		if v == nil {
			b.WriteString("\x00N")
		} else {
			b.WriteString("\x00V")
			b.WriteString(text(v))
		}
	}
	return b.String()
}

func sameRows(x, y []row) bool {
	if len(x) != len(y) {
		return false
	}
	m := make(map[string]string, len(x))
	for _, r := range x {
		m[r.ref()] = r.fingerprint()
	}
	for _, r := range y {
		if f, ok := m[r.ref()]; !ok || f != r.fingerprint() {
			return false
		}
	}
	return true
}

// apply erases rows within tx as answered, referencing tables first.
func (a *Adapter) apply(ctx context.Context, tx *sql.Tx, rows []row, answers map[string]answer) (gdpr.Outcome, error) {
	var out gdpr.Outcome
	retained := make(map[string]int)
	byTable := make(map[*table][]row)
	deleted := make(map[*table]map[int]*valueSet)
	for _, r := range rows {
		byTable[r.t] = append(byTable[r.t], r)
		if answers[r.ref()].keep || r.t.m.Erase == EraseAnonymize {
			continue
		}
		ds := deleted[r.t]
		if ds == nil {
			ds = make(map[int]*valueSet)
			deleted[r.t] = ds
		}
		for _, c := range r.t.targets {
			if ds[c] == nil {
				ds[c] = newValueSet()
			}
			ds[c].add(r.vals[c])
		}
	}
	for _, t := range slices.Backward(a.tables) {
		var doomed []any
		for _, r := range byTable[t] {
			ans := answers[r.ref()]
			set := make(map[int]any)
			for _, rf := range t.refs {
				if v := r.vals[rf.col]; v != nil && t.cols[rf.col].Nullable {
					if ds := deleted[rf.parent][rf.to]; ds != nil && ds.seen[text(v)] {
						set[rf.col] = nil
					}
				}
			}
			switch {
			case ans.keep:
				retained[ans.basis]++
			case t.m.Erase == EraseAnonymize:
				a.anonymize(r, set)
				out.Anonymized++
			default:
				doomed = append(doomed, r.vals[t.key])
				out.Deleted++
				continue
			}
			if len(set) > 0 {
				if err := a.update(ctx, tx, r, set); err != nil {
					return out, err
				}
			}
		}
		if err := a.delete(ctx, tx, t, doomed); err != nil {
			return out, err
		}
	}
	for _, basis := range slices.Sorted(maps.Keys(retained)) {
		out.Retained = append(out.Retained, gdpr.Retention{Basis: basis, Records: retained[basis]})
	}
	slices.SortFunc(out.Retained, func(x, y gdpr.Retention) int { return cmp.Compare(x.Basis, y.Basis) })
	return out, nil
}

// anonymize adds to set the anonymized values of r's columns, the
// normalized columns the adapter keeps, and the anonymized marker.
func (a *Adapter) anonymize(r row, set map[int]any) {
	t := r.t
	for ci, s := range t.anon {
		set[ci] = a.anonValue(r, ci, s)
	}
	for _, tc := range t.terms {
		nv, ok := set[tc.col]
		if !ok || !tc.normWrite {
			continue
		}
		set[tc.norm] = nil
		if nv != nil {
			if n, err := a.norm.Value(tc.kind, text(nv)); err == nil {
				set[tc.norm] = n
			}
		}
	}
	set[t.marker] = markerValue(t.cols[t.marker])
}

// update sets columns of one row.
func (a *Adapter) update(ctx context.Context, tx *sql.Tx, r row, set map[int]any) error {
	t := r.t
	ar := args{d: a.d}
	var parts []string
	for _, ci := range slices.Sorted(maps.Keys(set)) {
		parts = append(parts, a.d.ident(t.cols[ci].Name)+" = "+ar.add(set[ci]))
	}
	q := "UPDATE " + t.qname + " SET " + strings.Join(parts, ", ") +
		" WHERE " + a.d.ident(t.cols[t.key].Name) + " = " + ar.add(r.vals[t.key]) + a.tenantCond(ctx, t, &ar)
	if _, err := tx.ExecContext(ctx, q, ar.vals...); err != nil {
		return fmt.Errorf("table %q: update: %w", t.m.Name, masked(err))
	}
	return nil
}

// delete deletes the rows of t with the keys.
func (a *Adapter) delete(ctx context.Context, tx *sql.Tx, t *table, keys []any) error {
	for len(keys) > 0 {
		n := min(len(keys), chunk)
		ar := args{d: a.d}
		q := "DELETE FROM " + t.qname + " WHERE " + a.d.ident(t.cols[t.key].Name) + " IN (" + ar.list(keys[:n]) + ")" + a.tenantCond(ctx, t, &ar)
		keys = keys[n:]
		if _, err := tx.ExecContext(ctx, q, ar.vals...); err != nil {
			return fmt.Errorf("table %q: delete: %w", t.m.Name, masked(err))
		}
	}
	return nil
}
