package apiadapter_test

import (
	"context"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// local is a processor over a local data store "crm" (people 0 to n-1)
// and the adapter a, run by hand on clock.
type local struct {
	p     *processor.Processor
	clock *testclock.Clock
}

func newLocal(t *testing.T, n int, a adapter.Adapter, opts ...processor.Option) *local {
	t.Helper()
	l := &local{clock: testclock.New(time.Now().UTC())}
	p, err := processor.New(memstore.New(), []adapter.Adapter{testkit.Memory(t, "crm", demo.Generated("c", 0, n)), a},
		append([]processor.Option{processor.WithClock(l.clock.Now), processor.WithWaitPolling(time.Minute, time.Hour)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	l.p = p
	return l
}

// settle drains the processor, moving its clock on by an hour at a time
// (and waiting a little real time, for the remote's workers), until
// request id is final.
func (l *local) settle(t *testing.T, id string) *gdpr.Request {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		testkit.Drain(t, l.p)
		r, err := l.p.GetRequest(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		l.clock.Advance(time.Hour)
		time.Sleep(5 * time.Millisecond) // the remote's workers run in real time
	}
	t.Fatalf("request %s never finished", id)
	return nil
}

func step(t *testing.T, r *gdpr.Request, name string) gdpr.Step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Adapter == name {
			return s
		}
	}
	t.Fatalf("request %s has no step %s", r.ID, name)
	return gdpr.Step{}
}

// TestErase erases a person held locally and by the remote: the remote
// gets one GDPR_DELETE, by the subject's external contact id with
// deleteConfirmed, the step counts the subject as erased by the remote,
// and the remote no longer finds the person.
func TestErase(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 5, nil).start(t)
	l := newLocal(t, 5, newAPI(t, rem.client(t)))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(2)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	if got.Status != gdpr.StatusCompleted || !got.Verification.Passed {
		t.Fatalf("status %s, verification %+v, steps %+v", got.Status, got.Verification, got.Steps)
	}
	s := step(t, got, "genesys")
	if s.State != gdpr.StepDone || s.Outcome == nil || s.Outcome.Erased != 1 || s.Outcome.Deleted+s.Outcome.Anonymized != 0 {
		t.Errorf("genesys step %+v, outcome %+v; want DONE with 1 subject erased by the remote and no delete/anonymize guess", s, s.Outcome)
	}
	rs := rem.requests(t)
	if len(rs) != 1 {
		t.Fatalf("remote holds %d requests, want 1", len(rs))
	}
	r := rs[0]
	if r.RequestType != gdpr.RequestDelete || r.Subject.ExternalContactID != "g-contact-2" || r.Subject.Name != "" && len(r.Subject.EmailAddresses) == 0 {
		t.Errorf("remote request %+v, want a GDPR_DELETE of external contact g-contact-2", r)
	}
	if r.Status != gdpr.StatusCompleted {
		t.Errorf("remote request %s", r.Status)
	}
	c := rem.client(t)
	if ss, err := c.SearchSubjects(t.Context(), gdpr.KindEmail, demo.GeneratedEmail(2)); err != nil || len(ss) != 0 {
		t.Errorf("remote search after erasure = %v, %v; want nothing", ss, err)
	}
}

// keepContacts keeps the remote's external contacts.
type keepContacts struct{}

func (keepContacts) Retain(_ context.Context, name string, rec adapter.Record) (string, bool, error) {
	if name == "genesys" && rec.Kind == apiadapter.KindExternalContact {
		return "legal hold", true, nil
	}
	return "", false, nil
}

// TestEraseRetained sends no request for a remote subject the retention
// policy keeps, and reports it retained with its basis.
func TestEraseRetained(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 3, nil).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t)), processor.WithPolicy(keepContacts{}))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	s := step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Outcome == nil || s.Outcome.Erased != 0 || s.Outcome.RetainedCount() != 1 || s.Outcome.Retained[0].Basis != "legal hold" {
		t.Fatalf("status %s, genesys step %+v (outcome %+v); want the subject retained under legal hold", got.Status, s, s.Outcome)
	}
	if n := len(rem.requests(t)); n != 0 {
		t.Errorf("remote holds %d requests, want none", n)
	}
}

// TestParked parks the remote step (no inline wait), then completes it
// from the remote request ids recorded on the step.
func TestParked(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 3, nil) // its workers start once the step parked
	l := newLocal(t, 3, newAPI(t, rem.client(t), apiadapter.WithInlineWait(0)))
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(0)}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Drain(t, l.p)
	got, err := l.p.GetRequest(t.Context(), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := step(t, got, "genesys")
	rs := rem.requests(t)
	if s.State != processor.StepWaiting || len(rs) != 1 || len(s.WaitingOn) != 1 || s.WaitingOn[0] != rs[0].ID {
		t.Fatalf("genesys step %+v; want WAITING on the remote's one request %v", s, rs)
	}
	rem.start(t)
	got = l.settle(t, req.ID)
	s = step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Outcome.Erased != 1 {
		t.Fatalf("status %s, genesys step %+v (outcome %+v)", got.Status, s, s.Outcome)
	}
	if n := len(rem.requests(t)); n != 1 {
		t.Errorf("remote holds %d requests, want 1", n)
	}
}

// TestRectify sends one GDPR_UPDATE per remote subject, with the
// replacement terms.
func TestRectify(t *testing.T) {
	t.Parallel()
	rem := newRemote(t, 3, nil).start(t)
	l := newLocal(t, 3, newAPI(t, rem.client(t)))
	const newEmail = "someone.new@example.com"
	req, err := l.p.CreateRequest(t.Context(), gdpr.RequestSpec{Type: gdpr.RequestUpdate,
		Subject:          gdpr.Subject{EmailAddresses: []string{demo.GeneratedEmail(1)}},
		ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: demo.GeneratedEmail(1), UpdatedValue: newEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	got := l.settle(t, req.ID)
	s := step(t, got, "genesys")
	if got.Status != gdpr.StatusCompleted || s.Outcome == nil || s.Outcome.Updated != 1 {
		t.Fatalf("status %s, genesys step %+v", got.Status, s)
	}
	ss, err := rem.client(t).SearchSubjects(t.Context(), gdpr.KindEmail, newEmail)
	if err != nil || len(ss) != 1 || ss[0].ExternalContactID != "g-contact-1" {
		t.Errorf("remote search of the new email = %+v, %v; want g-contact-1", ss, err)
	}
}
