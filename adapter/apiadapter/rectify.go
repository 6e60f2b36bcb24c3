package apiadapter

import (
	"context"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Rectify creates one GDPR_UPDATE with the replacement terms for each
// remote subject a term finds, by its remote id, and counts the subjects
// as Outcome.Updated once the remote completed them all; or it returns an
// adapter.WaitError naming them (see the package documentation).
func (a *Adapter) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, err
	}
	if o, ok := a.done.get(op.ID); ok {
		return o, nil
	}
	out, err := a.rectify(ctx, op, terms, changes)
	if err == nil {
		a.done.put(op.ID, out)
	}
	return out, err
}

func (a *Adapter) rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	ids := slices.Clone(op.Waiting)
	if len(ids) == 0 {
		subjects, err := a.subjects(ctx, terms)
		if err != nil {
			return gdpr.Outcome{}, err
		}
		repl := make([]gdpr.ReplacementTerm, len(changes))
		for i, c := range changes {
			repl[i] = gdpr.ReplacementTerm{Type: c.Kind, ExistingValue: c.Existing, UpdatedValue: c.Updated}
		}
		if ids, err = a.begin(ctx, op, gdpr.RequestUpdate, subjects, repl); err != nil {
			return gdpr.Outcome{}, err
		}
	}
	if len(ids) == 0 {
		return gdpr.Outcome{}, nil
	}
	reqs, err := a.await(ctx, op, ids, gdpr.Outcome{})
	if err != nil {
		return gdpr.Outcome{}, err
	}
	return gdpr.Outcome{Updated: len(reqs)}, nil
}
