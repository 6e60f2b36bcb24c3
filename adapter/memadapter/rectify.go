package memadapter

import (
	"context"
	"fmt"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Rectify applies every change to the people who carry any of terms:
// wherever a name, external id, email, phone, address or social handle of
// the change's kind holds a value whose normalized form is
// Change.Existing, it comes to hold Change.Updated as given, and the person
// is found by the updated value and no longer by the existing one. A list
// that comes to hold one value twice keeps it once. Changes of id kinds
// change nothing; linked records are not changed. Outcome.Updated counts
// the people changed.
//
// Rectify is atomic: it fails without changing anything when ctx is done
// or an updated value is not a valid term of its kind. A repeat of an
// operation (same Op.RequestID and non-empty Op.ID) returns the first
// run's Outcome without running again.
func (a *Adapter) Rectify(ctx context.Context, op adapter.Op, terms []gdpr.Term, changes []adapter.Change) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, fmt.Errorf("memadapter: rectify: %w", err)
	}
	for i, c := range changes {
		if !rectifiable(c.Kind) {
			continue
		}
		if _, err := a.norm.Value(c.Kind, c.Updated); err != nil {
			return gdpr.Outcome{}, fmt.Errorf("memadapter: rectify: change %d: updated value: %w", i, err)
		}
	}
	org, err := a.org(ctx, "rectify")
	if err != nil {
		return gdpr.Outcome{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	key := opKey{org, "rectify", op.RequestID, op.ID}
	if out, ok := a.done[key]; ok {
		return cloneOutcome(out), nil
	}
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, fmt.Errorf("memadapter: rectify: %w", err)
	}
	var out gdpr.Outcome
	for _, e := range a.match(org, terms) {
		if a.rectify(e, changes) {
			out.Updated++
		}
	}
	if op.ID != "" {
		a.done[key] = out
	}
	return cloneOutcome(out), nil
}

func rectifiable(k gdpr.Kind) bool {
	switch k {
	case gdpr.KindName, gdpr.KindExternalID, gdpr.KindEmail, gdpr.KindPhone, gdpr.KindAddress:
		return true
	}
	return gdpr.Kind(k).IsSocial()
}

// rectify applies changes to one person, re-indexes it and reports whether
// anything changed. The caller holds the write lock.
func (a *Adapter) rectify(e *entry, changes []adapter.Change) bool {
	p := &e.p
	changed := false
	one := func(k gdpr.Kind, v *string, c adapter.Change) {
		if *v == c.Updated {
			return
		}
		if n, err := a.norm.Value(k, *v); err == nil && n == c.Existing {
			*v = c.Updated
			changed = true
		}
	}
	for _, c := range changes {
		switch c.Kind {
		case gdpr.KindName:
			if p.Name != "" {
				one(c.Kind, &p.Name, c)
			}
		case gdpr.KindExternalID:
			if p.ExternalID != "" {
				one(c.Kind, &p.ExternalID, c)
			}
		case gdpr.KindEmail:
			for i := range p.Emails {
				one(c.Kind, &p.Emails[i], c)
			}
		case gdpr.KindPhone:
			for i := range p.Phones {
				one(c.Kind, &p.Phones[i], c)
			}
		case gdpr.KindAddress:
			for i := range p.Addresses {
				one(c.Kind, &p.Addresses[i], c)
			}
		default:
			for i := range p.SocialHandles {
				if h := &p.SocialHandles[i]; gdpr.Kind(h.Type) == c.Kind {
					one(c.Kind, &h.Value, c)
				}
			}
		}
	}
	if !changed {
		return false
	}
	p.Emails = a.dedupe(gdpr.KindEmail, p.Emails)
	p.Phones = a.dedupe(gdpr.KindPhone, p.Phones)
	p.Addresses = a.dedupe(gdpr.KindAddress, p.Addresses)
	p.SocialHandles = a.dedupeHandles(p.SocialHandles)
	a.index.remove(e)
	e.terms, _ = a.personTerms(p) // every value was valid: loaded or checked by Rectify
	a.index.add(e)
	e.version++
	return true
}

// dedupe drops the values whose normalized form an earlier value has.
func (a *Adapter) dedupe(k gdpr.Kind, vs []string) []string {
	var seen []string
	return slices.DeleteFunc(vs, func(v string) bool {
		n, _ := a.norm.Value(k, v)
		if slices.Contains(seen, n) {
			return true
		}
		seen = append(seen, n)
		return false
	})
}

func (a *Adapter) dedupeHandles(hs []gdpr.SocialHandle) []gdpr.SocialHandle {
	var seen []gdpr.SocialHandle
	return slices.DeleteFunc(hs, func(h gdpr.SocialHandle) bool {
		n, _ := a.norm.Value(gdpr.Kind(h.Type), h.Value)
		h.Value = n
		if slices.Contains(seen, h) {
			return true
		}
		seen = append(seen, h)
		return false
	})
}

func cloneOutcome(o gdpr.Outcome) gdpr.Outcome {
	o.Retained = slices.Clone(o.Retained)
	return o
}
