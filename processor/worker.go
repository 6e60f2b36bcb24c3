package processor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Run processes requests with the configured number of workers until ctx
// is done, then returns once every worker has stopped. A request in flight
// when ctx ends keeps what its finished steps did and is released for any
// worker to resume. Run may be called by several processes sharing one
// Store.
//
// With WithEvidence, Run first checks that the key can go on signing
// every organization's chain, and returns at once, running nothing, with
// an error matching evidence.ErrUnknownKey when a chain's last
// checkpoint is signed by a key that is neither WithEvidence's nor one
// WithRetiredEvidenceKeys names (the key was replaced, and the old
// public key not given).
func (p *Processor) Run(ctx context.Context) error {
	if err := p.checkEvidenceKeys(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for range p.cfg.workers {
		wg.Go(func() { p.work(ctx) })
	}
	if m := p.cfg.minimize; m != nil {
		wg.Go(func() { p.minimizeEvery(ctx, m.interval(p.cfg.storePoll)) })
	}
	if e := p.cfg.evidence; e != nil {
		wg.Go(func() { e.checkpointEvery(ctx, p.log()) })
	}
	wg.Wait()
	return nil
}

// minimizeEvery runs Minimize at once and then every interval until ctx
// is done.
func (p *Processor) minimizeEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := p.Minimize(ctx); err != nil && ctx.Err() == nil {
			p.log().ErrorContext(ctx, "minimization failed", "err", err, "minimized", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *Processor) work(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		found, err := p.RunOnce(ctx)
		wait := p.cfg.storePoll
		switch {
		case err != nil && ctx.Err() == nil:
			failures++
			wait = p.backoff(failures)
			p.log().ErrorContext(ctx, "worker failed", "err", err, "retry_in", wait)
		case found:
			failures = 0
			continue
		default:
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-p.tokens:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce claims one request that is due and takes it as far as it can go
// now: to COMPLETED, to ERROR, or to a retry scheduled for a failed step.
// It reports whether there was a request to claim. Run calls it in a loop;
// callers that schedule work themselves may call it directly.
func (p *Processor) RunOnce(ctx context.Context) (bool, error) {
	token, err := newID()
	if err != nil {
		return false, fmt.Errorf("processor: claim: %w", err)
	}
	now := p.now()
	job, err := p.store.Claim(ctx, token, now, now.Add(p.cfg.lease))
	if errors.Is(err, store.ErrNoWork) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("processor: claim: %w", err)
	}
	r := &run{p: p, job: job, until: job.LeaseUntil}
	// Every adapter call of the run acts for the request's organization.
	ctx = gdpr.ContextWithOrganization(ctx, job.Org)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.keepLease(ctx, cancel)
	defer r.stopLease()
	if err := r.advance(ctx); err != nil {
		return true, fmt.Errorf("processor: request %s: %w", job.Request.ID, err)
	}
	if e := p.cfg.evidence; e != nil && r.job.Request.Status.Done() {
		e.finished(r.job)
	}
	return true, nil
}

// backoff is the wait before the attempt after n failed ones.
func (p *Processor) backoff(n int) time.Duration {
	d := p.cfg.retry.MinWait
	for i := 1; i < n && d < p.cfg.retry.MaxWait; i++ {
		d *= 2
	}
	return min(d, p.cfg.retry.MaxWait)
}

// run is one worker's hold on one claimed job.
type run struct {
	p   *Processor
	job *store.Job
	evs []store.Event // events of finalize, saved with the next change
	// parts are the export parts this run spooled, by adapter name; they
	// are closed when the run ends.
	parts map[string]*spool
	// blob is the export archive to store with the next save, when the
	// Store is a BlobUpdater and the archive small.
	blob *inlineBlob

	mu      sync.Mutex
	until   time.Time // the lease as last renewed
	timer   *time.Timer
	stopped bool
}

// keepLease renews the lease every third of its length until stopLease;
// if the lease passes to another worker, it cancels the work.
func (r *run) keepLease(ctx context.Context, cancel context.CancelFunc) {
	interval := r.p.cfg.lease / 3
	var renew func()
	renew = func() {
		until := r.p.now().Add(r.p.cfg.lease)
		err := r.p.store.Renew(ctx, r.job.Org, r.job.Request.ID, r.job.LeaseToken, until)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopped {
			return
		}
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			r.p.jobLog(r.job).WarnContext(ctx, "lease lost; another worker has the request", "request", r.job.Request.ID)
			cancel()
			return
		case err != nil:
			r.p.jobLog(r.job).WarnContext(ctx, "lease renewal failed", "request", r.job.Request.ID, "err", err)
		default:
			r.until = until
		}
		r.timer = time.AfterFunc(interval, renew)
	}
	r.mu.Lock()
	r.timer = time.AfterFunc(interval, renew)
	r.mu.Unlock()
}

func (r *run) stopLease() {
	r.mu.Lock()
	r.stopped = true
	r.timer.Stop()
	r.mu.Unlock()
}

// save stores the job with evs, keeping the lease or releasing it, and
// the export archive pack left to store with it, if any. It saves even
// when ctx is cancelled, so that work done is never forgotten.
func (r *run) save(ctx context.Context, release bool, evs ...store.Event) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	job := r.job
	job.Request.ModifiedDate = gdpr.NewTime(r.p.now())
	if release {
		job.LeaseUntil = time.Time{}
	} else {
		r.mu.Lock()
		job.LeaseUntil = r.until
		r.mu.Unlock()
	}
	var err error
	if b := r.blob; b != nil {
		r.blob = nil
		err = r.p.store.(store.BlobUpdater).UpdateWithBlob(ctx, job, b.key, b.data, evs...)
		if err != nil && !errors.Is(err, store.ErrLeaseLost) && !errors.Is(err, gdpr.ErrNotFound) {
			err = &archiveError{err}
		}
	} else {
		err = r.p.store.Update(ctx, job, evs...)
	}
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	r.p.stored(&job.Request, evs)
	return nil
}

// archiveError is the failure of an update that carried an export
// archive (BlobUpdater), for a reason other than a lost lease: it may be
// the archive's fault, so the request goes the way of a failed packing.
type archiveError struct{ err error }

func (e *archiveError) Error() string { return "store the export archive: " + e.err.Error() }
func (e *archiveError) Unwrap() error { return e.err }
