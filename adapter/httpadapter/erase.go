package httpadapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// maxEraseRounds bounds how often Erase lists the candidates again
// because the service met records that appeared since it listed them.
const maxEraseRounds = 3

// Erase erases the service's records for terms in two calls: it lists the
// records the erasure would act on (the candidates), asks keep about
// each, and sends the decisions with the terms for the service to apply.
// Each decision carries the version the service gave its candidate. The
// service erases or retains exactly the records decided; when it meets
// one no decision covers (a record that appeared in between), or one
// whose version differs from its decision's (its content changed since
// keep saw it), it erases nothing, and Erase lists the candidates again
// and asks keep about each anew, a few times, then fails so that the
// step is retried.
//
// A keep error ends Erase before the apply call, so nothing is erased.
// Both calls carry Op.ID: a repeat of the operation, or a retry after a
// lost answer, returns the first run's Outcome. When the service fails
// after erasing records and says how many, Erase returns that Outcome
// with its error, without trying again, so that the processor keeps the
// counts; otherwise an error comes with a zero Outcome.
func (a *Adapter) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := a.ready(ctx, routeErase); err != nil {
		return gdpr.Outcome{}, err
	}
	if keep == nil {
		keep = func(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }
	}
	id := opID(op)
	for round := 1; ; round++ {
		ds, err := a.decide(ctx, op.RequestID, id, terms, keep)
		if err != nil {
			return gdpr.Outcome{}, err
		}
		var ans outcomeAnswer
		err = a.do(ctx, routeErase, &callBody{RequestID: op.RequestID, OperationID: id, Terms: terms,
			Phase: phaseApply, Decisions: ds}, &ans)
		var e *Error
		if errors.As(err, &e) && e.Code == codeUndecided && e.outcome == nil && round < maxEraseRounds {
			continue
		}
		if err != nil {
			return changesOf(err), err
		}
		return ans.Outcome, nil
	}
}

// candidate is a record listed by the candidates phase, with the version
// the service gave it ("" from a service that gives none).
type candidate struct {
	rec     adapter.Record
	version string
}

// decide lists the candidates of an erasure and asks keep about each,
// once, after the listing is read whole: keep may be slow, and must not
// hold a slot of the concurrency limit. Each decision echoes its
// candidate's version.
func (a *Adapter) decide(ctx context.Context, requestID, id string, terms []gdpr.Term, keep adapter.KeepFunc) ([]decision, error) {
	var cs []candidate
	err := a.stream(ctx, routeErase, &callBody{RequestID: requestID, OperationID: id, Terms: terms, Phase: phaseCandidates},
		func(rec adapter.Record, version string) error {
			cs = append(cs, candidate{rec: rec, version: version})
			return nil
		})
	if err != nil {
		return nil, err
	}
	seen := make(map[recordKey]bool, len(cs))
	ds := make([]decision, 0, len(cs))
	for _, c := range cs {
		k := recordKey{c.rec.Kind, c.rec.ID}
		if seen[k] {
			continue
		}
		seen[k] = true
		basis, retain, err := keep(ctx, c.rec)
		if err != nil {
			return nil, fmt.Errorf("httpadapter: %s: erase: retention policy: %w", a.name, err)
		}
		ds = append(ds, decision{Kind: c.rec.Kind, ID: c.rec.ID, Version: c.version, Retain: retain, Basis: basis})
	}
	return ds, nil
}
