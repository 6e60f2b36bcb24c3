package gdpr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Report is what Fulfil did: every request it made, as last read, what it
// left alone, and a summary. It marshals to JSON for the DSR's records.
type Report struct {
	DSRID string      `json:"dsrId"`
	Type  RequestType `json:"type"`
	// Subjects lists the IDs of the accepted candidates.
	Subjects []string `json:"subjects"`
	// Requests are in the order of the Plan.
	Requests []ReportItem `json:"requests"`
	Skipped  []Skipped    `json:"skipped,omitempty"`
	Summary  Summary      `json:"summary"`
}

// ReportItem is one request of a Report.
type ReportItem struct {
	PlannedRequest
	// RequestID is the id the Service gave the request; "" when it could
	// not be created.
	RequestID string `json:"requestId,omitempty"`
	// Status is the request's status as last read.
	Status Status `json:"status,omitempty"`
	// DueDate is when the request must be answered.
	DueDate Time `json:"dueDate,omitzero"`
	// FinishedDate is when the request reached COMPLETED or ERROR.
	FinishedDate Time `json:"finishedDate,omitzero"`
	// Steps is what each data store did: records found, exported,
	// updated, deleted, anonymized or retained with the legal basis.
	Steps []Step `json:"steps,omitempty"`
	// Verification is the result of re-searching an erased subject.
	Verification *Verification `json:"verification,omitempty"`
	// ResultsURL and ResultsURLs locate a completed export's archive.
	ResultsURL  string   `json:"resultsUrl,omitempty"`
	ResultsURLs []string `json:"resultsUrls,omitempty"`
	// Error says why the request could not be created, failed, or was not
	// followed to its end.
	Error string `json:"error,omitempty"`
}

// Done reports whether the item is final: the request is COMPLETED or in
// ERROR, or could not be created.
func (it *ReportItem) Done() bool {
	return it.Status.Done() || (it.RequestID == "" && it.Error != "")
}

// Request returns what the item knows of its request as a Request: enough
// for Client.DownloadResults.
func (it *ReportItem) Request() *Request {
	r := &Request{ID: it.RequestID, Status: it.Status, DueDate: it.DueDate, ResultsURL: it.ResultsURL,
		ResultsURLs: it.ResultsURLs, Steps: it.Steps, Verification: it.Verification}
	return r.Clone()
}

func (it *ReportItem) fill(r *Request) {
	r = r.Clone()
	it.RequestID, it.Status, it.DueDate = r.ID, r.Status, r.DueDate
	it.Steps, it.Verification = r.Steps, r.Verification
	it.ResultsURL, it.ResultsURLs = r.ResultsURL, r.ResultsURLs
	switch {
	case r.Status == StatusCompleted && !r.CompletedDate.IsZero():
		it.FinishedDate = r.CompletedDate
	case r.Status.Done():
		it.FinishedDate = r.ModifiedDate
	}
}

// Summary totals a Report. Counts of records are summed over the
// requests, so a record that two requests found counts twice.
type Summary struct {
	Subjects int `json:"subjects"`
	Requests int `json:"requests"`
	// Completed, Failed and Unfinished count the requests that are
	// COMPLETED; in ERROR or not created; and neither, when Fulfil was
	// interrupted.
	Completed  int `json:"completed"`
	Failed     int `json:"failed"`
	Unfinished int `json:"unfinished"`
	// Records counts the records the data stores found.
	Records    int `json:"records"`
	Exported   int `json:"exported,omitempty"`
	Updated    int `json:"updated,omitempty"`
	Deleted    int `json:"deleted,omitempty"`
	Anonymized int `json:"anonymized,omitempty"`
	// Retained groups the records kept by a retention policy by their
	// legal basis.
	Retained []Retention `json:"retained,omitempty"`
	// Verified and VerificationFailed count the erasures whose
	// verification passed and failed.
	Verified           int `json:"verified,omitempty"`
	VerificationFailed int `json:"verificationFailed,omitempty"`
	// DueDate is the latest due date of the requests.
	DueDate Time `json:"dueDate,omitzero"`
	// FinishedDate is when the last request finished, once all have.
	FinishedDate Time `json:"finishedDate,omitzero"`
}

func (r *Report) summarize() {
	s := Summary{Subjects: len(r.Subjects), Requests: len(r.Requests)}
	basis := map[string]int{}
	allDone := true
	for _, it := range r.Requests {
		switch {
		case it.Status == StatusCompleted:
			s.Completed++
		case it.Done():
			s.Failed++
		default:
			s.Unfinished++
			allDone = false
		}
		for _, st := range it.Steps {
			s.Records += st.Records
			if o := st.Outcome; o != nil {
				s.Exported += o.Exported
				s.Updated += o.Updated
				s.Deleted += o.Deleted
				s.Anonymized += o.Anonymized
				for _, ret := range o.Retained {
					basis[ret.Basis] += ret.Records
				}
			}
		}
		if v := it.Verification; v != nil && it.Status.Done() {
			if v.Passed {
				s.Verified++
			} else {
				s.VerificationFailed++
			}
		}
		if it.DueDate.After(s.DueDate.Time) {
			s.DueDate = it.DueDate
		}
		if it.FinishedDate.After(s.FinishedDate.Time) {
			s.FinishedDate = it.FinishedDate
		}
	}
	for b, n := range basis {
		s.Retained = append(s.Retained, Retention{Basis: b, Records: n})
	}
	slices.SortFunc(s.Retained, func(a, b Retention) int { return cmp.Compare(a.Basis, b.Basis) })
	if !allDone {
		s.FinishedDate = Time{}
	}
	r.Summary = s
}

