package dsr

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gdprkit/gdpr"
)

// createConcurrency is how many requests Submit creates at once.
const createConcurrency = 4

// Submit creates every request of the plan and returns at once, without
// waiting for any to finish: the Report holds each request's id and
// status as created. Follow waits for them.
//
// Every request carries its idempotency key (see Options.DSRID), so
// submitting the same plan again, after an interruption or a crash,
// creates nothing twice: it returns the requests made before, as they
// stand.
//
// Submit returns the Report whenever it made one, even with an error. A
// request that could not be created has its error in its item (the others
// are still made), and the error wraps the Service's; when ctx ends first,
// the error wraps ctx's and the requests not yet created are unfinished.
func Submit(ctx context.Context, svc gdpr.Service, plan *Plan) (*Report, error) {
	if err := checkPlan(plan); err != nil {
		return nil, err
	}
	rep := &Report{DSRID: plan.DSRID, Type: plan.Type, Subjects: plan.Subjects, Skipped: plan.Skipped,
		Requests: make([]ReportItem, len(plan.Requests))}
	for i, q := range plan.Requests {
		rep.Requests[i].PlannedRequest = q
	}
	var mu sync.Mutex // guards rep.Requests and errs
	errs := make([]error, len(plan.Requests))
	_ = forEachLimit(ctx, len(plan.Requests), createConcurrency, func(ctx context.Context, i int) error {
		r, err := svc.CreateRequest(ctx, spec(plan, i))
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			rep.Requests[i].fill(r)
		case ctx.Err() == nil:
			rep.Requests[i].Error = err.Error()
			errs[i] = fmt.Errorf("create request %d: %w", i+1, err)
		}
		return nil // one failure does not stop the others
	})
	rep.summarize()
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("dsr: submit %s: %w", plan.DSRID, err)
	}
	if err := failures(errs); err != nil {
		return rep, fmt.Errorf("dsr: submit %s: %w", plan.DSRID, err)
	}
	return rep, nil
}

// checkPlan refuses a plan Submit cannot carry out as it stands: one
// read back from JSON and changed, say.
func checkPlan(p *Plan) error {
	if p == nil {
		return errors.New("dsr: submit: no plan; make one with Resolution.Plan")
	}
	if err := checkOptions(p.Type, Options{DeleteConfirmed: p.DeleteConfirmed, ReplacementTerms: p.ReplacementTerms}); err != nil {
		return fmt.Errorf("dsr: submit: %w", err)
	}
	if p.DSRID == "" {
		return errors.New("dsr: submit: the plan has no DSRID; make it with Resolution.Plan")
	}
	return nil
}

// spec is the RequestSpec of the plan's request i.
func spec(p *Plan, i int) gdpr.RequestSpec {
	q := p.Requests[i]
	return gdpr.RequestSpec{
		Name:             p.DSRID,
		Type:             p.Type,
		Subject:          q.Term.Subject(),
		ReplacementTerms: p.ReplacementTerms,
		DeleteConfirmed:  p.Type == gdpr.RequestDelete && p.DeleteConfirmed,
		IdempotencyKey:   q.IdempotencyKey,
	}
}

// failures joins the requests' errors under a count, or is nil when there
// are none.
func failures(errs []error) error {
	failed := 0
	for _, e := range errs {
		if e != nil {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d requests failed: %w", failed, len(errs), errors.Join(errs...))
}
