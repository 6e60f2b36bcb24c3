package processor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
)

// advance takes the claimed job as far as it can go now, moving it by
// lifecycle, and saves it: to COMPLETED, to ERROR, or to a later run.
func (r *run) advance(ctx context.Context) error {
	defer r.closeParts(ctx)
	req := &r.job.Request
	// A run before this one may have left export parts in the Store.
	resumed := req.Status == gdpr.StatusFinalizing ||
		slices.ContainsFunc(req.Steps, func(s gdpr.Step) bool { return s.Attempts > 0 || len(s.WaitingOn) > 0 })
	var evs []store.Event
	if req.Status != gdpr.StatusFinalizing {
		var ended bool
		var err error
		if evs, ended, err = r.work(ctx); ended || err != nil {
			return err
		}
	}
	return r.complete(ctx, evs, resumed)
}

// work runs the steps that are not DONE and moves the request to
// FINALIZING, returning the events to save with the outcome. When the run
// ends here instead (cut short, or steps failed), it saves the request
// and returns ended true.
func (r *run) work(ctx context.Context) (evs []store.Event, ended bool, err error) {
	req := &r.job.Request
	for _, m := range []struct {
		from gdpr.Status
		on   trigger
	}{{gdpr.StatusInitiated, claimed}, {gdpr.StatusSearching, searched}} {
		if req.Status != m.from {
			continue
		}
		if err := r.move(&evs, m.on, ""); err != nil {
			return nil, true, err
		}
	}
	if len(evs) > 0 {
		if err := r.save(ctx, false, evs...); err != nil {
			return nil, true, err
		}
		evs = nil
	}
	failed, stepEvs := r.runSteps(ctx)
	evs = append(evs, stepEvs...)
	if ctx.Err() != nil {
		// Shutting down or lease lost: keep what finished, let another
		// worker resume the rest. The parts of an export's DONE steps go
		// to the Store for the run that resumes it, maybe on another
		// replica; when every step succeeds they never do, as the
		// archive is packed from the spools.
		evs = append(evs, r.keepParts(ctx)...)
		if err := r.move(&evs, interrupted, ""); err != nil {
			return nil, true, err
		}
		return nil, true, r.save(ctx, true, evs...)
	}
	if failed {
		evs = append(evs, r.keepParts(ctx)...)
		return nil, true, r.fail(ctx, evs)
	}
	if waiting(req.Steps) {
		evs = append(evs, r.keepParts(ctx)...)
		return nil, true, r.park(ctx, evs)
	}
	// FINALIZING is saved with the outcome in one write, so that a poll
	// sees the request go from its steps to COMPLETED: packing an export,
	// verifying an erasure and ending an update are short, and a crash
	// before that write runs the steps again, which for an export changes
	// nothing.
	if err := r.move(&evs, stepsDone, ""); err != nil {
		return nil, true, err
	}
	return evs, false, nil
}

// complete finalizes the request (packs an export, verifies an erasure)
// and saves it COMPLETED with evs, or saves why it could not.
func (r *run) complete(ctx context.Context, evs []store.Event, resumed bool) error {
	req := &r.job.Request
	results, resultsURL := r.job.Results, req.ResultsURL
	ok, err := r.finalize(ctx)
	if err != nil {
		if ctx.Err() != nil {
			evs = append(evs, r.keepParts(ctx)...)
			on, detail := interrupted, ""
			if !allDone(req.Steps) {
				on, detail = partsLost, "export parts not stored; their steps run again"
			}
			if err := r.move(&evs, on, detail); err != nil {
				return err
			}
			return r.save(ctx, true, evs...)
		}
		return r.finalizingFailed(ctx, evs, err)
	}
	evs, r.evs = append(evs, r.evs...), nil
	if !ok {
		return r.fail(ctx, evs)
	}
	req.CompletedDate = gdpr.NewTime(r.p.now())
	if err := r.move(&evs, finalized, ""); err != nil {
		return err
	}
	// A small export archive is stored with this update (r.blob).
	if err := r.save(ctx, true, evs...); err != nil {
		var ae *archiveError
		if !errors.As(err, &ae) {
			return err
		}
		// The archive went with the update, and the Store took neither:
		// the request is as it was before COMPLETED.
		req.Status, req.CompletedDate = gdpr.StatusFinalizing, gdpr.Time{}
		r.job.Results, req.ResultsURL = results, resultsURL
		return r.finalizingFailed(ctx, evs[:len(evs)-1], ae)
	}
	if req.RequestType == gdpr.RequestExport && resumed {
		r.p.dropParts(ctx, r.job)
	}
	r.p.jobLog(r.job).InfoContext(ctx, "request completed", "request", req.ID, "type", req.RequestType)
	return nil
}

