package processor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// AdapterError is the failure of one adapter's operation. It names the
// adapter so that an operator knows which data store to look at; it matches
// gdpr.ErrUnavailable and gdpr.ErrServer, and unwraps to the adapter's own
// error.
type AdapterError struct {
	Adapter string
	Op      string // "search", "resolve", "export", "rectify", "erase", "verify"
	Err     error
}

func (e *AdapterError) Error() string {
	return fmt.Sprintf("processor: data store %q failed to %s: %v", e.Adapter, e.Op, e.Err)
}

func (e *AdapterError) Unwrap() error { return e.Err }

// Is matches gdpr.ErrUnavailable and gdpr.ErrServer: the failure is not
// the caller's.
func (e *AdapterError) Is(target error) bool {
	return target == gdpr.ErrUnavailable || target == gdpr.ErrServer
}

// DataStore names the adapter, for a server to show the caller: unlike
// Error, it holds nothing of the adapter's own error.
func (e *AdapterError) DataStore() string { return e.Adapter }

// SearchSubjects asks every adapter at once for the subjects value matches
// as a term of type t, and returns them merged: a subject several adapters
// know by the same id appears once, with the fields of all. When any
// adapter fails, the result is an *AdapterError naming it, never a partial
// answer.
func (p *Processor) SearchSubjects(ctx context.Context, t gdpr.Kind, value string) ([]gdpr.Subject, error) {
	if err := t.Validate(); err != nil {
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidQueryParamValue, "searchType", "%s", trimPrefix(err))
	}
	if value == "" {
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidQueryParamValue, "searchValue",
			"searchValue is required: the %s to search for", t)
	}
	term, err := p.cfg.normalizer.Term(gdpr.Term{Kind: gdpr.Kind(t), Value: value})
	if err != nil {
		return nil, asField(err, "searchValue")
	}
	as := p.adaptersFor(gdpr.OrganizationFromContext(ctx))
	results := make([][]gdpr.Subject, len(as))
	err = p.fanOut(ctx, "search", as, func(ctx context.Context, i int, a adapter.Adapter) error {
		var err error
		results[i], err = a.Search(ctx, term)
		return err
	})
	if err != nil {
		return nil, err
	}
	return mergeSubjects(results), nil
}

// fanOut runs f for every adapter of as, concurrently when there are
// several, and returns the first failure as an *AdapterError. The first
// adapter runs on the calling goroutine.
func (p *Processor) fanOut(ctx context.Context, op string, as []adapter.Adapter, f func(context.Context, int, adapter.Adapter) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(as) == 0 {
		return nil
	}
	errs := make([]error, len(as))
	var wg sync.WaitGroup
	for i := 1; i < len(as); i++ {
		wg.Go(func() { errs[i] = f(ctx, i, as[i]) })
	}
	errs[0] = f(ctx, 0, as[0])
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			return &AdapterError{Adapter: as[i].Name(), Op: op, Err: err}
		}
	}
	return nil
}

// mergeSubjects joins the adapters' results in order, merging subjects
// that carry the same identity.
func mergeSubjects(results [][]gdpr.Subject) []gdpr.Subject {
	n := 0
	for _, r := range results {
		n += len(r)
	}
	out := make([]gdpr.Subject, 0, n)
	if n == 0 {
		return out
	}
	index := make(map[string]int, n)
	for _, r := range results {
		for _, s := range r {
			key := s.Key()
			if i, ok := index[key]; ok {
				out[i] = out[i].Merge(s)
				continue
			}
			index[key] = len(out)
			out = append(out, s)
		}
	}
	return out
}

// asField returns err, an APIError from normalization, pointing at field.
func asField(err error, field string) error {
	var ae *gdpr.APIError
	if errors.As(err, &ae) {
		ae.Body.Details = []gdpr.ErrorDetail{{ErrorCode: ae.Body.Code, FieldName: field}}
	}
	return err
}

// trimPrefix drops the "gdpr: " prefix of a root package error for use in
// an API message.
func trimPrefix(err error) string {
	const prefix = "gdpr: "
	s := err.Error()
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	return s
}