// Default polling of Fulfil.
const (
	defaultFulfilPoll    = time.Second
	maxFulfilPoll        = 30 * time.Second
	defaultFulfilCreates = 4
)

// Fulfil makes the requests of r.Plan(typ, opts) (see Resolution.Plan:
// one per accepted subject, by its id, and one per identifier that
// reaches more without touching a subject not accepted), waits for all of
// them at once, and reports what each data store did.
//
// Every request carries an idempotency key derived from opts.DSRID, so
// running Fulfil again after an interruption or a crash, with the same
// resolution and options, creates nothing twice: it picks up the requests
// made before and waits for them.
//
// Fulfil returns the Report whenever it made one, even with an error. The
// error matches ErrRequestFailed when a request ended in ERROR, wraps the
// Service's error when a request could not be created (the others are
// still made and followed), and wraps ctx's error when ctx ended first;
// the Report then shows where each request stood.
func Fulfil(ctx context.Context, svc Service, res *Resolution, typ RequestType, opts FulfilOptions) (*Report, error) {
	if res == nil {
		return nil, errors.New("gdpr: fulfil: no resolution; call Resolve first")
	}
	plan, err := res.Plan(typ, opts)
	if err != nil {
		return nil, err
	}
	f := &fulfilment{svc: svc, opts: opts, plan: plan, rep: &Report{
		DSRID: plan.DSRID, Type: typ, Subjects: plan.Subjects, Skipped: plan.Skipped,
		Requests: make([]ReportItem, len(plan.Requests)),
	}}
	for i, q := range plan.Requests {
		f.rep.Requests[i].PlannedRequest = q
	}
	errs := f.run(ctx)
	f.rep.summarize()
	if err := ctx.Err(); err != nil {
		return f.rep, fmt.Errorf("gdpr: fulfil %s: %w", plan.DSRID, err)
	}
	if err := errors.Join(errs...); err != nil {
		failed := 0
		for _, e := range errs {
			if e != nil {
				failed++
			}
		}
		return f.rep, fmt.Errorf("gdpr: fulfil %s: %d of %d requests failed: %w", plan.DSRID, failed, len(errs), err)
	}
	return f.rep, nil
}

// fulfilment is one run of Fulfil.
type fulfilment struct {
	svc  Service
	opts FulfilOptions
	plan *Plan

	mu  sync.Mutex // guards rep and serializes opts.Progress
	rep *Report
}

// run creates the requests, a few at a time, and follows each to its
// end. It returns each request's failure, by index.
func (f *fulfilment) run(ctx context.Context) []error {
	n := len(f.plan.Requests)
	errs := make([]error, n)
	sem := make(chan struct{}, cmp.Or(max(f.opts.Concurrency, 0), defaultFulfilCreates))
	var wg sync.WaitGroup
loop:
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Go(func() {
			r, err := f.svc.CreateRequest(ctx, f.spec(i))
			<-sem
			if err != nil {
				errs[i] = fmt.Errorf("create request %d: %w", i+1, err)
				if ctx.Err() == nil {
					f.update(i, nil, err)
				}
				return
			}
			f.update(i, r, nil)
			if _, err = f.wait(ctx, i, r.ID); err != nil {
				errs[i] = err
				if ctx.Err() == nil && !errors.Is(err, ErrRequestFailed) {
					f.update(i, nil, err)
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// spec is the RequestSpec of the plan's request i.
func (f *fulfilment) spec(i int) RequestSpec {
	q := f.plan.Requests[i]
	return RequestSpec{
		Name:             f.plan.DSRID,
		Type:             f.plan.Type,
		Subject:          q.Term.Term(),
		ReplacementTerms: f.opts.ReplacementTerms,
		DeleteConfirmed:  f.plan.Type == RequestDelete && f.opts.DeleteConfirmed,
		IdempotencyKey:   q.IdempotencyKey,
	}
}

// wait polls request id until it is done.
func (f *fulfilment) wait(ctx context.Context, i int, id string) (*Request, error) {
	if c, ok := f.svc.(*Client); ok && f.opts.PollInterval == 0 {
		return c.Wait(ctx, id, func(r *Request) { f.update(i, r, nil) })
	}
	delay := cmp.Or(f.opts.PollInterval, defaultFulfilPoll)
	ceiling := max(delay, maxFulfilPoll)
	for {
		r, err := f.svc.GetRequest(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("wait for request %s: %w", id, err)
		}
		f.update(i, r, nil)
		switch r.Status {
		case StatusCompleted:
			return r, nil
		case StatusError:
			return r, &RequestFailedError{Request: r}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return r, fmt.Errorf("wait for request %s: %w", id, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, ceiling)
	}
}

// update records request i's state (r) or failure (err), and tells
// opts.Progress when something changed.
func (f *fulfilment) update(i int, r *Request, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := &f.rep.Requests[i]
	before := it.Status
	hadErr := it.Error
	if r != nil {
		it.fill(r)
	}
	if err != nil {
		it.Error = err.Error()
	}
	if f.opts.Progress == nil || (r != nil && it.Status == before && it.Error == hadErr && before != "") {
		return
	}
	done := 0
	for j := range f.rep.Requests {
		if f.rep.Requests[j].Done() {
			done++
		}
	}
	cp := *it
	cp.Steps = slices.Clone(it.Steps)
	f.opts.Progress(Progress{Request: cp, Done: done, Total: len(f.rep.Requests)})
}