// move takes the request to its next status on trigger on (see
// lifecycle), and appends to evs the status event of the move, if the
// status changed or detail says why it did not. It fails when lifecycle
// has no such move.
func (r *run) move(evs *[]store.Event, on trigger, detail string) error {
	req := &r.job.Request
	to, ok := next(req.Status, req.RequestType, on)
	if !ok {
		return fmt.Errorf("a %s request has no move from %s on %s", req.RequestType, req.Status, on)
	}
	if to == req.Status && detail == "" {
		return nil
	}
	req.Status = to
	ev := r.p.event(r.job, "status", detail)
	if to.Done() && r.p.cfg.evidence != nil {
		// The event that finishes the request holds its account, detail
		// included, for its receipt (see evidence.IsAccount).
		var err error
		if ev.Detail, err = evidence.AccountOf(r.job, ev.Time, detail).Detail(); err != nil {
			return err
		}
	}
	*evs = append(*evs, ev)
	return nil
}

// finalizingFailed saves the request after finalizing it failed with err
// (packaging an export, most likely): every step runs again (an export
// part may be missing), counted as an attempt, so that a lasting failure
// backs off and ends in ERROR instead of looping.
func (r *run) finalizingFailed(ctx context.Context, evs []store.Event, err error) error {
	req := &r.job.Request
	r.p.jobLog(r.job).WarnContext(ctx, "finalizing failed", "request", req.ID, "err", err)
	for i := range req.Steps {
		s := &req.Steps[i]
		s.State, s.Error = gdpr.StepFailed, "finalizing failed: "+err.Error()
		s.Attempts++
	}
	evs = append(evs, r.p.event(r.job, "status", "finalizing failed; every step runs again"))
	return r.fail(ctx, evs)
}

// allDone reports whether every step is DONE.
func allDone(steps []gdpr.Step) bool {
	for _, s := range steps {
		if s.State != gdpr.StepDone {
			return false
		}
	}
	return true
}

// fail handles failed steps: the request ends in ERROR when a failed step
// has spent its attempts, else it waits for a retry with backoff.
func (r *run) fail(ctx context.Context, evs []store.Event) error {
	req := &r.job.Request
	attempts := 0
	var spent []string
	for _, s := range req.Steps {
		if s.State != gdpr.StepFailed {
			continue
		}
		attempts = max(attempts, s.Attempts)
		if s.Attempts >= r.p.cfg.retry.Attempts {
			spent = append(spent, s.Adapter)
		}
	}
	if len(spent) > 0 {
		detail := fmt.Sprintf("steps failed %d times: %s", r.p.cfg.retry.Attempts, strings.Join(spent, ", "))
		if err := r.move(&evs, attemptsSpent, detail); err != nil {
			return err
		}
		r.p.jobLog(r.job).WarnContext(ctx, "request failed", "request", req.ID, "adapters", spent)
		return r.save(ctx, true, evs...)
	}
	wait := r.p.backoff(attempts)
	r.job.NextRun = r.p.now().Add(wait)
	if err := r.move(&evs, stepsFailed, fmt.Sprintf("failed steps retried in %v", wait)); err != nil {
		return err
	}
	return r.save(ctx, true, evs...)
}

// runSteps runs every step not yet done, at once, and records each
// result on its step. It reports whether any failed.
func (r *run) runSteps(ctx context.Context) (failed bool, evs []store.Event) {
	req := &r.job.Request
	var mu sync.Mutex
	var wg sync.WaitGroup
	now := r.p.now()
	for i := range req.Steps {
		if req.Steps[i].State == gdpr.StepDone || !due(req.Steps[i], now) {
			continue
		}
		a := r.p.adapterNamed(r.job.Org, req.Steps[i].Adapter)
		if a == nil {
			// The adapter was removed from the configuration since the
			// request was created: its step cannot run.
			mu.Lock()
			req.Steps[i].State = gdpr.StepFailed
			req.Steps[i].Error = "no adapter of this name is configured any more; add it back and retry the request"
			req.Steps[i].Attempts = r.p.cfg.retry.Attempts
			failed = true
			mu.Unlock()
			continue
		}
		op := adapter.Op{RequestID: req.ID, ID: fmt.Sprintf("%s/%s/r%d/a%d", req.ID, a.Name(), r.job.Retries, req.Steps[i].Attempts)}
		op.Waiting = slices.Clone(req.Steps[i].WaitingOn)
		wg.Go(func() {
			called := r.p.adapterCall(a.Name())
			out, records, part, err := r.runStep(ctx, a, op)
			called(err)
			mu.Lock()
			defer mu.Unlock()
			if part != nil {
				if r.parts == nil {
					r.parts = map[string]*spool{}
				}
				r.parts[a.Name()] = part
			}
			stepFailed, stepEvs := r.settle(ctx, &req.Steps[i], out, records, err)
			failed = failed || stepFailed
			evs = append(evs, stepEvs...)
		})
	}
	wg.Wait()
	return failed, evs
}

