package memstore

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// Claim leases the claimable job with the earliest NextRun (then the
// smallest request id) to the caller until until, marking it with token,
// and returns a copy of it; an error matching store.ErrNoWork when no
// job is claimable at now. The token must not be "". Claim takes time
// logarithmic in the number of queued jobs.
func (s *Store) Claim(ctx context.Context, token string, now, until time.Time) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: claim: %w", err)
	}
	if token == "" {
		return nil, fmt.Errorf("memstore: claim: the lease token is empty")
	}
	now, until = now.Round(0), until.Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()

	// Jobs whose lease ended before now compete with the unleased ones.
	for s.leased.Len() > 0 && s.leased.items[0].e.job.LeaseUntil.Before(now) {
		e := heap.Pop(&s.leased).(item).e
		heap.Push(&s.ready, newItem(e.job.NextRun, e))
	}

	for s.ready.Len() > 0 {
		e := s.ready.items[0].e
		if e.job.NextRun.After(now) {
			break
		}
		heap.Pop(&s.ready)
		if e.job.LeaseToken != "" && !e.job.LeaseUntil.Before(now) {
			// Moved here by a caller whose clock is ahead of this one's:
			// at this now, its lease has not ended.
			heap.Push(&s.leased, newItem(e.job.LeaseUntil, e))
			continue
		}
		e.job.LeaseToken, e.job.LeaseUntil = token, until
		s.place(e)
		return e.job.Clone(), nil
	}
	return nil, fmt.Errorf("memstore: claim: %w", store.ErrNoWork)
}

// Renew extends the lease marked token on the organization's job with the
// request id to until. It returns an error matching store.ErrLeaseLost
// when the job no longer carries token, or gdpr.ErrNotFound when there
// is no such job. A lease that ended but has not passed to another caller
// can be renewed.
func (s *Store) Renew(ctx context.Context, org, id, token string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: renew: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[jobKey{org, id}]
	if !ok {
		return fmt.Errorf("memstore: renew request %q: %w", id, gdpr.ErrNotFound)
	}
	if token == "" || e.job.LeaseToken != token || e.job.LeaseUntil.IsZero() {
		return fmt.Errorf("memstore: renew request %q: %w", id, store.ErrLeaseLost)
	}
	e.job.LeaseUntil = until.Round(0)
	s.place(e)
	return nil
}

// place puts e into the queue its job belongs in: none when its status is
// final, leased (by LeaseUntil) when it carries a lease token, ready (by
// NextRun) otherwise. The caller holds s.mu.
func (s *Store) place(e *entry) {
	var (
		q  *queue
		at time.Time
	)
	switch {
	case e.job.Request.Status.Done():
	case e.job.LeaseToken != "":
		q, at = &s.leased, e.job.LeaseUntil
	default:
		q, at = &s.ready, e.job.NextRun
	}
	if e.queue != nil && e.queue == q {
		q.items[e.index] = newItem(at, e)
		heap.Fix(q, e.index)
		return
	}
	if e.queue != nil {
		heap.Remove(e.queue, e.index)
	}
	if q != nil {
		heap.Push(q, newItem(at, e))
	}
}

// queue is a min-heap of entries. Each item carries its sort key, so that
// ordering the heap reads only the heap's own array; each entry records
// its queue and index, so that a changed job moves in logarithmic time.
type queue struct {
	items []item
}

// item is an entry in a queue, ordered by at, then id, then org.
type item struct {
	sec     int64 // at, as Unix seconds
	nsec    int32 // and nanoseconds
	id, org string
	e       *entry
}

func newItem(at time.Time, e *entry) item {
	return item{sec: at.Unix(), nsec: int32(at.Nanosecond()), id: e.job.Request.ID, org: e.job.Org, e: e}
}

// before reports whether i is due before j.
func (i *item) before(j *item) bool {
	switch {
	case i.sec != j.sec:
		return i.sec < j.sec
	case i.nsec != j.nsec:
		return i.nsec < j.nsec
	case i.id != j.id:
		return i.id < j.id
	}
	return i.org < j.org
}

func (q *queue) Len() int           { return len(q.items) }
func (q *queue) Less(i, j int) bool { return q.items[i].before(&q.items[j]) }

func (q *queue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.items[i].e.index = i
	q.items[j].e.index = j
}

func (q *queue) Push(x any) {
	it := x.(item)
	it.e.queue, it.e.index = q, len(q.items)
	q.items = append(q.items, it)
}

func (q *queue) Pop() any {
	n := len(q.items) - 1
	it := q.items[n]
	q.items[n] = item{}
	q.items = q.items[:n]
	it.e.queue, it.e.index = nil, -1
	return it
}
