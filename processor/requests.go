package processor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// GetRequest returns the request with id in the context's organization, or
// a 404 not.found *gdpr.APIError (matching gdpr.ErrNotFound) when there is
// none there.
func (p *Processor) GetRequest(ctx context.Context, id string) (*gdpr.Request, error) {
	job, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &job.Request, nil
}

func (p *Processor) get(ctx context.Context, id string) (*store.Job, error) {
	if id == "" {
		return nil, gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "requestId", "requestId is required")
	}
	job, err := p.store.Get(ctx, gdpr.OrganizationFromContext(ctx), id)
	if errors.Is(err, gdpr.ErrNotFound) {
		e := gdpr.NewError(404, gdpr.CodeNotFound, "no request with this id; list the requests to find it")
		e.Body.EntityID = id
		return nil, e
	}
	if err != nil {
		return nil, fmt.Errorf("processor: get request: %w", err)
	}
	return job, nil
}

// ListRequests returns one page of the organization's requests, newest
// first.
func (p *Processor) ListRequests(ctx context.Context, opts gdpr.ListOptions) (*gdpr.RequestEntityListing, error) {
	return p.list(ctx, opts, store.Filter{})
}

// ListFiltered is ListRequests over the requests that pass f; f's Offset
// and Limit are set from opts.
func (p *Processor) ListFiltered(ctx context.Context, opts gdpr.ListOptions, f store.Filter) (*gdpr.RequestEntityListing, error) {
	return p.list(ctx, opts, f)
}

// Overdue returns a page of the organization's requests that are not final
// and whose due date has passed, newest first.
func (p *Processor) Overdue(ctx context.Context, opts gdpr.ListOptions) (*gdpr.RequestEntityListing, error) {
	return p.list(ctx, opts, store.Filter{Open: true, DueBefore: p.now()})
}

func (p *Processor) list(ctx context.Context, opts gdpr.ListOptions, f store.Filter) (*gdpr.RequestEntityListing, error) {
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	f.Offset, f.Limit = (opts.PageNumber-1)*opts.PageSize, opts.PageSize
	jobs, total, err := p.store.List(ctx, gdpr.OrganizationFromContext(ctx), f)
	if err != nil {
		return nil, fmt.Errorf("processor: list requests: %w", err)
	}
	page := &gdpr.RequestEntityListing{
		Entities:   make([]gdpr.Request, len(jobs)),
		PageSize:   opts.PageSize,
		PageNumber: opts.PageNumber,
		Total:      int64(total),
		PageCount:  (total + opts.PageSize - 1) / opts.PageSize,
	}
	for i, j := range jobs {
		page.Entities[i] = j.Request
	}
	return page, nil
}

// Retry resumes a request that ended in ERROR: its failed steps get a
// fresh set of attempts and run again; steps already done are kept. A
// request in any other status is a 409 request.conflict.
func (p *Processor) Retry(ctx context.Context, id string) (*gdpr.Request, error) {
	job, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	to, ok := next(job.Request.Status, job.Request.RequestType, retried)
	if !ok {
		return nil, gdpr.NewError(409, gdpr.CodeRequestConflict,
			"only a request in ERROR can be retried; this one is %s", job.Request.Status)
	}
	if !job.Minimized.IsZero() {
		return nil, gdpr.NewError(409, gdpr.CodeRequestConflict,
			"this request's personal data was minimized after its retention window, so it cannot run again; create a new request for the person")
	}
	now := p.now()
	failed := 0
	for i := range job.Request.Steps {
		if s := &job.Request.Steps[i]; s.State == gdpr.StepFailed {
			s.State, s.Attempts = gdpr.StepPending, 0
			failed++
		}
	}
	job.Retries++
	job.Request.Status = to
	job.Request.ModifiedDate = gdpr.NewTime(now)
	job.Request.Verification = nil
	job.NextRun, job.LeaseUntil = now, time.Time{}
	ev := p.event(job, "retry", fmt.Sprintf("%d failed steps to run again", failed))
	if err := p.store.Update(ctx, job, ev); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			return nil, gdpr.NewError(409, gdpr.CodeRequestConflict, "the request changed while it was being retried; get it and try again")
		}
		return nil, fmt.Errorf("processor: retry: %w", err)
	}
	p.stored(&job.Request, []store.Event{ev})
	p.wake()
	return &job.Request, nil
}

