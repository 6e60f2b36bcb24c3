package apiadapter

import (
	"context"
	"fmt"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Erase asks keep about each remote subject that a term finds, and
// creates one GDPR_DELETE, by remote id with deleteConfirmed, for each
// subject not kept. It returns once the remote completed them all, with
// their count as Outcome.Erased (the remote decides between deleting and
// anonymizing, and does not say which), or an adapter.WaitError naming
// them (see the package documentation). When op.Waiting is set it looks
// at those requests only, and returns just their count.
func (a *Adapter) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, err
	}
	if o, ok := a.done.get(op.ID); ok {
		return o, nil
	}
	out, err := a.erase(ctx, op, terms, keep)
	if err == nil {
		a.done.put(op.ID, out)
	}
	return out, err
}

func (a *Adapter) erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if len(op.Waiting) > 0 {
		reqs, err := a.await(ctx, op, slices.Clone(op.Waiting), gdpr.Outcome{})
		if err != nil {
			return gdpr.Outcome{}, err
		}
		a.forget(reqs)
		return gdpr.Outcome{Erased: len(reqs)}, nil
	}
	subjects, err := a.subjects(ctx, terms)
	if err != nil {
		return gdpr.Outcome{}, err
	}
	var settled gdpr.Outcome
	var erase []gdpr.Subject
	for _, s := range subjects {
		rec := record(s)
		basis, kept, err := keep(ctx, rec)
		if err != nil {
			return gdpr.Outcome{}, fmt.Errorf("apiadapter %s: retention policy: %w", a.name, err)
		}
		if kept {
			settled.Retained = retain(settled.Retained, basis)
			continue
		}
		if remoteKey(s) == "" {
			return gdpr.Outcome{}, fmt.Errorf("apiadapter %s: a remote subject has no user, external contact or dialer contact id; erase it by hand: a request by a bare name could reach other people", a.name)
		}
		erase = append(erase, s)
	}
	ids, err := a.begin(ctx, op, gdpr.RequestDelete, erase, nil)
	if err != nil {
		return gdpr.Outcome{}, err
	}
	if len(ids) == 0 {
		return settled, nil
	}
	reqs, err := a.await(ctx, op, ids, settled)
	if err != nil {
		return gdpr.Outcome{}, err
	}
	a.forget(reqs)
	settled.Erased = len(reqs)
	return settled, nil
}

// forget drops the subjects of completed erasures from what Resolve
// answers.
func (a *Adapter) forget(reqs []*gdpr.Request) {
	for _, r := range reqs {
		a.seen.drop(r.Subject)
	}
}

// retain counts one more record kept under basis.
func retain(rs []gdpr.Retention, basis string) []gdpr.Retention {
	for i := range rs {
		if rs[i].Basis == basis {
			rs[i].Records++
			return rs
		}
	}
	return append(rs, gdpr.Retention{Basis: basis, Records: 1})
}
