package sqladapter

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Rectify applies every change to the live rows that match any of terms
// and to the rows that reference them: wherever a column of the change's
// kind holds a value whose normalized form is Change.Existing, it comes to
// hold Change.Updated as given (its normalized form, when the map says the
// column is stored normalized), and a normalized column the adapter keeps
// comes to hold the normalized form. Changes of id kinds change nothing.
// Outcome.Updated counts the rows changed.
//
// Rectify runs in one transaction: it fails without changing anything
// when ctx is done or an updated value is not a valid term of its kind.
// The outcome of an operation (Op.RequestID and a non-empty Op.ID) is
// stored in the same transaction; a repeat returns it without running
// again.
func (a *Adapter) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, fmt.Errorf("sqladapter: rectify: %w", err)
	}
	ctx, holds, err := a.scope(ctx, "rectify")
	if err != nil || !holds {
		return gdpr.Outcome{}, err
	}
	norms := make([]string, len(changes))
	for i, c := range changes {
		if c.Kind.IsID() {
			continue
		}
		n, err := a.norm.Value(c.Kind, c.Updated)
		if err != nil {
			return gdpr.Outcome{}, fmt.Errorf("sqladapter: rectify: change %d: updated value: %w", i, err)
		}
		norms[i] = n
	}
	out, err := a.runOp(ctx, "rectify", op, nil, func(tx *sql.Tx) (gdpr.Outcome, error) {
		var rows []row
		if err := a.walk(ctx, tx, terms, true, func(r row) error {
			rows = append(rows, r)
			return nil
		}); err != nil {
			return gdpr.Outcome{}, err
		}
		var out gdpr.Outcome
		for _, r := range rows {
			set := a.rectifyRow(r, changes, norms)
			if len(set) == 0 {
				continue
			}
			if err := a.update(ctx, tx, r, set); err != nil {
				return out, err
			}
			out.Updated++
		}
		return out, nil
	})
	if err != nil {
		return gdpr.Outcome{}, fmt.Errorf("sqladapter: rectify: %w", err)
	}
	return out, nil
}

// rectifyRow returns the columns of r that changes set, and their values.
func (a *Adapter) rectifyRow(r row, changes []adapter.Change, norms []string) map[int]any {
	set := make(map[int]any)
	for _, tc := range r.t.terms {
		for i, c := range changes {
			if c.Kind != tc.kind || c.Kind.IsID() {
				continue
			}
			v := text(r.vals[tc.col])
			if cur, ok := set[tc.col]; ok {
				v = text(cur)
			}
			if v == "" {
				continue
			}
			updated := c.Updated
			if tc.norm == tc.col {
				updated = norms[i]
			}
			if v == updated {
				continue
			}
			if n, err := a.norm.Value(tc.kind, v); err != nil || n != c.Existing {
				continue
			}
			set[tc.col] = updated
			if tc.normWrite {
				set[tc.norm] = norms[i]
			}
		}
	}
	return set
}