// OpenResults opens the export archive of a COMPLETED GDPR_EXPORT request
// of the context's organization: a zip with one JSON file per adapter and
// manifest.json. The caller closes it.
func (p *Processor) OpenResults(ctx context.Context, id string) (io.ReadCloser, error) {
	job, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if job.Results == "" && !job.Minimized.IsZero() && job.Request.RequestType == gdpr.RequestExport {
		return nil, gdpr.NewError(404, gdpr.CodeNotFound,
			"the export archive of this request was deleted when the request was minimized after its retention window; create a new GDPR_EXPORT request")
	}
	if job.Results == "" {
		return nil, gdpr.NewError(404, gdpr.CodeNotFound,
			"this request has no results: only a COMPLETED GDPR_EXPORT has; this one is %s %s",
			job.Request.RequestType, job.Request.Status)
	}
	rc, err := p.store.OpenBlob(ctx, job.Results)
	if err != nil {
		return nil, fmt.Errorf("processor: open results: %w", err)
	}
	return rc, nil
}

// Audit returns the audit events of one request of the context's
// organization, oldest first.
func (p *Processor) Audit(ctx context.Context, id string) ([]store.Event, error) {
	if _, err := p.get(ctx, id); err != nil {
		return nil, err
	}
	org := gdpr.OrganizationFromContext(ctx)
	if re, ok := p.store.(store.RequestEventer); ok {
		evs, err := re.RequestEvents(ctx, org, id)
		if err != nil {
			return nil, fmt.Errorf("processor: audit: %w", err)
		}
		return evs, nil
	}
	all, err := p.store.Events(ctx, org, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("processor: audit: %w", err)
	}
	var evs []store.Event
	for _, ev := range all {
		if ev.RequestID == id {
			evs = append(evs, ev)
		}
	}
	return evs, nil
}

// VerifyAudit checks the whole audit chain of the context's organization,
// and returns the number of events checked, or a *ChainError at the first
// event that does not verify.
func (p *Processor) VerifyAudit(ctx context.Context) (int64, error) {
	return VerifyStore(ctx, p.store, gdpr.OrganizationFromContext(ctx))
}

// VerifyAuditFrom checks the context organization's audit chain after the
// event prev, which an earlier check verified and returned, and returns
// the last event it verified (prev when none followed) and how many it
// checked after prev: a caller that keeps the last event checks each
// event once, however long the chain grows. It first reads prev back, so
// that a chain changed at prev (prev gone or altered, or the chain
// rewritten from before it) fails with a *ChainError at prev; a change
// before prev that leaves prev as it was is only found by checking the
// whole chain, as VerifyAudit does, or as VerifyAuditFrom does with a nil
// prev.
func (p *Processor) VerifyAuditFrom(ctx context.Context, prev *store.Event) (*store.Event, int64, error) {
	return verifyFrom(ctx, p.store, gdpr.OrganizationFromContext(ctx), prev)
}

// VerifyStore checks the audit chain of org in s, reading it in pages,
// and returns the number of events that verified, with a *ChainError at
// the first event that does not.
func VerifyStore(ctx context.Context, s store.Store, org string) (int64, error) {
	_, n, err := verifyFrom(ctx, s, org, nil)
	return n, err
}

// verifyFrom checks the chain of org in s after prev (nil: from its
// start), as VerifyAuditFrom.
func verifyFrom(ctx context.Context, s store.Store, org string, prev *store.Event) (*store.Event, int64, error) {
	const page = 1000
	if prev != nil {
		evs, err := s.Events(ctx, org, prev.Seq-1, 1)
		if err != nil {
			return prev, 0, fmt.Errorf("processor: verify audit: %w", err)
		}
		if len(evs) == 0 || evs[0].Seq != prev.Seq || evs[0].Hash != prev.Hash ||
			store.VerifyChain(&store.Event{Seq: prev.Seq - 1, Hash: evs[0].PrevHash}, evs[:1]) != nil {
			return prev, 0, &store.ChainError{Seq: prev.Seq, Reason: "the event verified before is gone or altered"}
		}
	}
	var n int64
	for {
		after := int64(0)
		if prev != nil {
			after = prev.Seq
		}
		evs, err := s.Events(ctx, org, after, page)
		if err != nil {
			return prev, n, fmt.Errorf("processor: verify audit: %w", err)
		}
		if err := store.VerifyChain(prev, evs); err != nil {
			return prev, n, err
		}
		n += int64(len(evs))
		if len(evs) > 0 {
			last := evs[len(evs)-1]
			prev = &last
		}
		if len(evs) < page {
			return prev, n, nil
		}
	}
}
