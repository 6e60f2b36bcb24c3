package testkit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// SlowRemote wraps an adapter as a remote service whose erasures take
// Delay on Now's clock: Erase starts a remote job (erasing the wrapped
// adapter's data only when the job completes) and returns an
// adapter.WaitError naming it; a run with Op.Waiting looks at the jobs and
// reports them once complete, as Outcome.Erased. Remote jobs are keyed by
// Op.ID, as an idempotency key would key them. It is safe for concurrent
// use.
type SlowRemote struct {
	adapter.Adapter
	Delay time.Duration
	Now   func() time.Time

	mu      sync.Mutex
	jobs    map[string]*remoteJob // by remote id
	byOp    map[string]string     // op id → remote id
	creates int
	looks   int
}

type remoteJob struct {
	op    adapter.Op
	terms []gdpr.Term
	keep  adapter.KeepFunc
	due   time.Time
	out   *gdpr.Outcome
}

// Creates returns how many remote jobs were created.
func (s *SlowRemote) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// Looks returns how many times a waiting operation was looked at.
func (s *SlowRemote) Looks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.looks
}

// Erase starts a remote erasure, or looks at the one op waits on.
func (s *SlowRemote) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return gdpr.Outcome{}, err
	}
	s.mu.Lock()
	if s.jobs == nil {
		s.jobs, s.byOp = map[string]*remoteJob{}, map[string]string{}
	}
	if len(op.Waiting) == 0 {
		id, ok := s.byOp[op.ID]
		if !ok {
			s.creates++
			id = fmt.Sprintf("remote-%d", s.creates)
			s.byOp[op.ID] = id
			s.jobs[id] = &remoteJob{op: op, terms: terms, keep: keep, due: s.Now().Add(s.Delay)}
		}
		s.mu.Unlock()
		return gdpr.Outcome{}, &adapter.WaitError{On: []string{id}, Detail: "remote erasure started"}
	}
	s.looks++
	id := op.Waiting[0]
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		return gdpr.Outcome{}, fmt.Errorf("testkit: no remote job %s", id)
	}
	if s.Now().Before(j.due) {
		return gdpr.Outcome{}, &adapter.WaitError{On: op.Waiting, Detail: "remote erasure in progress"}
	}
	if j.out == nil {
		out, err := s.Adapter.Erase(ctx, j.op, j.terms, j.keep)
		if err != nil {
			return gdpr.Outcome{}, err
		}
		// The remote tells only how many it erased.
		n := out.Deleted + out.Anonymized
		j.out = &gdpr.Outcome{Erased: n, Retained: out.Retained}
	}
	return *j.out, nil
}
