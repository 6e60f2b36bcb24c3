package dsr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gdprkit/gdpr"
)

// searchConcurrency is how many subject searches Resolve runs at once. A
// Client also throttles itself to its rate limit.
const searchConcurrency = 4

// Resolve finds the subjects a person's identifiers match and gives each
// a verdict. It runs one subject search per searchable identifier, at most
// four at a time. An id the person gave (see gdpr.Kind.IsID) counts as
// matched for the subject that carries it; when no search returned that
// subject, it is a candidate of its own, carrying only the id.
//
// A candidate is Confirmed when it matched an id the person gave, an
// identifying term (an email, a phone, a social handle, an external id),
// or terms of two kinds (a name and an address). It is Ambiguous when it
// matched only names or only addresses: a human decides.
//
// Resolve changes nothing. It fails when no identifier is given, one is
// invalid, or any search fails; nothing is half-resolved.
func Resolve(ctx context.Context, svc gdpr.Service, ids Identifiers) (*Resolution, error) {
	terms, err := ids.Terms()
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, errors.New("dsr: resolve: no identifiers; give at least a name, an email, a phone or an id")
	}
	found := make([][]gdpr.Subject, len(terms))
	err = forEachLimit(ctx, len(terms), searchConcurrency, func(ctx context.Context, i int) error {
		t := terms[i]
		if !t.Kind.Searchable() {
			return nil
		}
		s, err := svc.SearchSubjects(ctx, t.Kind, t.Value)
		if err != nil {
			return fmt.Errorf("dsr: resolve: search by %s: %w", t.Kind, err)
		}
		found[i] = s
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("dsr: resolve: %w", ctxErr)
		}
		return nil, err
	}
	return resolution(terms, found), nil
}

// resolution merges the search results into candidates and gives each its
// verdict.
func resolution(terms []gdpr.Term, found [][]gdpr.Subject) *Resolution {
	res := &Resolution{Identifiers: terms, Candidates: []Candidate{}}
	byKey := map[string]int{}
	match := func(i int, t gdpr.Term) {
		if !res.Candidates[i].matched(t) {
			res.Candidates[i].Matched = append(res.Candidates[i].Matched, t)
		}
	}
	for i, t := range terms {
		for _, s := range found[i] {
			key := s.Key()
			j, ok := byKey[key]
			if !ok {
				j = len(res.Candidates)
				byKey[key] = j
				res.Candidates = append(res.Candidates, Candidate{ID: key, Subject: s.Clone()})
			} else {
				res.Candidates[j].Subject = res.Candidates[j].Subject.Merge(s)
			}
			match(j, t)
		}
	}
	for _, t := range terms {
		if !t.Kind.IsID() {
			continue
		}
		if j := slices.IndexFunc(res.Candidates, func(c Candidate) bool { return c.carries(t) }); j >= 0 {
			match(j, t)
			continue
		}
		s := t.Subject()
		res.Candidates = append(res.Candidates, Candidate{ID: s.Key(), Subject: s, Matched: []gdpr.Term{t}})
	}
	for i := range res.Candidates {
		c := &res.Candidates[i]
		slices.SortStableFunc(c.Matched, func(a, b gdpr.Term) int {
			return slices.Index(terms, a) - slices.Index(terms, b)
		})
		c.Verdict, c.Reason = verdict(c.Matched)
	}
	for _, t := range terms {
		if !slices.ContainsFunc(res.Candidates, func(c Candidate) bool { return c.matched(t) }) {
			res.Unmatched = append(res.Unmatched, t)
		}
	}
	return res
}

// verdict judges a candidate by the identifiers it matched.
func verdict(matched []gdpr.Term) (Verdict, string) {
	kinds := map[gdpr.Kind]bool{}
	for _, m := range matched {
		if m.Kind.IsID() {
			return Confirmed, fmt.Sprintf("the person gave its %s", m.Kind)
		}
		kinds[m.Kind] = true
	}
	for _, m := range matched {
		if !m.Kind.Shared() {
			return Confirmed, fmt.Sprintf("matched the person's %s", m.Kind)
		}
	}
	if len(kinds) >= 2 {
		return Confirmed, "matched the person's NAME and ADDRESS"
	}
	if len(matched) == 0 {
		return Ambiguous, "matched nothing"
	}
	return Ambiguous, fmt.Sprintf("matched only a %s, which others may share", matched[0].Kind)
}

// forEachLimit runs f(ctx, i) for i in [0, n), at most limit at a time.
// The first failure cancels the rest and is returned; when ctx ends first,
// its error is.
func forEachLimit(ctx context.Context, n, limit int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
loop:
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
