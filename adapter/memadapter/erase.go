package memadapter

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Redacted replaces every field value of a linked record that Erase
// anonymizes.
const Redacted = "[redacted]"

// maxEraseAttempts bounds how often Erase plans again because the people
// it planned on changed before it could apply the plan.
const maxEraseAttempts = 8

// Erase erases the people who carry any of terms and the records linked
// to them. It asks keep about every record (a person, then each of its
// linked records) before touching it; a nil keep keeps nothing. Records
// keep retains stay as they are and are counted under their basis in
// Outcome.Retained, ordered by basis. Every other record is deleted, or
// with WithAnonymize anonymized, and counted in Outcome.Deleted or
// Outcome.Anonymized: a retained person's linked records are still erased
// unless retained themselves. Linked records anonymized before hold no
// personal data and are neither asked about nor counted again. Afterwards
// no term of an erased person finds it.
//
// keep is called without the adapter's lock held, so it may be slow and
// may call the adapter; Erase applies its answers only if the matched
// people did not change meanwhile, and otherwise asks again (a few times,
// then fails). Erase applies all of its changes at once or none of them: a
// ctx done before they are applied ends it with an error and no change. A
// repeat of an operation (same Op.RequestID and non-empty Op.ID) returns
// the first run's Outcome without running again.
func (a *Adapter) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, fmt.Errorf("memadapter: erase: %w", err)
	}
	if keep == nil {
		keep = func(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }
	}
	org, err := a.org(ctx, "erase")
	if err != nil {
		return gdpr.Outcome{}, err
	}
	key := opKey{org, "erase", op.RequestID, op.ID}
	for range maxEraseAttempts {
		p, out, done := a.planErase(key, terms)
		if done {
			return out, nil
		}
		answers := make([][]answer, len(p.recs))
		for i, recs := range p.recs {
			if err := ctx.Err(); err != nil {
				return gdpr.Outcome{}, fmt.Errorf("memadapter: erase: %w", err)
			}
			answers[i] = make([]answer, len(recs))
			for j, rec := range recs {
				basis, ok, err := keep(ctx, rec)
				if err != nil {
					return gdpr.Outcome{}, fmt.Errorf("memadapter: erase: retention policy: %w", err)
				}
				answers[i][j].basis, answers[i][j].keep = basis, ok
			}
		}
		out, ok, err := a.applyErase(ctx, key, terms, p, answers)
		if err != nil {
			return gdpr.Outcome{}, fmt.Errorf("memadapter: erase: %w", err)
		}
		if ok {
			return out, nil
		}
	}
	return gdpr.Outcome{}, fmt.Errorf("memadapter: erase: the matched data changed during %d attempts; try again", maxEraseAttempts)
}

// erasePlan is what Erase saw of the matched people: for each, its
// version, and its records (the person first, then the linked records not
// anonymized yet, in the order of links).
type erasePlan struct {
	entries  []*entry
	versions []uint64
	links    [][]*linked
	recs     [][]adapter.Record
}

type answer struct {
	basis string
	keep  bool
}

// planErase returns the plan for terms, or the outcome of the operation
// key when it ran before.
func (a *Adapter) planErase(key opKey, terms []gdpr.Term) (p erasePlan, out gdpr.Outcome, done bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if out, ok := a.done[key]; ok {
		return p, cloneOutcome(out), true
	}
	p.entries = a.match(key.org, terms)
	for _, e := range p.entries {
		p.versions = append(p.versions, e.version)
		ls := make([]*linked, 0, len(e.links))
		recs := []adapter.Record{e.record()}
		for _, l := range e.links {
			if !l.redacted {
				ls = append(ls, l)
				recs = append(recs, l.record())
			}
		}
		p.links = append(p.links, ls)
		p.recs = append(p.recs, recs)
	}
	return p, gdpr.Outcome{}, false
}

// applyErase carries out the plan with the answers of keep, provided that
// terms still match the same people in the same versions; ok is false when
// they do not.
func (a *Adapter) applyErase(ctx context.Context, key opKey, terms []gdpr.Term, p erasePlan, answers [][]answer) (out gdpr.Outcome, ok bool, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if out, ok := a.done[key]; ok {
		return cloneOutcome(out), true, nil
	}
	if err := ctx.Err(); err != nil {
		return out, false, err
	}
	if !slices.Equal(a.match(key.org, terms), p.entries) {
		return out, false, nil
	}
	for i, e := range p.entries {
		if e.version != p.versions[i] {
			return out, false, nil
		}
	}
	retained := make(map[string]int)
	for i, e := range p.entries {
		for j, l := range p.links[i] {
			switch ans := answers[i][j+1]; {
			case ans.keep:
				retained[ans.basis]++
			case a.anonymize:
				redact(l)
				out.Anonymized++
			default:
				delete(a.records, l.rec.ID)
				e.links = slices.DeleteFunc(e.links, func(x *linked) bool { return x == l })
				out.Deleted++
			}
		}
		switch ans := answers[i][0]; {
		case ans.keep:
			retained[ans.basis]++
		case a.anonymize:
			a.index.remove(e)
			e.p = Person{Key: e.p.Key, Kind: e.p.Kind}
			e.terms = nil
			e.anonymized = true
			out.Anonymized++
		default:
			a.index.remove(e)
			delete(a.people, e.p.Key)
			out.Deleted++
		}
		e.version++
	}
	for basis, n := range retained {
		out.Retained = append(out.Retained, gdpr.Retention{Basis: basis, Records: n})
	}
	slices.SortFunc(out.Retained, func(x, y gdpr.Retention) int { return cmp.Compare(x.Basis, y.Basis) })
	if key.id != "" {
		a.done[key] = out
	}
	return cloneOutcome(out), true, nil
}

// redact replaces every field value of l by Redacted.
func redact(l *linked) {
	for k := range l.rec.Fields {
		l.rec.Fields[k] = Redacted
	}
	l.redacted = true
}
