package dsr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
)

// FollowOptions say how Follow waits. The zero value polls as a
// gdpr.Client does by default and reports no progress.
type FollowOptions struct {
	// Progress, when not nil, is called each time a request's status
	// changes or following it fails, one call at a time.
	Progress func(Progress)
	// PollInterval is the first interval between reads of a request; it
	// doubles up to gdpr.DefaultPollMax (or PollInterval, when longer).
	// Zero is gdpr.DefaultPollMin.
	PollInterval time.Duration
}

// Progress is one change of one request during Follow.
type Progress struct {
	// Request is the request's entry of the report, as last read.
	Request ReportItem
	// Done counts requests that are COMPLETED, in ERROR or could not be
	// created; Total is how many the plan makes.
	Done, Total int
}

// Follow reads every unfinished request of rep through svc (GetRequest,
// at growing intervals) until all are COMPLETED or in ERROR, and returns
// a new Report of where they stand and what each data store did; rep is
// not changed.
//
// Follow returns the Report whenever it made one, even with an error. The
// error matches gdpr.ErrRequestFailed when a request ended in ERROR; it
// counts the requests that could not be created or were not submitted
// (submit the plan again: nothing is created twice); and it wraps ctx's
// error when ctx ended first, the Report then showing where each request
// stood.
func Follow(ctx context.Context, svc gdpr.Service, rep *Report, opts FollowOptions) (*Report, error) {
	if rep == nil {
		return nil, errors.New("dsr: follow: no report; Submit a plan first")
	}
	if opts.PollInterval < 0 {
		return nil, fmt.Errorf("dsr: follow: PollInterval is %v; give a positive interval, or zero for the default", opts.PollInterval)
	}
	f := &following{svc: svc, opts: opts, rep: rep.clone()}
	errs := make([]error, len(f.rep.Requests))
	var wg sync.WaitGroup
	for i := range f.rep.Requests {
		it := f.rep.Requests[i]
		switch {
		case it.Status == gdpr.StatusError:
			errs[i] = &gdpr.RequestFailedError{Request: it.Request()}
		case it.Status == gdpr.StatusCompleted:
		case it.RequestID == "" && it.Error != "":
			errs[i] = fmt.Errorf("request %d was not created: %s", i+1, it.Error)
		case it.RequestID == "":
			errs[i] = fmt.Errorf("request %d was not submitted; submit the plan again", i+1)
		default:
			wg.Go(func() { errs[i] = f.follow(ctx, i) })
		}
	}
	wg.Wait()
	f.rep.summarize()
	if err := ctx.Err(); err != nil {
		return f.rep, fmt.Errorf("dsr: follow %s: %w", f.rep.DSRID, err)
	}
	if err := failures(errs); err != nil {
		return f.rep, fmt.Errorf("dsr: follow %s: %w", f.rep.DSRID, err)
	}
	return f.rep, nil
}

// following is one run of Follow.
type following struct {
	svc  gdpr.Service
	opts FollowOptions

	mu  sync.Mutex // guards rep and serializes opts.Progress
	rep *Report
}

// follow polls request i until it is final, at intervals that double from
// opts.PollInterval. Every wait selects on ctx.
func (f *following) follow(ctx context.Context, i int) error {
	id := f.rep.Requests[i].RequestID // set before Follow starts; never changed
	delay := cmp.Or(f.opts.PollInterval, gdpr.DefaultPollMin)
	ceiling := max(delay, gdpr.DefaultPollMax)
	for {
		r, err := f.svc.GetRequest(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			err = fmt.Errorf("follow request %s: %w", id, err)
			f.update(i, nil, err)
			return err
		}
		f.update(i, r, nil)
		switch r.Status {
		case gdpr.StatusCompleted:
			return nil
		case gdpr.StatusError:
			return &gdpr.RequestFailedError{Request: r}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, ceiling)
	}
}

// update records request i's state (r) or failure (err), and tells
// opts.Progress when something changed.
func (f *following) update(i int, r *gdpr.Request, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := &f.rep.Requests[i]
	before, hadErr := it.Status, it.Error
	if r != nil {
		it.fill(r)
	}
	if err != nil {
		it.Error = err.Error()
	}
	if f.opts.Progress == nil || (it.Status == before && it.Error == hadErr) {
		return
	}
	cp := *it
	cp.Steps = slices.Clone(it.Steps)
	f.opts.Progress(Progress{Request: cp, Done: f.rep.done(), Total: len(f.rep.Requests)})
}
