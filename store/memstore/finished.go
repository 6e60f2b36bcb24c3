package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/store"
)

var _ store.FinishedLister = (*Store)(nil)

// Finished returns copies of up to limit jobs (0: no limit), of every
// organization, that are final, not minimized and last modified before
// before, oldest first. It takes time linear in the number of jobs held.
func (s *Store) Finished(ctx context.Context, before time.Time, limit int) ([]*store.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: finished: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*store.Job
	for _, e := range s.jobs {
		j := e.job
		if j.Request.Status.Done() && j.Minimized.IsZero() && j.Request.ModifiedDate.Before(before) {
			match = append(match, j)
		}
	}
	slices.SortFunc(match, func(a, b *store.Job) int {
		if c := a.Request.ModifiedDate.Compare(b.Request.ModifiedDate.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.Org, b.Org); c != 0 {
			return c
		}
		return strings.Compare(a.Request.ID, b.Request.ID)
	})
	if limit > 0 && limit < len(match) {
		match = match[:limit]
	}
	jobs := make([]*store.Job, len(match))
	for i, j := range match {
		jobs[i] = j.Clone()
	}
	return jobs, nil
}