// settle records on step s the result of one run of it (out and records,
// or err), and returns whether the step failed and the events to save.
// The caller holds the lock over the request's steps.
func (r *run) settle(ctx context.Context, s *gdpr.Step, out gdpr.Outcome, records int, err error) (failed bool, evs []store.Event) {
	req := &r.job.Request
	var we *adapter.WaitError
	if errors.As(err, &we) && len(we.On) > 0 {
		// Recorded even when the run is cut short: the remote
		// work exists, and the next run must look at it.
		return false, r.wait(s, we)
	}
	if ctx.Err() != nil && err != nil {
		return false, nil // not the step's fault: it runs again, not counted
	}
	s.Attempts++
	if err != nil {
		waited := len(s.WaitingOn) > 0
		if req.RequestType != gdpr.RequestExport && !waited {
			s.Outcome = carried(s.Outcome, out)
		}
		if waited {
			// The retry looks at the remote work waited on.
			s.NextLook = gdpr.Time{}
		}
		s.State, s.Error = gdpr.StepFailed, err.Error()
		r.p.jobLog(r.job).WarnContext(ctx, "step failed", "request", req.ID, "adapter", s.Adapter, "attempt", s.Attempts, "err", err)
		return true, []store.Event{r.p.event(r.job, "step",
			fmt.Sprintf("%s: FAILED, attempt %d of %d", s.Adapter, s.Attempts, r.p.cfg.retry.Attempts))}
	}
	if c := s.Outcome; c != nil && len(s.WaitingOn) > 0 {
		// What was settled when the step began to wait, such as
		// the records the retention policy kept.
		out, records = settled(*c, out, records)
	} else if c != nil && req.RequestType != gdpr.RequestExport {
		// What failed attempts changed before failing, which this
		// one no longer found.
		out.Updated += c.Updated
		out.Deleted += c.Deleted
		out.Anonymized += c.Anonymized
		records += c.Updated + c.Deleted + c.Anonymized
	}
	s.State, s.Error, s.Records, s.Outcome = gdpr.StepDone, "", records, &out
	s.WaitingOn, s.WaitDetail, s.WaitingSince, s.NextLook, s.Looks = nil, "", gdpr.Time{}, gdpr.Time{}, 0
	return false, []store.Event{r.p.event(r.job, "step", fmt.Sprintf("%s: DONE, %s", s.Adapter, describe(records, out)))}
}

// carried returns what the failed attempts of a step changed before
// failing: those before (prev) and the last (last). Retained counts are
// not carried, as the next attempt asks about those records again. It is
// nil when nothing was changed.
func carried(prev *gdpr.Outcome, last gdpr.Outcome) *gdpr.Outcome {
	c := gdpr.Outcome{Updated: last.Updated, Deleted: last.Deleted, Anonymized: last.Anonymized}
	if prev != nil {
		c.Updated += prev.Updated
		c.Deleted += prev.Deleted
		c.Anonymized += prev.Anonymized
	}
	if c.Updated+c.Deleted+c.Anonymized == 0 {
		return nil
	}
	return &c
}

// runStep runs one adapter's operation for the request. An export's
// part is returned spooled.
func (r *run) runStep(ctx context.Context, a adapter.Adapter, op adapter.Op) (gdpr.Outcome, int, *spool, error) {
	job := r.job
	switch job.Request.RequestType {
	case gdpr.RequestExport:
		n, part, err := r.p.exportStep(ctx, job, a, op)
		return gdpr.Outcome{Exported: n}, n, part, err
	case gdpr.RequestUpdate:
		out, err := a.Rectify(ctx, op, job.Terms, job.Changes)
		return out, out.Updated, nil, err
	default:
		out, err := a.Erase(ctx, op, job.Terms, r.p.keep(a.Name()))
		return out, out.Deleted + out.Anonymized + out.Erased + out.RetainedCount(), nil, err
	}
}

// keep is the KeepFunc of the retention policy for one adapter.
func (p *Processor) keep(name string) adapter.KeepFunc {
	return func(ctx context.Context, rec adapter.Record) (string, bool, error) {
		return p.cfg.policy.Retain(ctx, name, rec)
	}
}

func (p *Processor) adapterNamed(org, name string) adapter.Adapter {
	for _, a := range p.adaptersFor(org) {
		if a.Name() == name {
			return a
		}
	}
	return nil
}

// finalize packages an export or verifies an erasure. It reports false when
// verification failed, with the steps concerned marked FAILED.
func (r *run) finalize(ctx context.Context) (bool, error) {
	switch r.job.Request.RequestType {
	case gdpr.RequestExport:
		blob, err := r.p.pack(ctx, r.job, r.parts)
		if err != nil {
			return false, err
		}
		r.blob = blob
		return true, nil
	case gdpr.RequestDelete:
		return r.verify(ctx)
	}
	return true, nil
}

// describe sums up a step's outcome without personal data.
func describe(records int, o gdpr.Outcome) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(o.Exported, "exported")
	add(o.Updated, "updated")
	add(o.Deleted, "deleted")
	add(o.Anonymized, "anonymized")
	add(o.Erased, "erased by the remote service")
	add(o.RetainedCount(), "retained")
	s := fmt.Sprintf("%d records", records)
	if records == 1 {
		s = "1 record"
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}
