package processor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestParkedStep erases through a remote whose erasure takes 10 days:
// the step parks, the request is released (no lease, nothing claimable)
// with its status and due date unchanged, and it completes once the remote
// has, having started exactly one remote erasure.
func TestParkedStep(t *testing.T) {
	t.Parallel()
	var remote *testkit.SlowRemote
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "crm" {
			return a
		}
		remote = &testkit.SlowRemote{Adapter: a, Delay: 10 * 24 * time.Hour}
		return remote
	}, processor.WithWaitPolling(time.Hour, 24*time.Hour))
	remote.Now = e.clock.Now
	ctx := context.Background()
	req := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{"alex.morgan@example.com"}}})
	e.drain(t)

	got, err := e.p.GetRequest(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gdpr.StatusDeleting || !got.DueDate.Equal(req.DueDate.Time) {
		t.Fatalf("parked request: status %s due %v, want DELETING due %v", got.Status, got.DueDate, req.DueDate)
	}
	s := stepOf(t, got, "crm")
	if s.State != processor.StepWaiting || len(s.WaitingOn) != 1 || s.Attempts != 0 {
		t.Fatalf("crm step = %+v, want WAITING on one remote request, no attempt counted", s)
	}
	if want := e.clock.Now().Add(time.Hour); !s.NextLook.Equal(want) {
		t.Errorf("next look at %v, want %v", s.NextLook, want)
	}
	job, err := e.store.Get(ctx, "", req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !job.LeaseUntil.IsZero() || !job.NextRun.Equal(s.NextLook.Time) {
		t.Errorf("parked job: lease until %v, next run %v; want no lease, next run at the step's next look", job.LeaseUntil, job.NextRun)
	}
	if found, err := e.p.RunOnce(ctx); found || err != nil {
		t.Fatalf("RunOnce while parked = %v, %v; want nothing to claim", found, err)
	}

	// Ten days, looked at with backoff (1h, 2h, ... up to a day).
	for range 20 {
		e.clock.Advance(12 * time.Hour)
		e.drain(t)
	}
	got, err = e.p.GetRequest(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("status %s, want COMPLETED; steps %+v", got.Status, got.Steps)
	}
	s = stepOf(t, got, "crm")
	if s.State != gdpr.StepDone || len(s.WaitingOn) != 0 || s.Outcome == nil || s.Outcome.Erased == 0 || s.Records != s.Outcome.Erased {
		t.Errorf("crm step = %+v (outcome %+v), want DONE with the remote's erasures", s, s.Outcome)
	}
	if n := remote.Creates(); n != 1 {
		t.Errorf("%d remote erasures started, want 1", n)
	}
	if n := remote.Looks(); n < 5 || n > 20 {
		t.Errorf("%d looks in 10 days, want a backoff between 1h and 24h", n)
	}
	if v := got.Verification; v == nil || !v.Passed {
		t.Errorf("verification = %+v, want passed", v)
	}
}

func stepOf(t *testing.T, r *gdpr.Request, name string) gdpr.Step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Adapter == name {
			return s
		}
	}
	t.Fatalf("request has no step %s", name)
	return gdpr.Step{}
}

func TestWithWaitPollingRejects(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ min, max time.Duration }{{0, time.Hour}, {time.Hour, time.Minute}, {-1, 0}} {
		if _, err := processor.New(memstore.New(), []adapter.Adapter{loadAdapter(t, "crm")}, processor.WithWaitPolling(c.min, c.max)); err == nil || !strings.Contains(err.Error(), "WithWaitPolling") {
			t.Errorf("WithWaitPolling(%v, %v): err = %v, want it named", c.min, c.max, err)
		}
	}
}
