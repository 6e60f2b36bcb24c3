package memadapter

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// checkEvery is how many items a loop handles between checks of its
// context.
const checkEvery = 256

// Search returns the subjects of the people who carry term, ordered by
// key, each with every field as written in the data and the first of its
// social handles. Every kind of term is searchable, the ids included; a
// DIALER_CONTACT_ID matches only within its Scope (the contact list id) and
// a JOURNEY_CUSTOMER only within its Scope (the type). A term nobody
// carries, or of a kind the adapter does not know, matches nothing: the
// result is empty and the error nil. Search never changes data, and its
// cost does not depend on how many people the adapter holds.
func (a *Adapter) Search(ctx context.Context, term gdpr.Term) ([]gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memadapter: search: %w", err)
	}
	org, err := a.org(ctx, "search")
	if err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	es := a.match(org, []gdpr.Term{term})
	if len(es) == 0 {
		return nil, nil
	}
	out := make([]gdpr.Subject, len(es))
	for i, e := range es {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("memadapter: search: %w", err)
			}
		}
		out[i] = e.subject()
	}
	return out, nil
}

// Resolve returns the subject of the person an id term names (a
// USER_ID, EXTERNAL_CONTACT_ID, DIALER_CONTACT_ID or JOURNEY_CUSTOMER),
// with every field as Search gives it. When nobody carries the id the
// error matches gdpr.ErrNotFound; a term that is not an id is an error
// that does not.
func (a *Adapter) Resolve(ctx context.Context, term gdpr.Term) (gdpr.Subject, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Subject{}, fmt.Errorf("memadapter: resolve: %w", err)
	}
	if !term.Kind.IsID() {
		return gdpr.Subject{}, fmt.Errorf("memadapter: resolve: a %s is not an id", term)
	}
	org, err := a.org(ctx, "resolve")
	if err != nil {
		return gdpr.Subject{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	es := a.match(org, []gdpr.Term{term})
	if len(es) == 0 {
		return gdpr.Subject{}, fmt.Errorf("memadapter: resolve %s: %w", term, gdpr.ErrNotFound)
	}
	// Load keeps ids unique, so es holds one person.
	return es[0].subject(), nil
}

// Export calls emit for every person who carries any of terms (ordered by
// key) and, after each person, for each record linked to it: every record
// once, however many terms match it. The records are copies taken at the
// start; emit may keep them and may call the adapter. An error from emit
// ends the export and is returned as it is. Export never changes data; op
// is not used.
func (a *Adapter) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memadapter: export: %w", err)
	}
	org, err := a.org(ctx, "export")
	if err != nil {
		return err
	}
	recs, err := a.collect(ctx, org, terms)
	if err != nil {
		return fmt.Errorf("memadapter: export: %w", err)
	}
	for i, r := range recs {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("memadapter: export: %w", err)
			}
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// collect copies the records of the people matching terms and the records
// linked to them.
func (a *Adapter) collect(ctx context.Context, org string, terms []gdpr.Term) ([]adapter.Record, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var recs []adapter.Record
	for i, e := range a.match(org, terms) {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		recs = append(recs, e.record())
		for _, l := range e.links {
			recs = append(recs, l.record())
		}
	}
	return recs, nil
}

// Records returns a copy of every record the adapter holds, as Export
// gives them, ordered by kind and id: the people (anonymized people
// included, marked "anonymized") and the linked records (those of deleted
// people that a retention policy kept included). It is meant for
// inspection, such as showing what an erasure left; it does not honour a
// context and reads everything.
func (a *Adapter) Records() []adapter.Record {
	a.mu.RLock()
	defer a.mu.RUnlock()
	recs := make([]adapter.Record, 0, len(a.people)+len(a.records))
	for _, e := range a.people {
		recs = append(recs, e.record())
	}
	for _, l := range a.records {
		recs = append(recs, l.record())
	}
	slices.SortFunc(recs, func(x, y adapter.Record) int {
		return cmp.Or(strings.Compare(x.Kind, y.Kind), strings.Compare(x.ID, y.ID))
	})
	return recs
}
