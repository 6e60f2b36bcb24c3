package processor

import (
	"context"
	"errors"
	"fmt"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// verify searches every term of an erased subject again in every adapter.
// Records found that the policy retains are counted; any other record
// fails the adapter's step. It reports whether the erasure passed.
func (r *run) verify(ctx context.Context) (bool, error) {
	job := r.job
	as := r.p.adaptersFor(job.Org)
	retained := make([]int, len(as))
	remaining := make([]int, len(as))
	err := r.p.fanOut(ctx, "verify", as, func(ctx context.Context, i int, a adapter.Adapter) error {
		keep := r.p.keep(a.Name())
		op := adapter.Op{RequestID: job.Request.ID, ID: job.Request.ID + "/" + a.Name() + "/verify"}
		export := func(emit func(adapter.Record) error) error { return a.Export(ctx, op, job.Terms, emit) }
		if c, ok := a.(adapter.Checker); ok {
			export = func(emit func(adapter.Record) error) error { return c.Check(ctx, job.Terms, emit) }
		}
		return export(func(rec adapter.Record) error {
			_, ok, err := keep(ctx, rec)
			switch {
			case err != nil:
				return fmt.Errorf("retention policy: %w", err)
			case ok:
				retained[i]++
			default:
				remaining[i]++
			}
			return nil
		})
	})
	if err != nil {
		var ae *AdapterError
		if errors.As(err, &ae) {
			// A store that cannot be checked fails its step, to be tried
			// again like any other failure.
			r.failStep(ae.Adapter, fmt.Sprintf("erasure verification: %v", ae.Err))
			return false, nil
		}
		return false, err
	}
	v := &gdpr.Verification{Passed: true, Date: gdpr.NewTime(r.p.now())}
	for i, a := range as {
		v.Retained += retained[i]
		if remaining[i] > 0 {
			v.Passed = false
			v.Remaining = append(v.Remaining, gdpr.Remaining{Adapter: a.Name(), Records: remaining[i]})
			r.failStep(a.Name(), fmt.Sprintf("erasure verification found %d records of the subject left that no retention policy keeps", remaining[i]))
		}
	}
	job.Request.Verification = v
	return v.Passed, nil
}

// failStep marks the adapter's done step FAILED with msg, and records it.
func (r *run) failStep(adapter, msg string) {
	for i := range r.job.Request.Steps {
		if s := &r.job.Request.Steps[i]; s.Adapter == adapter {
			// The verification refutes the step's counts: none is carried
			// into its retry.
			s.State, s.Error, s.Outcome = gdpr.StepFailed, msg, nil
			r.evs = append(r.evs, r.p.event(r.job, "step",
				fmt.Sprintf("%s: FAILED erasure verification, attempt %d of %d", adapter, s.Attempts, r.p.cfg.retry.Attempts)))
		}
	}
}
