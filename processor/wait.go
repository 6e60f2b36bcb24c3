package processor

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// StepWaiting is the state of a step whose adapter waits on its data
// store (adapter.WaitError): it holds no worker and no lease, and is looked
// at again at its NextLook. Step.WaitingOn lists what it waits on.
const StepWaiting gdpr.StepState = "WAITING"

// Defaults of WithWaitPolling.
const (
	DefaultWaitMin = time.Minute
	DefaultWaitMax = time.Hour
)

// waitPolling is how often a WAITING step is looked at (see
// WithWaitPolling); zero fields take the defaults.
type waitPolling struct{ min, max time.Duration }

// backoff is the wait before the look after looks earlier ones: min,
// doubling up to max.
func (w waitPolling) backoff(looks int) time.Duration {
	lo, hi := w.min, w.max
	if lo == 0 {
		lo = DefaultWaitMin
	}
	if hi == 0 {
		hi = max(DefaultWaitMax, lo)
	}
	d := lo
	for i := 0; i < looks && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// WithWaitPolling sets how often a step that waits on a data store (see
// adapter.WaitError) is looked at: first after min, then after twice as
// long each time, up to max; never sooner than the adapter asks. The
// defaults are DefaultWaitMin and DefaultWaitMax. Between looks the
// request holds no worker and no lease: it is released to the Store,
// due again at the step's next look, for any processor sharing it.
func WithWaitPolling(min, max time.Duration) Option {
	return func(c *config) error {
		if min <= 0 || max < min {
			return fmt.Errorf("processor: WithWaitPolling(%v, %v): want 0 < min <= max", min, max)
		}
		c.wait = waitPolling{min, max}
		return nil
	}
}

// due reports whether step s is to run at now: every step not WAITING,
// and a WAITING one once its next look has come.
func due(s gdpr.Step, now time.Time) bool {
	return s.State != StepWaiting || !s.NextLook.After(now)
}

// waiting reports whether a step is WAITING.
func waiting(steps []gdpr.Step) bool {
	return slices.ContainsFunc(steps, func(s gdpr.Step) bool { return s.State == StepWaiting })
}

// wait records on s that its adapter waits on we, with its next look
// after a backoff, and returns the step's event when it begins to wait or
// waits on other work: looks that change nothing are not audit events.
func (r *run) wait(s *gdpr.Step, we *adapter.WaitError) []store.Event {
	now := r.p.now()
	first := len(s.WaitingOn) == 0
	if first {
		s.WaitingSince, s.Looks = gdpr.NewTime(now), 0
		o := we.Outcome
		if c := s.Outcome; c != nil {
			o, _ = settled(*c, o, 0)
		}
		s.Outcome = &o
	} else {
		s.Looks++
	}
	changed := !slices.Equal(s.WaitingOn, we.On)
	d := max(we.After, r.p.cfg.wait.backoff(s.Looks))
	// The wire keeps milliseconds: round up, so that the step is due
	// when its request is.
	next := now.Add(d + time.Millisecond - 1).Truncate(time.Millisecond)
	s.WaitingOn, s.WaitDetail, s.NextLook = slices.Clone(we.On), we.Detail, gdpr.NewTime(next)
	s.State, s.Error = StepWaiting, ""
	if !first && !changed {
		return nil
	}
	return []store.Event{r.p.event(r.job, "step",
		fmt.Sprintf("%s: WAITING on %d remote operations", s.Adapter, len(we.On)))}
}

// park releases the request until its earliest waiting step's next look,
// saving evs with it. Its status and due date stay as they are.
func (r *run) park(ctx context.Context, evs []store.Event) error {
	var next time.Time
	for _, s := range r.job.Request.Steps {
		if s.State == StepWaiting && (next.IsZero() || s.NextLook.Before(next)) {
			next = s.NextLook.Time
		}
	}
	r.job.NextRun = next
	if err := r.move(&evs, parked, ""); err != nil {
		return err
	}
	return r.save(ctx, true, evs...)
}

// settled adds to out, the Outcome of the run that ended a wait, what was
// settled before (c): the counts of the wait and of failed attempts, and
// the records the policy kept. records grows by the records c counts.
func settled(c, out gdpr.Outcome, records int) (gdpr.Outcome, int) {
	out.Exported += c.Exported
	out.Updated += c.Updated
	out.Deleted += c.Deleted
	out.Anonymized += c.Anonymized
	out.Erased += c.Erased
	out.Retained = append(out.Retained, c.Retained...)
	return out, records + c.Exported + c.Updated + c.Deleted + c.Anonymized + c.Erased + c.RetainedCount()
}
