package storetest

import (
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// testFinished checks store.FinishedLister, for stores that implement
// it: final, unminimized jobs of every organization, modified before the
// cut, oldest first, limited.
func testFinished(t *testing.T, newStore func(*testing.T) store.Store) {
	s := newStore(t)
	lister, ok := s.(store.FinishedLister)
	if !ok {
		t.Skipf("%T does not implement store.FinishedLister", s)
	}
	finished := func(org, id string, st gdpr.Status, modified time.Duration) {
		j := newJob(org, id, -48*time.Hour, 0)
		j.Request.Status = st
		j.Request.ModifiedDate = wire(modified)
		mustCreate(t, s, j)
	}
	finished("org-a", "old-done", gdpr.StatusCompleted, -3*time.Hour)
	finished("org-b", "old-error", gdpr.StatusError, -2*time.Hour)
	finished("org-a", "open", gdpr.StatusDeleting, -4*time.Hour)
	finished("org-b", "recent", gdpr.StatusCompleted, -time.Minute)
	finished("org-a", "minimized", gdpr.StatusCompleted, -5*time.Hour)
	j := mustGet(t, s, "org-a", "minimized")
	j.Minimized = base.Add(-time.Hour)
	mustUpdate(t, s, j, event(j, "minimized", 0))
	if got := mustGet(t, s, "org-a", "minimized").Minimized; !got.Equal(base.Add(-time.Hour)) {
		t.Errorf("Minimized read back as %v, want %v", got, base.Add(-time.Hour))
	}

	cut := base.Add(-time.Hour)
	jobs, err := lister.Finished(t.Context(), cut, 0)
	if err != nil {
		t.Fatalf("Finished: %v", err)
	}
	diff(t, "jobs finished before the cut, oldest first", []string{"old-done", "old-error"}, ids(jobs))
	if len(jobs) == 2 && jobs[1].Org != "org-b" {
		t.Errorf("old-error came back in organization %q, want org-b", jobs[1].Org)
	}

	jobs, err = lister.Finished(t.Context(), cut, 1)
	if err != nil {
		t.Fatalf("Finished with limit 1: %v", err)
	}
	diff(t, "jobs finished before the cut, limit 1", []string{"old-done"}, ids(jobs))

	// The job comes back whole, so that the caller can update it.
	jobs[0].Request.Name = "changed"
	mustUpdate(t, s, jobs[0])
	if got := mustGet(t, s, "org-a", "old-done").Request.Name; got != "changed" {
		t.Errorf("update of a job returned by Finished did not stick: name %q", got)
	}
}
