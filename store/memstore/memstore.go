// Package memstore is a store.Store that keeps everything in memory.
//
// It is for tests, demos and a single process that can afford to lose its
// requests: nothing is written to disk, so every request, audit event and
// export archive is lost when the process exits or crashes. A processor
// that must keep what it accepted uses a durable store (store/sqlstore).
//
// The Store keeps every contract of [store.Store]: it is safe for
// concurrent use, copies jobs on the way in and out, chains each
// organization's audit events with [store.SealEvent], and hands a job to
// one lease holder at a time. Claim takes logarithmic time in the number of
// queued jobs, so a Store holding a large backlog stays fast. New starts no
// goroutines; a Store needs no closing and is released by dropping it.
package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

var _ store.Store = (*Store)(nil)

// Store is an in-memory store.Store. Create one with New; the zero
// Store is not usable. A Store is safe for concurrent use by any number of
// goroutines and processors within one process.
type Store struct {
	mu     sync.Mutex
	jobs   map[jobKey]*entry
	orgs   map[string]map[string]*entry // org → request id → entry, for List
	idem   map[idemKey]*entry           // (org, idempotency key) → entry
	ready  queue                        // unleased open jobs by NextRun, then id
	leased queue                        // leased open jobs by LeaseUntil
	events map[string]*chain            // org → its audit chain

	blobMu sync.RWMutex
	blobs  map[string][][]byte // key → the blob's chunks

	cps checkpoints // signed checkpoints and tree hashes (checkpoint.go)
}

type jobKey struct{ org, id string }

type idemKey struct{ org, key string }

// entry is a stored job and its place in the claim queues.
type entry struct {
	job   *store.Job
	queue *queue // the queue holding the entry, nil when in none
	index int    // the entry's index in queue
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		jobs:   make(map[jobKey]*entry),
		orgs:   make(map[string]map[string]*entry),
		idem:   make(map[idemKey]*entry),
		events: make(map[string]*chain),
		blobs:  make(map[string][][]byte),
	}
}

// Create stores a copy of job and appends ev, with ev.Org set to job.Org,
// to that organization's chain. When job.IdempotencyKey is not "" and the
// organization already used it, Create stores nothing and returns a copy of
// the existing job with created false. A key belongs to the job first
// created with it, for later Creates and for FindKey, even if Update changes
// that job's IdempotencyKey. A request id the organization already holds is
// refused with an error matching gdpr.ErrConflict.
func (s *Store) Create(ctx context.Context, job *store.Job, ev store.Event) (*store.Job, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("memstore: create: %w", err)
	}
	if job.Request.ID == "" {
		return nil, false, fmt.Errorf("memstore: create: the job has no request id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	if job.IdempotencyKey != "" {
		if e, ok := s.idem[idemKey{job.Org, job.IdempotencyKey}]; ok {
			return e.job.Clone(), false, nil
		}
	}
	k := jobKey{job.Org, job.Request.ID}
	if _, ok := s.jobs[k]; ok {
		return nil, false, fmt.Errorf("memstore: create: request %q exists: %w", k.id, gdpr.ErrConflict)
	}

	e := &entry{job: storedCopy(job), index: -1}
	s.jobs[k] = e
	if s.orgs[k.org] == nil {
		s.orgs[k.org] = make(map[string]*entry)
	}
	s.orgs[k.org][k.id] = e
	if job.IdempotencyKey != "" {
		s.idem[idemKey{job.Org, job.IdempotencyKey}] = e
	}
	s.place(e)
	s.appendEvents(job.Org, ev)
	return e.job.Clone(), true, nil
}

// FindKey returns a copy of the organization's job that Create stored with
// the idempotency key, or an error matching gdpr.ErrNotFound. The
// empty key matches no job, and keys of other organizations never match.
func (s *Store) FindKey(ctx context.Context, org, key string) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: find key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.idem[idemKey{org, key}]
	if !ok || key == "" {
		return nil, fmt.Errorf("memstore: find key: %w", gdpr.ErrNotFound)
	}
	return e.job.Clone(), nil
}

// Get returns a copy of the organization's job with the request id, or an
// error matching gdpr.ErrNotFound.
func (s *Store) Get(ctx context.Context, org, id string) (*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: get: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[jobKey{org, id}]
	if !ok {
		return nil, fmt.Errorf("memstore: get request %q: %w", id, gdpr.ErrNotFound)
	}
	return e.job.Clone(), nil
}

// List returns copies of the organization's jobs that pass f, newest first
// (Request.CreatedDate, then request id, descending), paged by f.Offset and
// f.Limit, and how many jobs pass f in all. It takes time linear in the
// organization's jobs.
func (s *Store) List(ctx context.Context, org string, f store.Filter) ([]*store.Job, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("memstore: list: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	var match []*store.Job
	for _, e := range s.orgs[org] {
		if f.Match(e.job) {
			match = append(match, e.job)
		}
	}
	slices.SortFunc(match, func(a, b *store.Job) int {
		if c := b.Request.CreatedDate.Compare(a.Request.CreatedDate.Time); c != 0 {
			return c
		}
		return strings.Compare(b.Request.ID, a.Request.ID)
	})
	total := len(match)
	page := match[min(max(f.Offset, 0), total):]
	if f.Limit > 0 && f.Limit < len(page) {
		page = page[:f.Limit]
	}
	jobs := make([]*store.Job, len(page))
	for i, j := range page {
		jobs[i] = j.Clone()
	}
	return jobs, total, nil
}

// Update replaces the stored job with a copy of job and appends evs to the
// chain of job.Org, provided the stored job's LeaseToken equals
// job.LeaseToken. Otherwise it stores nothing and returns an error matching
// store.ErrLeaseLost, or gdpr.ErrNotFound when the organization
// holds no job with that request id.
func (s *Store) Update(ctx context.Context, job *store.Job, evs ...store.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: update: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateLocked(job, evs)
}

// updateLocked is Update, with s.mu held.
func (s *Store) updateLocked(job *store.Job, evs []store.Event) error {
	e, ok := s.jobs[jobKey{job.Org, job.Request.ID}]
	if !ok {
		return fmt.Errorf("memstore: update request %q: %w", job.Request.ID, gdpr.ErrNotFound)
	}
	if e.job.LeaseToken != job.LeaseToken {
		return fmt.Errorf("memstore: update request %q: %w", job.Request.ID, store.ErrLeaseLost)
	}
	e.job = storedCopy(job)
	s.place(e)
	s.appendEvents(job.Org, evs...)
	return nil
}

// storedCopy returns the copy of j that the store keeps: deep, and with
// the monotonic clock readings stripped from the times the queues order
// by, so that comparisons use wall time only.
func storedCopy(j *store.Job) *store.Job {
	c := j.Clone()
	c.NextRun = c.NextRun.Round(0)
	c.LeaseUntil = c.LeaseUntil.Round(0)
	return c
}
